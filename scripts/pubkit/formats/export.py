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

from pubkit.standard import categories, csvscan, fieldtypes, tableschema
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


def _formatted(typed: pd.Series, formatter) -> pd.Series:
    """``formatter`` of each value, called once per distinct value; empty text for NA."""
    codes, distinct = pd.factorize(typed)
    texts = pyarrow.array([formatter(v) for v in distinct] + [""], pyarrow.string())
    codes[codes < 0] = len(distinct)
    return pd.Series(pd.arrays.ArrowExtensionArray(texts.take(pyarrow.array(codes))), index=typed.index)


def write_csv(table: Table, text: pd.DataFrame, path: Path) -> None:
    """RFC 4180 as Python's csv module writes it (minimal quoting, CRLF), built column-wise by pyarrow."""
    header = io.StringIO(newline="")
    csv.writer(header, lineterminator="\r\n").writerow(table.field_names)
    arrow = pyarrow.Table.from_pandas(text[table.field_names], preserve_index=False)
    with path.open("wb") as out:
        out.write(header.getvalue().encode("utf-8"))
        for batch in arrow.to_batches(max_chunksize=CSV_BATCH_ROWS):
            cells = [_csv_cells(column, alone=batch.num_columns == 1) for column in batch.columns]
            rows = pc.binary_join_element_wise(pc.binary_join_element_wise(*cells, ","), "", "\r\n")
            out.write(csvscan.text_bytes(rows))


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


def write_parquet(arrow: pyarrow.Table, path: Path) -> None:
    repeating = [
        f.name
        for f in arrow.schema
        if pyarrow.types.is_string(f.type) and pyarrow.compute.count_distinct(arrow[f.name]).as_py() < arrow.num_rows
    ]
    import pyarrow.parquet as pq  # slow to import; ``check`` never writes Parquet

    pq.write_table(
        arrow,
        path,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        row_group_size=ROW_GROUP_SIZE,
        use_dictionary=repeating,
        write_statistics=True,
        version="2.6",
        store_schema=True,
    )


SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_CHARACTERS = 31
RESERVED_SHEETS = ("About", "Fields")


def sheet_names(tables: list[tuple[str, int]]) -> dict[str, list[str]]:
    """Each table's sheets, given (name, rows) of every table in order: a table past a sheet's row limit
    spans several (``name_2``, …); every name is a legal sheet name (31 characters at most, none of
    ``[]:*?/\\``) and unique whatever its case, About and Fields included."""
    used = {name.lower() for name in RESERVED_SHEETS}
    names = {}
    for table, rows in tables:
        count = max(1, -(-rows // (EXCEL_MAX_ROWS - 1)))
        names[table] = [
            _unique(SHEET_FORBIDDEN.sub("_", table if n == 1 else f"{table}_{n}"), used) for n in range(1, count + 1)
        ]
    return names


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
