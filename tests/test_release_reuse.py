"""A release after a build writes no workbook cell twice, and the same bytes as a release built whole."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, bump, copy_package, run_cli, snapshot
from pubkit.releases import assemble, buildinfo, proof, release
from pubkit.standard import descriptor
from test_release import NEXT, change_a_value

EXAMPLES = ROOT / "tests" / "examples"
WHOLE = "writing the workbook ("


def _package(tmp_path: Path, name: str) -> Path:
    if name == "this package":
        folder = copy_package(tmp_path / "package")
        change_a_value(folder)
        bump(folder, NEXT)
        return folder
    return Path(shutil.copytree(EXAMPLES / name, tmp_path / name))


def _released(folder: Path) -> tuple[list[str], Path]:
    said: list[str] = []
    pkg = descriptor.load(folder, trusted=True)
    release.cut(pkg, progress=said.append)
    return said, folder / "dist" / pkg.release_name


def _built_whole(folder: Path, scratch: Path) -> Path:
    """The release folder as a build writes it whole, with the date and identity the release recorded."""
    pkg = descriptor.load(folder, trusted=True)
    recorded = buildinfo.recorded_provenance(folder / "dist" / pkg.release_name)
    return assemble.write_release(pkg, scratch, proof.recorded_date(recorded), buildinfo.recorded_identity(recorded))


@pytest.mark.parametrize("name", ["this package", "press-release-en", "regional-statistics"])
def test_a_release_after_a_build_dates_its_workbook_anew_and_writes_the_same_bytes(tmp_path, capsys, name):
    folder = _package(tmp_path, name)
    assert run_cli(capsys, "build", str(folder))[0] == 0
    built = descriptor.load(folder, trusted=True).release_name
    book = folder / "dist" / built / f"{built}.xlsx"
    before = book.read_bytes()
    said, released = _released(folder)
    reused = f"dating the workbook anew: its sheets are those of the build in dist/{built} (the same inputs)"
    assert reused in said
    assert not any(line.startswith(WHOLE) for line in said)
    assert (released / book.name).read_bytes() != before  # its About sheet says the release's date
    assert snapshot(released) == snapshot(_built_whole(folder, tmp_path / "whole"))
    assert run_cli(capsys, "check", str(folder))[0] == 0


def test_a_build_of_other_inputs_is_not_reused(tmp_path, capsys):
    folder = _package(tmp_path, "press-release-en")
    assert run_cli(capsys, "build", str(folder))[0] == 0
    described = folder / "datapackage.json"  # a title changed after the build: the workbook's About says it
    text = described.read_text(encoding="utf-8")
    described.write_text(text.replace('"title": "', '"title": "The ', 1), encoding="utf-8")
    said, released = _released(folder)
    assert [line for line in said if line.startswith(WHOLE)]
    assert not any(line.startswith("dating the workbook anew") for line in said)
    assert snapshot(released) == snapshot(_built_whole(folder, tmp_path / "whole"))


def test_a_changed_build_in_dist_is_not_reused(tmp_path, capsys):
    """A workbook changed after its build (SHA256SUMS no longer holds it) is written whole."""
    folder = _package(tmp_path, "press-release-en")
    assert run_cli(capsys, "build", str(folder))[0] == 0
    name = descriptor.load(folder, trusted=True).release_name
    book = folder / "dist" / name / f"{name}.xlsx"
    book.write_bytes(book.read_bytes() + b"changed")
    said, released = _released(folder)
    assert [line for line in said if line.startswith(WHOLE)]
    assert snapshot(released) == snapshot(_built_whole(folder, tmp_path / "whole"))
