"""``pubkit check``: the sources, then ``dist/``. Reads the package and ``dist/``; writes nothing but
its cache of verified hashes (``.build/verified.json``) and, with ``--deep`` or after a toolkit change,
a scratch build.

1. the sources (``validate``), with every extension's checks;
2. every release in ``dist/`` and the index (``verify``): every file against ``SHA256SUMS``, the
   release descriptor and ``dist/releases.json``, streamed;
3. the current version's folder is what the sources build now. Its provenance records the sha256 of
   every input and what built it (toolkit, its code, the lock, the tools): when the inputs match now's and
   so does the identity, the folder is what these sources build (the build verified its formats before
   publishing it, and builds are deterministic). A released folder recorded by another toolkit is rebuilt,
   with the date and identity it recorded, and compared byte for byte; ``--deep`` always does, and
   compares every release's formats cell by cell.
"""

from __future__ import annotations

import json

from pubkit.base.findings import Finding
from pubkit.checks import validate
from pubkit.formats import metadata
from pubkit.releases import index, proof, semver, verify
from pubkit.standard.descriptor import DataPackage


def package(pkg: DataPackage, engine: str = "fast", deep: bool = False) -> tuple[list[Finding], list[str]]:
    """Every finding about the sources; if there are none, every finding about ``dist/``; and the notes
    (what the user should know that is no problem).

    ``dist/`` is verified where it exists, or where the package is strict (``pubkit:strict``)
    and so must have one; a package without a name or version has no release to verify.
    """
    findings, notes = validate.sources(pkg, engine=engine), list(pkg.notes)
    if findings or not verifies_dist(pkg):
        return findings, notes
    if pkg.version not in index.released_versions(pkg.root):  # before any build of it: it could never be cut
        backwards = semver.backwards_findings(pkg, index.load(pkg.root)["latest"])
        if backwards:
            return backwards, notes
    findings, damaged = verify.dist(pkg, deep=deep)
    notes += _created_notes(pkg) + citation_notes(pkg)
    if damaged:  # a damaged current release is reported as such, not compared with a fresh build
        return findings, notes
    fresh, note = proof.fresh(pkg, deep)
    return findings + fresh + ([] if findings or fresh else _version_findings(pkg)), notes + note


def _version_findings(pkg: DataPackage) -> list[Finding]:
    """A version not yet released is held to SemVer against the latest release (``semver``)."""
    latest = index.load(pkg.root)["latest"]
    if not latest or pkg.version in index.released_versions(pkg.root):
        return []
    dist = pkg.root / proof.DIST
    return semver.findings(pkg, latest, dist / f"{pkg.name}-{latest}", dist / pkg.release_name)


def citation_notes(pkg: DataPackage) -> list[str]:
    """A package with releases and nothing a citation resolves to: no homepage, and no DOI as its id."""
    if not index.load(pkg.root)["releases"] or pkg.descriptor.get("homepage") or metadata.doi(pkg.descriptor):
        return []
    return [
        f"{pkg.descriptor_file}: no homepage, and no DOI as id: a citation of a release names it by "
        f"{json.dumps(pkg.descriptor.get('id', pkg.name), ensure_ascii=False)}, which no one can follow; "
        'add "homepage" (where the releases can be had) or, once one is minted, the DOI as "id"'
    ]


def _created_notes(pkg: DataPackage) -> list[str]:
    """A version not yet released whose ``created`` predates the latest release would be dated before it."""
    catalogue = index.load(pkg.root)
    created, latest = str(pkg.descriptor.get("created", "")), catalogue["releases"][-1:] or [{}]
    released_on = str(latest[0].get("date", ""))
    if pkg.version in index.released_versions(pkg.root) or not released_on or created[:10] >= released_on:
        return []
    return [
        f"datapackage.json: created ({created}) is before the latest release ({latest[0].get('version')}, "
        f"{released_on}); `{pkg.command('release')}` sets it to the moment of the release"
    ]


def verifies_dist(pkg: DataPackage) -> bool:
    return pkg.release_name is not None and (pkg.strict or (pkg.root / proof.DIST).is_dir())
