"""Semantic versions, enforced against the latest release: reads two release folders and the package's
declarations, writes nothing.

What changed from the latest release's tables to the current version's decides the least bump:

- **major**: a released row removed (by its primary key), a released key reused for another thing
  (a field the resource declares in ``pubkit:identity`` changed: a figure's indicator, say), a field or a table removed;
- **minor**: rows, fields or tables added;
- **patch**: a released row corrected (any other value).

``check`` reports a version whose bump is smaller, naming the keys and the version that would do;
``release`` refuses it. A package whose versions are not SemVer is not held to this.
"""

from __future__ import annotations

import re
from pathlib import Path

from pubkit.base import errors
from pubkit.base.findings import Finding
from pubkit.checks.identity import IDENTITY
from pubkit.releases import diff
from pubkit.standard import views
from pubkit.standard.descriptor import DataPackage

ORDER = ("patch", "minor", "major")
SHOWN_KEYS = 5


def backwards(latest: str | None, version: str | None) -> str | None:
    """Why ``version`` cannot follow ``latest``, if it is not greater: a release only moves forward."""
    was, now = _parts(latest), _parts(version)
    if was is None or now is None or now > was:
        return None
    return (
        f"{version} is not greater than the latest release, {latest}: versions only move forward; "
        f"{next_version(latest, 'patch')} or later"
    )


def backwards_findings(pkg: DataPackage, latest: str | None) -> list[Finding]:
    why = backwards(latest, pkg.version)
    return [errors.VERSION_BUMP.at("datapackage.json", None, "version", pkg.version, detail=why)] if why else []


def findings(pkg: DataPackage, latest: str, old: Path, new: Path) -> list[Finding]:
    """One finding when the current version's bump from ``latest`` is smaller than its changes ask."""
    if backwards(latest, pkg.version):
        return backwards_findings(pkg, latest)
    given = bump_kind(latest, pkg.version)
    if given is None:
        return []
    reasons = needed(pkg, old, new)
    if not reasons:
        return []
    least = max((kind for kind, _ in reasons), key=ORDER.index)
    if ORDER.index(given) >= ORDER.index(least):
        return []
    why = "; ".join(reason for kind, reason in reasons if kind == least)
    detail = (
        f"{pkg.version} is a {given} release after {latest}, but {why}: that needs a {least} release, "
        f"{next_version(latest, least)} or later"
    )
    return [errors.VERSION_BUMP.at("datapackage.json", None, "version", pkg.version, detail=detail)]


def needed(pkg: DataPackage, old: Path, new: Path) -> list[tuple[str, str]]:
    """(least bump, why) for each change from the release in ``old`` to the one in ``new``."""
    derived = {view.get("name") for view in views.declared(pkg) if isinstance(view, dict)}  # follow their tables
    old_tables, new_tables = (
        {k: v for k, v in diff.tables(folder).items() if k not in derived} for folder in (old, new)
    )
    reasons = [("major", f"the table {name} was removed") for name in old_tables if name not in new_tables]
    for name, (schema, path) in new_tables.items():
        if name not in old_tables:
            reasons.append(("minor", f"the table {name} is new"))
            continue
        reasons += _table_changes(pkg, name, old_tables[name], (schema, path))
    return reasons


def _table_changes(pkg: DataPackage, name: str, old: tuple[dict, Path], new: tuple[dict, Path]) -> list:
    (old_schema, old_path), (schema, path) = old, new
    old_fields, fields = [f["name"] for f in old_schema["fields"]], [f["name"] for f in schema["fields"]]
    identity = _identity(pkg, name)
    found = diff.found(schema, old_path, path, SHOWN_KEYS, identity)
    reasons = []
    if set(old_fields) - set(fields):
        reasons.append(("major", f"{name} lost the fields {', '.join(sorted(set(old_fields) - set(fields)))}"))
    if set(fields) - set(old_fields):
        reasons.append(("minor", f"{name} has the new fields {', '.join(sorted(set(fields) - set(old_fields)))}"))
    if found.counts["removed"]:
        reasons.append(("major", f"{name} no longer has the released {_keys(found, 'removed')}"))
    if found.counts["reused"]:
        reasons.append(
            ("major", f"{name} uses the released {_keys(found, 'reused')} for another {', '.join(identity)}")
        )
    if found.counts["added"]:
        reasons.append(("minor", f"{name} has the new {_keys(found, 'added')}"))
    if found.counts["corrected"]:
        reasons.append(("patch", f"{name} corrects the released {_keys(found, 'corrected')}"))
    return reasons


def _identity(pkg: DataPackage, name: str) -> list[str]:
    table = pkg.table(name)
    declared = table.resource.get(IDENTITY) if table is not None else None
    return [f for f in declared if isinstance(f, str)] if isinstance(declared, list) else []


def _keys(found, kind: str) -> str:
    count, keys = found.counts[kind], [entry[0] for entry in found.listed[kind]]
    shown = ", ".join(diff._key(k) for k in keys[:SHOWN_KEYS])
    more = f" and {count - SHOWN_KEYS} more" if count > SHOWN_KEYS else ""
    return f"{'key' if count == 1 else 'keys'} {shown}{more}"


def bump_kind(old: str | None, new: str | None) -> str | None:
    """``major``, ``minor`` or ``patch`` from one SemVer version to the next; None where either is none."""
    was, now = _parts(old), _parts(new)
    if was is None or now is None:
        return None
    return "major" if now[0] != was[0] else "minor" if now[1] != was[1] else "patch"


def next_version(latest: str, kind: str) -> str:
    major, minor, patch = _parts(latest)
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[
        kind
    ]


def _parts(version) -> tuple[int, int, int] | None:
    found = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(?:[-+].*)?", version) if isinstance(version, str) else None
    return tuple(int(x) for x in found.groups()) if found else None
