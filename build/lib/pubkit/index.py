"""The release index ``dist/releases.json`` and each release's one-file ``.zip``.

A version is released once the index lists it; from then on its folder and zip
never change, and ``make`` refuses sources that would build it differently.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

from pubkit import buildinfo
from pubkit.descriptor import DataPackage

INDEX = "dist/releases.json"


def load(root: Path) -> dict:
    path = root / INDEX
    if not path.is_file():
        return {"latest": None, "releases": []}
    return json.loads(path.read_text(encoding="utf-8"))


def released_versions(root: Path) -> list[str]:
    return [r["version"] for r in load(root)["releases"]]


def entry(pkg: DataPackage, folder: Path, zip_path: Path) -> dict:
    return {
        "version": pkg.version,
        "date": buildinfo.iso(buildinfo.build_date(pkg))[:10],
        "folder": folder.name,
        "zip": _file(zip_path, zip_path.name),
        "files": [_file(folder / p, p) for p in files_of(folder)],
    }


def _file(path: Path, name: str) -> dict:
    return {"path": name, "bytes": path.stat().st_size, "sha256": buildinfo.sha256_file(path)}


def files_of(folder: Path) -> list[str]:
    """Every file below ``folder``, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def sizes_and_hashes(folder: Path) -> dict[str, tuple[int, str]]:
    return {p: ((folder / p).stat().st_size, buildinfo.sha256_file(folder / p)) for p in files_of(folder)}


def write_zip(folder: Path, target: Path, date_time: tuple) -> None:
    """A deterministic zip: sorted entries, fixed timestamps and permissions."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files_of(folder):
            info = zipfile.ZipInfo(f"{folder.name}/{path}", date_time=date_time)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, (folder / path).read_bytes())


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file so that a reader, or a crash, sees the old bytes or the new, never half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


def save(root: Path, data: dict) -> None:
    write_atomically(root / INDEX, (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
