"""Read a source CSV: strict UTF-8, every record with the line a person sees in an editor.

Returns the raw text cells (nothing is coerced here) and a typed pandas frame
whose index is the editor line of each row, so that any later check can name it.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from pubkit.descriptor import DataPackage, Table
from pubkit.findings import CheckFailed, Finding

BOM = "\ufeff"


@dataclass(frozen=True, eq=False)
class RawTable:
    table: Table
    header: list[str]
    rows: list[list[str]]  # non-blank data records, as text
    lines: list[int]  # the editor line where each of ``rows`` starts
    record_lines: list[int]  # the editor line of every CSV record, blank ones included
    header_line: int = 1
    blank_lines: tuple[int, ...] = ()  # records after the header with no value in any cell
    widths: tuple[int, ...] = ()  # the number of cells in each of ``rows``

    @cached_property
    def position(self) -> dict[int, int]:
        return {line: i for i, line in enumerate(self.lines)}

    def line_of_record(self, number: int) -> int:
        """Editor line of the ``number``-th CSV record (1 is the header), as frictionless counts rows."""
        return self.record_lines[number - 1] if 0 < number <= len(self.record_lines) else number

    @property
    def header_ok(self) -> bool:
        return self.header == self.table.field_names

    def cell(self, line: int, field: str) -> str:
        row = self.rows[self.position[line]]
        i = self.header.index(field)
        return row[i] if i < len(row) else ""


def run(pkg: DataPackage, table: Table) -> RawTable:
    """Read ``table`` from disk; raise ``CheckFailed`` if its bytes are not clean UTF-8 text."""
    data = (pkg.root / table.path).read_bytes()
    text = decode(data, table.path)
    records, lines, record_lines, blank_lines = [], [], [], []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last_line = 0
    try:
        for record in reader:
            record_lines.append(last_line + 1)
            if record and any(record):
                records.append(record)
                lines.append(last_line + 1)
            elif records:
                blank_lines.append(last_line + 1)
            last_line = reader.line_num
    except csv.Error as err:
        raise CheckFailed([Finding(table.path, last_line + 1, None, f"the CSV cannot be parsed: {err}", "csv")]) from None
    if not records:
        raise CheckFailed([Finding(table.path, 1, None, "the file is empty: it needs a header row", "header")])
    return RawTable(table, records[0], records[1:], lines[1:], record_lines, lines[0], tuple(blank_lines),
                    tuple(len(r) for r in records[1:]))


def decode(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        message = (f"is not UTF-8: byte 0x{data[err.start]:02x} at byte column {column} cannot be decoded; "
                   "save the file as UTF-8 (a GBK or GB18030 export needs converting)")
        raise CheckFailed([Finding(path, line, None, message, "encoding")]) from None
    if text.startswith(BOM):
        message = "starts with a byte-order mark (UTF-8 with BOM); save it as UTF-8 without BOM"
        raise CheckFailed([Finding(path, 1, None, message, "encoding")])
    return text


def frame(raw: RawTable) -> pd.DataFrame:
    """The rows as a typed frame indexed by editor line; a cell that fails its type becomes NA."""
    width = len(raw.header)
    cells = [(row + [""] * width)[:width] for row in raw.rows]
    text = pd.DataFrame(cells, columns=raw.header, index=pd.Index(raw.lines, name="line"), dtype=object)
    missing = raw.table.schema.get("missingValues", [""])
    typed = pd.DataFrame({
        f["name"]: cast(text[f["name"]], f, missing) for f in raw.table.fields
    }, index=text.index)
    bad = (typed.isna() & ~text.isin(missing)).any(axis=1)
    # Rules skip these rows: their type errors are reported, and would only echo.
    typed.attrs["rows_with_bad_cells"] = set(bad[bad].index)
    return typed


def cast(text: pd.Series, field: dict, missing: list[str]) -> pd.Series:
    """Cast a column of text cells to the pandas dtype of its Table Schema type."""
    cells = text.astype(object).where(~text.isin(missing))
    kind = field.get("type", "string")
    if kind == "string":
        return cells.astype("string")
    if kind == "number":
        ok = cells.str.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", na=False)
        return pd.to_numeric(cells.where(ok), errors="coerce").astype("float64")
    if kind == "integer":
        ok = cells.str.fullmatch(r"[+-]?[0-9]+", na=False)
        return pd.to_numeric(cells.where(ok), errors="coerce").astype("Int64")
    if kind == "boolean":
        true = field.get("trueValues", ["true", "True", "TRUE", "1"])
        false = field.get("falseValues", ["false", "False", "FALSE", "0"])
        return cells.map(lambda c: True if c in true else False if c in false else pd.NA).astype("boolean")
    if kind == "date":
        return pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")
    if kind == "datetime":
        parsed = pd.to_datetime(cells, format="ISO8601", errors="coerce", utc=True)
        return parsed.astype("datetime64[us, UTC]")
    raise ValueError(f"unsupported field type {kind!r}")  # descriptor.run() refuses these first
