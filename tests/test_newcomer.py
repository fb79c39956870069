"""What a newcomer meets with a package of their own (issue #20): resource metadata kept in every format,
`pubkit init`, and messages that speak of the package in front of the toolkit."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from openpyxl import load_workbook

from conftest import release_metadata, run_cli

TITLE, DESCRIPTION = "Countries of the world", "One row per country, with its capital."


def _countries(folder: Path, **resource) -> Path:
    """A package of one table whose resource carries its own title, description and other metadata."""
    folder.mkdir(parents=True)
    (folder / "countries.csv").write_text("code,name,capital\nFR,France,Paris\nDE,Germany,Berlin\n", encoding="utf-8")
    schema = {"fields": [{"name": n} for n in ("code", "name", "capital")], "primaryKey": ["code"]}
    table = {"name": "countries", "path": "countries.csv", "schema": schema, **resource}
    descriptor = {**release_metadata("countries", "Countries"), "resources": [table]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def test_a_resources_title_description_and_metadata_reach_every_format(tmp_path, capsys):
    own = {
        "title": TITLE,
        "description": DESCRIPTION,
        "homepage": "https://example.org/countries",
        "sources": [{"title": "A gazetteer", "path": "https://example.org/gazetteer"}],
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
    }
    package = _countries(tmp_path / "p", **own)
    assert run_cli(capsys, "build", str(package)) == (0, "built: dist/countries-1.0.0\n", "")
    folder = package / "dist" / "countries-1.0.0"
    released = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"][0]
    assert {k: released[k] for k in own} == own
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert f"<h2>{TITLE} <code>countries</code></h2><p>{DESCRIPTION}</p>" in page
    assert f'<a href="#table-countries">{TITLE}</a>' in page
    about = dict(load_workbook(folder / "countries-1.0.0.xlsx")["About"].iter_rows(values_only=True))
    assert about["table countries"] == f"2 rows: {DESCRIPTION}"
    database = sqlite3.connect(folder / "countries-1.0.0.sqlite")
    assert database.execute("SELECT value FROM _about WHERE property = 'table countries'").fetchone() == (
        f"2 rows: {DESCRIPTION}",
    )
    database.close()
    jsonld = json.loads((folder / "dataset.jsonld").read_text(encoding="utf-8"))
    named = {d["contentUrl"]: (d.get("name"), d.get("description")) for d in jsonld["distribution"]}
    assert named["csv/countries.csv"] == named["parquet/countries.parquet"] == (TITLE, DESCRIPTION)


def test_a_resource_without_title_or_description_is_named_once_and_says_no_empty_words(tmp_path, capsys):
    package = _countries(tmp_path / "p")
    assert run_cli(capsys, "build", str(package))[0] == 0
    folder = package / "dist" / "countries-1.0.0"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<section id="table-countries"><h2>countries</h2><details>', page)
    about = dict(load_workbook(folder / "countries-1.0.0.xlsx")["About"].iter_rows(values_only=True))
    assert about["table countries"] == "2 rows"
    released = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["resources"][0]
    assert "title" not in released and "description" not in released  # nothing said that the package did not say
