"""Publish a built release into ``dist/``: reads the staging folder and ``dist/``, moves one folder.

The release goes into place with one atomic rename (an atomic exchange when the
folder exists); a released version is never overwritten, and no build goes into a
``dist/`` whose released folders were changed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import tempfile
from pathlib import Path

from pubkit.base import errors
from pubkit.base.findings import PubkitError
from pubkit.releases import index, proof
from pubkit.standard.descriptor import DataPackage

DIST = "dist"


def release_folder(pkg: DataPackage, built: Path) -> str:
    dist = pkg.root / DIST
    dist.mkdir(exist_ok=True)
    target = dist / pkg.release_name
    shown = f"{DIST}/{pkg.release_name}"
    proof.refuse_damaged(pkg)  # again, at the moment of publishing
    if target.exists() and proof.same_files(built, target):
        return f"unchanged: {shown} already holds exactly this build"
    if pkg.version in index.released_versions(pkg.root):
        why = proof.why_differs(built, target)
        detail = errors.RELEASED.template.format(version=pkg.version, why=why, release=pkg.command("release"))
        raise PubkitError(f"{shown} {detail}")
    with _beside(built, dist) as ready:
        if target.exists():
            exchange(ready, target)  # the old release now sits in staging and goes with it
            return f"rebuilt: {shown}"
        os.rename(ready, target)
        return f"built: {shown}"


INCOMING = ".incoming-"  # a copy of a release on its way into a dist/ on another file system


@contextlib.contextmanager
def _beside(built: Path, dist: Path):
    """``built``, or a copy of it inside ``dist/`` when ``dist/`` is on another file system (a mount, a
    link to another disk), where no rename can cross: the copy is renamed into place, atomically, and
    whatever is left of it goes."""
    if os.stat(built).st_dev == os.stat(dist).st_dev:
        yield built
        return
    incoming = Path(tempfile.mkdtemp(prefix=INCOMING, dir=dist))
    try:
        shutil.copytree(built, incoming / built.name, symlinks=True)
        yield incoming / built.name
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def exchange(a: Path, b: Path) -> None:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE)."""
    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, rename_exchange = -100, 2
    if libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"cannot swap {b} atomically: {os.strerror(errno)}")
