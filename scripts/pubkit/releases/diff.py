"""Value-level release notes: reads two release folders, returns what changed, in Markdown.

Rows are matched by each table's primary key: added, removed, and changed (old → new,
field by field); schema changes list tables and fields added, removed or retyped.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow

from pubkit.base.findings import PubkitError
from pubkit.releases import index, keyed

SHOWN_CHARACTERS = 40  # of each value in a summary of an added or removed row
LISTED_ROWS = 200  # rows listed of each kind (added, removed, changed) per table; the counts are always whole


def markdown(old: Path | None, new: Path, limit: int | None = None) -> str:
    """Markdown for the changes from ``old`` (None for a first release) to ``new``; with ``limit``, at most
    that many rows of each kind listed per table (release notes), every row counted."""
    new_tables = tables(new)
    old_tables = tables(old) if old else {}
    lines = [f"Changes since {old.name}." if old else "First release: every row is new.", ""]
    lines += _file_changes(old, new) + _provenance_changes(old, new) if old else []
    lines += _schema_changes(old_tables, new_tables) if old else []
    for name, (schema, path) in new_tables.items():
        lines += _row_changes(name, schema, found(schema, old_tables.get(name, (schema, None))[1], path, limit))
    for name in sorted(set(old_tables) - set(new_tables)):
        schema, path = old_tables[name]
        lines += [f"### `{name}`", "", f"- table removed ({_count(path, key_fields(schema))} rows)", ""]
    return "\n".join(lines).rstrip() + "\n"


@dataclass(frozen=True)
class Found:
    """A table's rows by kind (``added``, ``removed``, ``changed``; and, of the changed, ``reused``, whose
    identity fields changed, and ``corrected``, the others): each kind's count, and its first ``limit``
    listed, as (key, row) or, for the changed, (key, old row, new row), each row a dict of cells by label."""

    counts: dict[str, int]
    listed: dict[str, list]


def found(schema: dict, old: Path | None, new: Path, limit: int | None, identity: list[str] = ()) -> Found:
    """By Arrow (``keyed``) where it applies; else by the reference, a dict of every row."""
    key = key_fields(schema)
    fast = _found_by_arrow(old, new, key, limit, list(identity))
    if fast is not None:
        return fast
    old_rows, new_rows = (_rows(old, key) if old else {}), _rows(new, key)
    return found_by_reference(old_rows, new_rows, limit, list(identity))


def found_by_reference(old: dict, new: dict, limit: int | None, identity: list[str]) -> Found:
    changed = [k for k in new if k in old and new[k] != old[k]]
    reused = {k for k in changed if any(new[k].get(f) != old[k].get(f) for f in identity)}
    kinds = {
        "added": [(k, new[k]) for k in new if k not in old],
        "removed": [(k, old[k]) for k in old if k not in new],
        "changed": [(k, old[k], new[k]) for k in changed],
        "reused": [(k, old[k], new[k]) for k in changed if k in reused],
        "corrected": [(k, old[k], new[k]) for k in changed if k not in reused],
    }
    return Found({kind: len(rows) for kind, rows in kinds.items()}, {k: rows[:limit] for k, rows in kinds.items()})


def _found_by_arrow(old: Path | None, new: Path, key: list[str], limit: int | None, identity: list[str]):
    new_table = keyed.read(new)
    old_table = keyed.read(old) if old else (new_table.schema.empty_table() if new_table is not None else None)
    if new_table is None or old_table is None:
        return None
    matched = keyed.match(old_table, new_table, key)
    if matched is None:
        return None
    old_copies, new_copies = matched.copies or (None, None)

    def rows(table, numbers) -> list[dict]:
        return table.take(pyarrow.array(numbers[:limit], pyarrow.int64())).to_pylist()

    def single(table, numbers, copies) -> list:
        cells = rows(table, numbers)
        return [(_key_of(row, key, None if copies is None else copies[n]), row) for n, row in zip(numbers, cells)]

    def pairs(chosen: list[tuple[int, int]]) -> list:
        old_numbers, new_numbers = [o for o, _ in chosen], [n for _, n in chosen]
        olds, news = rows(matched.old, old_numbers), rows(matched.new, new_numbers)
        return [(_key_of(n, key, None), o, n) for o, n in zip(olds, news, strict=True)]

    reused = keyed.differing(matched, identity)
    kinds = {
        "changed": matched.changed,
        "reused": [pair for pair, differs in zip(matched.changed, reused, strict=True) if differs],
        "corrected": [pair for pair, differs in zip(matched.changed, reused, strict=True) if not differs],
    }
    listed = {
        "added": single(matched.new, matched.added, new_copies),
        "removed": single(matched.old, matched.removed, old_copies),
        **{kind: pairs(chosen[:limit]) for kind, chosen in kinds.items()},
    }
    counts = {"added": len(matched.added), "removed": len(matched.removed), **{k: len(v) for k, v in kinds.items()}}
    return Found(counts, listed)


def _key_of(row: dict, key: list[str], copy: int | None) -> tuple:
    """A row's identity as the reference makes it (``_keyed``)."""
    if key:
        return tuple(row.get(k) or "" for k in key)
    values = tuple(v or "" for v in row.values() if isinstance(v, str))
    return values + ((f"copy {copy}",) if copy and copy > 1 else ())


def _count(path: Path, key: list[str]) -> int:
    """The rows of a table as the notes count them (by key: a key that repeats is one row)."""
    table = keyed.read(path)
    if table is not None and (not key or keyed.match(table.schema.empty_table(), table, key) is not None):
        return table.num_rows
    return len(_rows(path, key))


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


def tables(folder: Path) -> dict[str, tuple[dict, Path]]:
    tables = {}
    for n, resource in enumerate(_descriptor(folder)["resources"]):
        schema = resource.get("schema") if isinstance(resource, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        path = index.regular_file(folder, resource.get("path", "")) if isinstance(resource.get("path"), str) else None
        if not (isinstance(fields, list) and fields and all(isinstance(f, dict) for f in fields) and path):
            raise PubkitError(f"{folder}: resources[{n}] is not a table of the release (a schema, and a file in it)")
        tables[str(resource.get("name", n))] = (schema, path)
    return tables


def _rows(path: Path, key: list[str]) -> dict[tuple, dict]:
    """The reference: every row of a table as a dict, by its key (``_keyed``)."""
    with _cells_of_any_length(path), path.open(encoding="utf-8", errors="replace", newline="") as stream:
        return _keyed(csv.DictReader(stream), key)


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


def _row_changes(name: str, schema: dict, found: Found) -> list[str]:
    """A table's rows added, removed and changed: all counted, and those ``found`` lists listed."""
    counts, listed = found.counts, found.listed
    if not (counts["added"] or counts["removed"] or counts["changed"]):
        return []
    summary = f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed."
    lines = [f"### `{name}`", "", summary, ""]
    key = key_fields(schema)
    lines += [f"- added {_key(k)}: {_summary(row, key)}" for k, row in listed["added"]]
    lines += _more(counts["added"], "added", len(listed["added"]))
    lines += [f"- removed {_key(k)}: {_summary(row, key)}" for k, row in listed["removed"]]
    lines += _more(counts["removed"], "removed", len(listed["removed"]))
    for k, old, new in listed["changed"]:
        fields = [f["name"] for f in schema["fields"] if old.get(f["name"]) != new.get(f["name"])]
        parts = "; ".join(f"{f}: {_show(old.get(f))} → {_show(new.get(f))}" for f in fields)
        lines.append(f"- changed {_key(k)}: {parts}")
    return [*lines, *_more(counts["changed"], "changed", len(listed["changed"])), ""]


def _more(count: int, kind: str, listed: int) -> list[str]:
    """What a table's notes leave unlisted: the notes of a large release stay readable, the diff exact."""
    if count <= listed:
        return []
    return [f"- … and {count - listed:,} more rows {kind} (`pubkit diff` of the two release folders lists them all)"]


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
