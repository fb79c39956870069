"""The release index ``dist/releases.json`` and each release's one-file ``.zip``.

A version is released once the index lists it; from then on its folder and zip
never change, and ``make`` refuses sources that would build it differently.

Everything under ``dist/`` is untrusted input: the index is vetted before use (every
name a plain name inside ``dist/``), and only regular files are ever read, never
links or special files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from pubkit.base import errors
from pubkit.base.findings import CheckFailed
from pubkit.releases import buildinfo
from pubkit.standard.descriptor import DataPackage

INDEX = "dist/releases.json"


SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")
HEX64 = re.compile(r"[0-9a-f]{64}")
RESTORE = "restore it from git (git checkout -- dist/)"


def load(root: Path) -> dict:
    """The index, vetted: a damaged or hostile one is a located finding, never a crash or a path outside dist/."""
    path = root / INDEX
    if not path.exists():
        return {"latest": None, "releases": []}
    if not path.is_file() or path.is_symlink():
        raise CheckFailed([errors.RELEASE_INDEX.at(INDEX, detail=f"is not a regular file; {RESTORE}")])
    try:
        catalogue = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        line = getattr(err, "lineno", None)
        raise CheckFailed(
            [errors.RELEASE_INDEX.at(INDEX, line, detail=f"is not valid JSON ({err}); {RESTORE}")]
        ) from None
    problem = _index_problem(catalogue)
    if problem:
        raise CheckFailed([errors.RELEASE_INDEX.at(INDEX, detail=f"{problem}; {RESTORE}")])
    return catalogue


def _index_problem(catalogue) -> str | None:
    if not isinstance(catalogue, dict) or not isinstance(catalogue.get("releases"), list):
        return 'is not an object with a list "releases"'
    for n, entry in enumerate(catalogue["releases"]):
        where = f"releases[{n}]"
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("version", "date", "folder")):
            return f"{where} needs version, date and folder as text"
        if not SAFE_NAME.fullmatch(entry["version"]):
            return f"{where}.version {json.dumps(entry['version'])} is not a version"
        if not SAFE_NAME.fullmatch(entry["folder"]):
            return f"{where}.folder {json.dumps(entry['folder'])} is not a folder name inside dist/"
        if not _is_file_entry(entry.get("zip")) or not SAFE_NAME.fullmatch(entry["zip"]["path"]):
            return f"{where}.zip is not a file of dist/ with its bytes and sha256"
        files = entry.get("files")
        if not isinstance(files, list) or not all(_is_file_entry(f) and safe_relpath(f["path"]) for f in files):
            return f"{where}.files is not a list of files inside the release, with their bytes and sha256"
    return None


def _is_file_entry(entry) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and isinstance(entry.get("bytes"), int)
        and isinstance(entry.get("sha256"), str)
        and HEX64.fullmatch(entry["sha256"]) is not None
    )


def safe_relpath(relpath: str) -> bool:
    """A relative POSIX path that stays inside its folder: no absolute path, no .., no empty part."""
    parts = relpath.split("/")
    return (
        bool(relpath) and not relpath.startswith("/") and all(p not in ("", ".", "..") and "\\" not in p for p in parts)
    )


def regular_file(folder: Path, relpath: str) -> Path | None:
    """``folder/relpath`` if it is a regular file inside ``folder`` (no link, no device); None otherwise."""
    if not safe_relpath(relpath):
        return None
    path = folder / relpath
    try:
        if any(p.is_symlink() for p in [path, *path.parents] if p.is_relative_to(folder) and p != folder):
            return None
        return path if stat.S_ISREG(path.lstat().st_mode) else None
    except OSError:
        return None


def released_versions(root: Path) -> list[str]:
    return [r["version"] for r in load(root)["releases"]]


def entry(pkg: DataPackage, folder: Path, zip_path: Path) -> dict:
    dated = {"version": pkg.version, "date": buildinfo.iso(buildinfo.build_date(pkg))[:10], "folder": folder.name}
    return {**dated, **entry_files(folder, zip_path)}


def entry_files(folder: Path, zip_path: Path) -> dict:
    """What releases.json records of a released folder's bytes: its zip's, and each file's."""
    return {"zip": _file(zip_path, zip_path.name), "files": [_file(folder / p, p) for p in files_of(folder)]}


def _file(path: Path, name: str) -> dict:
    return {"path": name, "bytes": path.stat().st_size, "sha256": buildinfo.sha256_file(path)}


def files_of(folder: Path) -> list[str]:
    """Every regular file below ``folder``, as sorted POSIX paths relative to it (links are not followed)."""
    found = []
    for top, _dirs, files in os.walk(folder, followlinks=False):
        for name in files:
            path = Path(top) / name
            if stat.S_ISREG(path.lstat().st_mode):
                found.append(path.relative_to(folder).as_posix())
    return sorted(found)


def strangers_of(folder: Path) -> list[str]:
    """Entries below ``folder`` that are no regular files or folders: links, devices, pipes."""
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        for name in [*dirs, *files]:
            path = Path(top) / name
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode) or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                found.append(path.relative_to(folder).as_posix())
    return sorted(found)


def sizes_and_hashes(folder: Path) -> dict[str, tuple[int, str]]:
    return {p: ((folder / p).stat().st_size, buildinfo.sha256_file(folder / p)) for p in files_of(folder)}


def write_zip(folder: Path, target: Path, date_time: tuple) -> None:
    """A deterministic zip: sorted entries, fixed timestamps and permissions; whole or not at all.

    It is written beside ``target`` and renamed into place once complete: a failed or killed
    write leaves no half zip in ``dist/``.
    """
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files_of(folder):
                info = zipfile.ZipInfo(f"{folder.name}/{path}", date_time=date_time)
                info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                with (folder / path).open("rb") as source, archive.open(info, "w") as entry:
                    shutil.copyfileobj(source, entry, 1 << 20)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file so that a reader, or a crash, sees the old bytes or the new, never half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; what it replaces is a file anyone may read
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save(root: Path, data: dict) -> None:
    write_atomically(root / INDEX, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
