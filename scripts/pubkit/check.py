"""``pubkit check``: the sources, then ``dist/``. Reads the package and ``dist/``; writes only a scratch build.

1. the sources (``validate``), with every extension's checks;
2. every release in ``dist/`` and the index (``verify``);
3. the current version's folder is exactly what the sources build now: the release
   is built into a temporary folder (``build.write_release``) and compared byte for byte.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pubkit import build, errors, index, validate, verify
from pubkit.descriptor import DataPackage
from pubkit.findings import Finding


def package(pkg: DataPackage, engine: str = "fast") -> list[Finding]:
    """Every finding about the sources; if there are none, every finding about ``dist/``.

    ``dist/`` is verified where it exists, or where the package is strict (``pubkit:strict``)
    and so must have one; a package without a name or version has no release to verify.
    """
    findings = validate.sources(pkg, engine=engine)
    if findings or not verifies_dist(pkg):
        return findings
    findings, damaged = verify.dist(pkg)
    # A damaged current release is reported as such, not compared with a fresh build.
    return findings + ([] if damaged else current_is_fresh(pkg))


def verifies_dist(pkg: DataPackage) -> bool:
    return pkg.release_name is not None and (pkg.strict or (pkg.root / build.DIST).is_dir())


def recorded_date(folder: Path) -> datetime | None:
    """The build date a release folder records (its provenance), if it records a valid one."""
    try:
        recorded = json.loads((folder / "datapackage.json").read_bytes())["provenance"]["build_date"]
        return datetime.fromisoformat(recorded.replace("Z", "+00:00")).astimezone(UTC)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def current_is_fresh(pkg: DataPackage) -> list[Finding]:
    shown = f"{build.DIST}/{pkg.release_name}"
    target = pkg.root / shown
    if not target.is_dir():
        return [errors.STALE.at(shown, detail="does not exist: run `make` to build it")]
    with tempfile.TemporaryDirectory(prefix="pubkit-check-") as scratch:
        built = build.write_release(pkg, Path(scratch), recorded_date(target))
        differing = verify.differing_files(built, target)
    if not differing:
        return []
    if pkg.version in index.released_versions(pkg.root):
        return [errors.RELEASED.at(shown, version=pkg.version)]
    listed = ", ".join(differing[:5]) + (f" and {len(differing) - 5} more" if len(differing) > 5 else "")
    detail = f"is stale: it differs from what the sources build now ({listed}); run `make` to rebuild it"
    return [errors.STALE.at(shown, detail=detail)]
