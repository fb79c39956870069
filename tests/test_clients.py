"""The release, opened the way users open it, gives exactly the rows and values of its CSV."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

from conftest import ROOT, run_process
from pubkit import descriptor
from pubkit.verify import normalise

PKG = descriptor.run(ROOT)
RELEASE = ROOT / "dist" / PKG.release_name
TABLES = [t.name for t in PKG.tables]


def csv_values(table: str) -> list[list]:
    """The release CSV read with nothing but the csv module and the schema's types."""
    fields = PKG.table(table).fields
    with (RELEASE / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))[1:]
    return [[normalise(f["type"], _typed(f["type"], cell)) for f, cell in zip(fields, row)] for row in rows]


def _typed(kind: str, cell: str):
    if cell == "":
        return None
    return {"number": float, "integer": int}.get(kind, str)(cell)


def normalised(table: str, rows) -> list[list]:
    kinds = [f["type"] for f in PKG.table(table).fields]
    return [[normalise(kind, value) for kind, value in zip(kinds, row)] for row in rows]


def parquet(table: str) -> str:
    return str(RELEASE / "parquet" / f"{table}.parquet")


@pytest.mark.parametrize("table", TABLES)
def test_duckdb_read_parquet(table):
    rows = duckdb.sql(f"select * from read_parquet('{parquet(table)}')").fetchall()
    assert normalised(table, rows) == csv_values(table)


@pytest.mark.parametrize("table", TABLES)
def test_polars(table):
    frame = pl.read_parquet(parquet(table))
    assert frame.columns == PKG.table(table).field_names
    assert normalised(table, frame.rows()) == csv_values(table)


@pytest.mark.parametrize("table", TABLES)
def test_pandas_with_pyarrow(table):
    frame = pd.read_parquet(parquet(table), engine="pyarrow")
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    assert normalised(table, rows) == csv_values(table)


def test_frictionless_cli_validates_the_release_descriptor():
    frictionless = str(Path(sys.executable).parent / "frictionless")
    result = run_process(frictionless, "validate", "--json", str(RELEASE / "datapackage.json"))
    report = json.loads(result.stdout)
    assert (result.returncode, report["valid"], len(report["tasks"])) == (0, True, len(TABLES))
