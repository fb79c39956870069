"""Shared helpers: a private copy of the package, and the CLI run as users run it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from pubkit import cli

# Under CI the examples are derandomised: the gate is reproducible, and exploration
# (random examples, the local example database) happens on developers' machines.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PACKAGE_PARTS = (
    "datapackage.json",
    "schemas",
    "sources",
    "dist",
    "CHANGELOG.md",
    "CITATION.cff",
    "Makefile",  # its maintainers' commands, which the toolkit's messages name
    "requirements.lock",
    "scripts/china_manufacturing_regions.py",
)


def copy_package(target: Path, with_dist: bool = True) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        source = ROOT / part
        if part == "dist" and not with_dist:
            continue
        (target / part).parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of this repository's package (sources and dist/) that a test may break."""
    return copy_package(tmp_path / "package")


def bump(package: Path, version: str, notes: str = "A test release.") -> None:
    """Set the package's version (changed sources need an unreleased one), with ``notes`` under
    ``## Unreleased`` in CHANGELOG.md (a minor or major release needs some)."""
    path = package / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'"version": "[^"]+"', f'"version": "{version}"', text, count=1), encoding="utf-8")
    changelog = package / "CHANGELOG.md"
    if notes and changelog.exists():
        text = changelog.read_text(encoding="utf-8")
        text = text.replace("## Unreleased\n", f"## Unreleased\n\n{notes}\n", 1)
        if f"{notes}\n" not in text:
            head, _, rest = text.partition("\n## ")
            text = f"{head}\n## Unreleased\n\n{notes}\n\n## {rest}"
        changelog.write_text(text, encoding="utf-8")


TRUST = "--trust-package-code"  # as `make` runs it: this package's own rules module is trusted


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``pubkit --trust-package-code ARGS`` in this process; return (exit code, stdout, stderr)."""
    code = cli.main([TRUST, *args])
    out, err = capsys.readouterr()
    return code, out, err


def notes_only(err: str) -> bool:
    """Whether stderr holds notes only (what the user should know that is no problem), no error."""
    return all(line.startswith("note: ") for line in err.splitlines())


def run_process(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 300):
    """Run a command in a subprocess with the toolkit importable, as ``make`` runs it."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), **(env or {})}
    return subprocess.run(args, cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout)


def pubkit_process(*args: str, cwd: Path | None = None, env: dict | None = None):
    return run_process(sys.executable, "-m", "pubkit", TRUST, *args, cwd=cwd, env=env)


def require_program(name: str, debian_package: str) -> str:
    """The program's path; without it, skip and name the package, or fail under CI."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is missing: install Debian's {debian_package} (apt-get install {debian_package})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes, to prove that nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def release_metadata(name: str, title: str) -> dict:
    """What a release needs besides resources: a package of our own that ``build`` and ``release`` take."""
    return {
        "name": name,
        "title": title,
        "id": f"urn:uuid:6d1c9e4e-8a5c-4f0e-9a8e-{sum(map(ord, name)):012d}",
        "version": "1.0.0",
        "created": "2026-12-04T00:00:00Z",
        "licenses": [{"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/"}],
        "contributors": [{"title": "Test", "role": "author"}],
    }


def citation_note(identifier: str) -> str:
    """The note `check` gives a package with releases and neither a homepage nor a DOI (#24)."""
    return (
        f'note: datapackage.json: no homepage, and no DOI as id: a citation of a release names it by "{identifier}", '
        'which no one can follow; add "homepage" (where the releases can be had) or, once one is minted, the DOI '
        'as "id"\n'
    )


CITATION_NOTE = citation_note(json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["id"])
