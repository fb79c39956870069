"""How a release is made: its build date, input hashes and tool versions.

Content-addressed: the record changes only when an input's bytes, a tool's
version or the recorded build date changes. It never reads the clock or git.
"""

from __future__ import annotations

import hashlib
import os
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from pubkit.descriptor import DataPackage
from pubkit.findings import PubkitError

LOCK = "requirements.lock"  # the pinned environment, where the package keeps one
TOOLS = ("frictionless", "pandera", "pandas", "numpy", "pyarrow", "openpyxl", "lxml", "matplotlib")


def build_date(pkg: DataPackage) -> datetime:
    """``SOURCE_DATE_EPOCH`` when set, else the root descriptor's ``created``."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.isdigit() or not 315532800 <= int(epoch) <= 4354819199:  # 1980 to 2107: what a zip can date
            raise PubkitError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds between 1980 and 2107")
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.fromisoformat(pkg.descriptor["created"].replace("Z", "+00:00")).astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record(pkg: DataPackage, date: datetime | None = None) -> dict:
    """The build date, every input's sha256, the toolkit's version and the lock's sha256, the tools' versions."""
    import pubkit

    inputs = [
        pkg.descriptor_file,
        *sorted({t.schema_path for t in pkg.tables}),
        *[p for t in pkg.tables if t.inline is None for p in (t.parts or [t.path])],
        *pkg.source_paths(),
    ]
    inputs += pkg.descriptor.get("pubkit:extensions", [])
    inputs = [p for p in dict.fromkeys(inputs) if (pkg.root / p).is_file()]  # inline tables live in the descriptor
    lock = pkg.root / LOCK
    return {
        "build_date": iso(date or build_date(pkg)),
        "inputs": {path: f"sha256:{sha256_file(pkg.root / path)}" for path in inputs},
        "toolkit": {"name": pubkit.DISTRIBUTION, "version": pubkit.version()},
        "lock": {"path": LOCK, "sha256": sha256_file(lock)} if lock.is_file() else None,
        "tools": {"python": platform.python_version(), **{name: metadata.version(name) for name in TOOLS}},
        "steps": steps(pkg),
    }


def steps(pkg: DataPackage) -> list[str]:
    from pubkit import extensions

    checked = "each source table is checked against its Table Schema with pandera, as frictionless reads it"
    declared = extensions.declared_profiles(pkg.descriptor) + pkg.descriptor.get("pubkit:extensions", [])
    return [
        checked + (f", with the rules of {', '.join(declared)}" if declared else ""),
        "tables are written as CSV (RFC 4180), Parquet (zstd) and one Excel workbook by pubkit",
        "the release is verified (checksums, equal values across formats) before it is moved into dist/",
    ]
