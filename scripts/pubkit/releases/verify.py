"""Verify ``dist/``: reads the release folders and the index; writes only the cache of verified hashes.

- every file of every release matches ``SHA256SUMS`` and the release descriptor;
- every release listed in ``dist/releases.json`` is there, byte for byte, zip included;
- with ``deep`` (and in every build, before publishing): CSV, Parquet and Excel of each table hold
  the same values, cell by cell.

Each file is read once (``hashes``), and not at all while it is unchanged since a check verified it;
``deep`` reads everything again.

Whether the current release is what the sources build now is ``check``'s question.
"""

from __future__ import annotations

from pathlib import Path

from pubkit.base import errors
from pubkit.base.findings import Finding
from pubkit.formats import agree
from pubkit.releases import buildinfo, hashes, index, proof
from pubkit.standard.descriptor import DataPackage

ENTRIES = {
    "release index": errors.RELEASE_INDEX,
    "checksum": errors.CHECKSUM,
    "stale release": errors.STALE,
}


def _finding(path: str, line: int | None, field: str | None, detail: str, title: str) -> Finding:
    return ENTRIES[title].at(path, line, field, detail=detail)


DIST = "dist"
SUMS = "SHA256SUMS"


def dist(pkg: DataPackage, deep: bool = False) -> tuple[list[Finding], bool]:
    """Every release folder and the index; and whether the current version's folder is damaged."""
    known = hashes.Hashes(None if deep else pkg.root)
    findings, damaged = [], False
    for folder in releases(pkg):
        found = release_folder(folder, pkg.root, deep, known)
        damaged |= bool(found) and folder.name == pkg.release_name
        findings += found
    index_problems = [f for f in index_findings(pkg, known) if f.path not in {g.path for g in findings}]
    index_problems += release_records(pkg)
    if not findings and not index_problems:
        known.save()
    return findings + index_problems, damaged


def index_findings(pkg: DataPackage, known: hashes.Hashes | None = None) -> list[Finding]:
    """Every release in dist/releases.json is in dist/, byte for byte as indexed, zip included."""
    known = known or hashes.Hashes()
    catalogue = index.load(pkg.root)
    findings = []
    for entry in catalogue["releases"]:
        folder = pkg.root / DIST / entry["folder"]
        shown = f"{DIST}/{entry['folder']}"
        if folder.is_symlink() or not folder.is_dir():
            findings.append(_finding(shown, None, None, "is listed in dist/releases.json but missing", "release index"))
            continue
        recorded = {f["path"]: (f["bytes"], f["sha256"]) for f in entry["files"]}
        actual = {p: ((folder / p).stat().st_size, known.sha256(folder / p)) for p in index.files_of(folder)}
        changed = [p for p in sorted(set(recorded) | set(actual)) if recorded.get(p) != actual.get(p)]
        findings += [
            _finding(f"{shown}/{p}", None, None, _index_change(p, recorded, actual), "release index") for p in changed
        ]
        archive = index.regular_file(pkg.root / DIST, entry["zip"]["path"])
        if archive is None or known.sha256(archive) != entry["zip"]["sha256"]:
            findings.append(
                _finding(
                    f"{DIST}/{entry['zip']['path']}",
                    None,
                    None,
                    "is missing or differs from dist/releases.json: a released file changed",
                    "release index",
                )
            )
            continue
        if changed:
            continue  # the folder changed, not the zip
        fact = f"zip {hashes.stat_key(archive)} holds {entry['folder']} as {buildinfo.sha256_text(repr(sorted(actual.items())))}"
        if not known.knows(fact) and not _zip_holds(archive, entry["folder"], actual):
            findings.append(
                _finding(
                    f"{DIST}/{entry['zip']['path']}", None, None, f"does not hold exactly {shown}", "release index"
                )
            )
        else:
            known.learn(fact)
    versions = [e["version"] for e in catalogue["releases"]]
    if versions and catalogue.get("latest") != versions[-1]:
        findings.append(
            _finding(
                index.INDEX,
                None,
                None,
                f"names {catalogue.get('latest')} as latest, not {versions[-1]}",
                "release index",
            )
        )
    return findings


def release_records(pkg: DataPackage) -> list[Finding]:
    """What ``release`` writes beside dist/ agrees with the index: a zip for no indexed release, a changelog
    entry or a citation for an unreleased version, are what an interrupted release left."""
    catalogue = index.load(pkg.root)
    versions = [entry["version"] for entry in catalogue["releases"]]
    zips = {entry["zip"]["path"] for entry in catalogue["releases"]}
    finish = f"a release was interrupted: run `{pkg.command('release')}` to finish it"
    findings = [
        errors.RELEASE_RECORDS.at(f"{DIST}/{p.name}", detail=f"is the zip of no release in {index.INDEX}: {finish}")
        for p in sorted((pkg.root / DIST).glob(f"{pkg.name}-*.zip"))
        if p.name not in zips
    ]
    if not versions:
        return findings
    headings = _changelog_versions(pkg.root / "CHANGELOG.md")
    if headings is not None:
        findings += [
            errors.RELEASE_RECORDS.at("CHANGELOG.md", detail=f"has no entry for {v}, which is released")
            for v in versions
            if v not in headings
        ]
        findings += [
            errors.RELEASE_RECORDS.at("CHANGELOG.md", detail=f"has an entry for {v}, which is not released: {finish}")
            for v in headings
            if v not in versions
        ]
    cited = _cited_version(pkg.root / "CITATION.cff")
    if cited is not None and cited != catalogue["latest"]:
        detail = f"cites version {cited}, not the latest release {catalogue['latest']}"
        findings.append(errors.RELEASE_RECORDS.at("CITATION.cff", detail=f"{detail}: {finish}"))
    return findings


def _changelog_versions(path: Path) -> list[str] | None:
    """The versions of the changelog's ``## <version> (<date>)`` headings; None where there is no changelog."""
    import re

    text = _small_text(path)
    return None if text is None else re.findall(r"^## (\S+) \(", text, flags=re.MULTILINE)


def _cited_version(path: Path) -> str | None:
    import re

    text = _small_text(path)
    found = re.search(r'^version: "?([^"\n]+)"?$', text or "", flags=re.MULTILINE)
    return found.group(1) if found else None


def _small_text(path: Path, limit: int = 16 << 20) -> str | None:
    """A regular file's text, if it is one of at most ``limit`` bytes (what the package holds is untrusted)."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > limit:
            return None
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return None


def _zip_holds(archive: Path, folder: str, files: dict[str, tuple[int, str]]) -> bool:
    """Whether the zip holds exactly ``files`` (path -> bytes, sha256) under ``folder/``: sizes first, then
    each entry streamed through sha256, so that no entry is ever held whole in memory."""
    import hashlib
    import zipfile

    try:
        with zipfile.ZipFile(archive) as opened:
            infos = opened.infolist()
            names = {i.filename.removeprefix(f"{folder}/"): i for i in infos}
            if len(names) != len(infos) or set(names) != set(files):
                return False
            if any(names[p].file_size != files[p][0] for p in files):
                return False
            for path, info in names.items():
                digest = hashlib.sha256()
                with opened.open(info) as stream:
                    for block in iter(lambda: stream.read(1 << 20), b""):
                        digest.update(block)
                if digest.hexdigest() != files[path][1]:
                    return False
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        return False
    return True


def releases(pkg: DataPackage) -> list[Path]:
    return sorted(p for p in (pkg.root / DIST).glob(f"{pkg.name}-*") if p.is_dir() and not p.is_symlink())


def release_folder(
    folder: Path, root: Path | None = None, deep: bool = True, known: hashes.Hashes | None = None
) -> list[Finding]:
    """Integrity first; with ``deep``, the values of the formats are compared when every byte is as recorded."""
    shown = folder.relative_to(root).as_posix() if root else folder.name
    findings = proof.integrity(folder, shown, known)
    return findings or (agree.agree(folder, shown) if deep else [])


def _index_change(path: str, recorded: dict, actual: dict) -> str:
    if path not in recorded:
        return "is not in dist/releases.json: a file was added to a release"
    if path not in actual:
        return "is in dist/releases.json but missing: a file was removed from a release"
    return "differs from dist/releases.json: a released file changed"
