"""The formats of a release agree: reads each table back from CSV, Parquet and Excel, writes nothing.

Each cell is compared, types respected, after each format's value is brought to one
comparable Python value (``normalise``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pubkit import descriptor, errors, export, fieldtypes, read
from pubkit.findings import CheckFailed, Finding


def _finding(path: str, line: int | None, field: str | None, detail: str) -> Finding:
    return errors.FORMATS_AGREE.at(path, line, field, detail=detail)


def agree(folder: Path, shown: str, fast: bool = True) -> list[Finding]:
    """Read each table back from CSV, Parquet and Excel and compare every cell, types respected.

    ``fast``: a column equal to what the build writes of the CSV's values needs no comparison cell by
    cell; ``fast=False`` is the reference, which compares every cell (the tests hold the two equal)."""
    import pyarrow.parquet as pq

    try:
        release = descriptor.load(folder)
    except CheckFailed as failed:
        return failed.findings
    workbook = _workbook(folder / f"{release.release_name}.xlsx")
    findings = []
    raws = {table.name: read.raw_table(release, table) for table in release.tables}
    frames = {name: read.frame(raw) for name, raw in raws.items()}
    names = export.sheet_names([(name, len(typed)) for name, typed in frames.items()])
    for table in release.tables:
        typed = frames[table.name]
        parquet = pq.read_table(folder / "parquet" / f"{table.name}.parquet")
        excel = _sheet_rows(workbook, names[table.name])
        if list(excel[0]) != table.field_names or parquet.schema.names != table.field_names:
            detail = "the columns differ between CSV, Parquet and Excel"
            findings.append(_finding(f"{shown}/{release.release_name}.xlsx", None, table.name, detail))
            continue
        written = Written(table, typed, raws[table.name])
        for i, field in enumerate(table.fields):
            cells = [row[i] if i < len(row) else None for row in excel[1:]]
            findings += _column(shown, release.release_name, table, field, typed, parquet, cells, written, fast)
    return findings


class Written:
    """What the build writes of a table read back from the release CSV: its Arrow columns and its
    workbook cells, made on demand, for the fast comparisons."""

    def __init__(self, table, typed, raw):
        self.table, self.typed, self.raw = table, typed, raw
        self._arrow = self._text = None

    def arrow(self, name: str):
        if self._arrow is None:
            self._arrow = export.arrow_table(self.table, self.typed, {})
        return self._arrow.column(name)

    def excel(self, field: dict) -> list:
        if self._text is None:
            raw_text = pd.DataFrame({n: self.raw.text(n) for n in self.raw.header}, index=self.raw.index)
            self._text = export.text_frame(self.table, self.typed, raw_text)
        kind = field.get("type", "string")
        return export.excel_column(self.typed[field["name"]], self._text[field["name"]], kind)


def _column(shown, release_name, table, field, typed, parquet, cells, written: Written, fast: bool) -> list[Finding]:
    """One column: equal as written (one comparison in C), or compared cell by cell, each format's value
    brought to one comparable value (``normalise``), which names every cell that differs."""
    name, kind = field["name"], field.get("type", "string")
    findings = []
    parquet_path, excel_path = f"{shown}/parquet/{table.name}.parquet", f"{shown}/{release_name}.xlsx"
    want = None
    if not (fast and parquet[name].equals(written.arrow(name))):
        want = [_normalised(kind, v) for v in typed[name]]
        got = [_normalised(kind, v) for v in parquet[name].to_pylist()]
        findings += _differences(parquet_path, typed.index, name, want, got)
    if not (fast and cells == written.excel(field)):
        want = want or [_normalised(kind, v) for v in typed[name]]
        got = [excel_precision(_normalised(kind, v)) for v in cells]
        findings += _differences(excel_path, typed.index, name, [excel_precision(v) for v in want], got)
    return findings


def _normalised(kind: str, value):
    """``fieldtypes.normalise``; a value that is none of the field's type (a damaged file) stays itself."""
    try:
        return fieldtypes.normalise(kind, value)
    except (ValueError, TypeError, ArithmeticError, OverflowError):
        return value


EXCEL_DIGITS = 16  # significant digits openpyxl writes of a number (Excel shows 15 of them)


def excel_precision(value):
    """A number as the workbook holds it: 16 significant digits (the CSV and Parquet keep every digit)."""
    return float(f"{value:.{EXCEL_DIGITS}g}") if isinstance(value, float) else value


def _workbook(path: Path):
    """The workbook, read by calamine (Rust): a reader independent of openpyxl, which wrote it."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path))


def _sheet_rows(workbook, names: list[str]) -> list[list]:
    """A table's rows across its sheets; calamine reads an empty cell as ``""``, which is ``None`` here
    (a release's text fields count the empty string as missing)."""
    rows = []
    for n, name in enumerate(names):
        sheet_rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        rows += [[None if v == "" else v for v in row] for row in (sheet_rows if n == 0 else sheet_rows[1:])]
    return rows


def _differences(path: str, lines, name: str, want: list, got: list) -> list[Finding]:
    if len(want) != len(got):
        return [_finding(path, None, name, f"has {len(got)} rows, but the CSV has {len(want)}")]
    return [
        _finding(path, line, name, f"{g!r} here, but {w!r} in the CSV")
        for line, w, g in zip(lines, want, got)
        if w != g
    ]
