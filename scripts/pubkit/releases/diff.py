"""Value-level release notes: reads two release folders, returns what changed, in Markdown.

Rows are matched by each table's primary key: added, removed, and changed (old → new,
field by field); schema changes list tables and fields added, removed or retyped.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections import Counter
from pathlib import Path

from pubkit.base.findings import PubkitError
from pubkit.releases import index

SHOWN_CHARACTERS = 40  # of each value in a summary of an added or removed row
LISTED_ROWS = 200  # rows listed of each kind (added, removed, changed) per table; the counts are always whole


def markdown(old: Path | None, new: Path, limit: int | None = None) -> str:
    """Markdown for the changes from ``old`` (None for a first release) to ``new``; with ``limit``, at most
    that many rows of each kind listed per table (release notes), every row counted."""
    new_tables = _tables(new)
    old_tables = _tables(old) if old else {}
    lines = [f"Changes since {old.name}." if old else "First release: every row is new.", ""]
    lines += _file_changes(old, new) + _provenance_changes(old, new) if old else []
    lines += _schema_changes(old_tables, new_tables) if old else []
    for name, (schema, rows) in new_tables.items():
        old_rows = old_tables.get(name, (schema, {}))[1]
        lines += _row_changes(name, schema, old_rows, rows, limit)
    for name in sorted(set(old_tables) - set(new_tables)):
        lines += [f"### `{name}`", "", f"- table removed ({len(old_tables[name][1])} rows)", ""]
    return "\n".join(lines).rstrip() + "\n"


def _file_changes(old: Path, new: Path) -> list[str]:
    def names(folder: Path) -> set[str]:  # the workbook is named after its release: compare without that
        described = _descriptor(folder)
        release = f"{described.get('name')}-{described.get('version')}"
        return {p.replace(release, "<release>") for p in index.files_of(folder)}

    lines = [f"- file added: `{p}`" for p in sorted(names(new) - names(old))]
    lines += [f"- file removed: `{p}`" for p in sorted(names(old) - names(new))]
    return ["### Files", "", *lines, ""] if lines else []


def _provenance_changes(old: Path, new: Path) -> list[str]:
    """Inputs and tools whose recorded sha256 or version changed."""

    def provenance(folder: Path) -> dict:
        recorded = _descriptor(folder).get("provenance")
        return recorded if isinstance(recorded, dict) else {}

    before, after = provenance(old), provenance(new)
    was, now = (p.get("inputs") if isinstance(p.get("inputs"), dict) else {} for p in (before, after))
    changed = [k for k in sorted(set(was) | set(now)) if was.get(k) != now.get(k)]
    lines = [f"- input `{k}` {'added' if k not in was else 'removed' if k not in now else 'changed'}" for k in changed]
    was, now = (p.get("tools") if isinstance(p.get("tools"), dict) else {} for p in (before, after))
    lines += [
        f"- tool `{k}`: {_show(was.get(k))} → {_show(now.get(k))}"
        for k in sorted(set(was) | set(now))
        if was.get(k) != now.get(k)
    ]
    toolkit = [_toolkit(p.get("toolkit")) for p in (before, after)]
    if toolkit[0] != toolkit[1]:
        lines.append(f"- toolkit: {_show(toolkit[0])} → {_show(toolkit[1])}")
    elif _code(before) != _code(after):
        lines.append(f"- the toolkit's code changed ({toolkit[1]})")
    if _recorded(before.get("lock")) != _recorded(after.get("lock")):
        lines.append("- `requirements.lock` changed (its sha256 is in each release's provenance)")
    return ["### Provenance", "", *lines, ""] if lines else []


def _toolkit(value) -> str | None:
    """The toolkit by name and version (a change of its code alone is said in words: no hash lines)."""
    if not isinstance(value, dict):
        return None if value is None else str(value)
    return f"{value.get('name')} {value.get('version')}"


def _code(provenance: dict):
    toolkit = provenance.get("toolkit")
    return toolkit.get("code") if isinstance(toolkit, dict) else None


def _recorded(value) -> str | None:
    """A provenance record (the toolkit, the lock) in one line: its values, in order."""
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values())
    return None if value is None else str(value)


def _descriptor(folder: Path) -> dict:
    """A release folder's descriptor, vetted: release folders are untrusted input."""
    path = index.regular_file(folder, "datapackage.json")
    try:
        described = json.loads(path.read_bytes().decode("utf-8")) if path else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        described = None
    if not isinstance(described, dict) or not isinstance(described.get("resources"), list):
        raise PubkitError(f"{folder} is not a release folder: its datapackage.json is not a release descriptor")
    return described


def _tables(folder: Path) -> dict[str, tuple[dict, dict]]:
    tables = {}
    for n, resource in enumerate(_descriptor(folder)["resources"]):
        schema = resource.get("schema") if isinstance(resource, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        path = index.regular_file(folder, resource.get("path", "")) if isinstance(resource.get("path"), str) else None
        if not (isinstance(fields, list) and fields and all(isinstance(f, dict) for f in fields) and path):
            raise PubkitError(f"{folder}: resources[{n}] is not a table of the release (a schema, and a file in it)")
        with _cells_of_any_length(path), path.open(encoding="utf-8", errors="replace", newline="") as stream:
            rows = _keyed(csv.DictReader(stream), key_fields(schema))
        tables[str(resource.get("name", n))] = (schema, rows)
    return tables


def key_fields(schema: dict) -> list[str]:
    """The primary key's fields, by name: a key whose fields a release lists in another order identifies the
    same rows. Empty for a table without a primary key."""
    key = schema.get("primaryKey") or []
    return sorted([key] if isinstance(key, str) else [k for k in key if isinstance(k, str)])


def _keyed(reader, key: list[str]) -> dict[tuple, dict]:
    """Each row by its key; without a primary key, a row's identity is the whole row, and a row that
    repeats is counted apart (a multiset), so that no row vanishes into another."""
    if key:
        return {tuple(r.get(k) or "" for k in key): r for r in reader}
    rows, seen = {}, Counter()
    for row in reader:
        values = tuple(v or "" for v in row.values() if isinstance(v, str))
        seen[values] += 1
        rows[values + ((f"copy {seen[values]}",) if seen[values] > 1 else ())] = row
    return rows


@contextlib.contextmanager
def _cells_of_any_length(path: Path):
    """The csv module refuses a cell over its limit (131,072 characters): a release may hold longer ones."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, path.stat().st_size))
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _row_changes(name: str, schema: dict, old: dict, new: dict, limit: int | None = None) -> list[str]:
    """A table's rows added, removed and changed: all counted, and at most ``limit`` of each kind listed."""
    added = [k for k in new if k not in old]
    removed = [k for k in old if k not in new]
    changed = [k for k in new if k in old and new[k] != old[k]]
    if not (added or removed or changed):
        return []
    lines = [f"### `{name}`", "", f"{len(added)} added, {len(removed)} removed, {len(changed)} changed.", ""]
    key = key_fields(schema)
    lines += [f"- added {_key(k)}: {_summary(new[k], key)}" for k in added[:limit]]
    lines += _more(len(added), "added", limit)
    lines += [f"- removed {_key(k)}: {_summary(old[k], key)}" for k in removed[:limit]]
    lines += _more(len(removed), "removed", limit)
    for k in changed[:limit]:
        fields = [f["name"] for f in schema["fields"] if old[k].get(f["name"]) != new[k].get(f["name"])]
        parts = "; ".join(f"{f}: {_show(old[k].get(f))} → {_show(new[k].get(f))}" for f in fields)
        lines.append(f"- changed {_key(k)}: {parts}")
    return [*lines, *_more(len(changed), "changed", limit), ""]


def _more(count: int, kind: str, limit: int | None) -> list[str]:
    """What a table's notes leave unlisted: the notes of a large release stay readable, the diff exact."""
    if limit is None or count <= limit:
        return []
    return [f"- … and {count - limit:,} more rows {kind} (`pubkit diff` of the two release folders lists them all)"]


def _summary(row: dict, key: list[str]) -> str:
    """The row's other non-empty fields, each value cut to ``SHOWN_CHARACTERS``."""
    shown = [f"{f} {_show(_cut(v))}" for f, v in row.items() if f not in key and v not in (None, "")]
    return "; ".join(shown)


def _cut(value: str) -> str:
    return value if len(value) <= SHOWN_CHARACTERS else value[: SHOWN_CHARACTERS - 1] + "…"


def _schema_changes(old: dict, new: dict) -> list[str]:
    lines = []
    for name in sorted(set(new) - set(old)):
        lines.append(f"- schema: table `{name}` added")
    for name in sorted(set(old) & set(new)):
        before = {f["name"]: f.get("type", "string") for f in old[name][0]["fields"]}
        after = {f["name"]: f.get("type", "string") for f in new[name][0]["fields"]}
        lines += [f"- schema: `{name}.{f}` added ({after[f]})" for f in after if f not in before]
        lines += [f"- schema: `{name}.{f}` removed" for f in before if f not in after]
        lines += [
            f"- schema: `{name}.{f}` type {before[f]} → {after[f]}"
            for f in after
            if f in before and before[f] != after[f]
        ]
    return (["### Schema", "", *lines, ""]) if lines else []


def _key(key: tuple) -> str:
    return "`" + ", ".join(key) + "`"


def _show(value) -> str:
    return "(empty)" if value in (None, "") else f"«{value}»"
