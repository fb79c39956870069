"""Round trip CSV → Parquet → Excel → values, on generated tables (hypothesis)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import ROOT
from pubkit.checks import validate
from pubkit.formats import agree
from pubkit.releases import assemble, verify
from pubkit.standard import descriptor, read, readparts, workbookcells

SCHEMA = {
    "fields": [
        {"name": "text", "type": "string"},
        {"name": "amount", "type": "number"},
        {"name": "count", "type": "integer"},
        {"name": "day", "type": "date"},
    ],
    "missingValues": [""],
}
TRICKY = ["=1+1", "+86", "-5", "@home", "1/4", "2022-09-23", "007", "17.84", "近10万亿元", "TRUE", " padded "]
texts = st.one_of(
    st.sampled_from(TRICKY), st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
)
numbers = st.one_of(
    st.integers(min_value=0, max_value=10**13).map(str),
    st.decimals(min_value=-1000, max_value=1000, places=2).map(
        lambda d: str(d.normalize()) if d == d.to_integral() else str(d)
    ),
    st.sampled_from(["17.84", "6.2", "0.1", "19.21"]),
)
rows = st.lists(
    st.tuples(
        st.one_of(st.just(""), texts),
        st.one_of(st.just(""), numbers),
        st.one_of(st.just(""), st.integers(min_value=-(10**13), max_value=10**13).map(str)),
        st.one_of(st.just(""), st.dates().map(lambda d: d.isoformat())),
    ),
    min_size=1,
    max_size=15,
)


def write_package(folder: Path, records: list[tuple]) -> None:
    (folder / "sources").mkdir(parents=True)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows([[f["name"] for f in SCHEMA["fields"]], *records])
    (folder / "sources" / "t.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (folder / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "roundtrip",
                "version": "0.0.1",
                "created": "2026-01-01T00:00:00Z",
                "title": "t",
                "id": "t",
                "resources": [{"name": "t", "path": "sources/t.csv", "schema": SCHEMA}],
            }
        ),
        encoding="utf-8",
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=rows)
def test_every_format_gives_back_the_values_written(tmp_path_factory, records):
    records = [r for r in records if any(r)]  # an all-empty row is a blank row, a defect of its own
    if not records:
        return
    folder = tmp_path_factory.mktemp("rt")
    write_package(folder, records)
    pkg = descriptor.load(folder, trusted=True)
    assert validate.sources(pkg) == []
    release = assemble.write_release(pkg, folder / "out")
    assert verify.release_folder(release) == []
    assert agree.agree(release, "r", fast=False) == []  # the reference agrees with the fast path

    expected = [[_expect(kind["type"], cell) for kind, cell in zip(SCHEMA["fields"], record)] for record in records]
    parquet = pq.read_table(release / "parquet" / "t.parquet").to_pylist()
    assert [[_from_parquet(f["type"], r[f["name"]]) for f in SCHEMA["fields"]] for r in parquet] == expected
    sheet = load_workbook(release / "roundtrip-0.0.1.xlsx")["t"]
    cells = [[c for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [[_from_excel(f["type"], c.value) for f, c in zip(SCHEMA["fields"], row)] for row in cells] == expected
    text_cells = [row[0] for row in cells if row[0].value is not None]
    assert all(c.data_type == "s" for c in text_cells)  # never a formula, never a number
    dates = [row[3] for row in cells if row[3].value is not None]
    assert all(c.is_date and c.value >= datetime(1900, 3, 1) for c in dates if c.data_type != "s")
    assert all(c.value < "1900-03-01" for c in dates if c.data_type == "s")  # the 1900 date system cannot


def _expect(kind: str, cell: str):
    if cell == "":
        return None
    return {"number": lambda c: Decimal(c), "integer": int, "date": str}.get(kind, str)(cell)


def _from_parquet(kind: str, value):
    if value is None:
        return None
    return {"number": lambda v: Decimal(repr(v)), "date": lambda v: v.isoformat()}.get(kind, lambda v: v)(value)


def _from_excel(kind: str, value):
    if value is None:
        return None
    return {"number": lambda v: Decimal(repr(float(v))), "integer": int, "date": _excel_date}.get(kind, lambda v: v)(
        value
    )


def _excel_date(value) -> str:
    return value if isinstance(value, str) else value.date().isoformat()


@pytest.fixture(scope="module")
def built_release(tmp_path_factory):
    """This package's release, built once into a scratch folder."""
    folder = tmp_path_factory.mktemp("parity")
    return assemble.write_release(descriptor.load(ROOT, trusted=True), folder)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_fast_comparison_of_formats_finds_what_the_reference_finds(built_release, tmp_path_factory, data):
    """A cell changed in the Parquet file or the workbook: the fast path and the reference report the same."""
    import shutil

    import pyarrow as pa
    from openpyxl import load_workbook as open_book

    release = tmp_path_factory.mktemp("tampered") / built_release.name
    shutil.copytree(built_release, release)
    table = data.draw(st.sampled_from(["areas", "indicators", "observations"]))
    path = release / "parquet" / f"{table}.parquet"
    arrow = pq.read_table(path)
    column = data.draw(st.sampled_from(arrow.schema.names))
    row = data.draw(st.integers(0, arrow.num_rows - 1))
    where = data.draw(st.sampled_from(["workbook", "database", "parquet"]), label="where")
    if where == "database":
        import sqlite3

        with sqlite3.connect(release / f"{built_release.name.rsplit('-', 1)[0]}.sqlite") as database:
            value = data.draw(st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=3)))
            try:
                database.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', (value, row + 1))
            except sqlite3.IntegrityError:  # the database's own NOT NULL or CHECK refuses it
                reject()
    elif where == "workbook":
        book = open_book(release / f"{built_release.name}.xlsx")
        cell = book[table].cell(row + 2, arrow.schema.names.index(column) + 1)
        cell.value = data.draw(
            st.one_of(
                st.none(),
                st.integers(-5, 5),
                st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=3),
            )
        )
        book.save(release / f"{built_release.name}.xlsx")
    else:
        values = arrow.column(column).to_pylist()
        values[row] = None
        arrow = arrow.set_column(
            arrow.schema.names.index(column), column, pa.array(values, arrow.schema.field(column).type)
        )
        pq.write_table(arrow, path)
    found = agree.agree(release, "r")
    assert found == agree.agree(release, "r", fast=False)
    with mock.patch.object(agree, "BATCH_ROWS", 3):  # batches end anywhere: the same findings, in order
        assert agree.agree(release, "r") == found
    with mock.patch.object(readparts, "PART_BYTES", 4000), mock.patch.object(read, "HEADER_SAMPLE", 2):
        assert agree.agree(release, "r") == found  # the CSV read in parts of a few rows: the same findings


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-(2**60), 2**60).map(float),
            st.sampled_from([2.0**53, -(2.0**53), 2.0**53 - 1, -0.0, 0.5, 1e-300]),
        ),
        max_size=30,
    )
)
def test_the_workbooks_numbers_in_numpy_are_the_reference_value_by_value(values):
    import pandas as pd

    series = pd.Series(values, dtype="float64")
    fast, reference = workbookcells._excel_number(series, None), workbookcells.excel_number_reference(series, None)
    assert [(type(v), v) for v in fast] == [(type(v), v) for v in reference]


ARROW_KINDS = {
    "text": (st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8), "string"),
    "large text": (st.text(max_size=8), "large_string"),
    "integers": (st.integers(-(2**63), 2**63 - 1), "int64"),
    "small integers": (st.integers(-128, 127), "int8"),
    "numbers": (st.floats(allow_nan=True, allow_infinity=True), "float64"),
    "booleans": (st.booleans(), "bool_"),
}


@settings(max_examples=200, deadline=None)
@given(data=st.data(), kind=st.sampled_from(sorted(ARROW_KINDS)), storage=st.sampled_from(["arrow", "string"]))
def test_arrow_columns_become_python_values_as_the_reference_makes_them(data, kind, storage):
    import pandas as pd
    import pyarrow

    values, arrow_type = ARROW_KINDS[kind]
    cells = data.draw(st.lists(st.one_of(st.none(), values), max_size=30))
    array = pyarrow.array(cells, type=getattr(pyarrow, arrow_type)(), from_pandas=False)
    if storage == "string" and arrow_type == "string":
        series = pd.Series(pd.array(cells, dtype="string[pyarrow]"))
    else:
        series = pd.Series(pd.arrays.ArrowExtensionArray(array))
    fast, reference = workbookcells.python_values(series), workbookcells.python_values_reference(series)
    assert [(type(v), repr(v)) for v in fast] == [(type(v), repr(v)) for v in reference]


def test_a_release_csv_is_compared_a_part_at_a_time(built_release, monkeypatch):
    """Cut into parts of a few rows, every table's CSV agrees with every format as when read whole."""
    monkeypatch.setattr(readparts, "PART_BYTES", 2000)
    monkeypatch.setattr(read, "HEADER_SAMPLE", 2)
    release = descriptor.load(built_release)
    planned = {t.name: readparts.plan(release, t) for t in release.tables}
    assert all(made is not None for made in planned.values()) and max(len(m) for m in planned.values()) > 3
    assert agree.agree(built_release, "r") == []
    monkeypatch.setattr(readparts, "plan", lambda pkg, table, size=None: None)  # every table read whole
    assert agree.agree(built_release, "r") == []
