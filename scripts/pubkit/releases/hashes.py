"""The sha256 of release files, each read once per command, and not again while the file is unchanged.

Reads the files it is given; reads and writes ``.build/verified.json``, a cache (deleting it costs
one full read of ``dist/``). A file is known by its device, inode, size, modification and change
times: any write to it changes its change time, which no tool can set back. The cache is untrusted
input like the rest of the package, and ``check --deep`` does not read it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pubkit.releases import buildinfo, index

CACHE = Path(".build") / "verified.json"
CACHE_LIMIT = 16 << 20  # bytes: a larger cache is not read


class Hashes:
    """sha256 of files by their stat; facts (such as "this zip holds that folder") by a key of stats."""

    def __init__(self, root: Path | None = None):
        self.path = root / CACHE if root is not None else None
        self.known = _load(self.path) if self.path else {}
        self.used: dict[str, str] = {}

    def sha256(self, path: Path) -> str:
        key = stat_key(path)
        digest = self.known.get(key) or self.used.get(key) or buildinfo.sha256_file(path)
        self.used[key] = digest
        return digest

    def knows(self, fact: str) -> bool:
        if fact in self.known:
            self.used[fact] = self.known[fact]
        return fact in self.known

    def learn(self, fact: str) -> None:
        self.used[fact] = "true"

    def save(self) -> None:
        """Keep what this run read (and only that, so the cache never grows past dist/); a failure to
        write a cache is no failure of the command."""
        if self.path is None or self.path.parent.is_symlink():
            return
        try:
            self.path.parent.mkdir(exist_ok=True)
            index.write_atomically(self.path, json.dumps(self.used, sort_keys=True).encode("utf-8"))
        except OSError:
            pass


def stat_key(path: Path) -> str:
    st = os.stat(path, follow_symlinks=False)
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def _load(path: Path) -> dict[str, str]:
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size > CACHE_LIMIT:
            return {}
        known = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(known, dict):
        return {}
    return {k: v for k, v in known.items() if isinstance(v, str) and (index.HEX64.fullmatch(v) or v == "true")}
