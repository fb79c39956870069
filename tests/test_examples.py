"""Example packages that are not this one, built and released as CI builds them (issue #20).

- ``examples/press-release-en``: an English press release with value provenance, every figure re-derived
  from its quote by the ``en`` parser, every qualifier word the parser reads;
- ``examples/regional-statistics``: a plain statistics table without a primary key, a lookup table behind a
  foreign key, and a declared view; without its view, it is built and released a part at a time.

Each is checked, built and released; the release is validated by frictionless, and every format is read
back and compared with what frictionless reads from the sources.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from frictionless import validate

from conftest import ROOT, run_cli
from pubkit import api
from test_release_machine import _frictionless_rows, read_back, same_values

EXAMPLES = ROOT / "tests" / "examples"
QUALIFIER_WORDS = (
    "nearly", "almost", "about", "around", "roughly", "some", "more than", "over", "above", "at least",
    "less than", "under", "fewer than", "up to", "at most",
)  # fmt: skip


def _copy(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copytree(EXAMPLES / name, tmp_path / name))


@pytest.mark.parametrize("name", ["press-release-en", "regional-statistics"])
def test_each_example_checks_builds_and_releases_and_reads_back_in_every_format(tmp_path, capsys, name):
    folder = _copy(tmp_path, name)
    described = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    release_name = f"{described['name']}-{described['version']}"
    assert run_cli(capsys, "check", str(folder)) == (0, f"ok: {release_name}: sources valid (no dist/ to verify)\n", "")
    assert run_cli(capsys, "build", str(folder)) == (0, f"built: dist/{release_name}\n", "")
    code, _, err = run_cli(capsys, "release", str(folder))
    assert (code, err) == (0, "")
    release = folder / "dist" / release_name
    report = validate(str(release / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type"])
    assert run_cli(capsys, "check", str(folder))[:2] == (0, f"ok: {release_name}: sources valid, dist/ verified\n")
    tables = [r["name"] for r in described["resources"]]
    for table in tables:
        expected = _frictionless_rows(folder, table)
        for kind, held in read_back(release, table, key=None).items():
            assert same_values(held, {str(i): row for i, row in enumerate(expected)}), f"{table} in {kind}"


def test_the_example_without_its_view_is_built_and_released_a_part_at_a_time(tmp_path, capsys, monkeypatch):
    """The plain example with its view taken out is a package ``releases.inparts`` writes in parts (of a
    few dozen bytes here): checked, built, released, proven byte for byte by ``check --deep``, and read
    back in every format as frictionless reads the sources."""
    from pubkit.releases import inparts
    from pubkit.standard import descriptor, plugins, read, readparts

    monkeypatch.setattr(readparts, "PART_BYTES", 32)
    monkeypatch.setattr(read, "HEADER_SAMPLE", 2)
    folder = _copy(tmp_path, "regional-statistics")
    described = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    del described["pubkit:views"]
    (folder / "datapackage.json").write_text(json.dumps(described, indent=2), encoding="utf-8")
    pkg = descriptor.load(folder)
    made = inparts.plans(pkg, plugins.load(pkg, pkg.trusted)[0])
    assert made is not None and max(len(plan) for plan in made.values()) > 1  # tables of several parts
    release_name = f"{described['name']}-{described['version']}"
    assert run_cli(capsys, "build", str(folder)) == (0, f"built: dist/{release_name}\n", "")
    code, _, err = run_cli(capsys, "release", str(folder))
    assert (code, err) == (0, "")
    assert run_cli(capsys, "check", "--deep", str(folder))[:2] == (
        0,
        f"ok: {release_name}: sources valid, dist/ verified\n",
    )
    release = folder / "dist" / release_name
    report = validate(str(release / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type"])
    for table in [r["name"] for r in described["resources"]]:
        expected = _frictionless_rows(folder, table)
        for kind, held in read_back(release, table, key=None).items():
            assert same_values(held, {str(i): row for i, row in enumerate(expected)}), f"{table} in {kind}"


def test_the_english_example_states_every_qualifier_the_parser_reads():
    import csv

    with (EXAMPLES / "press-release-en" / "sources" / "figures.csv").open(encoding="utf-8", newline="") as stream:
        stated = [row["stated_text"].lower() for row in csv.DictReader(stream)]
    assert len(stated) >= 8
    assert [w for w in QUALIFIER_WORDS if not any(s.startswith(w + " ") for s in stated)] == []


def test_a_value_changed_by_hand_is_refused_at_its_line_naming_the_stated_text(tmp_path, capsys):
    folder = _copy(tmp_path, "press-release-en")
    figures = folder / "sources" / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",3200000000,USD,", ",3300000000,USD,"))
    assert run_cli(capsys, "check", str(folder)) == (
        1,
        'sources/figures.csv:3: value: 3300000000 disagrees with stated_text "$3.2 billion", which reads 3200000000 '
        "(stated value)\n1 problem(s):\n  1 × stated value\n",
        "",
    )


def test_locate_finds_an_english_phrase_with_its_offsets():
    sentence = "The company expects investment of up to €1.2bn next year."
    found = api.locate(EXAMPLES / "press-release-en", sentence)
    text = (EXAMPLES / "press-release-en" / "sources" / "documents" / "northwind-results.txt").read_text("utf-8")
    start = text.index(sentence)
    assert [(o["start"], o["end"]) for o in found.occurrences] == [(start, start + len(sentence))]
    assert found.rows[0]["stated_text"] == "up to €1.2bn"
    row = found.rows[0]
    assert (row["unit_mult"], row["qualifier"], row["status"], row["value"]) == (
        "9",
        "at_most",
        "F",
        "",
    )  # value: the curator's


def test_a_document_in_a_language_without_a_parser_names_the_parsers_and_how_to_add_one(tmp_path, capsys):
    folder = _copy(tmp_path, "press-release-en")
    documents = folder / "sources" / "documents.csv"
    documents.write_text(documents.read_text(encoding="utf-8").replace(",en\n", ",de\n"), encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", str(folder))
    assert (code, out.splitlines()[0]) == (
        1,
        'sources/documents.csv:2: language: "de" is a language for which no quantity parser exists; parsers: en, '
        "zh-Hans (language)",
    )


def test_coverage_accounts_for_every_number_of_the_english_document():
    lines = api.coverage(EXAMPLES / "press-release-en")
    assert lines and not [line for line in lines if line.endswith("UNCOVERED")]
    assert any('"up to €1.2bn"' in line and line.endswith("fig-16") for line in lines)


def test_documents_without_a_language_are_told_that_one_is_required_and_which_parsers_exist(tmp_path, capsys):
    folder = _copy(tmp_path, "press-release-en")
    described = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    del described["valueProvenance"]["documents"]["language"]
    (folder / "datapackage.json").write_text(json.dumps(described), encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", str(folder))
    assert (code, out.splitlines()[0]) == (
        1,
        'sources/documents.csv:2: "northwind-2026" has no language, and valueProvenance declares none: the profile '
        "reads its figures with the language's parser; set valueProvenance.language, or a documents field named by "
        "valueProvenance.documents.language, to one of: en, zh-Hans (or register a parser for another: "
        "pubkit.extensions.register_language) (language required)",
    )


def test_a_package_module_registers_a_parser_for_its_own_language(tmp_path, capsys):
    """The plug-in interface: a module of the package registers a parser for a tag the toolkit does not ship
    (here the English reader under ``x-test``); the package's documents in that language then check clean."""
    folder = _copy(tmp_path, "press-release-en")
    documents = folder / "sources" / "documents.csv"
    documents.write_text(documents.read_text(encoding="utf-8").replace(",en\n", ",x-test\n"), encoding="utf-8")
    (folder / "parser.py").write_text(
        "from pubkit.extensions import Language, register_language\n"
        "from pubkit.profiles import quantity_en\n\n"
        "register_language('x-test', Language(quantity_en.parse, quantity_en.mentions, quantity_en.forecast))\n",
        encoding="utf-8",
    )
    described = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    described["pubkit:extensions"] = ["parser.py"]
    (folder / "datapackage.json").write_text(json.dumps(described), encoding="utf-8")
    try:
        assert run_cli(capsys, "--trust-package-code", "check", str(folder))[:2] == (
            0,
            "ok: northwind-results-1.0.0: sources valid (no dist/ to verify)\n",
        )
    finally:
        from pubkit import extensions

        extensions.LANGUAGES.pop("x-test", None)
