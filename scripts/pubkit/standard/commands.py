"""How a package's maintainers run each command, so that a message names one that works for that package.

Reads the package's ``Makefile`` (a regular file, at most 1 MiB; anything else is as if there were none);
writes nothing. A package whose Makefile defines the target is told ``make release``; any other is told
``pubkit release`` (with ``--trust-package-code`` where it declares modules of its own).
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

MAKEFILE = "Makefile"
LIMIT = 1 << 20
TARGET = re.compile(r"^([A-Za-z0-9_.-]+)[ \t]*:(?!=)", re.MULTILINE)
DEFAULT_GOAL = re.compile(r"^\.DEFAULT_GOAL[ \t]*:?=[ \t]*(\S+)", re.MULTILINE)
BUILD_GOALS = ("all", "build")  # a default goal of these names builds, as `make` alone does


def command(root: Path, verb: str, own_modules: bool = False) -> str:
    """The command line that runs ``verb`` (build, check, release, readme) for the package at ``root``."""
    targets, default = _targets(root / MAKEFILE)
    if verb == "build" and default in BUILD_GOALS:
        return "make"
    if verb in targets:
        return f"make {verb}"
    return "pubkit --trust-package-code " + verb if own_modules else f"pubkit {verb}"


def _targets(path: Path) -> tuple[set[str], str | None]:
    """The Makefile's targets and its default goal (``.DEFAULT_GOAL``, else its first target)."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return set(), None
        with path.open("rb") as stream:
            text = stream.read(LIMIT).decode("utf-8", errors="replace")
    except OSError:
        return set(), None
    found = [name for name in TARGET.findall(text) if not name.startswith(".")]
    declared = DEFAULT_GOAL.search(text)
    return set(found), declared.group(1) if declared else (found[0] if found else None)
