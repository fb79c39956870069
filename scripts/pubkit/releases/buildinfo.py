"""How a release is made: its build date, input hashes and tool versions.

Content-addressed: the record changes only when an input's bytes, a tool's
version or the recorded build date changes. It never reads the clock or git.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sqlite3
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from pubkit.base import toolkit
from pubkit.base.findings import PubkitError
from pubkit.standard.descriptor import DataPackage
from pubkit.standard.resources import DIALECT_FILE

LOCK = "requirements.lock"  # the pinned environment, where the package keeps one
TOOLS = (
    "frictionless",
    "pandera",
    "pandas",
    "numpy",
    "pyarrow",
    "openpyxl",
    "xlsxwriter",  # writes the workbook
    "lxml",
    "matplotlib",
    "python-calamine-plus",  # reads the workbook back, to prove it
)
DESCRIPTOR_LIMIT = 64 << 20  # bytes: a release descriptor larger than this is no release's
IDENTITY = ("toolkit", "lock", "tools")  # what builds a release, besides its inputs


def build_date(pkg: DataPackage) -> datetime:
    """``SOURCE_DATE_EPOCH`` when set, else the root descriptor's ``created``."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return build_date_from_epoch(epoch)
    return datetime.fromisoformat(pkg.descriptor["created"].replace("Z", "+00:00")).astimezone(UTC)


def build_date_from_epoch(epoch: str) -> datetime:
    if not epoch.isdigit() or not 315532800 <= int(epoch) <= 4354819199:  # 1980 to 2107: what a zip can date
        raise PubkitError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds between 1980 and 2107")
    return datetime.fromtimestamp(int(epoch), tz=UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(pkg: DataPackage, date: datetime | None = None, made_by: dict | None = None) -> dict:
    """The build date, every input's sha256, and what built it (``identity``, or ``made_by`` when given:
    ``check`` and ``build`` reproduce a released folder with the identity it recorded)."""
    return {
        "build_date": iso(date or build_date(pkg)),
        "inputs": inputs(pkg),
        **(made_by or identity(pkg)),
        "steps": steps(pkg),
    }


def inputs(pkg: DataPackage) -> dict[str, str]:
    """Every file a release is built from (descriptor, schemas, tables, archived sources, extension modules),
    with its sha256."""
    paths = [
        pkg.descriptor_file,
        *sorted({t.schema_path for t in pkg.tables}),
        *[p for t in pkg.tables if t.inline is None for p in (t.parts or [t.path])],
        *pkg.source_paths(),
        *[t.resource[DIALECT_FILE] for t in pkg.tables if t.resource.get(DIALECT_FILE)],
        *[f.path for f in pkg.files],
    ]
    paths += pkg.descriptor.get("pubkit:extensions", [])
    paths = [p for p in dict.fromkeys(paths) if (pkg.root / p).is_file()]  # inline tables live in the descriptor
    return {path: f"sha256:{sha256_file(pkg.root / path)}" for path in paths}


def identity(pkg: DataPackage) -> dict:
    """What builds the release besides its inputs: the toolkit (version, and the sha256 of its own code),
    the package's lock, the versions of the tools."""
    lock = pkg.root / LOCK
    return {
        "toolkit": {"name": toolkit.DISTRIBUTION, "version": toolkit.version(), "code": f"sha256:{code_sha256()}"},
        "lock": {"path": LOCK, "sha256": sha256_file(lock)} if lock.is_file() else None,
        "tools": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            **{name: metadata.version(name) for name in TOOLS},
        },
    }


def code_sha256() -> str:
    """One sha256 over the toolkit's own files (path and sha256 of each, sorted): a changed toolkit is seen."""
    package = Path(toolkit.__file__).parent.parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".json"))
    listing = "".join(f"{p.relative_to(package).as_posix()}  {sha256_file(p)}\n" for p in files)
    return sha256_text(listing)


def recorded_provenance(folder: Path) -> dict | None:
    """The provenance a release folder's descriptor records, if it records one (the folder is untrusted)."""
    path = folder / "datapackage.json"
    try:
        if folder.is_symlink() or path.is_symlink() or not path.is_file() or path.stat().st_size > DESCRIPTOR_LIMIT:
            return None
        recorded = json.loads(path.read_bytes())["provenance"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return recorded if isinstance(recorded, dict) and isinstance(recorded.get("inputs"), dict) else None


def changed_inputs(recorded: dict, now: dict[str, str]) -> list[str]:
    """How the inputs a release recorded differ from now's, one phrase each ("sources/x.csv changed")."""
    phrases = {
        path: "is new" if path not in recorded else "is gone" if path not in now else "changed"
        for path in sorted(set(recorded) | set(now), key=str)
        if recorded.get(path) != now.get(path)
    }
    return [f"{path} {phrase}" for path, phrase in phrases.items()]


def listed(items: list[str], shown: int = 5) -> str:
    return ", ".join(items[:shown]) + (f" and {len(items) - shown} more" if len(items) > shown else "")


def recorded_identity(recorded: dict) -> dict | None:
    """The identity a release's provenance records, if it has the shape ``identity`` writes (else None:
    the provenance is untrusted input)."""
    made_by = {key: recorded.get(key) for key in IDENTITY}
    toolkit, lock, tools = made_by["toolkit"], made_by["lock"], made_by["tools"]
    shaped = (
        isinstance(toolkit, dict)
        and all(isinstance(v, str) for v in toolkit.values())
        and (lock is None or (isinstance(lock, dict) and all(isinstance(lock.get(k), str) for k in ("path", "sha256"))))
        and isinstance(tools, dict)
        and all(isinstance(v, str) for v in tools.values())
    )
    return made_by if shaped else None


def identity_changes(recorded: dict, now: dict) -> list[str]:
    """How the identity a release recorded differs from this toolkit's, one phrase each."""
    changes = []
    was, is_ = recorded.get("toolkit") or {}, now["toolkit"]
    if (was.get("name"), was.get("version")) != (is_["name"], is_["version"]):
        changes.append(f"toolkit {was.get('name')} {was.get('version')} then, {is_['name']} {is_['version']} now")
    elif was.get("code") != is_["code"]:
        changes.append(f"the toolkit's code: {_short(was.get('code'))} then, {_short(is_['code'])} now")
    if recorded.get("lock") != now["lock"]:
        then, lock_now = (recorded.get("lock") or {}).get("sha256"), (now["lock"] or {}).get("sha256")
        changes.append(f"{LOCK}: {_short(then)} then, {_short(lock_now)} now")
    tools, now_tools = recorded.get("tools") or {}, now["tools"]
    changes += [
        f"{name} {tools.get(name, 'absent')} then, {now_tools.get(name, 'absent')} now"
        for name in sorted(set(tools) | set(now_tools), key=str)
        if tools.get(name) != now_tools.get(name)
    ]
    return changes


def _short(digest) -> str:
    return f"sha256 {str(digest).removeprefix('sha256:')[:12]}" if digest else "none recorded"


def steps(pkg: DataPackage) -> list[str]:
    from pubkit.standard import plugins

    checked = "each source table is checked against its Table Schema with pandera, as frictionless reads it"
    declared = plugins.declared_profiles(pkg.descriptor) + pkg.descriptor.get("pubkit:extensions", [])
    return [
        checked + (f", with the rules of {', '.join(declared)}" if declared else ""),
        "tables are written as CSV (RFC 4180), Parquet (zstd) and one Excel workbook by pubkit",
        "the release is verified (checksums, equal values across formats) before it is moved into dist/",
    ]
