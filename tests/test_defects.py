"""The defect catalogue: each broken fixture gives exactly its message, and never a release.

A fixture folder ``tests/fixtures/invalid/<defect>/`` holds the broken file(s), laid
over a copy of the package, and ``expected.txt``, the exact output users see.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CITATION_NOTE, FIXTURES, bump, notes_only, pubkit_process, run_cli, snapshot

INVALID = FIXTURES / "invalid"
DEFECTS = sorted(p.name for p in INVALID.iterdir())
OWN_FILES = ("expected.txt", "expected-build.txt", "deleted.txt")


def overlay(package: Path, fixture: Path) -> str:
    """Lay the fixture's files over the package, delete what ``deleted.txt`` lists; return the expected output."""
    for path in fixture.rglob("*"):
        if path.is_file() and path.name not in OWN_FILES:
            shutil.copyfile(path, package / path.relative_to(fixture))
    deleted = fixture / "deleted.txt"
    for relpath in deleted.read_text(encoding="utf-8").split() if deleted.exists() else []:
        (package / relpath).unlink()
    expected = fixture / "expected.txt"
    return expected.read_text(encoding="utf-8") if expected.exists() else ""


def test_catalogue_names_every_required_defect():
    required = {
        "not-utf8",
        "utf8-bom",
        "missing-column",
        "extra-column",
        "renamed-column",
        "duplicated-column",
        "reordered-columns",
        "empty-file",
        "header-only",
        "blank-row",
        "ragged-row-short",
        "ragged-row-long",
        "text-in-number",
        "full-width-digits",
        "thousands-separator",
        "percent-sign",
        "invalid-date",
        "excel-serial-date",
        "spaces-in-id",
        "enum-violated",
        "minimum-violated",
        "maximum-violated",
        "pattern-violated",
        "duplicate-primary-key",
        "lower-above-upper",
        "percent-above-100",
        "document-edited",
        "quote-offset-out-of-range",
        "quote-offset-mismatch",
        "stated-text-not-in-quote",
        "value-disagrees",
        "invalid-json-datapackage",
        "invalid-json-schema",
        "unknown-field-type",
        "absolute-resource-path",
        "escaping-resource-path",
        "listed-source-missing",
        "release-byte-changed",
        "release-file-added",
        "release-file-removed",
        "dangling-foreign-key-observations-indicator",
        "dangling-foreign-key-observations-area",
        "dangling-foreign-key-observations-document",
        "dangling-foreign-key-areas-parent",
        "dangling-foreign-key-memberships-region",
        "dangling-foreign-key-memberships-member",
        "dangling-foreign-key-ignored-document",
        "dangling-foreign-key-ignored-observation",
    }
    assert sorted(required - set(DEFECTS)) == []


@pytest.mark.parametrize("defect", DEFECTS)
def test_check_prints_the_exact_message(package, capsys, defect):
    expected = overlay(package, INVALID / defect)
    code, out, err = run_cli(capsys, "check", str(package))
    assert (code, out) == (1, expected)
    assert notes_only(err)


@pytest.mark.parametrize("defect", DEFECTS)
def test_build_refuses_and_leaves_dist_as_it_was(package, capsys, defect):
    expected = overlay(package, INVALID / defect)
    before = snapshot(package / "dist")
    refusal = INVALID / defect / "expected-build.txt"  # a damaged release: the build says so on stderr
    if refusal.exists():
        assert run_cli(capsys, "build", str(package)) == (1, "", refusal.read_text(encoding="utf-8"))
    else:
        assert run_cli(capsys, "build", str(package)) == (1, expected, "")
    assert snapshot(package / "dist") == before
    assert not list((package / ".build").glob("staging-*"))


def test_a_defect_fails_the_command_line_with_exit_code_1(package):
    expected = overlay(package, INVALID / "duplicate-primary-key")
    for command in ("check", "build"):
        result = pubkit_process(command, str(package))
        assert (result.returncode, result.stdout, result.stderr) == (1, expected, "")


def test_mixed_line_endings_are_accepted(package, capsys):
    overlay(package, FIXTURES / "valid" / "mixed-line-endings")
    bump(package, "9.1.1")  # the sources' bytes changed, so they make a new version
    assert run_cli(capsys, "build", str(package)) == (0, "built: dist/china-manufacturing-regions-9.1.1\n", "")
    assert run_cli(capsys, "check", str(package)) == (
        0,
        "ok: china-manufacturing-regions-9.1.1: sources valid, dist/ verified\n",
        CITATION_NOTE,
    )


def test_every_fixture_has_an_expected_message():
    assert [d for d in DEFECTS if not (INVALID / d / "expected.txt").is_file()] == []
