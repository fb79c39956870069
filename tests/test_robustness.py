"""Malformed input of any kind ends in success or located findings (exit 1): never a traceback."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import copy_package, notes_only, run_cli

SOURCES = ["sources/observations.csv", "sources/area_memberships.csv", "sources/documents.csv"]
DESCRIPTORS = ["datapackage.json", "schemas/observations.schema.json", "schemas/areas.schema.json"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
# `make test-deep` (FUZZ_EXAMPLES=2000) explores further; `make test` runs 25 of each.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "250")), deadline=None, suppress_health_check=list(HealthCheck)
)


@pytest.fixture(scope="module")
def shared_package(tmp_path_factory):
    return copy_package(tmp_path_factory.mktemp("fuzz") / "package")


def check_survives(package, capsys, relpath: str, data: bytes) -> None:
    path = package / relpath
    original = path.read_bytes()
    path.write_bytes(data)
    try:
        code, out, err = run_cli(capsys, "check", str(package))
    finally:
        path.write_bytes(original)
        shutil.rmtree(package / ".build", ignore_errors=True)
    assert code in (0, 1) and notes_only(err), err
    assert "Traceback" not in out
    if code == 1:
        assert out.rstrip().splitlines()[-1].startswith("  ")  # ends with the count per rule


@FUZZ
@given(data=st.data(), relpath=st.sampled_from(SOURCES))
def test_malformed_csv_bytes(shared_package, capsys, data, relpath):
    original = (shared_package / relpath).read_bytes()
    at = data.draw(st.integers(min_value=0, max_value=len(original)))
    cut = data.draw(st.integers(min_value=0, max_value=40))
    noise = data.draw(
        st.one_of(
            st.binary(max_size=12),
            st.text(max_size=12).map(lambda t: t.encode("utf-8")),
            st.sampled_from([b"\n", b"\r\n", b",", b'"', b'""', b"\n\n", b"\xef\xbb\xbf", "，１７％".encode()]),
        )
    )
    check_survives(shared_package, capsys, relpath, original[:at] + noise + original[at + cut :])


@FUZZ
@given(data=st.data(), relpath=st.sampled_from(DESCRIPTORS))
def test_malformed_descriptors(shared_package, capsys, data, relpath):
    document = json.loads((shared_package / relpath).read_text(encoding="utf-8"))
    node = document  # walk down a few levels, then replace what is there
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        if isinstance(node[key], (dict, list)) and node[key] and data.draw(st.booleans()):
            node = node[key]
            continue
        node[key] = data.draw(json_values)
        break
    check_survives(shared_package, capsys, relpath, json.dumps(document, ensure_ascii=False).encode("utf-8"))


ALL_SOURCES = [*SOURCES, "sources/areas.csv", "sources/indicators.csv", "sources/ignored_mentions.csv"]
CELL_EDITS = st.sampled_from(
    [
        "",  # an empty cell, required or not
        "9" * 19,  # past int64
        "9" * 60,  # past decimal128
        "-" + "9" * 40,
        "9007199254740993",  # past a float's exact integers
        "\ufffe",  # a noncharacter
        "x" * 40_000,  # past a workbook cell
        "a\rb",  # a bare CR inside a cell
        '=HYPERLINK("http://x")',
        "1e400",
    ]
)


@FUZZ
@given(data=st.data(), relpath=st.sampled_from(ALL_SOURCES))
def test_row_edits_a_maintainer_makes(shared_package, capsys, data, relpath):
    """#14: a row pasted twice, a cell emptied, or a cell holding what no table should: located findings."""
    import csv
    import io

    original = (shared_package / relpath).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(original, newline="")))
    row = data.draw(st.integers(min_value=1, max_value=len(rows) - 1))
    if data.draw(st.booleans(), label="duplicate the row"):
        rows.insert(row + 1, list(rows[row]))
    else:
        column = data.draw(st.integers(min_value=0, max_value=len(rows[row]) - 1))
        rows[row][column] = data.draw(CELL_EDITS)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    check_survives(shared_package, capsys, relpath, out.getvalue().encode("utf-8"))


@FUZZ
@given(data=st.data())
def test_a_damaged_dist_is_reported_never_a_crash(shared_package, capsys, data):
    """#14: any file of dist/ cut, extended, flipped or replaced by a link: check says so, build refuses."""
    files = sorted(p for p in (shared_package / "dist").rglob("*") if p.is_file())
    path = data.draw(st.sampled_from(files))
    original = path.read_bytes()
    how = data.draw(st.sampled_from(["cut", "extend", "flip", "link"]))
    try:
        if how == "link":
            path.unlink()
            path.symlink_to("/dev/zero")
        else:
            at = data.draw(st.integers(min_value=0, max_value=max(len(original) - 1, 0)))
            damaged = {
                "cut": original[:at],
                "extend": original + data.draw(st.binary(min_size=1, max_size=16)),
                "flip": original[:at] + bytes([original[at] ^ 0xFF]) + original[at + 1 :] if original else b"x",
            }[how]
            path.write_bytes(damaged)
        code, out, err = run_cli(capsys, "check", str(shared_package))
        assert code == 1 and notes_only(err), err
        assert out.rstrip().splitlines()[-1].startswith("  ")
        code, _, err = run_cli(capsys, "build", str(shared_package))
        assert code in (0, 1) and "internal error" not in err, err
    finally:
        if path.is_symlink():
            path.unlink()
        path.write_bytes(original)
        shutil.rmtree(shared_package / ".build", ignore_errors=True)
