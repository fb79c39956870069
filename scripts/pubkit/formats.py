"""The formats of a release agree: reads each table back from CSV, Parquet and Excel, writes nothing.

Each cell is compared, types respected, after each format's value is brought to one
comparable Python value (``normalise``).
"""

from __future__ import annotations

from pathlib import Path

from pubkit import descriptor, errors, export, fieldtypes, read
from pubkit.findings import CheckFailed, Finding


def _finding(path: str, line: int | None, field: str | None, detail: str) -> Finding:
    return errors.FORMATS_AGREE.at(path, line, field, detail=detail)


def agree(folder: Path, shown: str) -> list[Finding]:
    """Read each table back from CSV, Parquet and Excel and compare every cell, types respected."""
    import pyarrow.parquet as pq

    try:
        release = descriptor.load(folder)
    except CheckFailed as failed:
        return failed.findings
    workbook = _workbook(folder / f"{release.release_name}.xlsx")
    findings = []
    frames = {table.name: read.frame(read.raw_table(release, table)) for table in release.tables}
    names = export.sheet_names([(name, len(typed)) for name, typed in frames.items()])
    for table in release.tables:
        typed = frames[table.name]
        kinds = {f["name"]: f.get("type", "string") for f in table.fields}
        parquet = pq.read_table(folder / "parquet" / f"{table.name}.parquet")
        excel = _sheet_rows(workbook, names[table.name])
        if list(excel[0]) != table.field_names or parquet.schema.names != table.field_names:
            findings.append(
                _finding(
                    f"{shown}/{release.release_name}.xlsx",
                    None,
                    table.name,
                    "the columns differ between CSV, Parquet and Excel",
                )
            )
            continue
        for i, name in enumerate(table.field_names):
            want = [fieldtypes.normalise(kinds[name], v) for v in typed[name]]
            got = [fieldtypes.normalise(kinds[name], v) for v in parquet[name].to_pylist()]
            findings += _differences(f"{shown}/parquet/{table.name}.parquet", typed.index, name, want, got)
            cells = [row[i] if i < len(row) else None for row in excel[1:]]
            got = [excel_precision(fieldtypes.normalise(kinds[name], v)) for v in cells]
            want = [excel_precision(v) for v in want]
            findings += _differences(f"{shown}/{release.release_name}.xlsx", typed.index, name, want, got)
    return findings


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
