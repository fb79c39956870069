"""Write one table, or the workbook, in each release format: reads typed frames, writes files.

- CSV: UTF-8, RFC 4180 (CRLF, minimal quoting), columns in schema order;
- Parquet: Arrow types from the schema, field metadata, no pandas metadata;
- Excel: one sheet per table (split past Excel's row limit), About and Fields sheets;
- SQLite: one database, a table per table with its types and keys, and ``_about``.

Every writer is deterministic: the same frames and metadata give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import unicodedata
import zipfile
from datetime import datetime
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


def write_xlsx(
    sheets: list[tuple[Table, pd.DataFrame, pd.DataFrame]], about: list[tuple[str, str]], path: Path, created: datetime
) -> None:
    """``sheets`` holds (table, typed frame, text frame) per table, in package order."""
    from openpyxl import Workbook  # import only when a workbook is written

    workbook = Workbook(write_only=True)
    properties = dict(about)
    workbook.properties.title = properties.get("title")
    workbook.properties.creator = properties.get("creator", "")
    workbook.properties.version = properties.get("version")
    _write_rows(workbook.create_sheet("About"), [("property", "value"), *about], widths=[24, 100], wrap=True)
    names = sheet_names([(table.name, len(typed)) for table, typed, _ in sheets])
    for table, typed, text in sheets:
        for name, start in zip(names[table.name], range(0, max(len(typed), 1), EXCEL_MAX_ROWS - 1), strict=True):
            stop = start + EXCEL_MAX_ROWS - 1
            _write_table_sheet(workbook.create_sheet(name), table, typed.iloc[start:stop], text.iloc[start:stop])
    _write_rows(workbook.create_sheet("Fields"), list(dictionary_rows([s[0] for s in sheets])))
    workbook.save(path)
    normalise_zip(path, created)


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


def _write_table_sheet(sheet, table: Table, typed: pd.DataFrame, text: pd.DataFrame) -> None:
    from openpyxl.cell import WriteOnlyCell

    kinds = [f.get("type", "string") for f in table.fields]
    _prepare(sheet, [table.field_names, *_excel_rows(table, kinds, typed.iloc[:200], text.iloc[:200])], len(typed) + 1)
    sheet.append([_header_cell(sheet, name) for name in table.field_names])
    wrap = [kind in ("number", "integer", "string", "datetime") for kind in kinds]
    for start in range(0, len(typed), EXCEL_BATCH_ROWS):  # Python values for one batch at a time
        stop = start + EXCEL_BATCH_ROWS
        for values in _excel_rows(table, kinds, typed.iloc[start:stop], text.iloc[start:stop]):
            sheet.append([_cell(sheet, v, WriteOnlyCell) if w else v for v, w in zip(values, wrap)])


def _excel_rows(table: Table, kinds: list[str], typed: pd.DataFrame, text: pd.DataFrame):
    return zip(*(excel_column(typed[f["name"]], text[f["name"]], kind) for f, kind in zip(table.fields, kinds)))


def excel_column(typed: pd.Series, text: pd.Series, kind: str) -> list:
    return fieldtypes.TYPES[kind].excel(typed, text)


def _header_cell(sheet, value):
    """A bold header cell; a name that starts like a formula stays text, as data cells do."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
    return _bold(cell)


def _cell(sheet, value, cell_class):
    """A number of four digits or more shows its thousands separated and its decimals as written (big
    integers keep every digit); text that starts like a formula stays text."""
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1000:
        shown = number_format(value)
        if shown:
            cell = cell_class(sheet, value=value)
            cell.number_format = shown
            return cell
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = cell_class(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def number_format(value: int | float) -> str | None:
    """``#,##0`` with as many decimals as the shortest text of ``value`` has; None where it has an exponent
    (infinite, or beyond what a format can show)."""
    text = repr(value)
    if "e" in text or "inf" in text or "nan" in text:
        return None
    decimals = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _write_rows(sheet, rows: list[tuple], widths: list[int] | None = None, wrap: bool = False) -> None:
    """A small sheet (About, Fields); with ``wrap``, long text wraps within its column."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment

    _prepare(sheet, rows, len(rows), widths)
    sheet.append([_header_cell(sheet, v) for v in rows[0]])
    wrapped = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows[1:], start=2):
        cells = [_cell(sheet, v, WriteOnlyCell) for v in row]
        if wrap and widths:  # each row as tall as its wrapped text, so that no text runs over the next row
            sheet.row_dimensions[number].height = LINE_POINTS * max(_lines(v, w) for v, w in zip(row, widths))
        if wrap:
            cells = [c if isinstance(c, Cell) else WriteOnlyCell(sheet, value=c) for c in cells]
            for cell in cells:
                cell.alignment = wrapped
        sheet.append(cells)


LINE_POINTS = 15  # the height of one line of 11-point text, in points
PRINTABLE_WIDTH = 140  # the width of a landscape A4 or Letter page inside its margins, in Excel's column units
SMALLEST_SCALE = 0.73  # 11-point text printed at no less than 8 points


def _lines(value, width: int) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide (each paragraph at least one)."""
    paragraphs = ("" if value is None else str(value)).split("\n")
    return sum(max(1, -(-_display_width(p) // max(1, width - 1))) for p in paragraphs)


def _prepare(sheet, sample: list, rows: int, widths: list[int] | None = None) -> None:
    """Frozen header, autofilter and readable widths; write-only sheets need these first. Printed landscape,
    the header row and the first column on every page; fitted to the page's width only where the text then
    prints at 8 points or more (a wide sheet prints across pages instead)."""
    from openpyxl.utils import get_column_letter

    widths = widths or [min(MAX_WIDTH, max(_display_width(v) for v in column) + 2) for column in zip(*sample)]
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{rows}"
    sheet.page_setup.orientation = "landscape"
    if sum(widths) * SMALLEST_SCALE <= PRINTABLE_WIDTH:
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    if len(widths) > 1 and sum(widths) > PRINTABLE_WIDTH:
        sheet.print_title_cols = "A:A"


def _display_width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _bold(cell):
    from openpyxl.styles import Font

    cell.font = Font(bold=True)
    return cell


def normalise_zip(path: Path, created: datetime) -> None:
    """openpyxl stamps the clock into docProps/core.xml and every zip entry: fix both, entry by entry."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    fixed_path = path.with_name(path.name + ".normalised")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(fixed_path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=created.timetuple()[:6])
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), source.read(info)
                )
                target.writestr(fixed, data)
                continue
            fixed.file_size = info.file_size  # as writestr sets it: the same headers, streamed
            with source.open(info) as entry, target.open(fixed, "w") as copy:
                shutil.copyfileobj(entry, copy, ZIP_COPY_BYTES)
    os.replace(fixed_path, path)
