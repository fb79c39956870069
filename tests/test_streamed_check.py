"""A package checked a part of each table at a time (``checks.streamed``) gets exactly the findings of the
whole read, record numbers and order included (hypothesis, with parts of a few rows), and the path is
taken only where that holds."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from devtools import plain
from pubkit.checks import streamed, validate
from pubkit.standard import descriptor, read, readparts

FIELDS = [
    {"name": "id", "type": "integer"},
    {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z][0-9]", "required": True}},
    {"name": "value", "type": "number", "constraints": {"minimum": 0}},
    {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
    {"name": "day", "type": "date"},
]
good = st.tuples(
    st.integers(0, 30).map(str),
    st.sampled_from(["A1", "B2", "Z9"]),
    st.sampled_from(["0", "1.5", "17.84", "1e3"]),
    st.sampled_from(["a", "b", ""]),
    st.sampled_from(["2022-09-23", "2020-02-29", ""]),
).map(list)
defect = st.sampled_from(["x", "", "-1", "c", "2022-02-30", "1 000", "\u0001", "A1,", 'q"q'])


@st.composite
def rows(draw):
    found = []
    for row in draw(st.lists(good, min_size=0, max_size=25)):
        change = draw(st.sampled_from(["none", "none", "none", "cell", "blank", "short", "long"]))
        if change == "cell":
            row[draw(st.integers(0, 4))] = draw(defect)
        elif change == "blank":
            row = ["", "", "", "", ""]
        elif change == "short":
            row = row[: draw(st.integers(1, 4))]
        elif change == "long":
            row = [*row, "extra"]
        found.append(row)
    return found


def _package(folder, header: list[str], body: list[list[str]], key: bool, eol: str, kinds: list[str] | None = None):
    """A table of ``body`` rows; with ``kinds``, its ``kind`` a foreign key to a second table of those codes."""
    (folder / "data").mkdir(exist_ok=True)
    _write(folder / "data" / "table.csv", [header, *body], eol)
    schema = {"fields": FIELDS, **({"primaryKey": ["id"]} if key else {})}
    resources = [{"name": "table", "path": "data/table.csv", "schema": schema}]
    if kinds is not None:
        _write(folder / "data" / "kinds.csv", [["code"], *([k] for k in kinds)], eol)
        reference = {"resource": "kinds", "fields": ["code"]}
        schema["foreignKeys"] = [{"fields": ["kind"], "reference": reference}]
        resources.append({"name": "kinds", "path": "data/kinds.csv", "schema": {"fields": [{"name": "code"}]}})
    described = {"name": "p", "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(described), encoding="utf-8")
    return descriptor.load(folder)


def _write(path, rows: list[list[str]], eol: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=eol).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def _whole(pkg):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(streamed, "plans", lambda pkg: None)
        return validate.sources(pkg)


EXAMPLES = max(40, int(os.environ.get("FUZZ_EXAMPLES", "250")))  # `make test` 40; `make test-deep` 2000


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=rows(),
    header=st.sampled_from([["id", "code", "value", "kind", "day"], ["id", "code", "value", "kind"], ["id", "x"]]),
    key=st.booleans(),
    eol=st.sampled_from(["\n", "\r\n"]),
    size=st.integers(8, 200),
    kinds=st.none() | st.lists(st.sampled_from(["a", "b", "c", ""]), max_size=4),
)
def test_a_package_checked_in_parts_gets_the_findings_of_the_whole_read(
    tmp_path_factory, monkeypatch, body, header, key, eol, size, kinds
):
    monkeypatch.setattr(readparts, "PART_BYTES", size)
    monkeypatch.setattr(read, "HEADER_SAMPLE", 2)
    pkg = _package(tmp_path_factory.mktemp("pkg"), header, body, key, eol, kinds)
    made = streamed.plans(pkg)
    event("in parts" if made is not None else "whole")
    event(f"{min(len(made['table']), 4) if made else 0} parts")
    event("a foreign key" if kinds is not None else "no foreign key")
    assert validate.sources(pkg) == _whole(pkg)  # every finding, its record number and place included


@pytest.mark.parametrize(
    "why, change",
    [
        (
            "a foreign key to its table",
            {"foreignKeys": [{"fields": ["id"], "reference": {"resource": "", "fields": ["id"]}}]},
        ),
        ("a unique key", {"uniqueKeys": [["code"]]}),
        ("a unique field", {"fields": [{**FIELDS[0], "constraints": {"unique": True}}, *FIELDS[1:]]}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_what_joins_rows_beyond_a_part_is_checked_whole(tmp_path, why, change):
    pkg = _package(tmp_path, [f["name"] for f in FIELDS], [["1", "A1", "1", "a", ""]], True, "\n")
    assert streamed.plans(pkg) is not None
    descriptor_path = tmp_path / "datapackage.json"
    described = json.loads(descriptor_path.read_text())
    described["resources"][0]["schema"].update(change)
    descriptor_path.write_text(json.dumps(described))
    assert streamed.plans(descriptor.load(tmp_path)) is None


# A memory bound ----------------------------------------------------------------------

BOUNDED = r"""
import resource, sys
from pubkit.checks import streamed, validate
from pubkit.standard import descriptor

small, big, headroom, whole = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "whole"
if whole:
    streamed.plans = lambda pkg: None
validate.sources(descriptor.load(small))  # every module imported, every thread pool started
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
limit = int(status["VmData"].split()[0]) * 1024 + headroom
resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
print(len(validate.sources(descriptor.load(big))), "findings")
"""
HEADROOM = 160 << 20  # bytes the check may take beyond the interpreter with its modules loaded
ROWS = 1_000_000


def _as_python_objects(path, rows: int) -> int:
    """The bytes the table's rows take as Python lists of text (as ``csv.reader`` gives them), measured on
    its first ten thousand rows."""
    import itertools
    import tracemalloc

    with path.open(newline="", encoding="utf-8") as stream:
        tracemalloc.start()
        sample = list(itertools.islice(csv.reader(stream), 1, 10_001))
        taken = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    return taken * rows // len(sample)


def _bounded(small, big, mode: str):
    import subprocess
    import sys

    from conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "ARROW_DEFAULT_MEMORY_POOL": "system"}
    env["MALLOC_MMAP_THRESHOLD_"] = "131072"  # a freed large block goes back to the system, as it is counted
    arguments = [sys.executable, "-c", BOUNDED, str(small), str(big), str(HEADROOM), mode]
    return subprocess.run(arguments, capture_output=True, text=True, env=env, timeout=300)


def test_a_table_is_checked_within_a_bound_its_rows_as_python_objects_overflow_four_times(tmp_path):
    small, big = plain.write(tmp_path / "small", 100), plain.write(tmp_path / "big", ROWS)
    assert _as_python_objects(big / "data" / "t.csv", ROWS) > 4 * HEADROOM
    done = _bounded(small, big, "parts")
    assert (done.returncode, done.stdout) == (0, "0 findings\n"), done.stderr[-2000:]
    whole = _bounded(small, big, "whole")  # the bound bites: the whole read does not fit in it
    assert whole.returncode != 0 and "findings" not in whole.stdout


@settings(max_examples=EXAMPLES, deadline=None)
@given(values=st.lists(st.one_of(st.integers(-3, 3), st.integers(-(2**63), 2**63 - 1)), max_size=30))
def test_a_key_seen_distinct_when_sorted_repeats_nothing_when_hashed(values):
    import pandas as pd

    from pubkit.checks import keys

    frame = pd.DataFrame({"id": pd.array(values, dtype="Int64")}, index=pd.Index(range(2, 2 + len(values))))
    distinct = keys._sorted_distinct(frame, ["id"])
    event(f"distinct: {distinct}")
    assert distinct == (len(set(values)) == len(values))
    again, _ = keys.repeats(frame, ["id"])
    assert again.tolist() == [2 + i for i, v in enumerate(values) if v in values[:i]]


def test_a_foreign_key_is_checked_part_by_part_against_its_parent_read_first(tmp_path, monkeypatch):
    monkeypatch.setattr(readparts, "PART_BYTES", 16)
    monkeypatch.setattr(read, "HEADER_SAMPLE", 2)
    body = [[str(n), "A1", "1", kind, ""] for n, kind in enumerate(["a", "b", "a", "c", "b"])]
    pkg = _package(tmp_path, [f["name"] for f in FIELDS], body, True, "\n", ["b", "a"])
    made = streamed.plans(pkg)
    assert list(made) == ["kinds", "table"] and len(made["table"]) > 2  # the parent first
    assert [str(f) for f in validate.sources(pkg) if f.type == "foreign-key"] == [
        'data/table.csv:5: kind: "c" is not found in kinds.code (foreign key)'
    ]
