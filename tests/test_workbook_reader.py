"""Proving the workbook streams its sheets (python-calamine-plus), a row at a time, and reads what
python-calamine, the reader it replaced, reads of the same sheet (hypothesis); a workbook it cannot read,
or one whose sheet holds more rows than the CSV, is a finding, never a crash."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from pubkit.checks import validate
from pubkit.formats import agree, workbook
from pubkit.releases import assemble
from pubkit.standard import descriptor


def _reference_rows(path, name: str) -> list[list]:
    """A sheet's rows from A1 as python-calamine reads them (the whole sheet in memory)."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)


def _streamed_rows(path, name: str) -> list[list]:
    sheets = agree._Sheets(agree._workbook(path), [name])
    rows = [sheets.header] if sheets.header else []
    while batch := sheets.take(7):
        rows += batch
    return rows


def _as_compared(rows: list[list]) -> list[list]:
    """Rows as ``agree`` compares them: an empty cell is None, and a row ends at its last value; each
    value with its type, but a whole number read as an int where the other reader reads a float (1 and
    1.0 compare equal), so that a boolean read as 1 would still differ."""
    cells = [[None if v == "" or v is None else _typed(v) for v in row] for row in rows]
    return [row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)] for row in cells]


def _typed(value):
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return ("number", float(value)) if number else (type(value).__name__, value)


values = st.one_of(
    st.none(),
    st.text(max_size=6),
    st.sampled_from(["=1+1", "http://example.org", "007", "", " ", "近10万亿", "a\nb"]),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(date(1900, 3, 1), date(2100, 1, 1)),
    st.datetimes(datetime(1900, 3, 1), datetime(2100, 1, 1)),
    st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    grid=st.lists(st.lists(values, max_size=5), max_size=6),
    top=st.integers(0, 2),
    left=st.integers(0, 2),
    writer=st.sampled_from(["xlsxwriter", "openpyxl"]),
)
def test_the_streamed_sheet_reads_what_the_whole_sheet_reads(tmp_path_factory, grid, top, left, writer):
    path = tmp_path_factory.mktemp("book") / "b.xlsx"
    if writer == "xlsxwriter":
        import xlsxwriter

        book = xlsxwriter.Workbook(str(path), workbook.OPTIONS)
        sheet = book.add_worksheet("t")
        dated = book.add_format({"num_format": "yyyy-mm-dd h:mm:ss"})
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(top + r, left + c, value, dated if isinstance(value, date) else None)
        book.close()
    else:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # control characters openpyxl refuses to write

        book = Workbook()
        book.active.title = "t"
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is not None:
                    value = ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
                    book.active.cell(top + r + 1, left + c + 1, value)
        book.save(path)
    assert _as_compared(_streamed_rows(path, "t")) == _as_compared(_reference_rows(path, "t"))


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    pkg = descriptor.load(ROOT / "tests" / "examples" / "press-release-en", trusted=True)
    assert validate.sources(pkg) == []
    return assemble.write_release(pkg, tmp_path_factory.mktemp("release"))


def test_every_sheet_of_a_release_streams_as_the_whole_sheet_reads(release):
    from python_calamine import CalamineWorkbook

    book = next(release.glob("*.xlsx"))
    for name in CalamineWorkbook.from_path(str(book)).sheet_names:
        assert _as_compared(_streamed_rows(book, name)) == _as_compared(_reference_rows(book, name)), name


def test_a_workbook_calamine_cannot_read_is_a_finding(release, tmp_path):
    copy = shutil.copytree(release, tmp_path / release.name)
    book = next(copy.glob("*.xlsx"))
    book.write_bytes(b"PK\x03\x04 not a workbook")
    found = agree.agree(copy, "r")
    assert [(f.path, f.type) for f in found] == [(f"r/{book.name}", "formats-agree")]
    assert str(found[0].message).startswith("calamine cannot read it: ")


def test_a_sheet_with_a_row_more_than_the_csv_is_one_finding_a_field(release, tmp_path):
    from openpyxl import load_workbook

    copy = shutil.copytree(release, tmp_path / release.name)
    book_path = next(copy.glob("*.xlsx"))
    book = load_workbook(book_path)
    table = descriptor.load(copy).tables[-1]
    sheet = book[table.name]
    rows = sheet.max_row - 1
    sheet.append(["extra"] * len(table.fields))
    book.save(book_path)
    found = [f for f in agree.agree(copy, "r") if f.path == f"r/{book_path.name}"]
    assert [(f.field, str(f.message)) for f in found] == [
        (field["name"], f"has {rows + 1} rows, but the CSV has {rows}") for field in table.fields
    ]


def test_a_sheet_missing_from_the_workbook_is_a_finding_of_its_table(release, tmp_path):
    from openpyxl import load_workbook

    copy = shutil.copytree(release, tmp_path / release.name)
    book_path = next(copy.glob("*.xlsx"))
    table = descriptor.load(copy).tables[-1]
    book = load_workbook(book_path)
    del book[table.name]
    book.save(book_path)
    found = [f for f in agree.agree(copy, "r") if f.path == f"r/{book_path.name}"]
    assert len(found) == 1
    assert str(found[0].message).startswith(f"calamine cannot read the sheets of {table.name}: ")
