"""The formats of a release agree: reads each table back from CSV, Parquet, Excel and SQLite, writes nothing.

Each cell is compared, types respected, after each format's value is brought to one
comparable Python value (``normalise``).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd

from pubkit.base import errors
from pubkit.base.findings import CheckFailed, Finding
from pubkit.formats import export, sqlite
from pubkit.standard import descriptor, fieldtypes, read, readparts, workbookcells
from pubkit.standard.bulkcsv import NotPlain


def _finding(path: str, line: int | None, field: str | None, detail: str) -> Finding:
    return errors.FORMATS_AGREE.at(path, line, field, detail=detail)


def agree(folder: Path, shown: str, fast: bool = True) -> list[Finding]:
    """Read each table back from CSV, Parquet and Excel and compare every cell, types respected.

    ``fast``: a column equal to what the build writes of the CSV's values needs no comparison cell by
    cell; ``fast=False`` is the reference, which compares every cell (the tests hold the two equal).
    One table is typed at a time, and the workbook's and the database's rows are compared
    ``BATCH_ROWS`` at a time: no table is held whole as Python values."""
    try:
        release = descriptor.load(folder)
    except CheckFailed as failed:
        return failed.findings
    try:
        workbook = _workbook(folder / f"{release.release_name}.xlsx")
    except (OSError, _calamine_error()) as err:
        return [_finding(f"{shown}/{release.release_name}.xlsx", None, None, f"calamine cannot read it: {err}")]
    database = _database(folder / release.database_file)
    findings = []
    names = export.sheet_names([(table.name, _parquet_rows(release, table)) for table in release.tables])
    for table in release.tables:  # one table at a time, a part at a time where its CSV is plain
        try:
            findings += _table(shown, release, table, (workbook, names[table.name]), database, fast)
        except _calamine_error() as err:  # a sheet missing or damaged in a release whose checksums were forged
            detail = f"calamine cannot read the sheets of {table.name}: {err}"
            findings.append(_finding(f"{shown}/{release.release_name}.xlsx", None, None, detail))
    if database is not None:
        database.close()
    return findings


BATCH_ROWS = 65_536  # rows of every format compared at a time


def _parquet_rows(release, table) -> int:
    """A table's rows, as its Parquet file's footer counts them: what names its sheets (a table past a
    sheet's rows spans several); a count that differs from the CSV's is a finding of its own."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(release.root / "parquet" / f"{table.name}.parquet").metadata.num_rows


def _table(shown, release, table, book, database, fast: bool) -> list[Finding]:
    """One table's findings, its CSV read a part at a time (``readparts``) where it is plain, else whole."""
    made = readparts.plan(release, table)
    if made is not None:
        try:
            return _compared(shown, release, table, readparts.parts(made, table), book, database, fast)
        except NotPlain:  # pyarrow refused a part: the whole read says what the file holds
            pass
    return _compared(shown, release, table, [read.raw_table(release, table)], book, database, fast)


def _compared(shown, release, table, raws, book, database, fast: bool) -> list[Finding]:
    """One table's findings: by field, the Parquet's, then the workbook's, then the database's, in row
    order; each part of the CSV (``raws``) typed and compared with the same rows of every format in turn."""
    import pyarrow.parquet as pq

    excel_path, database_path = f"{shown}/{release.release_name}.xlsx", f"{shown}/{release.database_file}"
    differ = [_finding(excel_path, None, table.name, "the columns differ between CSV, Parquet and Excel")]
    parquet = _ParquetRows(pq.ParquetFile(release.root / "parquet" / f"{table.name}.parquet"))
    sheets = _Sheets(*book)
    if parquet.names != table.field_names or sheets.header != table.field_names:
        return differ
    stored, missing = _Stored(database, table) if database is not None else None, []
    if stored is not None and stored.count is None:
        detail = "the SQLite database lacks the table, or its columns differ from the CSV's"
        missing, stored = [_finding(database_path, None, table.name, detail)], None
    formats = [
        (0, f"{shown}/parquet/{table.name}.parquet", parquet, _parquet_cells),
        (1, excel_path, sheets, _excel_cells),
    ]
    formats += [(2, database_path, stored, _sqlite_cells)] if stored is not None else []
    found: dict[tuple[int, int], list[Finding]] = {}
    expected = 0
    for written in _batches(table, raws):
        expected += len(written.typed)
        for slot, path, rows, compare in formats:
            part = rows.take(len(written.typed))
            for i, field in enumerate(table.fields):
                cells = part if slot == 0 else [row[i] if i < len(row) else None for row in part]
                if len(part) == len(written.typed):  # a format short of rows is its count's finding alone
                    found.setdefault((slot, i), []).extend(compare(path, field, written, cells, fast))
    for slot, path, rows, _ in formats:
        counted = rows.counted()
        if counted != expected:
            detail = f"has {counted} rows, but the CSV has {expected}"
            found.update({(slot, i): [_finding(path, None, f["name"], detail)] for i, f in enumerate(table.fields)})
    ordered = [f for i in range(len(table.fields)) for slot in (0, 1, 2) for f in found.get((slot, i), [])]
    return missing + ordered


def _batches(table, raws):
    """Each part of the CSV typed, ``BATCH_ROWS`` rows at a time: as many as any format's rows held at once."""
    for raw in raws:
        whole = Written(table, read.frame(raw), raw)
        for start in range(0, len(whole.typed), BATCH_ROWS):
            yield whole.part(start, start + BATCH_ROWS) if len(whole.typed) > BATCH_ROWS else whole


class _ParquetRows:
    """A table's rows as its Parquet file holds them, ``BATCH_ROWS`` read at a time, taken as asked."""

    def __init__(self, file):
        self.names, self.total = file.schema_arrow.names, file.metadata.num_rows
        self.batches, self.held = file.iter_batches(batch_size=BATCH_ROWS), None

    def take(self, count: int):
        """The next ``count`` rows (fewer at the end) as an Arrow table."""
        import pyarrow

        got, size = [], 0
        while size < count:
            batch = self.held if self.held is not None else next(self.batches, None)
            if batch is None:
                break
            got.append(batch.slice(0, count - size))
            size += len(got[-1])
            self.held = batch.slice(len(got[-1])) if len(got[-1]) < len(batch) else None
        return pyarrow.Table.from_batches(got) if got else []

    def counted(self) -> int:
        return self.total


class _Sheets:
    """A table's rows across its sheets (``export.sheet_names``), streamed a row at a time from A1
    (python-calamine-plus; no sheet is held whole): the first sheet's header, then the rows below each
    sheet's header, taken as asked. calamine reads an empty cell as ``""``, which is ``None`` here (a
    release's text fields count the empty string as missing)."""

    def __init__(self, workbook, names: list[str]):
        self.workbook, self.names, self.taken = workbook, names, 0
        self.rows = self._streamed()
        self.header = [None if v == "" else v for v in next(self.rows, [])]

    def _streamed(self):
        for number, name in enumerate(self.names):
            for n, row in enumerate(self.workbook.stream_sheet_by_name(name)):
                if n or not number:  # each later sheet repeats the header
                    yield row

    def take(self, count: int) -> list[list]:
        """The next ``count`` rows (fewer at the end)."""
        rows = [[None if v == "" else v for v in row] for row in itertools.islice(self.rows, count)]
        self.taken += len(rows)
        return rows

    def counted(self) -> int:
        """Every row: those taken, and the rest, read on only to count them."""
        return self.taken + sum(1 for _ in self.rows)


class _Stored:
    """A table's rows as SQLite holds them, in the order written; ``count`` is None where the table or its
    columns differ."""

    def __init__(self, database, table):
        import sqlite3

        self.cursor, self.count = None, None
        name = '"' + table.name.replace('"', '""') + '"'
        try:
            self.cursor = database.execute(f"SELECT * FROM {name} ORDER BY rowid")
            if [d[0] for d in self.cursor.description] == table.field_names:
                self.count = database.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        except sqlite3.Error:
            self.count = None

    def take(self, count: int) -> list[tuple]:
        return self.cursor.fetchmany(count) if count else []

    def counted(self) -> int:
        return self.count


def _database(path: Path):
    """The release's SQLite database, opened read-only; None for a release made before releases held one
    (a database removed from a release that listed it is a checksum finding already)."""
    import sqlite3

    if not path.is_file() or path.is_symlink():
        return None
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


class Written:
    """What the build writes of (a part of) a table read back from the release CSV: its Arrow columns and
    its workbook and database cells, made on demand, for the fast comparisons."""

    def __init__(self, table, typed, raw, text: pd.DataFrame | None = None):
        self.table, self.typed, self.raw = table, typed, raw
        self._arrow, self._text = None, text

    def part(self, start: int, stop: int) -> Written:
        return Written(self.table, self.typed.iloc[start:stop], self.raw, self.text().iloc[start:stop])

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


def _parquet_cells(path: str, field: dict, part: Written, rows, fast: bool) -> list[Finding]:
    """Rows of one Parquet column: equal as written (one comparison in C), or compared cell by cell, each
    format's value brought to one comparable value (``normalise``), which names every cell that differs."""
    name, kind = field["name"], field.get("type", "string")
    if fast and rows[name].equals(part.arrow(name)):
        return []
    want = [_normalised(kind, v) for v in workbookcells.python_values(part.typed[name])]
    got = [_normalised(kind, v) for v in rows[name].to_pylist()]
    return _differences(path, part.typed.index, name, want, got)


def _excel_cells(path: str, field: dict, part: Written, cells: list, fast: bool) -> list[Finding]:
    """A batch of one workbook column: as written, or cell by cell, at the workbook's precision."""
    if fast and cells == part.excel(field):
        return []
    name, kind = field["name"], field.get("type", "string")
    want = [excel_precision(_normalised(kind, v)) for v in workbookcells.python_values(part.typed[name])]
    got = [excel_precision(_normalised(kind, v)) for v in cells]
    return _differences(path, part.typed.index, name, want, got)


def _sqlite_cells(path: str, field: dict, part: Written, cells: list, fast: bool) -> list[Finding]:
    """A batch of one database column: as written, or cell by cell."""
    if fast and cells == part.sqlite(field):
        return []
    name, kind = field["name"], field.get("type", "string")
    want = [_normalised(kind, v) for v in workbookcells.python_values(part.typed[name])]
    got = [_normalised(kind, v) for v in cells]
    return _differences(path, part.typed.index, name, want, got)


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
    """The workbook, read by calamine (Rust): a reader independent of xlsxwriter, which wrote it."""
    from python_calamine_plus import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path))


def _calamine_error() -> type[Exception]:
    """What calamine raises of a workbook or sheet it cannot read (named only once something is raised, so
    that an error of another file, a Parquet one, is never blamed on the workbook)."""
    from python_calamine_plus import CalamineError

    return CalamineError


def _differences(path: str, lines, name: str, want: list, got: list) -> list[Finding]:
    if len(want) != len(got):
        return [_finding(path, None, name, f"has {len(got)} rows, but the CSV has {len(want)}")]
    return [
        _finding(path, line, name, f"{g!r} here, but {w!r} in the CSV")
        for line, w, g in zip(lines, want, got)
        if w != g
    ]
