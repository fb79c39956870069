"""The toolkit as a toolkit: a core that knows only the standard, profiles and package rules by declaration."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_package, run_cli, run_process
from pubkit import cli
from pubkit.base import errors
from pubkit.profiles import value_provenance
from pubkit.standard import plugins

CORE = sorted((ROOT / "scripts" / "pubkit").rglob("*.py"))
PACKAGE_TABLES = ("observations", "documents", "areas", "indicators", "area_memberships", "ignored_mentions")


def foreign_package(root: Path, extra: dict | None = None) -> Path:
    """A package written by someone else whose tables happen to have this package's names."""
    tables = {
        "observations": ("country,year,value\nfrance,2020,250\nfrance,2021,-3\n", "integer"),
        "documents": ("country,year,value\nchina,2022,99999\n", "integer"),
        "areas": ("country,year,value\nchina,2022,0.5\n", "number"),
        "indicators": ("country,year,value\nchina,1999,7\n", "integer"),
        "area_memberships": ("country,year,value\nnowhere,2022,1\n", "integer"),
    }
    resources = []
    for name, (text, kind) in tables.items():
        (root / "data").mkdir(parents=True, exist_ok=True)
        (root / "data" / f"{name}.csv").write_text(text, encoding="utf-8")
        fields = [{"name": "country", "type": "string"}, {"name": "year", "type": "integer"}]
        fields.append({"name": "value", "type": kind})
        resources.append({"name": name, "path": f"data/{name}.csv", "schema": {"fields": fields}})
    descriptor = {
        "name": "foreign",
        "title": "A foreign package",
        "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
        "version": "2026",
        "created": "2026-01-01T00:00:00Z",
        "licenses": [{"name": "ODC-PDDL-1.0"}],
        "resources": resources,
        **(extra or {}),
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=1), encoding="utf-8")
    return root


def test_tables_named_like_this_packages_are_ordinary_tables(tmp_path, capsys):
    package = foreign_package(tmp_path / "foreign")
    assert run_cli(capsys, "check", str(package)) == (0, "ok: foreign-2026: sources valid (no dist/ to verify)\n", "")
    assert run_cli(capsys, "build", str(package)) == (0, "built: dist/foreign-2026\n", "")
    release = package / "dist" / "foreign-2026"
    assert sorted(p.name for p in (release / "parquet").iterdir()) == sorted(f"{t}.parquet" for t in PACKAGE_TABLES[:5])
    assert (release / "index.html").is_file() and (release / "foreign-2026.xlsx").is_file()
    assert run_cli(capsys, "check", str(package)) == (0, "ok: foreign-2026: sources valid, dist/ verified\n", "")


def test_a_foreign_table_gets_the_standards_findings_and_no_others(tmp_path, capsys):
    package = foreign_package(tmp_path / "foreign")
    (package / "data" / "observations.csv").write_text("country,year,value\nfrance,20x0,250\n", encoding="utf-8")
    assert run_cli(capsys, "check", str(package)) == (
        1,
        'data/observations.csv:2: year: "20x0" is not an integer (type integer)\n1 problem(s):\n  1 × type integer\n',
        "",
    )


def test_a_package_with_no_release_properties_is_checked_and_refused_a_build(tmp_path, capsys):
    package = foreign_package(tmp_path / "bare")
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for key in ("name", "title", "id", "version", "created", "licenses"):
        del descriptor[key]
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert run_cli(capsys, "check", str(package)) == (0, "ok: bare: sources valid (no dist/ to verify)\n", "")
    code, out, _ = run_cli(capsys, "build", str(package))
    assert code == 1 and out.splitlines() == [
        'datapackage.json: a release needs the property "name": add "name": a lower-case identifier such as '
        '"my-data"; it names the release folder (descriptor)',
        'datapackage.json: a release needs the property "title": add "title": the name people cite (descriptor)',
        'datapackage.json: a release needs the property "id": add "id": a DOI (https://doi.org/…) or a urn:uuid, '
        "cited with every release (descriptor)",
        'datapackage.json: a release needs the property "version": add "version": the release\'s version, such as '
        '"1.0.0" (descriptor)',
        'datapackage.json: a release needs the property "created": add "created": the build date, ISO 8601 with its '
        'offset, such as "2026-01-31T00:00:00Z" (descriptor)',
        'datapackage.json: a release needs the property "licenses": add "licenses": a list of objects with a "name" '
        'such as "CC-BY-4.0" (descriptor)',
        "6 problem(s):",
        "  6 × descriptor",
    ]
    assert not (package / "dist").exists()


def test_a_package_module_runs_only_when_trusted(package, capsys):
    code = cli.main(["check", str(package)])
    out, _ = capsys.readouterr()
    assert (code, out) == (
        1,
        'datapackage.json: declares the extension module "scripts/china_manufacturing_regions.py", which is code: '
        "it was not run; run `pubkit --trust-package-code check` if you trust this package (extension not trusted)\n"
        "1 problem(s):\n  1 × extension not trusted\n",
    )


def test_an_extension_module_must_lie_inside_the_package(package, capsys):
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["pubkit:extensions"] = ["../evil.py"]
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    (package.parent / "evil.py").write_text("raise SystemExit('ran')\n", encoding="utf-8")
    assert run_cli(capsys, "check", str(package)) == (
        1,
        'datapackage.json: pubkit:extensions[0] "../evil.py" climbs out of the package with ..; nothing was read '
        "(unsafe-path)\n1 problem(s):\n  1 × unsafe-path\n",
        "",
    )


def _renamed(package: Path, old: str, new: str) -> None:
    """Rename a column of the figures table in its CSV, its schema, the profile's declaration and the views."""
    csv = package / "sources" / "observations.csv"
    lines = csv.read_text(encoding="utf-8").split("\n", 1)
    csv.write_text(re.sub(rf"(^|,){old}(,|$)", rf"\g<1>{new}\g<2>", lines[0]) + "\n" + lines[1], encoding="utf-8")
    schema = package / "schemas" / "observations.schema.json"
    schema.write_text(
        schema.read_text(encoding="utf-8").replace(f'"name": "{old}"', f'"name": "{new}"'), encoding="utf-8"
    )
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    figures = descriptor["valueProvenance"]["figures"]
    figures.update({role: new for role, field in figures.items() if field == old})
    for view in descriptor.get("pubkit:views", []):
        view["fields"] = [new if field == old else field for field in view["fields"]]
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def test_the_profile_reads_the_figures_through_its_declaration(tmp_path, capsys):
    package = copy_package(tmp_path / "renamed", with_dist=False)
    _renamed(package, "quote", "verbatim")
    _renamed(package, "stated_text", "as_written")
    csv = package / "sources" / "observations.csv"
    text = csv.read_text(encoding="utf-8")
    csv.write_text(text.replace(",19.21%,", ",19.12%,", 1), encoding="utf-8")  # obs-011's figure, mistyped
    code, out, _ = run_cli(capsys, "check", str(package))
    assert code == 1
    assert out.splitlines()[0] == (
        'sources/observations.csv:12: as_written: "19.12%" does not occur in the quote "2012-2021年,西部地区规模以上工业'
        '增加值年均增速达到6.7%,占全国规模以上工业增加值比重由17.84%上升为19.21%" (stated text)'
    )
    csv.write_text(text, encoding="utf-8")
    assert run_cli(capsys, "build", str(package))[0] == 0
    assert run_cli(capsys, "check", str(package))[0] == 0


def test_a_declared_role_must_name_a_field_the_table_has(package, capsys):
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["valueProvenance"]["figures"]["quote"] = "citation"
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    assert run_cli(capsys, "check", str(package)) == (
        1,
        'datapackage.json: valueProvenance.figures.quote names the field "citation", which observations lacks '
        "(profile)\n1 problem(s):\n  1 × profile\n",
        "",
    )


def test_the_profile_declaration_is_validated_against_its_json_schema(package, capsys):
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    del descriptor["valueProvenance"]["figures"]["value"]
    descriptor["valueProvenance"]["figures"]["colour"] = "red"
    path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    assert run_cli(capsys, "check", str(package)) == (
        1,
        "datapackage.json: valueProvenance.figures: 'value' is a required property (descriptor)\n"
        "datapackage.json: valueProvenance.figures: Additional properties are not allowed ('colour' was unexpected) "
        "(descriptor)\n2 problem(s):\n  2 × descriptor\n",
        "",
    )


def test_no_module_of_the_toolkit_names_this_packages_tables():
    pattern = re.compile(r"\b(" + "|".join(t for t in PACKAGE_TABLES if t != "documents") + r")\b")
    named = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in CORE
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert named == []


def test_every_finding_kind_is_one_catalogue_entry_with_frictionless_codes_where_they_exist():
    import frictionless.errors as frictionless_errors

    theirs = {getattr(c, "type", None) for c in vars(frictionless_errors).values() if isinstance(c, type)}
    modules = [value_provenance, _package_module()]
    entries = errors.catalogue(modules)
    titles = [e.title for e in entries]
    assert len(titles) == len(set(titles))  # a title names one kind of finding
    ours = {
        "type-error",
        "constraint-error",
        "unique-error",
        "primary-key",
        "foreign-key",
        "blank-row",
        "extra-cell",
        "missing-cell",
        "blank-label",
        "duplicate-label",
        "incorrect-label",
        "extra-label",
        "missing-label",
        "byte-count",
        "encoding-error",
        "source-error",
        "format-error",
        "hash-count",
        "package-error",
        "field-error",
        "schema-error",
        "scheme-error",
        "compression-error",
        "unmatched-header",
        "error",
    }
    assert {e.code for e in entries} & theirs == ours


def _package_module():
    return plugins._module_of(ROOT, "scripts/china_manufacturing_regions.py")


def test_the_readme_messages_table_is_generated_from_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- messages:start (generated by `make readme`; do not edit) -->\n")[1]
    assert section.split("<!-- messages:end -->")[0] == errors.markdown_table(
        errors.catalogue([value_provenance, _package_module()])
    )


def test_version_is_the_installed_distributions(capsys):
    from importlib import metadata

    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"pubkit {metadata.version('datapackage-pubkit')} (datapackage-pubkit)\n"


@pytest.mark.slow
def test_pip_install_of_the_repository_gives_a_working_pubkit(tmp_path):
    """A fresh venv outside the repository: install it, then check a copy of a package written by others."""
    venv = tmp_path / "venv"
    assert run_process(sys.executable, "-m", "venv", str(venv)).returncode == 0
    alone = {"PYTHONPATH": ""}  # the installed toolkit, not this checkout's scripts/
    source = tmp_path / "source"  # a copy: setuptools writes build/ into the folder it installs from
    shutil.copytree(
        ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "dist", ".build", "build", "*.egg-info")
    )
    pip = run_process(str(venv / "bin" / "pip"), "install", "--quiet", str(source), env=alone, timeout=900)
    assert pip.returncode == 0, pip.stderr
    version = run_process(str(venv / "bin" / "pubkit"), "--version", env=alone)
    assert version.stdout.startswith("pubkit ")
    shared = ROOT.parent / "shared" / "conformance" / "dh-population"
    copy = tmp_path / "dh-population"
    shutil.copytree(shared, copy)
    result = run_process(str(venv / "bin" / "pubkit"), "check", ".", cwd=copy, env=alone)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr + result.stdout, result.stderr


def test_a_table_above_the_datasheet_threshold_shows_its_first_rows_counts_and_links(tmp_path, capsys):
    from pubkit.formats.datasheet import PREVIEW_ROWS

    package = tmp_path / "big"
    package.mkdir()
    rows = PREVIEW_ROWS + 500
    (package / "t.csv").write_text("id,v\n" + "".join(f"r{n},{n}\n" for n in range(rows)), encoding="utf-8")
    fields = [{"name": "id"}, {"name": "v", "type": "integer"}]
    described = {
        "name": "big",
        "title": "t",
        "id": "urn:x",
        "version": "1.0.0",
        "created": "2026-01-01T00:00:00Z",
        "licenses": [{"name": "CC0-1.0"}],
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": fields}}],
    }
    (package / "datapackage.json").write_text(json.dumps(described), encoding="utf-8")
    assert run_cli(capsys, "build", str(package))[0] == 0
    page = (package / "dist" / "big-1.0.0" / "index.html").read_text(encoding="utf-8")
    assert f"The first {PREVIEW_ROWS:,} of {rows:,} rows" in page
    assert '<a href="csv/t.csv">csv/t.csv</a>' in page and '<a href="parquet/t.parquet">parquet/t.parquet</a>' in page
    assert page.count("<tr><td>r") == PREVIEW_ROWS and len(page.encode()) < 3_000_000
