"""The proof that a release folder holds what the sources make, with this toolkit: the one place that says.

Reads ``dist/``, the package's inputs and the provenance each release folder records; writes nothing but
scratch rebuilds (in a temporary folder) and the cache of verified hashes (``hashes``).

- ``integrity``: every file of a folder against its ``SHA256SUMS`` and its release descriptor;
- ``refuse_damaged``: no build or release goes into a ``dist/`` whose released folders were changed;
- ``current``: what ``build`` asks once: whether the current version's folder already holds this build
  (by its recorded provenance: the same inputs, build date and identity, every byte as recorded), and
  the date and identity to build it with (a released version is rebuilt as it was built);
- ``fresh``: what ``check`` asks once: whether the current version's folder is what these sources build,
  from recorded hashes, and by rebuilding it where the toolkit changed or ``deep`` is asked.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pubkit.base import errors
from pubkit.base.findings import CheckFailed, Finding, PubkitError
from pubkit.releases import assemble, buildinfo, hashes, index
from pubkit.standard import descriptor
from pubkit.standard.descriptor import DataPackage

DIST = "dist"
SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class Current:
    """The current version's folder, as ``build`` needs to know it."""

    holds_this_build: bool  # its recorded provenance is what a build would record now: nothing to do
    date: datetime | None  # the build date to build it with (a released version's recorded one), or None: now's
    made_by: dict | None  # the identity to build it with (a released version's recorded one), or None: this one


def current(pkg: DataPackage) -> Current:
    """Refuse a damaged ``dist/``; then whether the current folder holds this build, and how to build it."""
    if (pkg.root / DIST).is_dir():
        refuse_damaged(pkg)
    date, made_by = as_released(pkg)
    return Current(_holds_this_build(pkg, date), date, made_by)


def _holds_this_build(pkg: DataPackage, released_date: datetime | None) -> bool:
    """Whether the current version's folder is, by its provenance, what a build would write now: every
    file as its SHA256SUMS records, and the same inputs, build date and identity. Such a build would
    write the same bytes (builds are deterministic), so none is needed; the sources it records were valid."""
    folder = pkg.root / DIST / pkg.release_name
    recorded = buildinfo.recorded_provenance(folder) if folder.is_dir() else None
    if recorded is None or integrity(folder, folder.name, hashes.Hashes(pkg.root)):
        return False
    date = released_date or buildinfo.build_date(pkg)
    expected = {"build_date": buildinfo.iso(date), "inputs": buildinfo.inputs(pkg), **buildinfo.identity(pkg)}
    return all(recorded.get(key) == value for key, value in expected.items())


def reusable(pkg: DataPackage) -> Path | None:
    """The current version's folder, where a release of the package as it is now may reuse its workbook's
    sheets (``assemble.write_release``): an unreleased build whose every file is as its SHA256SUMS records,
    of exactly these inputs, by this toolkit and environment, so that it differs from the release only by
    its build date. The release still verifies every cell of what it reuses: ``dist/`` is untrusted."""
    folder = pkg.root / DIST / pkg.release_name
    if pkg.version in index.released_versions(pkg.root) or folder.is_symlink() or not folder.is_dir():
        return None
    recorded = buildinfo.recorded_provenance(folder)
    if recorded is None or integrity(folder, folder.name, hashes.Hashes(pkg.root)):
        return None
    made = {"inputs": buildinfo.inputs(pkg), **buildinfo.identity(pkg)}
    return folder if all(recorded.get(key) == value for key, value in made.items()) else None


def as_released(pkg: DataPackage) -> tuple[datetime | None, dict | None]:
    """The build date and identity a released version's folder recorded, to rebuild it as it was built;
    ``(None, None)`` (now's) for a version not released, or a folder that records neither."""
    if pkg.version not in index.released_versions(pkg.root):
        return None, None
    recorded = buildinfo.recorded_provenance(pkg.root / DIST / pkg.release_name)
    if recorded is None:
        return None, None
    return recorded_date(recorded), buildinfo.recorded_identity(recorded)


def recorded_date(recorded: dict) -> datetime | None:
    """The build date a provenance records, if it is a valid one."""
    try:
        return datetime.fromisoformat(recorded["build_date"].replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, AttributeError, TypeError, KeyError):
        return None


def refuse_damaged(pkg: DataPackage) -> None:
    """No build goes into a dist/ whose released folders are not byte for byte as released."""
    known = hashes.Hashes(pkg.root)
    for version in index.released_versions(pkg.root):
        shown = f"{DIST}/{pkg.name}-{version}"
        damage = integrity(pkg.root / shown, shown, known) if (pkg.root / shown).is_dir() else []
        if damage:
            raise PubkitError(
                f"{shown} was changed after its release ({damage[0].path}: {damage[0].message}); "
                f"restore it with `git checkout -- {shown}`"
            )


# ``check``: is the current folder what these sources build? ---------------------------------------


def fresh(pkg: DataPackage, deep: bool = False) -> tuple[list[Finding], list[str]]:
    """Whether the current version's folder is what these sources build, by its recorded provenance;
    and a note when it was proven by rebuilding it."""
    shown = f"{DIST}/{pkg.release_name}"
    target = pkg.root / shown
    if not target.is_dir():
        return [errors.STALE.at(shown, detail=f"does not exist: run `{pkg.command('build')}` to build it")], []
    recorded = buildinfo.recorded_provenance(target)
    made_by = buildinfo.recorded_identity(recorded) if recorded else None
    released = pkg.version in index.released_versions(pkg.root)
    if recorded is None or made_by is None:
        return [_stale(pkg, shown, released, "records no provenance of the shape pubkit writes")], []
    changed = buildinfo.changed_inputs(recorded["inputs"], buildinfo.inputs(pkg))
    if changed:
        return [_stale(pkg, shown, released, f"{buildinfo.listed(changed)} since it was built")], []
    changes = buildinfo.identity_changes(made_by, buildinfo.identity(pkg))
    if changes and not released:
        why = f"was built by another toolkit or environment ({'; '.join(changes)})"
        return [_stale(pkg, shown, released, why)], []
    if not changes and not deep:  # the cheap formats are regenerated, so a forged folder cannot pass
        differing = _tables_differ(pkg, target, recorded, made_by)
        remedy = (
            f"restore it with `git checkout -- {shown}`" if released else f"run `{pkg.command('build')}` to rebuild it"
        )
        return [errors.ALTERED.at(shown, files=buildinfo.listed(differing), remedy=remedy)] if differing else [], []
    differing = _rebuilt_differs(pkg, target, recorded, made_by)
    if differing:
        why = f"{buildinfo.listed(differing)} differ from what the sources build now"
        return [_stale(pkg, shown, released, why)], []
    note = (
        f"{shown} was built by another toolkit or environment ({'; '.join(changes)}); "
        "this toolkit builds the same bytes from these sources (rebuilt and compared)"
    )
    return [], ([note] if changes else [])


def _stale(pkg: DataPackage, shown: str, released: bool, why: str) -> Finding:
    if released:
        return errors.RELEASED.at(shown, version=pkg.version, why=why, release=pkg.command("release"))
    return errors.STALE.at(shown, detail=f"is stale: {why}; run `{pkg.command('build')}` to rebuild it")


def _rebuilt_differs(pkg: DataPackage, target: Path, recorded: dict, made_by: dict) -> list[str]:
    """Rebuild the release as it was built (its recorded date and identity) and list the files that differ."""
    with tempfile.TemporaryDirectory(prefix="pubkit-check-") as scratch:
        built = assemble.write_release(pkg, Path(scratch), recorded_date(recorded), made_by)
        return differing_files(built, target)


def _tables_differ(pkg: DataPackage, target: Path, recorded: dict, made_by: dict) -> list[str]:
    """Write the release's CSV and Parquet again, as it was built, and list those that differ from the folder's.

    These are the formats that hold every value and cost little to write; the workbook, the database and
    the pages are proven only by rebuilding the whole release (``deep``, or where the toolkit changed)."""
    with tempfile.TemporaryDirectory(prefix="pubkit-check-") as scratch:
        assemble.write_tables_as_built(pkg, recorded_date(recorded), made_by, Path(scratch))
        written = index.files_of(Path(scratch))
        return [p for p in written if not _same_bytes(Path(scratch) / p, target / p)]


def _same_bytes(a: Path, b: Path) -> bool:
    return b.is_file() and not b.is_symlink() and a.read_bytes() == b.read_bytes()


def why_differs(built: Path, target: Path) -> str:
    """Why a released folder is not what was built: the inputs that changed, else the files that differ."""
    if not target.is_dir():
        return f"{target.name} is missing"
    was, now = buildinfo.recorded_provenance(target), buildinfo.recorded_provenance(built)
    changed = buildinfo.changed_inputs(was["inputs"], now["inputs"]) if was and now else []
    if changed:
        return f"{buildinfo.listed(changed)} since it was built"
    return f"{buildinfo.listed(differing_files(built, target))} differ from what the sources build now"


def same_files(a: Path, b: Path) -> bool:
    return not differing_files(a, b)


def differing_files(a: Path, b: Path) -> list[str]:
    files_a, files_b = set(index.files_of(a)), set(index.files_of(b))
    return sorted(
        p
        for p in files_a | files_b
        if p not in files_a or p not in files_b or (a / p).read_bytes() != (b / p).read_bytes()
    )


# Integrity: every byte as recorded ------------------------------------------------------------------


def _checksum(path: str, line: int | None, field: str | None, detail: str) -> Finding:
    return errors.CHECKSUM.at(path, line, field, detail=detail)


def integrity(folder: Path, shown: str, known: hashes.Hashes | None = None) -> list[Finding]:
    known = known or hashes.Hashes()
    sums = index.regular_file(folder, SUMS)
    if sums is None:
        return [_checksum(f"{shown}/{SUMS}", None, None, "is missing: the release cannot be verified")]
    strangers = [
        _checksum(f"{shown}/{p}", None, None, "is a link or a special file, which no release holds")
        for p in index.strangers_of(folder)
    ]
    recorded, malformed = _sums(sums, f"{shown}/{SUMS}")
    if malformed or strangers:
        return strangers + malformed
    present = set(index.files_of(folder)) - {SUMS}
    findings = [
        _checksum(f"{shown}/{p}", None, None, "is listed in SHA256SUMS but missing: a file was removed")
        for p in sorted(set(recorded) - present)
    ]
    findings += [
        _checksum(f"{shown}/{p}", None, None, "is not listed in SHA256SUMS: a file was added")
        for p in sorted(present - set(recorded))
    ]
    for path in sorted(present & set(recorded)):
        actual = known.sha256(folder / path)
        if actual != recorded[path]:
            message = f"has sha256 {actual}, but SHA256SUMS records {recorded[path]}: the file was changed"
            findings.append(_checksum(f"{shown}/{path}", None, None, message))
    return findings or _descriptor_integrity(folder, shown, known)


def _sums(path: Path, shown: str) -> tuple[dict[str, str], list[Finding]]:
    """SHA256SUMS as ``sha256sum`` writes it: ``<sha256>  <path>`` a line; any other line is a finding."""
    recorded, findings = {}, []
    try:
        lines = path.read_bytes().decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return {}, [_checksum(shown, None, None, "is not UTF-8 text: restore it from git")]
    for number, line in enumerate(lines, start=1):
        digest, _, relpath = line.partition("  ")
        if not (index.HEX64.fullmatch(digest) and index.safe_relpath(relpath)):
            detail = "is not a line of sha256sum output (<sha256>  <path>): restore it from git"
            findings.append(_checksum(shown, number, None, detail))
        else:
            recorded[relpath] = digest
    return recorded, findings


def _descriptor_integrity(folder: Path, shown: str, known: hashes.Hashes) -> list[Finding]:
    findings = []
    try:
        resources = descriptor.load_json(folder, descriptor.DESCRIPTOR).get("resources", [])
    except (CheckFailed, AttributeError):
        return [_checksum(f"{shown}/datapackage.json", None, None, "is not a release descriptor")]
    for resource in resources if isinstance(resources, list) else []:
        relpath = resource.get("path") if isinstance(resource, dict) else None
        path = index.regular_file(folder, relpath) if isinstance(relpath, str) else None
        if path is None:
            detail = f"names {json.dumps(relpath)}, which is no file of the release"
            findings.append(_checksum(f"{shown}/datapackage.json", None, None, detail))
            continue
        actual = (path.stat().st_size, f"sha256:{known.sha256(path)}")
        if actual != (resource.get("bytes"), resource.get("hash")):
            message = f"has {actual[0]} bytes and {actual[1]}, but datapackage.json records {resource.get('bytes')} and {resource.get('hash')}"
            findings.append(_checksum(f"{shown}/{resource['path']}", None, None, message))
    return findings
