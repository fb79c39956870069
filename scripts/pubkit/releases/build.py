"""Build the current version's release: reads validated sources, writes ``dist/<name>-<version>/``.

Asks ``proof`` once whether ``dist/`` already holds this build; if not, ``assemble`` writes the release.

The release is written into a staging folder next to ``dist/`` (in ``.build/``),
verified there, and only then moved into place with one atomic rename (an atomic
exchange when the folder exists). A build that fails or is killed at any point
leaves ``dist/`` byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path

from pubkit.base.findings import CheckFailed, PubkitError
from pubkit.checks import validate
from pubkit.releases import assemble, proof, publish, verify
from pubkit.standard.descriptor import DataPackage

DIST = "dist"
STAGING = ".build"
LOCK = "pubkit.lock"


@contextlib.contextmanager
def locked(pkg: DataPackage):
    """One build or release at a time in a package: a second one waits for none and says so."""
    import fcntl

    staging_folder(pkg)
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC  # never through a link, never truncated
    try:
        descriptor = os.open(pkg.root / STAGING / LOCK, flags, 0o644)
    except OSError as err:
        if err.errno != errno.ELOOP:
            raise
        raise PubkitError(f"{STAGING}/{LOCK} is a link: pubkit writes through no link; remove it") from None
    with os.fdopen(descriptor, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PubkitError("another pubkit build or release is running in this package: let it finish") from None
        _remove_abandoned_staging(pkg)
        yield


def staging_folder(pkg: DataPackage) -> Path:
    folder = pkg.root / STAGING
    if folder.exists() and (folder.is_symlink() or not folder.is_dir()):
        raise PubkitError(f"{STAGING} is not a folder: pubkit keeps its staging folders and lock there; move it away")
    folder.mkdir(exist_ok=True)
    return folder


def _remove_abandoned_staging(pkg: DataPackage) -> None:
    """Staging folders a killed build left (``.build/staging-*`` and ``dist/.incoming-*``, which only a build
    makes): with the lock held, no build is using them."""
    left = [*(pkg.root / STAGING).glob("staging-*"), *(pkg.root / DIST).glob(f"{publish.INCOMING}*")]
    for folder in left:
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def build(pkg: DataPackage, progress=None) -> str:
    """Validate, build, verify, publish; return a one-line outcome for the user. ``progress``, where
    given, is called with a line before each long step (the command line passes one on a terminal)."""
    with locked(pkg):
        return _build(pkg, progress)


def unlocked_build(pkg: DataPackage, progress=None, reuse: Path | None = None) -> str:
    """``build`` for a caller that holds the lock (``release``); ``reuse``: a folder of ``dist/`` built of
    the same inputs at another date (``proof.reusable``), whose workbook sheets need no second writing."""
    return _build(pkg, progress, reuse)


def _build(pkg: DataPackage, progress=None, reuse: Path | None = None) -> str:
    say = progress or (lambda line: None)
    if pkg.release_problems():
        raise CheckFailed(pkg.release_problems())
    current = proof.current(pkg)  # the one question: does dist/ hold this build already, and how to build it
    if current.holds_this_build:
        return f"unchanged: {DIST}/{pkg.release_name} already holds exactly this build"
    say("checking the sources")
    findings = validate.sources(pkg)
    if findings:
        raise CheckFailed(findings)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=staging_folder(pkg)))
    try:
        built = assemble.write_release(pkg, staging, current.date, current.made_by, say, reuse)
        say("verifying the release: checksums, and every cell of CSV, Parquet, workbook and SQLite")
        problems = verify.release_folder(built)  # a reused workbook's too: what dist/ holds is untrusted
        if problems:
            raise CheckFailed(problems)
        return publish.release_folder(pkg, built)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
