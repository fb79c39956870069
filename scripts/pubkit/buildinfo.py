"""How a release is made: its build date, input hashes and tool versions.

Content-addressed: the record changes only when an input's bytes, a tool's
version or the recorded build date changes. It never reads the clock or git.
"""
from __future__ import annotations

import hashlib
import os
import platform
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from pubkit.descriptor import DESCRIPTOR, DataPackage

TOOLS = ("frictionless", "pandera", "pandas", "numpy", "pyarrow", "openpyxl", "lxml", "matplotlib")


def build_date(pkg: DataPackage) -> datetime:
    """``SOURCE_DATE_EPOCH`` when set, else the root descriptor's ``created``."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.fromisoformat(pkg.descriptor["created"].replace("Z", "+00:00")).astimezone(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record(pkg: DataPackage) -> dict:
    inputs = [DESCRIPTOR, *sorted({t.schema_path for t in pkg.tables}), *[t.path for t in pkg.tables], *pkg.source_paths()]
    return {
        "build_date": iso(build_date(pkg)),
        "inputs": {path: f"sha256:{sha256_file(pkg.root / path)}" for path in inputs},
        "tools": {"python": platform.python_version(), **{name: metadata.version(name) for name in TOOLS}},
        "steps": [
            "each source table is checked with frictionless and pandera, and each figure re-derived from its quote",
            "tables are written as CSV (RFC 4180), Parquet (zstd) and one Excel workbook by pubkit",
            "the release is verified (checksums, equal values across formats) before it is moved into dist/",
        ],
    }
