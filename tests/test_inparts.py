"""A release written a part of each table at a time (``releases.inparts``) is, byte for byte, the release
written of the whole tables (hypothesis, with parts of a few rows); a part that the whole table would type
otherwise sends the release to the whole path; and a package is built within a memory bound that its rows,
as Python objects, overflow several times over."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime

import pandas as pd
import pyarrow
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from devtools import plain
from pubkit.formats import export, workbook
from pubkit.releases import assemble, inparts, proof
from pubkit.standard import descriptor, read, readparts

DATE = datetime(2026, 1, 1, tzinfo=UTC)
EXAMPLES = max(8, int(os.environ.get("FUZZ_EXAMPLES", "250")) // 5)  # `make test` 8; `make test-deep` 400
REGIONS = {
    "fields": [
        {"name": "code", "type": "string"},
        {"name": "name", "type": "string"},
        {"name": "kind", "type": "string", "categories": ["a", "b", "c"]},
    ],
    "primaryKey": ["code"],
}
FIGURES = {
    "fields": [
        {"name": "id", "type": "integer"},
        {"name": "region", "type": "string"},
        {"name": "value", "type": "number"},
        {"name": "count", "type": "integer"},
        {"name": "day", "type": "date"},
        {"name": "at", "type": "datetime"},
        {"name": "note", "type": "string"},
    ],
    "primaryKey": ["id"],
    "foreignKeys": [{"fields": ["region"], "reference": {"resource": "regions", "fields": ["code"]}}],
}
NUMBERS = ["0", "1.5", "-7", "12345.678", "1e3", "0.12345678901234567", "3000000.25", ""]
NOTES = ["", "plain", "a, b", 'say "x"', "=1+1", "雄安 新区", "http://example.org", "0012"]


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _package(folder, regions: list[list[str]], figures: list[list[str]]):
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "regions.csv").write_text(_csv([["code", "name", "kind"], *regions]), encoding="utf-8")
    header = [f["name"] for f in FIGURES["fields"]]
    (folder / "data" / "figures.csv").write_text(_csv([header, *figures]), encoding="utf-8")
    resources = [
        {"name": "regions", "path": "data/regions.csv", "schema": REGIONS},
        {"name": "figures", "path": "data/figures.csv", "schema": FIGURES},
    ]
    described = {"name": "p", **plain.RELEASABLE, "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(described), encoding="utf-8")
    return descriptor.load(folder)


@st.composite
def packages(draw):
    codes = [f"R{n}" for n in range(draw(st.integers(1, 150)))]
    regions = [
        [c, draw(st.sampled_from(["North", "South, far", "东部", ""])), draw(st.sampled_from("abc"))] for c in codes
    ]
    zone = draw(st.sampled_from(["Z", "+08:00", ""]))
    figure = st.tuples(
        st.sampled_from(codes),
        st.sampled_from(NUMBERS),
        st.sampled_from(["0", "-3", "123456789012", "9007199254740993", ""]),
        st.sampled_from(["2022-09-23", "2020-02-29", ""]),
        st.sampled_from([f"2022-09-23T10:00:00{zone}", f"2021-01-01T00:30:15{zone}"]),
        st.sampled_from(NOTES),
    )
    figures = [[str(n), *row] for n, row in enumerate(draw(st.lists(figure, max_size=260)))]
    return regions, figures


def _written(pkg, folder, whole: bool) -> tuple:
    said = []
    with pytest.MonkeyPatch.context() as patch:
        if whole:
            patch.setattr(inparts, "plans", lambda *args: None)
        built = assemble.write_release(pkg, folder, DATE, None, said.append)
    return built, said


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(made=packages(), size=st.integers(32, 2000))
def test_a_release_written_in_parts_is_the_release_written_whole(tmp_path_factory, monkeypatch, made, size):
    monkeypatch.setattr(readparts, "PART_BYTES", size)
    monkeypatch.setattr(read, "HEADER_SAMPLE", 2)
    pkg = _package(tmp_path_factory.mktemp("pkg"), *made)
    in_parts, said = _written(pkg, tmp_path_factory.mktemp("parts"), whole=False)
    whole, _ = _written(pkg, tmp_path_factory.mktemp("whole"), whole=True)
    event(said[0].split(":")[0])
    assert proof.differing_files(in_parts, whole) == []
    assert sorted(p.name for p in in_parts.rglob("*")) == sorted(p.name for p in whole.rglob("*"))


def test_a_part_typed_otherwise_than_the_first_sends_the_release_to_the_whole_path(tmp_path, monkeypatch):
    monkeypatch.setattr(readparts, "PART_BYTES", 64)
    monkeypatch.setattr(read, "HEADER_SAMPLE", 2)
    figures = [[str(n), "R0", "1", "5", "", "2022-09-23T10:00:00Z", ""] for n in range(40)]
    figures[-1][3] = str(2**70)  # beyond int64: the whole column is read as Python integers
    pkg = _package(tmp_path / "pkg", [["R0", "North", "a"]], figures)
    in_parts, said = _written(pkg, tmp_path / "parts", whole=False)
    whole, _ = _written(pkg, tmp_path / "whole", whole=True)
    assert said[:2] == [
        "writing CSV, Parquet and SQLite a part at a time; the workbook in a second process",
        "writing the tables whole: data/figures.csv: a later part types count (object, not Int64) otherwise than "
        "the first",
    ]
    assert proof.differing_files(in_parts, whole) == []


def test_a_part_whose_parquet_type_differs_from_the_first_sends_the_release_to_the_whole_path(tmp_path, monkeypatch):
    monkeypatch.setattr(readparts, "PART_BYTES", 64)
    monkeypatch.setattr(read, "HEADER_SAMPLE", 2)
    figures = [[str(n), "R0", "1", str(2**70), "", "2022-09-23T10:00:00Z", ""] for n in range(40)]
    figures[-1][3] = str(10**40)  # beyond 38 digits: decimal256, where the first part's are decimal128
    pkg = _package(tmp_path / "pkg", [["R0", "North", "a"]], figures)
    in_parts, said = _written(pkg, tmp_path / "parts", whole=False)
    whole, _ = _written(pkg, tmp_path / "whole", whole=True)
    assert said[1] == (
        "writing the tables whole: data/figures.csv: a later part's Parquet types of count differ from the first's"
    )
    assert proof.differing_files(in_parts, whole) == []


def test_a_value_outside_the_declared_categories_sends_the_release_to_the_whole_path(tmp_path, monkeypatch):
    monkeypatch.setattr(readparts, "PART_BYTES", 32)
    monkeypatch.setattr(read, "HEADER_SAMPLE", 2)
    regions = [[f"R{n}", "North", "a"] for n in range(20)] + [["R20", "South", "z"]]
    pkg = _package(tmp_path / "pkg", regions, [])
    in_parts, said = _written(pkg, tmp_path / "parts", whole=False)
    whole, _ = _written(pkg, tmp_path / "whole", whole=True)
    assert said[1] == "writing the tables whole: data/regions.csv: kind holds a value its categories do not declare"
    assert proof.differing_files(in_parts, whole) == []


@settings(max_examples=EXAMPLES * 5, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    values=st.lists(st.none() | st.sampled_from(["a", "b", "long text " * 5, "雄"]) | st.text(max_size=6), max_size=40),
    cuts=st.lists(st.integers(0, 40), max_size=5),
    group=st.integers(1, 9),
)
def test_parquet_written_in_parts_is_parquet_written_whole(tmp_path_factory, monkeypatch, values, cuts, group):
    """Any cut into parts and any row-group size: the same bytes, the dictionary choice included."""
    monkeypatch.setattr(export, "ROW_GROUP_SIZE", group)
    folder = tmp_path_factory.mktemp("parquet")
    table = pyarrow.table({"text": pyarrow.array(values, pyarrow.string()), "n": list(range(len(values)))})
    table = table.replace_schema_metadata({"k": "v"})
    export.write_parquet(table, folder / "whole.parquet")
    parts = export.ParquetParts(folder / "parts.parquet")
    bounds = [0, *sorted(c for c in cuts if c <= len(values)), len(values)]
    for start, stop in itertools.pairwise(bounds):
        parts.add(table.slice(start, stop - start))
    parts.close()
    assert (folder / "parts.parquet").read_bytes() == (folder / "whole.parquet").read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["parts.parquet", "whole.parquet"]  # no spool left


def test_a_workbook_written_in_parts_splits_its_sheets_where_the_whole_table_does(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 4)  # three rows a sheet
    pkg = _package(tmp_path / "pkg", [[f"R{n}", "North", "a"] for n in range(8)], [])
    table = pkg.table("regions")
    frame = pd.DataFrame({"code": [f"R{n}" for n in range(8)], "name": ["North"] * 8, "kind": ["a"] * 8})
    about = [("title", "t")]
    workbook.write_xlsx([(table, frame, frame)], about, tmp_path / "whole.xlsx", DATE)
    book = workbook.Book(tmp_path / "parts.xlsx")
    for start, stop in [(0, 2), (2, 2), (2, 7), (7, 8)]:
        book.add(table, frame.iloc[start:stop], frame.iloc[start:stop])
    book.end_table(table)
    book.close(about, [table], DATE)
    assert (tmp_path / "parts.xlsx").read_bytes() == (tmp_path / "whole.xlsx").read_bytes()
    from python_calamine import CalamineWorkbook

    assert CalamineWorkbook.from_path(str(tmp_path / "parts.xlsx")).sheet_names == [
        "About",
        "regions",
        "regions_2",
        "regions_3",
        "Fields",
    ]


# A memory bound ----------------------------------------------------------------------

BOUNDED = r"""
import resource, sys
from pubkit import api
from pubkit.releases import inparts

small, big, headroom, whole = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "whole"
if whole:
    inparts.plans = lambda *args: None
api.build(small)  # every module imported, every thread pool started
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
limit = int(status["VmData"].split()[0]) * 1024 + headroom
resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))  # the workbook's process inherits it
print(api.build(big))
"""
HEADROOM = 160 << 20  # bytes a build may take beyond the interpreter with its modules loaded, in each process
ROWS = 750_000


def _bounded(small, big, mode: str):
    from conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "ARROW_DEFAULT_MEMORY_POOL": "system"}
    env["MALLOC_MMAP_THRESHOLD_"] = "131072"  # a freed large block goes back to the system, as it is counted
    arguments = [sys.executable, "-c", BOUNDED, str(small), str(big), str(HEADROOM), mode]
    return subprocess.run(arguments, capture_output=True, text=True, env=env, timeout=600)


def test_a_package_is_built_within_a_bound_its_rows_as_python_objects_overflow_three_times(tmp_path):
    from test_streamed_check import _as_python_objects

    small, big = plain.write(tmp_path / "small", 100), plain.write(tmp_path / "big", ROWS)
    assert _as_python_objects(big / "data" / "t.csv", ROWS) > 3 * HEADROOM
    done = _bounded(small, big, "parts")
    assert (done.returncode, done.stdout) == (0, "built: dist/t-1.0.0\n"), done.stderr[-2000:]
    shutil.rmtree(big / "dist")
    whole = _bounded(small, big, "whole")  # the bound bites: the whole build does not fit in it
    assert whole.returncode != 0 and "built" not in whole.stdout, whole.stdout
