"""Write one table in each release format: reads typed frames, writes files.

- CSV: UTF-8, RFC 4180 (CRLF, minimal quoting), columns in schema order;
- Parquet: Arrow types from the schema, field metadata, no pandas metadata;
- the workbook's cells and sheet names (``workbook`` writes it: one sheet per table, split past
  Excel's row limit, About and Fields sheets); ``sqlite`` writes the database.

Every writer is deterministic: the same frames and metadata give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from pubkit.standard import categories, csvscan, fieldtypes, read, tableschema
from pubkit.standard.descriptor import Table

EXCEL_MAX_ROWS = 1_048_576
ROW_GROUP_SIZE = 131_072
CSV_BATCH_ROWS = 65_536
EXCEL_BATCH_ROWS = 65_536
ZIP_COPY_BYTES = 1 << 20
CSV_SPECIALS = np.isin(np.arange(256), list(b',"\r\n'))  # bytes that make the csv module quote a cell
ZSTD_LEVEL = 9
FORMULA_STARTS = ("=", "+", "-", "@")
MAX_WIDTH = 60


def text_frame(table: Table, typed: pd.DataFrame, raw_text: pd.DataFrame) -> pd.DataFrame:
    """Cells as the release CSV writes them: numbers canonical, other text as validated."""
    columns = {}
    for field in table.fields:
        name, text = field["name"], fieldtypes.text_of(field)
        columns[name] = raw_text[name] if text is None else _formatted(typed[name], text)
    return pd.DataFrame(columns, index=typed.index)


def raw_text(raw: read.RawTable) -> pd.DataFrame:
    """A table's (or a part's) cells as the source holds them, a column per field."""
    return pd.DataFrame({name: raw.text(name) for name in raw.table.field_names}, index=raw.index)


def _formatted(typed: pd.Series, formatter) -> pd.Series:
    """``formatter`` of each value, called once per distinct value; empty text for NA."""
    codes, distinct = pd.factorize(typed)
    texts = pyarrow.array([formatter(v) for v in distinct] + [""], pyarrow.string())
    codes[codes < 0] = len(distinct)
    return pd.Series(pd.arrays.ArrowExtensionArray(texts.take(pyarrow.array(codes))), index=typed.index)


def write_csv(table: Table, text: pd.DataFrame, path: Path) -> None:
    """RFC 4180 as Python's csv module writes it (minimal quoting, CRLF), built column-wise by pyarrow."""
    with path.open("wb") as out:
        out.write(csv_header(table))
        for rows in csv_rows(table, text):
            out.write(rows)


def csv_header(table: Table) -> bytes:
    header = io.StringIO(newline="")
    csv.writer(header, lineterminator="\r\n").writerow(table.field_names)
    return header.getvalue().encode("utf-8")


def csv_rows(table: Table, text: pd.DataFrame):
    """The CSV bytes of ``text``'s rows, ``CSV_BATCH_ROWS`` at a time: each row's bytes are its own, so that
    a table written a part at a time is the same file."""
    arrow = pyarrow.Table.from_pandas(text[table.field_names], preserve_index=False)
    for batch in arrow.to_batches(max_chunksize=CSV_BATCH_ROWS):
        cells = [_csv_cells(column, alone=batch.num_columns == 1) for column in batch.columns]
        rows = pc.binary_join_element_wise(pc.binary_join_element_wise(*cells, ","), "", "\r\n")
        yield csvscan.text_bytes(rows)


def _csv_cells(column: pyarrow.Array, alone: bool) -> pyarrow.Array:
    """Quoted where the csv module quotes: a comma, quote, CR or LF inside, or an empty only cell of a row."""
    text = column.cast(pyarrow.string())
    needs = pc.equal(pc.binary_length(text), 0) if alone else None
    if _has_csv_specials(text):
        inside = pc.match_substring_regex(text, '[,"\r\n]')
        needs = inside if needs is None else pc.or_(needs, inside)
    if needs is None or not pc.any(needs).as_py():
        return text
    chosen = text.filter(needs)
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(chosen, '"', '""'), '"', "")
    return pc.replace_with_mask(text, needs, quoted)


def _has_csv_specials(text: pyarrow.StringArray) -> bool:
    return bool(CSV_SPECIALS[np.frombuffer(csvscan.text_bytes(text), dtype=np.uint8)].any())


def arrow_table(table: Table, typed: pd.DataFrame, metadata: dict[str, str]) -> pyarrow.Table:
    schema = tableschema.arrow_schema(table)
    for i, field in enumerate(table.fields):  # a datetime column's zone, or none, is the data's
        schema = schema.set(i, schema.field(i).with_type(fieldtypes.arrow_type(field, typed[field["name"]])))
    arrays = [_arrow_array(typed[f.name], f.type, categories.values(d)) for f, d in zip(schema, table.fields)]
    return pyarrow.Table.from_arrays(arrays, schema=schema).replace_schema_metadata(
        {**schema.metadata, **{k.encode(): v.encode() for k, v in metadata.items()}}
    )


def _arrow_array(series: pd.Series, kind: pyarrow.DataType, declared: list = ()) -> pyarrow.Array:
    if pyarrow.types.is_dictionary(kind):  # categories: the declared ones first, in order, then any other value
        values = _arrow_array(series, kind.value_type)
        known = pyarrow.array(declared, type=kind.value_type)
        others = pc.unique(values.filter(pc.invert(pc.is_in(values, known))))
        dictionary = pyarrow.concat_arrays([known, others.drop_null()])
        indices = pc.index_in(values, dictionary).cast(kind.index_type)
        return pyarrow.DictionaryArray.from_arrays(indices, dictionary, ordered=kind.ordered)
    if pyarrow.types.is_decimal(kind) or (pyarrow.types.is_string(kind) and series.dtype == object):
        from decimal import Decimal

        convert = Decimal if pyarrow.types.is_decimal(kind) else str
        return pyarrow.array([None if pd.isna(v) else convert(v) for v in series], type=kind)
    if pyarrow.types.is_date32(kind) or pyarrow.types.is_timestamp(kind):
        return pyarrow.array(series, from_pandas=True).cast(kind)
    if isinstance(kind, pyarrow.ExtensionType):  # JSON text: Parquet's JSON type
        return pyarrow.array(series, type=pyarrow.string(), from_pandas=True).cast(kind)
    if pyarrow.types.is_list(kind):
        return pyarrow.array([None if v is None or v is pd.NA else v for v in series], type=kind)
    return pyarrow.array(series, type=kind, from_pandas=True)


PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": ZSTD_LEVEL,
    "write_statistics": True,
    "version": "2.6",
    "store_schema": True,
}


def write_parquet(arrow: pyarrow.Table, path: Path) -> None:
    repeating = [
        f.name
        for f in arrow.schema
        if pyarrow.types.is_string(f.type) and pyarrow.compute.count_distinct(arrow[f.name]).as_py() < arrow.num_rows
    ]
    import pyarrow.parquet as pq  # slow to import; ``check`` never writes Parquet

    pq.write_table(arrow, path, row_group_size=ROW_GROUP_SIZE, use_dictionary=repeating, **PARQUET_OPTIONS)


class Unsteady(Exception):
    """A part that the whole table would type or encode otherwise than the parts before it: the table is
    written whole instead."""


class ParquetParts:
    """A table's Parquet written a part at a time, in the bytes ``write_parquet`` writes of the whole table.

    Each part's Arrow table is spooled to an Arrow IPC file beside ``path`` (on disk, not in memory); on
    ``close`` every column's encoding is known (a text column with a repeated or missing value is
    dictionary-encoded), and the spool is written out in row groups of ``ROW_GROUP_SIZE`` rows, each one
    contiguous, as the whole table's are. A part typed otherwise than the first raises ``Unsteady``.
    """

    def __init__(self, path: Path):
        self.path, self.spool = path, path.with_name(f".{path.name}.arrow")
        self.schema: pyarrow.Schema | None = None
        self.writer = None
        self.repeats: dict[str, Repeats] = {}

    def add(self, arrow: pyarrow.Table) -> None:
        if self.schema is None:
            import pyarrow.ipc

            self.schema = arrow.schema
            self.writer = pyarrow.ipc.new_file(str(self.spool), arrow.schema)
            self.repeats = {f.name: Repeats() for f in arrow.schema if pyarrow.types.is_string(f.type)}
        elif not arrow.schema.equals(self.schema, check_metadata=True):
            changed = [f.name for f, was in zip(arrow.schema, self.schema, strict=True) if not f.equals(was, True)]
            raise Unsteady(
                f"a later part's Parquet types of {', '.join(changed) or 'the table'} differ from the first's"
            )
        for name, repeats in self.repeats.items():
            repeats.add(arrow[name])
        self.writer.write_table(arrow)

    def close(self) -> None:
        import pyarrow.ipc
        import pyarrow.parquet as pq

        self.writer.close()
        repeating = [name for name, repeats in self.repeats.items() if repeats.found()]
        with (
            pyarrow.OSFile(str(self.spool)) as source,
            pq.ParquetWriter(self.path, self.schema, use_dictionary=repeating, **PARQUET_OPTIONS) as out,
        ):
            reader = pyarrow.ipc.open_file(source)
            for group in _row_groups((reader.get_batch(i) for i in range(reader.num_record_batches)), self.schema):
                out.write_table(group, row_group_size=ROW_GROUP_SIZE)
        self.spool.unlink()


def _row_groups(batches, schema: pyarrow.Schema):
    """The rows of ``batches`` in tables of ``ROW_GROUP_SIZE`` rows (the last one shorter), each one chunk;
    one empty table where there are no rows."""
    pending, held, total = [], 0, 0
    for batch in batches:
        total += batch.num_rows
        while batch.num_rows:
            taken = batch.slice(0, ROW_GROUP_SIZE - held)
            pending.append(taken)
            held += taken.num_rows
            batch = batch.slice(taken.num_rows)
            if held == ROW_GROUP_SIZE:
                yield pyarrow.Table.from_batches(pending, schema).combine_chunks()
                pending, held = [], 0
    if pending or not total:
        yield pyarrow.Table.from_batches(pending, schema).combine_chunks()


class Repeats:
    """Whether a text column holds a missing value or any value twice, told a part at a time (what
    ``write_parquet`` asks of the whole column). Values are compared by their 64-bit hash across parts, and
    exactly within one: two different values of equal hash (a chance near n²/2⁶⁵ in n values) would make
    the column dictionary-encoded, which changes its encoding and no value."""

    def __init__(self):
        self.seen: list[np.ndarray] = []
        self.repeated = False

    def add(self, column: pyarrow.ChunkedArray) -> None:
        if self.repeated or not len(column):
            return
        if column.null_count or pc.count_distinct(column).as_py() < len(column):
            self.repeated, self.seen = True, []
            return
        self.seen.append(pd.util.hash_array(column.to_numpy(), categorize=False))

    def found(self) -> bool:
        if not self.repeated and len(self.seen) > 1:
            hashes = np.concatenate(self.seen)
            self.repeated = len(np.unique(hashes)) < len(hashes)
        return self.repeated


SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_CHARACTERS = 31
RESERVED_SHEETS = ("About", "Fields")


def sheet_names(tables: list[tuple[str, int]]) -> dict[str, list[str]]:
    """Each table's sheets, given (name, rows) of every table in order: a table past a sheet's row limit
    spans several (``name_2``, …); every name is a legal sheet name (31 characters at most, none of
    ``[]:*?/\\``) and unique whatever its case, About and Fields included."""
    named = SheetNames()
    return {
        table: [named.next(table) for _ in range(max(1, -(-rows // (EXCEL_MAX_ROWS - 1))))] for table, rows in tables
    }


class SheetNames:
    """Sheet names given one at a time, as a workbook written a part at a time needs them: ``next(table)``
    is the table's next sheet (``name``, then ``name_2``, …), each unique as ``sheet_names`` makes them."""

    def __init__(self):
        self.used = {name.lower() for name in RESERVED_SHEETS}
        self.given: dict[str, int] = {}

    def next(self, table: str) -> str:
        n = self.given[table] = self.given.get(table, 0) + 1
        return _unique(SHEET_FORBIDDEN.sub("_", table if n == 1 else f"{table}_{n}"), self.used)


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name[:SHEET_CHARACTERS], 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{name[: SHEET_CHARACTERS - len(str(n)) - 1]}~{n}"
    used.add(candidate.lower())
    return candidate


def dictionary_rows(tables: list[Table]):
    yield ("table", "field", "type", "required", "unit", "title", "description", "constraints")
    for table in tables:
        for field in table.fields:
            constraints = {k: v for k, v in field.get("constraints", {}).items() if k != "required"}
            yield (
                table.name,
                field["name"],
                field.get("type", "string"),
                "yes" if field.get("constraints", {}).get("required") else "no",
                field.get("unit", ""),
                field.get("title", ""),
                categories.described_field(field.get("description", ""), field),
                json.dumps(constraints, ensure_ascii=False) if constraints else "",
            )


def excel_column(typed: pd.Series, text: pd.Series, kind: str) -> list:
    return fieldtypes.TYPES[kind].excel(typed, text)
