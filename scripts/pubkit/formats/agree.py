"""The formats of a release agree: reads each table back from CSV, Parquet, Excel and SQLite, writes nothing.

Each cell is compared, types respected, after each format's value is brought to one
comparable Python value (``normalise``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pubkit.base import errors
from pubkit.base.findings import CheckFailed, Finding
from pubkit.formats import export, sqlite
from pubkit.standard import descriptor, fieldtypes, read, workbookcells


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
    database = _database(folder / release.database_file)
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
        stored = _stored_rows(database, table) if database is not None else None
        if database is not None and stored is None:
            detail = "the SQLite database lacks the table, or its columns differ from the CSV's"
            findings.append(_finding(f"{shown}/{release.database_file}", None, table.name, detail))
        for i, field in enumerate(table.fields):
            cells = [row[i] if i < len(row) else None for row in excel[1:]]
            findings += _column(shown, release.release_name, table, field, typed, parquet, cells, written, fast)
            if stored is not None:
                column = [row[i] for row in stored]
                findings += _sqlite_column(shown, release.database_file, table, field, typed, column, written, fast)
    if database is not None:
        database.close()
    return findings


def _database(path: Path):
    """The release's SQLite database, opened read-only; None for a release made before releases held one
    (a database removed from a release that listed it is a checksum finding already)."""
    import sqlite3

    if not path.is_file() or path.is_symlink():
        return None
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _stored_rows(database, table) -> list[tuple] | None:
    """A table's rows as SQLite holds them, in the order written; None where the table or its columns differ."""
    import sqlite3

    name = '"' + table.name.replace('"', '""') + '"'
    try:
        cursor = database.execute(f"SELECT * FROM {name} ORDER BY rowid")
        if [d[0] for d in cursor.description] != table.field_names:
            return None
        return cursor.fetchall()
    except sqlite3.Error:
        return None


def _sqlite_column(shown, database_file, table, field, typed, column: list, written, fast: bool) -> list[Finding]:
    """One column of the database: as written (one comparison), or cell by cell as the reference."""
    if fast and column == written.sqlite(field):
        return []
    name, kind = field["name"], field.get("type", "string")
    want = [_normalised(kind, v) for v in workbookcells.python_values(typed[name])]
    got = [_normalised(kind, v) for v in column]
    return _differences(f"{shown}/{database_file}", typed.index, name, want, got)


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
        kind = field.get("type", "string")
        return export.excel_column(self.typed[field["name"]], self.text()[field["name"]], kind)

    def sqlite(self, field: dict) -> list:
        kind = field.get("type", "string")
        return sqlite.sqlite_column(self.typed[field["name"]], self.text()[field["name"]], kind)

    def text(self) -> pd.DataFrame:
        if self._text is None:
            raw_text = pd.DataFrame({n: self.raw.text(n) for n in self.raw.table.field_names}, index=self.raw.index)
            self._text = export.text_frame(self.table, self.typed, raw_text)
        return self._text


def _column(shown, release_name, table, field, typed, parquet, cells, written: Written, fast: bool) -> list[Finding]:
    """One column: equal as written (one comparison in C), or compared cell by cell, each format's value
    brought to one comparable value (``normalise``), which names every cell that differs."""
    name, kind = field["name"], field.get("type", "string")
    findings = []
    parquet_path, excel_path = f"{shown}/parquet/{table.name}.parquet", f"{shown}/{release_name}.xlsx"
    want = None
    if not (fast and parquet[name].equals(written.arrow(name))):
        want = [_normalised(kind, v) for v in workbookcells.python_values(typed[name])]
        got = [_normalised(kind, v) for v in parquet[name].to_pylist()]
        findings += _differences(parquet_path, typed.index, name, want, got)
    if not (fast and cells == written.excel(field)):
        want = want or [_normalised(kind, v) for v in workbookcells.python_values(typed[name])]
        got = [excel_precision(_normalised(kind, v)) for v in cells]
        findings += _differences(excel_path, typed.index, name, [excel_precision(v) for v in want], got)
    return findings


def _normalised(kind: str, value):
    """``fieldtypes.normalise``; a value that is none of the field's type (a damaged file) stays itself."""
    try:
        return fieldtypes.normalise(kind, value)
    except (ValueError, TypeError, AttributeError, ArithmeticError, OverflowError):  # a number as a date
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
