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
# FUZZ_EXAMPLES=2000 make test explores further; the gate runs 250 of each.
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
