"""The release CSV writer (pyarrow, column-wise) writes the bytes Python's csv module writes."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pyarrow
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubkit.formats import export
from pubkit.standard.descriptor import Table

cells = st.lists(st.sampled_from(["a", "中", ",", '"', "\r", "\n", " ", "=1", ""]), max_size=4).map("".join)


def table_of(width: int) -> Table:
    return Table(
        "t", "sources/t.csv", {"fields": [{"name": f"c{i}", "type": "string"} for i in range(width)]}, "schemas/t.json"
    )


def by_csv_module(names: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(width=st.integers(min_value=1, max_value=3), batch=st.integers(min_value=1, max_value=4), data=st.data())
def test_same_bytes_as_the_csv_module(tmp_path_factory, monkeypatch, width, batch, data):
    monkeypatch.setattr(export, "CSV_BATCH_ROWS", batch)  # sliced batches, as a million rows give
    rows = data.draw(st.lists(st.lists(cells, min_size=width, max_size=width), max_size=8))
    table = table_of(width)
    frame = pd.DataFrame(rows, columns=table.field_names, dtype=pd.ArrowDtype(pyarrow.string()))
    path = tmp_path_factory.mktemp("csv") / "out.csv"
    export.write_csv(table, frame, path)
    assert path.read_bytes() == by_csv_module(table.field_names, rows)
