"""Declared views (``pubkit:views``): the labelled view of the figures, in every format of the release."""

from __future__ import annotations

import csv
import json
import sqlite3

import pyarrow.parquet as pq
from openpyxl import load_workbook

from conftest import ROOT, run_cli
from pubkit.standard import descriptor

PKG = descriptor.load(ROOT, trusted=True)
RELEASE = ROOT / "dist" / PKG.release_name
VIEW = "observations_labelled"


def _csv(name: str) -> list[dict]:
    with (RELEASE / "csv" / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_the_labelled_view_has_one_row_per_observation_with_names_and_units_in_every_format():
    observations, indicators, areas = _csv("observations"), _csv("indicators"), _csv("areas")
    by_indicator = {row["indicator_id"]: row for row in indicators}
    by_area = {row["area_id"]: row for row in areas}
    expected = [
        {
            "observation_id": o["observation_id"],
            "indicator_name_en": by_indicator[o["indicator_id"]]["name_en"],
            "unit": by_indicator[o["indicator_id"]]["unit"],
            "area_name_zh": by_area[o["area_id"]]["name_zh"],
            "value": o["value"],
            "quote": o["quote"],
        }
        for o in observations
    ]
    shown = list(expected[0])
    assert [{k: row[k] for k in shown} for row in _csv(VIEW)] == expected
    parquet = pq.read_table(RELEASE / "parquet" / f"{VIEW}.parquet").to_pandas()
    assert parquet["indicator_name_en"].tolist() == [e["indicator_name_en"] for e in expected]
    assert parquet["value"].tolist() == [float(e["value"]) for e in expected]
    book = load_workbook(RELEASE / f"{PKG.release_name}.xlsx", read_only=True)
    assert book.sheetnames[:2] == ["About", VIEW]
    sheet_rows = list(book[VIEW].iter_rows(values_only=True))
    assert len(sheet_rows) == len(expected) + 1 and sheet_rows[1][0] == expected[0]["observation_id"]
    with sqlite3.connect(f"file:{RELEASE / PKG.database_file}?mode=ro", uri=True) as database:
        stored = database.execute(f'SELECT observation_id, area_name_zh FROM "{VIEW}" ORDER BY rowid').fetchall()
    assert stored == [(e["observation_id"], e["area_name_zh"]) for e in expected]
    described = json.loads((RELEASE / "datapackage.json").read_text(encoding="utf-8"))
    assert VIEW in [r["name"] for r in described["resources"]]


def test_a_view_that_follows_no_foreign_key_is_one_line(package, capsys):
    path = package / "datapackage.json"
    declared = json.loads(path.read_text(encoding="utf-8"))
    declared["pubkit:views"][0]["join"][1]["on"] = ["document_id"]
    path.write_text(json.dumps(declared, ensure_ascii=False, indent=2), encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", str(package))
    assert (code, out.splitlines()[0]) == (
        1,
        "datapackage.json: pubkit:views: pubkit:views[0]: join[1]: follows no foreign key of observations on "
        "['document_id'] to 'areas' (view)",
    )


def test_a_view_keeps_its_fields_definitions_and_drops_a_parents_uniqueness():
    described = json.loads((RELEASE / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for r in described["resources"] if r["name"] == VIEW for f in r["schema"]["fields"]}
    indicators = {f["name"]: f for f in PKG.table("indicators").fields}
    assert fields["indicator_name_en"]["description"] == indicators["name_en"]["description"]
    assert "unique" not in fields["indicator_name_en"].get("constraints", {})
