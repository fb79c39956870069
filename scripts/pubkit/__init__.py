"""pubkit: check a Frictionless Data Package as the standard reads it, and publish it with provenance.

The library API is ``pubkit.api``, re-exported here: ``check``, ``build``, ``release`` and the rest
return typed results and raise typed exceptions; they print nothing. Importing ``pubkit`` does no work:
each function imports what it needs when called.

The layers, each importing only those below it (``make lint`` holds them with import-linter):

- ``pubkit.cli``: arguments and printing only;
- ``pubkit.api``: the library functions the CLI and Python callers use;
- ``pubkit.profiles``: value provenance and the languages it reads (extensions the core never imports);
- ``pubkit.releases``: build, the proof that ``dist/`` holds a build, the index, SemVer, diff, release;
- ``pubkit.formats``: CSV, Parquet, workbook, SQLite, datasheet, metadata, and the proof they agree;
- ``pubkit.checks``: structure, constraints, keys, row rules, the frictionless engine, validation;
- ``pubkit.standard``: the descriptor, field types, Table Schema, reading, views, finding extensions;
- ``pubkit.extensions``: the interface extensions implement (public);
- ``pubkit.base``: findings, the error catalogue, the toolkit's identity.
"""

from pubkit.api import Located, Report, build, check, coverage, diff, init, load, locate, readme, release
from pubkit.base import errors  # the catalogue of findings, which extensions add to and use
from pubkit.base.findings import CheckFailed, Finding, PubkitError
from pubkit.base.toolkit import DISTRIBUTION, version

__all__ = [
    "DISTRIBUTION",
    "CheckFailed",
    "Finding",
    "Located",
    "PubkitError",
    "Report",
    "build",
    "check",
    "coverage",
    "diff",
    "errors",
    "init",
    "load",
    "locate",
    "readme",
    "release",
    "version",
]
