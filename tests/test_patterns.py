"""A schema's pattern reads as Python's re reads it (as frictionless does), whichever engine runs it."""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pytest

from pubkit import tableschema
from pubkit.descriptor import Table

PATTERNS = ["obs-[0-9]+", r"obs-\d+", "obs-[0-9]+$", r"(?=o)obs-\w+", "a{,2}", r"sources/[a-z]+\.txt"]
CELLS = ["obs-1", "obs-١", "obs-1\n", "obs-", "aa", "", "sources/a.txt", "sources/aatxt"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_pattern_reads_as_python_re_reads_it(pattern):
    table = Table(
        "t", "sources/t.csv", {"fields": [{"name": "c", "constraints": {"pattern": pattern}}]}, "schemas/t.json"
    )
    frame = pd.DataFrame({"c": pd.array(CELLS, dtype=pd.ArrowDtype(pyarrow.string()))})
    try:
        tableschema.pandera_schema(table).validate(frame, lazy=True)
        failing = []
    except pa.errors.SchemaErrors as errors:
        failing = sorted(errors.failure_cases["failure_case"].tolist())
    assert failing == sorted(c for c in CELLS if not re.fullmatch(pattern, c))
