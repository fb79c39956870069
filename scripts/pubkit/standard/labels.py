"""How a header's labels pair with a schema's fields (Table Schema v2 ``fieldsMatch``): reads lists, writes nothing.

``exact`` (the default) pairs them by position. ``equal``, ``subset``, ``superset`` and
``partial`` pair them by name and differ only in what they tolerate, as the standard
and frictionless read them: ``subset`` and ``partial`` a label that names no field,
``superset`` and ``partial`` a field with no label unless it is required or in the
primary key. ``partial`` needs at least one label that names a field.
"""

from __future__ import annotations

from pubkit.base import errors
from pubkit.base.findings import CheckFailed, quoted
from pubkit.standard.resources import Table

MODES = ("exact", "equal", "subset", "superset", "partial")
TOLERATES_EXTRA = ("subset", "partial")
TOLERATES_MISSING = ("superset", "partial")


def by_name(table: Table) -> bool:
    return table.fields_match != "exact"


def positions(labels: list[str], table: Table) -> dict[str, int | None]:
    """The column of each field: by position under ``exact``, else the column its name labels (None if none)."""
    names = table.field_names
    if not by_name(table):
        return {name: (i if i < len(labels) else None) for i, name in enumerate(names)}
    column: dict[str, int] = {}
    for i, label in enumerate(labels):
        column.setdefault(label, i)
    return {name: column.get(name) for name in names}


def repeated(labels: list[str]) -> list[str]:
    """Labels that name more than one column, in the order they first repeat."""
    seen: set[str] = set()
    found = []
    for label in labels:
        if label in seen and label not in found:
            found.append(label)
        seen.add(label)
    return found


def extra(labels: list[str], table: Table) -> list[str]:
    """Labels that name no field, where the mode does not tolerate them."""
    names = set(table.field_names)
    return [] if table.fields_match in TOLERATES_EXTRA else [label for label in labels if label not in names]


def missing(labels: list[str], table: Table) -> list[str]:
    """Fields that no label names, where the mode does not tolerate them."""
    present = set(labels)
    absent = [name for name in table.field_names if name not in present]
    if table.fields_match in TOLERATES_MISSING:
        key = table.schema.get("primaryKey") or []
        key = [key] if isinstance(key, str) else key
        required = {f["name"] for f in table.fields if (f.get("constraints") or {}).get("required")} | set(key)
        absent = [name for name in absent if name in required]
    return absent


def unmatched(labels: list[str], table: Table) -> bool:
    """``partial``, and not one label names a field."""
    return table.fields_match == "partial" and bool(table.fields) and not set(labels) & set(table.field_names)


def matched(labels: list[str], table: Table) -> bool:
    """The header is as the mode requires: its fields can be read from its columns."""
    if not by_name(table):
        return labels == table.field_names
    return not (repeated(labels) or extra(labels, table) or missing(labels, table) or unmatched(labels, table))


def pairable(table: Table, labels: list[str], line: int) -> None:
    """Raise ``CheckFailed`` where columns are paired by name and a label names two of them, as frictionless
    stops there: which of the two holds the field cannot be known."""
    if by_name(table) and (twice := repeated(labels)):
        found = errors.AMBIGUOUS_LABELS.at(table.path, line, label=quoted(twice[0]), mode=table.fields_match)
        raise CheckFailed([found])


def column_names(labels: list[str], table: Table) -> list[str]:
    """The name of each column, as frictionless names it in a finding: its field's, else its label, a
    repeated one numbered (``s``, ``s2``, ...)."""
    fields = table.field_names
    if by_name(table):
        names = list(labels)
    else:
        names = [fields[i] if i < len(fields) else label for i, label in enumerate(labels)]
    used: set[str] = set()
    for i, name in enumerate(names):
        new, suffix = name, 2
        while new in used:
            new, suffix = f"{name}{suffix}", suffix + 1
        names[i] = new
        used.add(new)
    return names
