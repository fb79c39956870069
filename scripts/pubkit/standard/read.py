"""Read a source CSV: strict UTF-8, every record with the line a person sees in an editor.

Returns the raw text cells as Arrow columns (nothing is coerced here), and a typed
pandas frame whose index is the editor line of each row, so that any later check
can name it.

Two readers give the same ``RawTable``. pyarrow's parses a *plain* file (valid
RFC 4180 quoting, no lone CR, no NUL; see ``csvscan.bulk_readable``) in bulk, where it is bound
to read exactly what Python's strict csv module reads. Anything else goes record by
record through the csv module, whose errors name the line.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from pubkit.base import errors
from pubkit.base.findings import CheckFailed
from pubkit.standard import arrowcast, csvscan, fieldtypes, labels, sourcebytes, tabular
from pubkit.standard.bulkcsv import NotPlain, blank_records, bulk_numbers, bulk_records, rows_at
from pubkit.standard.csvscan import BOM
from pubkit.standard.descriptor import DataPackage, Table
from pubkit.standard.files import table_bytes
from pubkit.standard.resources import inline_csv

HEADER_SAMPLE = 100  # records in which frictionless looks for the header row


@dataclasses.dataclass(frozen=True, eq=False)
class RawTable:
    table: Table
    header: list[str]
    columns: list[pyarrow.ChunkedArray]  # one text column per header label; short rows padded with ""
    lines: np.ndarray  # the editor line where each non-blank data row starts
    record_lines: np.ndarray  # the editor line of every CSV record, blank ones included
    header_line: int
    blank_lines: tuple[int, ...]  # records after the header with no value in any cell
    widths: np.ndarray  # the number of cells in each row
    reader: str  # which reader parsed the file: "bulk" (pyarrow) or "csv"
    part_starts: tuple = ()  # a multipart resource: (first line in the whole, part's path, line shift) per part
    invalid: frozenset = frozenset()  # (record, field) of native cells (JSON, Excel, Parquet) frictionless refuses

    def located(self, line: int) -> tuple[str, int]:
        """The file and the editor line of a line of the table (a multipart resource's lines are its parts')."""
        for start, path, shift in reversed(self.part_starts):
            if line >= start:
                return path, line - shift
        return self.table.path, line

    def earlier(self, first: int, line: int) -> str:
        """Where an earlier row that ``line`` repeats is, as the message names it: its line, and its file
        where that is another part of a multipart resource."""
        path, at = self.located(first)
        return f"line {at}" if path == self.located(line)[0] else f"{path} line {at}"

    def __len__(self) -> int:
        return len(self.lines)

    def line_of_record(self, number: int) -> int:
        """Editor line of the ``number``-th CSV record (1 is the header), as frictionless counts rows."""
        return int(self.record_lines[number - 1]) if 0 < number <= len(self.record_lines) else number

    def record_of_line(self, line: int) -> int | None:
        """The record number (1 is the header, as frictionless counts rows) that starts at editor ``line``."""
        position = int(np.searchsorted(self.record_lines, line))
        found = position < len(self.record_lines) and int(self.record_lines[position]) == line
        return position + 1 if found else None

    @property
    def header_ok(self) -> bool:
        return labels.matched(self.header, self.table)

    def position(self, name: str) -> int | None:
        """The column that holds the field's cells as ``fieldsMatch`` pairs them (``labels``), or None."""
        return self._positions[name]

    @cached_property
    def _positions(self) -> dict[str, int | None]:
        return labels.positions(self.header, self.table)

    def cell(self, line: int, name: str) -> str | None:
        column = self.position(name)
        if column is None:
            return None
        return self.columns[column][int(np.searchsorted(self.lines, line))].as_py()

    def text(self, name: str) -> pd.Series:
        """The field's cells as written, indexed by editor line (all empty where it has no column)."""
        column = self.position(name)
        if column is None:
            return pd.Series("", index=self.index, dtype=pd.ArrowDtype(pyarrow.string()))
        return _series(self.columns[column], self.index)

    @cached_property
    def index(self) -> pd.Index:
        return pd.Index(self.lines, name="line")

    def refused(self, name: str) -> np.ndarray:
        """Rows whose native cell of ``name`` (JSON, Excel, Parquet) frictionless refuses (``tabular``)."""
        return np.isin(self.lines, [self.line_of_record(r) for r, field in self.invalid if field == name])

    def records(self) -> list[dict[str, str]]:
        return pyarrow.Table.from_arrays(self.columns, names=self.header).to_pylist()


def raw_table(pkg: DataPackage, table: Table) -> RawTable:
    """Read ``table``; raise ``CheckFailed`` if it is not clean CSV in its encoding, or its columns and
    fields cannot be paired (``labels.pairable``)."""
    if table.inline is not None:
        raw = from_bytes(table, inline_csv(table.inline, table.field_names), bulk=False)
    elif table.parts:
        data, starts = sourcebytes.multipart(pkg, table)
        raw = dataclasses.replace(from_bytes(table, data), part_starts=starts)
    elif tabular.kind(table) is not None:  # JSON, JSON Lines, Excel, Parquet: as CSV, native cells checked
        data, invalid = tabular.as_csv(pkg.root, table)
        raw = dataclasses.replace(from_bytes(table, data, bulk=False), invalid=invalid)
    else:
        raw = from_bytes(table, sourcebytes.utf8(table, table_bytes(pkg.root, table.path, table.resource)))
    labels.pairable(table, raw.header, raw.header_line)
    return raw


def from_bytes(table: Table, data: bytes, bulk: bool = True) -> RawTable:
    """Parse ``data`` as ``table``; ``bulk=False`` forces the record-by-record reader."""
    if bulk and not table.csv_options and not table.layout and csvscan.bulk_readable(data):
        try:
            if sampled_header(data) != 0:
                raise NotPlain  # frictionless finds the header further down: the record reader says where
            return assemble(table, *bulk_records(data), reader="bulk")
        except NotPlain:
            pass
    raw = assemble(table, *_csv_records(data, table.path, table.csv_options, table.layout), reader="csv")
    if table.layout.get("header") is False:  # the stand-in header is no record: number rows as frictionless does
        return dataclasses.replace(raw, record_lines=raw.record_lines[1:], header_line=0)
    return raw


def frame(raw: RawTable) -> pd.DataFrame:
    """The rows as a typed frame indexed by editor line; a cell that fails its type becomes NA."""
    typed, bad = {}, np.zeros(len(raw), dtype=bool)
    for f in raw.table.fields:
        missing = raw.table.missing_values(f)
        column = raw.position(f["name"])
        if column is None:  # no column under the header: every cell is empty, and nothing is checked
            nothing = cast(pd.Series([None] * len(raw), dtype=object), f, [], raw.table.strict)
            typed[f["name"]] = pd.Series(nothing.array, index=raw.index, name=f["name"])
            continue
        text = raw.columns[column]
        is_missing = pc.is_in(text, pyarrow.array(missing, pyarrow.string())).to_numpy(zero_copy_only=False)
        typed[f["name"]] = _typed(text, is_missing, f, missing, raw.index, raw.table.strict)
        if raw.invalid:  # native cells frictionless refuses: no value, as a cell that fails its type
            typed[f["name"]] = typed[f["name"]].mask(raw.refused(f["name"]))
        bad |= typed[f["name"]].isna().to_numpy() & ~is_missing
    typed = pd.DataFrame(typed, index=raw.index)
    # Rules skip these rows: their type errors are reported, and would only echo.
    typed.attrs["rows_with_bad_cells"] = set(raw.lines[bad].tolist())
    return typed


def cast(text: pd.Series, field: dict, missing: list[str], strict: bool = False) -> pd.Series:
    """Cast a column of text cells to the pandas dtype of its Table Schema type (``fieldtypes``)."""
    cells = text.astype(object).where(~text.isin(missing))
    return fieldtypes.of(field).cast(cells, field, strict)


def decode(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        message = (
            f"is not UTF-8: byte 0x{data[err.start]:02x} at byte column {column} cannot be decoded; "
            "save the file as UTF-8, or declare the encoding it has in the resource's encoding property"
        )
        raise CheckFailed([errors.ENCODING.at(path, line, detail=message)]) from None
    if text.startswith(BOM):
        message = "starts with a byte-order mark (UTF-8 with BOM); save it as UTF-8 without BOM"
        raise CheckFailed([errors.ENCODING.at(path, 1, detail=message)])
    return text


# Records ------------------------------------------------------------------------
# Both readers return every record as: the bulk-parsed rows (an Arrow table of text,
# header first), the rows pyarrow would not take (record number -> cells), and the
# number of line breaks inside each record's cells.


def _csv_records(
    data: bytes, path: str, options: dict | None = None, layout: dict | None = None
) -> tuple[pyarrow.Table, dict[int, list[str] | None], np.ndarray]:
    """Every record, with the csv module and the resource's dialect (``Table.csv_options``).

    ``layout`` holds the dialect's header and comment properties (``Table.layout``). A record
    that is no row (a comment, or before the header) is ``None`` among the others.
    """
    text = decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, **(options or {}))
    records, breaks, last_line = [], [], 0
    try:
        for record in reader:
            records.append(record)
            breaks.append(reader.line_num - last_line - 1)
            last_line = reader.line_num
    except csv.Error as err:
        raise CheckFailed([errors.CSV_SYNTAX.at(path, last_line + 1, detail=str(err))]) from None
    skipped = _comments(records, layout or {})
    if layout and layout.get("header") is False:  # no header: the schema's names stand for one, on no line
        records, breaks = [list(layout["names"]), *records], [-1, *breaks]
        skipped = {i + 1 for i in skipped}
        first = 0
    elif layout and "headerRows" in layout:
        rows = [n - 1 for n in layout["headerRows"] if 0 < n <= len(records)]
        if not rows:
            raise CheckFailed([errors.EMPTY_FILE.at(path, 1)])
        columns = itertools.zip_longest(*(records[i] for i in rows), fillvalue="")
        records[rows[-1]] = [layout.get("headerJoin", " ").join(c for c in cells if c) for cells in columns]
        first = rows[-1]
    else:
        first = next((i for i, r in enumerate(records) if any(r) and i not in skipped), None)
        if first is None:
            raise CheckFailed([errors.EMPTY_FILE.at(path, 1)])
        detected = header_index([len(r) for i, r in enumerate(records[:HEADER_SAMPLE]) if i not in skipped])
        detected = [i for i in range(len(records)) if i not in skipped][detected]
        first = detected if records[detected] else first
    width = len(records[first])
    regular, others = [], {}
    for number, record in enumerate(records, start=1):
        if number - 1 in skipped:
            others[number] = None  # a comment: no row at all (frictionless skips it)
        elif number - 1 == first or (number - 1 > first and len(record) == width):
            regular.append(record)
        else:  # ragged rows; records before the header are no rows (frictionless skips them too)
            others[number] = record if number - 1 > first else None
    bulk = pyarrow.table({str(i): pyarrow.array([r[i] for r in regular], pyarrow.string()) for i in range(width)})
    return bulk, others, np.array(breaks, dtype=np.int64)


def _comments(records: list[list[str]], layout: dict) -> set[int]:
    """The records (0-based) that are comments: listed in ``commentRows``, or starting with ``commentChar``."""
    rows = {n - 1 for n in layout.get("commentRows", [])}
    char = layout.get("commentChar")
    if char:
        rows |= {i for i, r in enumerate(records) if r and r[0].startswith(char)}
    return rows


def assemble(
    table: Table, bulk: pyarrow.Table, others: dict[int, list[str]], breaks: np.ndarray, reader: str
) -> RawTable:
    """One ``RawTable`` from either reader: blank records set aside, lines counted, rows in order."""
    total = bulk.num_rows + len(others)
    record_lines = 1 + np.arange(total) + np.concatenate([[0], np.cumsum(breaks)[:-1]]).astype(np.int64)
    numbers = bulk_numbers(total, others)
    header = [c[0].as_py() for c in bulk.columns]
    width = len(header)
    blank = blank_records(bulk)
    blank_numbers = [
        *numbers[blank & (numbers > numbers[0])],
        *(n for n, r in others.items() if r is not None and not any(r) and n > numbers[0]),
    ]
    rows = {n: r for n, r in others.items() if r and any(r)}
    # Every non-blank row after the header, bulk-parsed or not, in record order.
    in_bulk = np.flatnonzero(~blank)[1:]
    picks = np.concatenate([in_bulk, bulk.num_rows + np.arange(len(rows))]).astype(np.int64)
    row_numbers = np.concatenate([numbers[in_bulk], list(rows)]).astype(np.int64)
    widths = np.concatenate([np.full(len(in_bulk), width), [len(r) for r in rows.values()]]).astype(np.int64)
    order = np.argsort(row_numbers, kind="stable")
    picks, row_numbers, widths = picks[order], row_numbers[order], widths[order]
    if rows:
        padded = [(r + [""] * width)[:width] for r in rows.values()]
        bulk = pyarrow.concat_tables(
            [
                bulk,
                pyarrow.table(
                    {
                        name: pyarrow.array([r[i] for r in padded], pyarrow.string())
                        for i, name in enumerate(bulk.column_names)
                    }
                ),
            ]
        )
    kept = rows_at(bulk, picks)
    return RawTable(
        table,
        header,
        list(kept.columns),
        record_lines[row_numbers - 1],
        record_lines,
        int(record_lines[numbers[0] - 1]),
        tuple(int(record_lines[n - 1]) for n in sorted(blank_numbers)),
        widths,
        reader,
    )


def header_index(widths: list[int]) -> int:
    """The header's record (0-based) as frictionless detects it in its sample of the first records.

    With no dialect ``header`` or ``headerRows``, it is the first record whose width lies
    within a tenth (at least one cell) of the sample's average width.
    """
    if not widths:
        return 0
    width = round(sum(widths) / len(widths))
    drift = max(round(width * 0.1), 1)
    return next((i for i, w in enumerate(widths) if width - drift <= w <= width + drift), 0)


def sampled_header(data: bytes) -> int:
    """``header_index`` of a file's first records, read by the csv module as frictionless samples them."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    try:
        return header_index([len(r) for r in itertools.islice(csv.reader(stream, strict=True), HEADER_SAMPLE)])
    except (csv.Error, UnicodeDecodeError):
        return -1  # the record reader reports it


def _typed(
    text: pyarrow.ChunkedArray,
    is_missing: np.ndarray,
    field: dict,
    missing: list[str],
    index: pd.Index,
    strict: bool = False,
) -> pd.Series:
    if field.get("type", "string") == "string" and field.get("format", "default") == "default":
        return _series(_null_where(text, is_missing), index)
    # Cast each distinct cell once: a column of a million rows has few distinct values, mostly.
    whole = text.combine_chunks()
    plain = arrowcast.plain_values(whole, missing, field)
    if plain is not None:  # every cell plain: none leaves Arrow
        return pd.Series(arrowcast.as_pandas(plain, field), index=index, name=field["name"], copy=False)
    encoded = pc.dictionary_encode(whole)
    typed = cast(pd.Series(encoded.dictionary.to_pylist(), dtype=object), field, missing, strict)
    positions = encoded.indices.to_numpy(zero_copy_only=False)
    return pd.Series(typed.array.take(positions), index=index, name=field["name"])


def _null_where(text: pyarrow.ChunkedArray, is_missing: np.ndarray) -> pyarrow.ChunkedArray:
    """``text`` with nulls where ``is_missing``: the same text buffers under a new validity bitmap."""
    if not is_missing.any():
        return text
    chunks, at = [], 0
    for chunk in text.chunks:
        valid = pyarrow.array(~is_missing[at : at + len(chunk)])
        at += len(chunk)
        _, offsets, data = chunk.buffers()
        chunks.append(
            pyarrow.Array.from_buffers(
                pyarrow.string(), len(chunk), [valid.buffers()[1], offsets, data], offset=chunk.offset
            )
            if chunk.offset == 0 and chunk.null_count == 0
            else pc.if_else(valid, chunk, pyarrow.scalar(None, pyarrow.string()))
        )
    return pyarrow.chunked_array(chunks, pyarrow.string())


def _series(column: pyarrow.ChunkedArray, index: pd.Index) -> pd.Series:
    return pd.Series(pd.arrays.ArrowExtensionArray(column), index=index, copy=False)
