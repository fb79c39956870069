"""A schema's pattern reads as Python's re reads it (as frictionless does), whichever engine runs it,
and a pattern that backtracks is a finding within seconds, never a hang."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from pubkit.checks import validate
from pubkit.standard import descriptor, tableschema

PATTERNS = ["obs-[0-9]+", r"obs-\d+", "obs-[0-9]+$", r"(?=o)obs-\w+", "a{,2}", r"sources/[a-z]+\.txt"]
CELLS = ["obs-1", "obs-١", "obs-1\n", "obs-", "aa", "sources/a.txt", "sources/aatxt"]


def pattern_package(root, pattern: str, cells: list[str]):
    root.mkdir()
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows([["c"], *[[c] for c in cells]])
    (root / "t.csv").write_text(out.getvalue(), encoding="utf-8")
    field = {"name": "c", "constraints": {"pattern": pattern}}
    resources = [{"name": "t", "path": "t.csv", "schema": {"fields": [field]}}]
    (root / "datapackage.json").write_text(json.dumps({"name": "p", "resources": resources}), encoding="utf-8")
    return descriptor.load(root)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_pattern_reads_as_python_re_reads_it(tmp_path, pattern):
    findings = validate.sources(pattern_package(tmp_path / "p", pattern, CELLS))
    failing = sorted(f.value for f in findings if f.rule == "constraint pattern")
    assert failing == sorted(c for c in CELLS if not re.fullmatch(pattern, c))


def test_re2_runs_only_what_it_reads_as_python_does():
    assert tableschema.re2_reads_alike("obs-[0-9]+")
    assert not tableschema.re2_reads_alike(r"obs-\d+")  # \d is Unicode in Python, ASCII in RE2
    assert not tableschema.re2_reads_alike("a{,2}")  # {,n} is Python's alone


def test_a_pattern_that_backtracks_is_a_finding_within_seconds(tmp_path):
    findings = validate.sources(pattern_package(tmp_path / "p", r"(\w|\w\w)+", ["aaa", "a" * 5000 + "!"]))
    assert [str(f) for f in findings] == [
        r"t.csv:3: c: the pattern (\w|\w\w)+ did not finish on this value within 2.0 seconds: it backtracks "
        "(pattern too slow)"
    ]
