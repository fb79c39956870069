"""The library API: every command's logic, as plain functions with typed results. Prints nothing.

Reads the package a path names (and ``dist/`` beside it); ``build``, ``release`` and ``readme`` write
what their docstrings say. The command line (``pubkit.cli``) is a thin layer over these functions, and a
Python caller (a notebook, a scheduled task, a plug-in) uses them directly::

    import pubkit

    report = pubkit.check("path/to/package")
    for finding in report.findings:
        print(finding.path, finding.line, finding.field, finding.type, finding.message)

Problems in the data are results, not exceptions: ``check`` returns them in its ``Report``. The other
commands raise ``CheckFailed`` (its ``findings`` hold every one) when the data stops them, and
``PubkitError`` (one line a user can act on) for everything else a user can fix. Each function imports
what it needs when it is called, so importing ``pubkit`` does no work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pubkit.base.findings import CheckFailed, Finding, PubkitError, as_dict

if TYPE_CHECKING:
    from pubkit.releases.start import Started
    from pubkit.standard.descriptor import DataPackage

Progress = Callable[[str], None] | None


@dataclass(frozen=True)
class Report:
    """What ``check`` found: every finding (none when the package is valid), and the notes, which are
    what a user should know that is no problem. ``dist_verified`` says whether ``dist/`` was proven."""

    package: str
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dist_verified: bool = False

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "ok": self.ok,
            "distVerified": self.dist_verified,
            "findings": [as_dict(f) for f in self.findings],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Located:
    """Where a text occurs in the archived documents, and a row to paste for each occurrence."""

    occurrences: list[dict[str, Any]]
    rows: list[dict[str, str]]
    table_path: str  # the figures table the rows belong in
    texts: list[str]  # each occurrence as a person reads it: where, what it says, who says it, what it reads


def load(path: str | Path = ".", trust_package_code: bool = False) -> DataPackage:
    """The package at ``path`` (its descriptor and schemas checked); raises ``CheckFailed`` when they are wrong."""
    from pubkit.standard import descriptor

    return descriptor.load(path, trusted=trust_package_code)


def check(
    path: str | Path = ".", *, engine: str = "fast", deep: bool = False, trust_package_code: bool = False
) -> Report:
    """Check the package at ``path``: its descriptor, schemas and sources, then ``dist/`` where it has one.

    ``engine="frictionless"`` adds frictionless' own row-by-row validation; ``deep`` proves ``dist/`` by
    rebuilding it and comparing every release's formats cell by cell. Never raises for problems in the data.
    """
    from pubkit.releases import check as checking

    try:
        pkg = load(path, trust_package_code)
    except CheckFailed as failed:
        return Report(Path(path).resolve().name, list(failed.findings))
    findings, notes = checking.package(pkg, engine=engine, deep=deep)
    name = pkg.release_name or pkg.root.name
    return Report(name, findings, notes, dist_verified=not findings and checking.verifies_dist(pkg))


def build(path: str | Path = ".", *, trust_package_code: bool = False, progress: Progress = None) -> str:
    """Validate, then write the current version's release into ``dist/`` atomically; the outcome in one line.

    ``progress``, where given, is called with a line before each long step.
    """
    from pubkit.releases import build as building

    return building.build(load(path, trust_package_code), progress=progress)


def release(path: str | Path = ".", *, trust_package_code: bool = False, progress: Progress = None) -> str:
    """Cut the current version as an immutable release (zip, index, changelog, citation); the outcome."""
    from pubkit.releases import release as releasing

    return releasing.cut(load(path, trust_package_code), progress=progress)


def diff(old: str | Path, new: str | Path) -> str:
    """What changed between two release folders, as Markdown."""
    from pubkit.releases import diff as differ

    for folder in (old, new):
        if not (Path(folder) / "datapackage.json").is_file():
            raise PubkitError(f"{folder} is not a release folder: it has no datapackage.json")
    return differ.markdown(Path(old), Path(new))


def coverage(path: str | Path = ".", *, trust_package_code: bool = False) -> list[str]:
    """Every numeric mention of the archived documents and what accounts for it, one line each."""
    from pubkit.checks import validate

    pkg = load(path, trust_package_code)
    profile = _provenance_profile(pkg, "coverage")
    findings = validate.sources(pkg)
    if findings:
        raise CheckFailed(findings)
    ctx, _ = validate.read_all(pkg)
    return profile.coverage_report(ctx)


def locate(path: str | Path, text: str, *, document: str | None = None, trust_package_code: bool = False) -> Located:
    """Every occurrence of ``text`` in the package's archived documents, with a row to paste for each."""
    from pubkit.checks import validate

    pkg = load(path, trust_package_code)
    profile = _provenance_profile(pkg, "locate")
    ctx, _ = validate.read_all(pkg)
    found = profile.locate(ctx, text, document)
    if not found:
        raise PubkitError(f"{json.dumps(text, ensure_ascii=False)} occurs in no archived document")
    rows = [profile.skeleton(ctx, occurrence) for occurrence in found]
    texts = [profile.located_text(occurrence) for occurrence in found]
    figures = ctx.pkg.table(profile.roles(ctx).figures)
    return Located(found, rows, figures.path if figures else "", texts)


def readme(path: str | Path = ".", *, trust_package_code: bool = False) -> Path:
    """Rewrite the generated sections of the package's README.md; the path written."""
    from pubkit.releases import readme as readmes

    pkg = load(path, trust_package_code)
    target = Path(path) / "README.md"
    if not target.is_file():
        raise PubkitError(f"{target} does not exist: readme rewrites the generated sections of an existing README.md")
    target.write_text(readmes.refresh(target.read_text(encoding="utf-8"), pkg), encoding="utf-8")
    return target


def _provenance_profile(pkg: DataPackage, command: str) -> Any:
    """The value-provenance profile, which ``coverage`` and ``locate`` need; a package's own extensions are
    loaded too (as ``check`` loads them), so that a language they register is known."""
    import importlib

    from pubkit.standard import plugins

    name = "valueProvenance"
    if name not in pkg.descriptor:
        raise PubkitError(f"{command} needs the {name} profile, which datapackage.json does not declare")
    plugins.load(pkg, pkg.trusted)
    return importlib.import_module(plugins.PROFILES[name])


def init(
    path: str | Path = ".",
    *,
    name: str | None = None,
    title: str | None = None,
    licence: str | None = None,
    maintainers: tuple[str, ...] | list[str] = (),
) -> Started:
    """Start a package in the folder ``path`` from the CSV files it holds; returns a ``Started`` (what was
    written, what was kept as it was, and the primary keys it proposes). Raises ``PubkitError`` for a folder
    that is a package already, or holds no CSV file; never overwrites a file."""
    from pubkit.releases import start

    return start.init(Path(path), name=name, title=title, licence=licence, maintainers=tuple(maintainers))
