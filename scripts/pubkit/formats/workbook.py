"""The release workbook, written by xlsxwriter in constant memory: reads typed and text frames, writes one ``.xlsx``.

An About sheet, one sheet per table (split past Excel's row limit, ``export.sheet_names``), and a
Fields sheet. Every cell is written as what it is (``workbookcells`` gives each type's cells): text
as text, never a formula or a link, whatever it starts with; numbers as numbers, a number of four
digits or more shown with its thousands separated and its decimals as written; dates, times and
datetimes as such. The header is frozen and filtered and repeats on every printed page; a sheet
fits the page's width only where it then prints at 8 points or more.

xlsxwriter was chosen by measurement (BENCHMARKS.md): it writes the same cells as openpyxl's
write-only mode, more faithfully (text that starts with ``=`` stays text; 16 significant digits of a
number, as openpyxl writes them), in about three quarters of its time, rows streamed to disk; its zip
entries and document properties are fixed, so the same rows give the same bytes. A sheet of more than
2 GiB of XML (a million rows of long text) is stored with ZIP64, which Excel opens, though it may first
offer to repair the file; a smaller workbook's bytes are the same either way.
"""

from __future__ import annotations

import copy
import struct
import tempfile
import unicodedata
import zipfile
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from pubkit.formats import export
from pubkit.standard.descriptor import Table

OPTIONS = {  # text stays text: no formula, link or number is made of it
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
LINE_POINTS = 15  # the height of one line of 11-point text, in points
PRINTABLE_WIDTH = 140  # the width of a landscape A4 or Letter page inside its margins, in Excel's column units
SMALLEST_SCALE = 0.73  # 11-point text printed at no less than 8 points
SAMPLE_ROWS = 200  # the rows a column's width is measured on
DATE_FORMATS = {datetime: "yyyy-mm-dd h:mm:ss", date: "yyyy-mm-dd", time: "h:mm:ss"}


def write_xlsx(
    sheets: list[tuple[Table, pd.DataFrame, pd.DataFrame]], about: list[tuple[str, str]], path: Path, created: datetime
) -> None:
    """``sheets`` holds (table, typed frame, text frame) per table, in package order."""
    book = Book(path)
    for table, typed, text in sheets:
        book.add(table, typed, text)
        book.end_table(table)
    book.close(about, [table for table, _, _ in sheets], created)


class Book:
    """A workbook written a table at a time, each table a part at a time (``add`` its rows in order, then
    ``end_table``), About last (``close``): the bytes ``write_xlsx`` writes of the whole tables, since a
    sheet's rows go to its own file as they come and its XML is put together on closing."""

    def __init__(self, path: Path):
        import xlsxwriter  # import only when a workbook is written

        self.book = xlsxwriter.Workbook(str(path), OPTIONS)
        self.book.use_zip64()  # a sheet of more than 2 GiB of XML needs ZIP64; a smaller one is written alike
        self.formats = _Formats(self.book)
        self.about = self.book.add_worksheet("About")
        self.names = export.SheetNames()
        self.sheet: _Sheet | None = None

    def add(self, table: Table, typed: pd.DataFrame, text: pd.DataFrame) -> None:
        start = 0
        while start < len(typed) or self.sheet is None:
            if self.sheet is None or self.sheet.rows == export.EXCEL_MAX_ROWS - 1:
                self._end_sheet()
                self.sheet = _Sheet(self.book.add_worksheet(self.names.next(table.name)), table, self.formats)
            stop = start + export.EXCEL_MAX_ROWS - 1 - self.sheet.rows
            self.sheet.add(typed.iloc[start:stop], text.iloc[start:stop])
            start = stop

    def end_table(self, table: Table) -> None:
        if self.sheet is None:
            self.sheet = _Sheet(self.book.add_worksheet(self.names.next(table.name)), table, self.formats)
        self._end_sheet()

    def _end_sheet(self) -> None:
        if self.sheet is not None:
            self.sheet.end()
        self.sheet = None

    def close(self, about: list[tuple[str, str]], tables: list[Table], created: datetime) -> None:
        properties = dict(about)
        self.book.set_properties(
            {"title": properties.get("title", ""), "author": properties.get("creator", ""), "created": created}
        )
        if properties.get("version"):
            self.book.set_custom_property("version", properties["version"])
        _write_rows(self.about, self.formats, [("property", "value"), *about], widths=[24, 100], wrap=True)
        _write_rows(self.book.add_worksheet("Fields"), self.formats, list(export.dictionary_rows(tables)))
        self.book.close()


ABOUT_ENTRY = "xl/worksheets/sheet1.xml"  # the first sheet: About
PROPERTIES_ENTRY = "docProps/core.xml"  # the title, the author and the dates
COPY_BYTES = 1 << 20
LOCAL_HEADER_BYTES = 30  # a zip entry's local header before its name and extra field


def redated(old: Path, about: list[tuple[str, str]], path: Path, created: datetime) -> None:
    """What ``write_xlsx`` writes of the tables of ``old`` with ``about`` and ``created``, without writing
    their cells again: ``old``, a workbook ``write_xlsx`` wrote of the same tables, with its About sheet and
    document properties written anew, every other entry copied as it is, in order.

    The About sheet and the document properties are the only entries that hold the build date: a sheet's
    XML depends on its own cells alone, and About is written first, so its formats are numbered the same
    in a workbook of About alone (tests prove the bytes equal to ``write_xlsx``'s)."""
    with tempfile.TemporaryDirectory(prefix="about-", dir=path.parent) as scratch:
        shell = Path(scratch) / "about.xlsx"
        write_xlsx([], about, shell, created)
        with zipfile.ZipFile(shell) as fresh:
            anew = {name: fresh.read(name) for name in (ABOUT_ENTRY, PROPERTIES_ENTRY)}
    with zipfile.ZipFile(old) as source, old.open("rb") as raw, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():  # each entry with its own header: name, date, attributes, compression
            if info.filename in anew:  # a header as xlsxwriter makes one (ZipInfo.from_file), not one read back
                header = zipfile.ZipInfo(info.filename, info.date_time)
                header.external_attr, header.compress_type = info.external_attr, info.compress_type
                header.file_size = len(anew[info.filename])
                with target.open(header, "w") as written:
                    written.write(anew[info.filename])
            else:
                _copy_entry(raw, copy.copy(info), target)  # its offset changes; the source's stays as read


def _copy_entry(raw, header: zipfile.ZipInfo, target: zipfile.ZipFile) -> None:
    """An entry copied as it is stored, its local header and compressed bytes, without inflating and
    deflating it again; the target's central directory lists it (``zipfile`` writes it on closing)."""
    raw.seek(header.header_offset)
    local = raw.read(LOCAL_HEADER_BYTES)
    if local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"{header.filename}: no local header where the central directory says")
    name_bytes, extra_bytes = struct.unpack("<HH", local[26:30])
    remaining = name_bytes + extra_bytes + header.compress_size
    header.header_offset = target.fp.tell()
    target.fp.write(local)
    while remaining:
        block = raw.read(min(remaining, COPY_BYTES))
        if not block:
            raise zipfile.BadZipFile(f"{header.filename}: the file ends inside the entry")
        target.fp.write(block)
        remaining -= len(block)
    target.filelist.append(header)
    target.NameToInfo[header.filename] = header
    target.start_dir = target.fp.tell()


class _Formats:
    """The workbook's formats, each made once: bold, wrapped, dates, and one per number format."""

    def __init__(self, book):
        self.book = book
        self.bold = book.add_format({"bold": True})
        self.wrapped = book.add_format({"text_wrap": True, "valign": "top"})
        for first in (self.bold, self.wrapped):  # numbered first, as About's header and cells use them, though
            first._get_xf_index()  # About is written last (a format is numbered where a cell first uses it)
        self.dates = {kind: book.add_format({"num_format": shown}) for kind, shown in DATE_FORMATS.items()}
        self._numbers: dict[str, object] = {}

    def number(self, value):
        """``#,##0`` with the decimals ``value`` is written with, for a number of four digits or more."""
        if abs(value) < 1000:
            return None
        shown = number_format(value)
        if shown is None:
            return None
        if shown not in self._numbers:
            self._numbers[shown] = self.book.add_format({"num_format": shown})
        return self._numbers[shown]


def number_format(value: int | float) -> str | None:
    """``#,##0`` with as many decimals as the shortest text of ``value`` has; None where it has an exponent
    (infinite, or beyond what a format can show)."""
    text = repr(value)
    if "e" in text or "inf" in text or "nan" in text:
        return None
    decimals = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _write(sheet, formats: _Formats, row: int, column: int, value, wrapped=None) -> None:
    """One cell, written as what it is; nothing for None."""
    if value is None:
        return
    if isinstance(value, str):
        sheet.write_string(row, column, value, wrapped)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, wrapped)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, formats.number(value) or wrapped)
    elif isinstance(value, datetime | date | time):
        sheet.write_datetime(
            row, column, value, formats.dates[datetime if isinstance(value, datetime) else type(value)]
        )
    else:
        sheet.write_string(row, column, str(value), wrapped)


class _Sheet:
    """One sheet of a table, its rows added in order; its widths, filter and page set up at its ``end``,
    from its first ``SAMPLE_ROWS`` rows."""

    def __init__(self, sheet, table: Table, formats: _Formats):
        self.sheet, self.table, self.formats = sheet, table, formats
        self.rows, self.sample = 0, [table.field_names]
        sheet.write_row(0, 0, table.field_names, formats.bold)

    def add(self, typed: pd.DataFrame, text: pd.DataFrame) -> None:
        wanted = SAMPLE_ROWS + 1 - len(self.sample)
        if wanted > 0:
            self.sample += list(_rows(self.table, typed.iloc[:wanted], text.iloc[:wanted]))
        for start in range(0, len(typed), export.EXCEL_BATCH_ROWS):  # Python values for one batch at a time
            stop = start + export.EXCEL_BATCH_ROWS
            rows = _rows(self.table, typed.iloc[start:stop], text.iloc[start:stop])
            for number, values in enumerate(rows, start=self.rows + start + 1):
                for column, value in enumerate(values):
                    _write(self.sheet, self.formats, number, column, value)
        self.rows += len(typed)

    def end(self) -> None:
        _prepare(self.sheet, self.sample, self.rows + 1)


def _rows(table: Table, typed: pd.DataFrame, text: pd.DataFrame):
    kinds = [f.get("type", "string") for f in table.fields]
    return zip(*(export.excel_column(typed[f["name"]], text[f["name"]], k) for f, k in zip(table.fields, kinds)))


def _write_rows(sheet, formats: _Formats, rows: list[tuple], widths: list[int] | None = None, wrap: bool = False):
    """A small sheet (About, Fields); with ``wrap``, long text wraps within its column, each row as tall as
    its wrapped text, so that no text runs over the next row."""
    _prepare(sheet, rows, len(rows), widths)
    sheet.write_row(0, 0, rows[0], formats.bold)
    for number, row in enumerate(rows[1:], start=1):
        if wrap and widths:
            sheet.set_row(number, LINE_POINTS * max(_lines(v, w) for v, w in zip(row, widths)))
        for column, value in enumerate(row):
            _write(sheet, formats, number, column, value, formats.wrapped if wrap else None)


def _lines(value, width: int) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide (each paragraph at least one)."""
    paragraphs = ("" if value is None else str(value)).split("\n")
    return sum(max(1, -(-_display_width(p) // max(1, width - 1))) for p in paragraphs)


def _prepare(sheet, sample: list, rows: int, widths: list[int] | None = None) -> None:
    """Frozen header, autofilter and readable widths. Printed landscape, the header row and the first column
    on every page; fitted to the page's width only where the text then prints at 8 points or more (a wide
    sheet prints across pages instead)."""
    widths = widths or [min(export.MAX_WIDTH, max(_display_width(v) for v in column) + 2) for column in zip(*sample)]
    for i, width in enumerate(widths):
        sheet.set_column(i, i, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(rows - 1, 0), len(widths) - 1)
    sheet.set_landscape()
    if sum(widths) * SMALLEST_SCALE <= PRINTABLE_WIDTH:
        sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    if len(widths) > 1 and sum(widths) > PRINTABLE_WIDTH:
        sheet.repeat_columns(0)


def _display_width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
