"""Table Schema v2 ``categories`` and ``categoriesOrdered``: reads a field descriptor, writes nothing.

A field's categories are its possible values: each a value of the field's type, or an
object with that ``value`` and an optional ``label``; the standard allows them on
``string`` and ``integer`` fields. frictionless reads them and does not enforce them, and
neither does a package unless it opts into ``pubkit:strict`` (a note says so). A release
carries them: a text field's Parquet column is a dictionary (pandas reads a categorical,
polars a Categorical), unordered because Parquet keeps a dictionary's values in the order
they first appear, not the declared one; the declared order, ``categoriesOrdered`` and
each label are in the schema the file carries and in the data dictionary.
"""

from __future__ import annotations

import json

TYPES = ("string", "integer")


def declared(field: dict) -> bool:
    return "categories" in field


def values(field: dict) -> list:
    """The category values, in the declared order."""
    return [c["value"] if isinstance(c, dict) else c for c in field.get("categories", [])]


def labels(field: dict) -> dict:
    """Each category value that has a label, and its label."""
    return {c["value"]: c["label"] for c in field.get("categories", []) if isinstance(c, dict) and "label" in c}


def ordered(field: dict) -> bool:
    return field.get("categoriesOrdered") is True


def problems(field: dict) -> list[str]:
    """Where ``categories`` or ``categoriesOrdered`` is not of the form the standard gives."""
    found = []
    if "categoriesOrdered" in field and not isinstance(field["categoriesOrdered"], bool):
        found.append("categoriesOrdered must be true or false")
    if not declared(field):
        return found
    kind, categories = field.get("type", "string"), field["categories"]
    if kind not in TYPES:
        return [*found, f"categories apply to string and integer fields, not to {kind}"]
    if not isinstance(categories, list) or not categories:
        return [*found, "categories must be a list of values, or of objects with a value and a label"]
    as_objects = [isinstance(c, dict) for c in categories]
    if any(as_objects) and not all(as_objects):
        return [*found, "categories must all be values, or all objects with a value and a label"]
    if all(as_objects) and not all("value" in c and isinstance(c.get("label", ""), str) for c in categories):
        return [*found, "each category object needs a value, and a label that is text if it has one"]
    wrong = [v for v in values(field) if not _of_type(v, kind)]
    if wrong:
        found.append(f"the category {json.dumps(wrong[0], ensure_ascii=False)} is not a value of type {kind}")
    elif len(set(values(field))) < len(values(field)):
        found.append("categories must be unique")
    return found


def _of_type(value, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


def described(field: dict) -> str | None:
    """The categories as a data dictionary gives them: ``1 (one), 2 (two)``; None without categories."""
    if not declared(field):
        return None
    named = labels(field)
    shown = [f"{v} ({named[v]})" if v in named else str(v) for v in values(field)]
    return ("ordered: " if ordered(field) else "") + ", ".join(shown)


def described_field(words: str, field: dict) -> str:
    """A field's description as a data dictionary shows it: its words, then its categories if it has any."""
    shown = described(field)
    return f"{words} Categories: {shown}.".strip() if shown else words
