"""Tables in JSON, JSON Lines, Excel (xlsx) and Parquet, as the CSV the reader takes: reads a resource's
file, writes nothing.

Each format is read as frictionless reads it: JSON as an array of rows (the first, the header)
or of objects (their values by the schema's field names), JSON Lines likewise one row a line,
the first sheet of a workbook (or the one ``dialect.sheet``, ``sheetName`` or ``sheetNumber``
names) with openpyxl, and Parquet with pyarrow. Rows keep frictionless' numbers: the header
is row 1, as in a CSV file.

A text cell is read as the CSV reader reads text. A native cell (a JSON number or boolean,
an Excel date, a Parquet integer) is read by frictionless' own reader for its field, and
written as the text frictionless writes of that value, which the reader reads back to the
same value; a native cell frictionless refuses (a JSON number in a string field) is returned
among the refused cells, which ``read`` holds as type errors, as frictionless reports them.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path, PurePosixPath

from pubkit.base import errors
from pubkit.base.findings import CheckFailed
from pubkit.standard import fieldtypes
from pubkit.standard.descriptor import Table
from pubkit.standard.files import table_bytes, uncompressed_name
from pubkit.standard.resources import cell_text

KINDS = {"json": "json", "jsonl": "jsonl", "ndjson": "jsonl", "xlsx": "xlsx", "parquet": "parquet"}
MEDIATYPES = {
    "application/json": "json",
    "application/jsonl": "jsonl",
    "application/x-ndjson": "jsonl",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.apache.parquet": "parquet",
}


def kind(table: Table) -> str | None:
    """The table's format where it is one of these (declared, else by the file's suffix); None for CSV."""
    if table.inline is not None or table.parts or not isinstance(table.resource.get("path"), str):
        return None
    declared = table.resource.get("format")
    if declared is None and table.resource.get("mediatype") is not None:
        return MEDIATYPES.get(str(table.resource["mediatype"]).lower())
    if declared is None:
        declared = PurePosixPath(uncompressed_name(table.resource["path"])).suffix.lstrip(".")
    return KINDS.get(str(declared).lower())


def as_csv(root: Path, table: Table) -> tuple[bytes, frozenset]:
    """The table as CSV bytes (header first), and the (record, field) of each native cell frictionless refuses."""
    rows = _rows(root, table)
    out, refused = io.StringIO(newline=""), set()
    writer = csv.writer(out, lineterminator="\n")
    readers = [_Cell(field, table) for field in table.fields]
    for number, row in enumerate(rows, start=1):
        cells = []
        for position, value in enumerate(row):
            if number == 1 or not _native(value) or position >= len(readers):
                cells.append(_plain(value, table, readers[position] if position < len(readers) else None))
                continue
            text = readers[position].text(value)
            if text is None:
                refused.add((number, readers[position].name))
                text = cell_text(value)
            cells.append(text)
        writer.writerow(cells)
    return out.getvalue().encode("utf-8"), frozenset(refused)


def _native(value) -> bool:
    return value is not None and not isinstance(value, str)


def _plain(value, table: Table, reader) -> str:
    """A text cell as written; an empty one (null) as the field's first missing value."""
    if value is None:
        missing = table.missing_values(reader.field) if reader is not None else [""]
        return missing[0] if missing else ""
    return value if isinstance(value, str) else cell_text(value)


class _Cell:
    """frictionless' reader and writer of one field: a native value -> the text of the value it reads, or None."""

    def __init__(self, field: dict, table: Table):
        import frictionless

        self.field, self.name = field, field["name"]
        described = frictionless.Field.from_descriptor(fieldtypes.reading_part(field))
        self._read, self._write = described.create_value_reader(), described.create_value_writer()

    def text(self, value) -> str | None:
        try:
            read = self._read(value)
        except (ValueError, TypeError, ArithmeticError):
            return None
        if read is None:
            return None
        return self._write(read)


def _rows(root: Path, table: Table) -> list[list]:
    """The rows, the header first, as Python values."""
    reading = {"json": _json_rows, "jsonl": _json_lines_rows, "xlsx": _xlsx_rows, "parquet": _parquet_rows}
    try:
        return reading[kind(table) or ""](root, table)
    except CheckFailed:
        raise
    except Exception as err:  # a malformed file: one finding, as frictionless reports a format-error
        detail = f"cannot be read as {kind(table)}: {type(err).__name__}: {str(err)[:200]}"
        raise CheckFailed([errors.FORMAT.at(table.path, detail=detail)]) from None


def _keyed(records: list, table: Table) -> list[list]:
    """Rows of values, or objects keyed by field name (frictionless takes the schema's names as the header)."""
    if records and all(isinstance(r, dict) for r in records):
        names = table.field_names
        return [names, *[[r.get(n) for n in names] for r in records]]
    if not all(isinstance(r, list) for r in records):
        raise ValueError("each row must be an array of cells, or an object of cells by field name")
    return records


def _text(root: Path, table: Table) -> str:
    encoding = str(table.resource.get("encoding", "utf-8"))
    return table_bytes(root, table.path, table.resource).decode(encoding).removeprefix("\ufeff")


def _json_rows(root: Path, table: Table) -> list[list]:
    data = json.loads(_text(root, table))
    if not isinstance(data, list):
        raise ValueError("the file must hold an array of rows")
    return _keyed(data, table)


def _json_lines_rows(root: Path, table: Table) -> list[list]:
    return _keyed([json.loads(line) for line in _text(root, table).splitlines() if line.strip()], table)


def _xlsx_rows(root: Path, table: Table) -> list[list]:
    import openpyxl

    data = table_bytes(root, table.path, table.resource)
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = _sheet(workbook, table.resource.get("dialect"))
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return rows


def _sheet(workbook, dialect):
    """The sheet the dialect names (``sheet``: a name or a number from 1; v2 ``sheetName``, ``sheetNumber``)."""
    dialect = dialect if isinstance(dialect, dict) else {}
    chosen = dialect.get("sheetName", dialect.get("sheetNumber", dialect.get("sheet", 1)))
    if isinstance(chosen, int) and not isinstance(chosen, bool) and 1 <= chosen <= len(workbook.sheetnames):
        return workbook[workbook.sheetnames[chosen - 1]]
    if isinstance(chosen, str) and chosen in workbook.sheetnames:
        return workbook[chosen]
    raise ValueError(f"the workbook has no sheet {json.dumps(chosen)}; it has {', '.join(workbook.sheetnames)}")


def _parquet_rows(root: Path, table: Table) -> list[list]:
    import pyarrow.parquet as pq

    data = pq.read_table(io.BytesIO(table_bytes(root, table.path, table.resource)))
    return [data.column_names, *[list(row.values()) for row in data.to_pylist()]]
