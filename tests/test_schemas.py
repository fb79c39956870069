"""Schemas are the single source of truth: everything else is derived from them, and drift fails."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandera.pandas as pa
import pytest

from conftest import ROOT, run_process
from pubkit.releases import readme
from pubkit.standard import descriptor, read, tableschema

PKG = descriptor.load(ROOT, trusted=True)
TABLES = [t.name for t in PKG.tables]


@pytest.mark.parametrize("name", TABLES)
def test_every_field_has_a_title_and_description(name):
    table = PKG.table(name)
    assert table.schema["$schema"] == "https://datapackage.org/profiles/2.0/tableschema.json"
    missing = [f["name"] for f in table.fields if not f.get("title") or not f.get("description")]
    assert missing == []


@pytest.mark.parametrize("name", TABLES)
def test_pandera_columns_are_exactly_the_schema_fields(name):
    table = PKG.table(name)
    schema = tableschema.pandera_schema(table)
    assert list(schema.columns) == table.field_names


@pytest.mark.parametrize("name", TABLES)
def test_arrow_fields_are_exactly_the_schema_fields(name):
    table = PKG.table(name)
    arrow = tableschema.arrow_schema(table)
    assert arrow.names == table.field_names
    assert {f.name: f.metadata[b"description"].decode() for f in arrow} == {
        f["name"]: f["description"] for f in table.fields
    }


@pytest.mark.parametrize("name", TABLES)
def test_source_headers_are_the_schema_fields(name):
    assert read.raw_table(PKG, PKG.table(name)).header == PKG.table(name).field_names


def test_pandera_sees_every_constraint_kind():
    table = PKG.table("observations")
    columns = tableschema.pandera_schema(table).columns
    assert columns["value_qualifier"].checks[0].error == "enum"
    assert columns["observation_id"].unique and not columns["observation_id"].nullable
    assert columns["period"].nullable
    assert [c.error for c in columns["unit_mult"].checks] == ["minimum", "maximum"]


def test_pandera_validates_booleans_and_missing_values_by_our_mapping():
    # pandera's from_frictionless_schema reads "false" as True and ignores missingValues;
    # the toolkit's cast does neither.
    field = {"name": "flag", "type": "boolean"}
    import pandas as pd

    cast = read.cast(pd.Series(["false", "true", "", "NA"]), field, ["", "NA"])
    assert cast.tolist() == [False, True, pd.NA, pd.NA]
    assert isinstance(
        tableschema.pandera_schema(descriptor.Table("t", "t.csv", {"fields": [field]}, "")), pa.DataFrameSchema
    )


def test_readme_sections_are_generated_from_schemas_and_sources():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "<!-- dictionary:start" in text and "<!-- examples:start" in text
    assert readme.refresh(text, PKG) == text, "README.md is stale: run `make readme`"


def test_frictionless_validates_the_root_descriptor():
    frictionless = str(Path(sys.executable).parent / "frictionless")
    result = run_process(frictionless, "validate", "--json", "datapackage.json", cwd=ROOT)
    report = json.loads(result.stdout)
    assert (result.returncode, report["valid"]) == (0, True)
