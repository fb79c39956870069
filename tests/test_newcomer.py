"""What a newcomer meets with a package of their own (issue #20): resource metadata kept in every format,
`pubkit init`, and messages that speak of the package in front of the toolkit."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
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
    database = sqlite3.connect(folder / "countries.sqlite")
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


# `pubkit init`, as a newcomer runs it: the toolkit pip-installed in a fresh venv ----------------------


def _fresh_venv(tmp_path: Path) -> Path:
    """A new venv with this repository pip-installed (``pip install --no-deps``): its dependencies come from
    the project's locked environment through a ``.pth`` file, as no network is needed for them here."""
    import site
    import subprocess
    import venv

    from conftest import ROOT

    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    packages = next((target / "lib").glob("python3*/site-packages"))
    (packages / "locked_dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    source = tmp_path / "source"  # a copy of what a distribution is built from: the repository stays as it is
    shutil.copytree(ROOT / "scripts", source / "scripts", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).is_file():
            shutil.copyfile(ROOT / name, source / name)
    result = subprocess.run(
        [
            str(target / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--no-cache-dir",
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "TMPDIR": str(tmp_path), "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    return target / "bin" / "pubkit"


def _pubkit(program: Path, *args: str, cwd: Path) -> tuple[int, str, str]:
    import subprocess

    done = subprocess.run(
        [str(program), *args], cwd=cwd, capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin"}
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    return _fresh_venv(tmp_path_factory.mktemp("newcomer"))


def test_a_newcomer_goes_from_two_csvs_to_a_release_with_the_installed_toolkit(tmp_path, installed):
    from frictionless import validate

    program = installed
    folder = tmp_path / "trade"
    folder.mkdir()
    (folder / "countries.csv").write_text("code,name\nFR,France\nDE,Germany\n", encoding="utf-8")
    (folder / "exports.csv").write_text("code,year,exports\nFR,2023,617.8\nDE,2023,1688.4\n", encoding="utf-8")
    code, out, err = _pubkit(
        program,
        "init",
        "--title",
        "Exports by country",
        "--licence",
        "CC-BY-4.0",
        "--maintainer",
        "A statistics office",
        cwd=folder,
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        "wrote: schemas/countries.schema.json, schemas/exports.schema.json, datapackage.json, CHANGELOG.md, "
        ".gitignore, README.md"
    )
    assert out.splitlines()[1] == (
        "proposed: countries: code is filled and different in each of its 2 rows; if it identifies a row, add "
        '"primaryKey": ["code"] to schemas/countries.schema.json (init does not guess keys)'
    )
    assert _pubkit(program, "check", cwd=folder) == (0, "ok: trade: sources valid (no dist/ to verify)\n", "")
    code, out, _ = _pubkit(program, "build", cwd=folder)
    assert (code, out.splitlines()[:2]) == (
        1,
        [
            'datapackage.json: a release needs the property "version": add "version": the release\'s version, such as '
            '"1.0.0" (descriptor)',
            'datapackage.json: a release needs the property "created": add "created": the build date, ISO 8601 with '
            'its offset, such as "2026-01-31T00:00:00Z" (descriptor)',
        ],
    )
    described = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    described.update(version="1.0.0", created="2026-01-31T00:00:00Z")  # as build's messages say
    for resource in described["resources"]:
        resource["title"] = resource["name"].title()
        resource["description"] = f"One row per {resource['name']} entry."
    (folder / "datapackage.json").write_text(json.dumps(described, indent=2), encoding="utf-8")
    assert _pubkit(program, "build", cwd=folder) == (0, "built: dist/trade-1.0.0\n", "")
    code, out, err = _pubkit(program, "release", cwd=folder)
    assert (code, err) == (0, "")
    assert (
        out
        == "released: dist/trade-1.0.0 and dist/trade-1.0.0.zip; wrote CHANGELOG.md, CITATION.cff and .zenodo.json\n"
    )
    release = folder / "dist" / "trade-1.0.0"
    assert validate(str(release / "datapackage.json")).valid
    resources = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    assert [(r["title"], r["description"]) for r in resources] == [
        ("Countries", "One row per countries entry."),
        ("Exports", "One row per exports entry."),
    ]
    from test_release_machine import _frictionless_rows, read_back, same_values

    for table in ("countries", "exports"):
        expected = {str(i): row for i, row in enumerate(_frictionless_rows(folder, table))}
        for kind, held in read_back(release, table, key=None).items():
            assert same_values(held, expected), f"{table} in {kind}"
    written = [folder / n for n in ("CHANGELOG.md", "CITATION.cff", "README.md")] + [
        p for p in release.rglob("*") if p.suffix in (".md", ".json", ".html", ".jsonld", ".csv", ".cff")
    ]
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"[\u4e00-\u9fff]", text), path
        assert not re.search(r"`make\b", text), path


def _tutorial() -> list[tuple[str, str]]:
    """The toolkit README's tutorial, as (kind, text) blocks: ``console`` sessions and ``json`` to merge."""
    from conftest import ROOT

    readme = (ROOT / "scripts" / "pubkit" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your first package in ten minutes\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(console|json)\n(.*?)```", section, flags=re.S)


def test_the_tutorial_runs_as_written_with_the_installed_toolkit(tmp_path, installed):
    folder = tmp_path / "trade"
    folder.mkdir()
    blocks = _tutorial()
    assert [kind for kind, _ in blocks] == ["console", "console", "json", "console"]
    path = f"{installed.parent}:/usr/bin:/bin"
    for kind, text in blocks:
        if kind == "json":
            described = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
            described.update(json.loads(text))
            (folder / "datapackage.json").write_text(json.dumps(described, indent=2), encoding="utf-8")
            continue
        for session in re.split(r"^\$ ", text, flags=re.M)[1:]:
            command, _, expected = session.partition("\n")
            done = subprocess.run(
                ["bash", "-c", command], cwd=folder, capture_output=True, text=True, timeout=300, env={"PATH": path}
            )
            assert (command, done.stdout + done.stderr) == (command, expected)
    assert (folder / "dist" / "trade-1.0.0.zip").is_file()
