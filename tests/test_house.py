"""The house: the library API from Python on packages that are not ours, the layers as import-linter holds
them (an upward import is refused), the drawing in the toolkit's docs, and modules of a readable size."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import pubkit
from conftest import ROOT

CONFORMANCE = ROOT.parent / "shared" / "conformance"
TOOLKIT = ROOT / "scripts" / "pubkit"
LINES_LIMIT = 400


def _conformance(name: str) -> Path:
    folder = CONFORMANCE / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here: ../shared/conformance comes with the workplace")
    return folder


def test_check_from_python_returns_the_findings_of_a_foreign_package_as_objects():
    report = pubkit.check(_conformance("fl-issue-1004"))
    assert isinstance(report, pubkit.Report)
    assert not report.ok
    assert all(isinstance(f, pubkit.Finding) for f in report.findings)
    assert [(f.path, f.row, f.field, f.type) for f in report.findings] == [
        ("issue-1004-data1.csv", 3, None, "extra-cell"),
        ("issue-1004-data1.csv", 6, "neighbor_id", "missing-cell"),
        ("issue-1004-data1.csv", 6, "name", "missing-cell"),
        ("issue-1004-data1.csv", 6, "population", "missing-cell"),
        ("issue-1004-data2.csv", 2, "country", "missing-cell"),
        ("issue-1004-data2.csv", 2, "city", "missing-cell"),
        ("issue-1004-data2.csv", 3, "country", "missing-cell"),
        ("issue-1004-data2.csv", 3, "city", "missing-cell"),
        ("issue-1004-data2.csv", 4, None, "blank-row"),
        ("issue-1004-data2.csv", 5, None, "extra-cell"),
    ]
    assert str(report.findings[0]) == (
        "issue-1004-data1.csv:3: the row has more cells than the header's 4: cell 5 is extra (extra cell)"
    )
    assert report.as_dict()["findings"][1] == {
        "type": "missing-cell",
        "title": "missing cell",
        "path": "issue-1004-data1.csv",
        "line": 6,
        "rowNumber": 6,
        "fieldName": "neighbor_id",
        "cell": None,
        "message": "the row has fewer cells than the header's 4",
    }


def test_check_from_python_on_a_valid_foreign_package_is_a_clean_report():
    report = pubkit.check(_conformance("fl-package"))
    assert report == pubkit.Report("fl-package", [], [], dist_verified=False)
    assert report.ok


def test_a_descriptor_that_cannot_be_read_is_a_report_too(tmp_path):
    (tmp_path / "datapackage.json").write_text("{not json", encoding="utf-8")
    report = pubkit.check(tmp_path)
    assert [str(f) for f in report.findings] == [
        "datapackage.json:1: invalid JSON at column 2: Expecting property name enclosed in double quotes (json)"
    ]
    assert [f.type for f in report.findings] == ["package-error"]
    assert report.package == tmp_path.name


def test_the_library_raises_typed_exceptions(tmp_path):
    with pytest.raises(pubkit.PubkitError) as refused:
        pubkit.diff(tmp_path / "old", tmp_path / "new")
    assert str(refused.value) == f"{tmp_path / 'old'} is not a release folder: it has no datapackage.json"
    shutil.copytree(_conformance("fl-package"), tmp_path / "package")
    with pytest.raises(pubkit.CheckFailed) as failed:
        pubkit.build(tmp_path / "package")
    assert failed.value.findings and all(isinstance(f, pubkit.Finding) for f in failed.value.findings)


def test_importing_pubkit_does_no_work():
    """The API is importable at once: no data library is imported until a function is called."""
    code = "import sys, pubkit; print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'pyarrow', 'frictionless', 'openpyxl', 'numpy'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def test_the_layer_drawing_in_the_toolkits_docs_is_the_contract():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    docs = (TOOLKIT / "README.md").read_text(encoding="utf-8")
    drawing = docs[docs.index("## The layers") :].split("```")[1]
    drawn = [line.split()[0] for line in drawing.splitlines() if line.strip().startswith("pubkit.")]
    assert drawn == layers


def _lint_imports(scripts: Path) -> subprocess.CompletedProcess:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=scripts,
        env={"PYTHONPATH": str(scripts), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_layer_contracts_hold_and_refuse_an_upward_import(tmp_path):
    """import-linter keeps the layers: the toolkit as it is passes, and one upward import breaks it."""
    scripts = tmp_path / "scripts"
    shutil.copytree(TOOLKIT, scripts / "pubkit", ignore=shutil.ignore_patterns("__pycache__"))
    kept = _lint_imports(scripts)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "Contracts: 3 kept, 0 broken." in kept.stdout
    support = scripts / "pubkit" / "standard" / "support.py"
    support.write_text(support.read_text(encoding="utf-8") + "\nfrom pubkit.releases import build  # noqa\n")
    broken = _lint_imports(scripts)
    assert broken.returncode == 1
    assert "pubkit.standard is not allowed to import pubkit.releases:" in broken.stdout
    assert "- pubkit.standard.support -> pubkit.releases.build" in broken.stdout


def test_the_command_line_reaches_the_toolkit_only_through_the_api(tmp_path):
    scripts = tmp_path / "scripts"
    shutil.copytree(TOOLKIT, scripts / "pubkit", ignore=shutil.ignore_patterns("__pycache__"))
    cli = scripts / "pubkit" / "cli.py"
    cli.write_text(cli.read_text(encoding="utf-8") + "\nfrom pubkit.checks import validate  # noqa\n")
    broken = _lint_imports(scripts)
    assert broken.returncode == 1
    assert "pubkit.cli is not allowed to import pubkit.checks:" in broken.stdout


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {
        path.relative_to(TOOLKIT).as_posix(): n
        for path in TOOLKIT.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > LINES_LIMIT
    }
    assert long == {}
