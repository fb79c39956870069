"""Table Schema v2's ``list`` type: reads a field's ``delimiter`` and ``itemType``; returns typed lists.

A list is read as frictionless reads it (items split at the field's ``delimiter``, each read as its
``itemType``), and held as a typed Arrow list where the item type has one (``integer``, ``number``,
``boolean``), else as a list of text. The workbook holds a list as its JSON array (``[1, 2, 3]``), which
reads back as the same items whatever the delimiter was.
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow

ITEM_ARROW = {"integer": pyarrow.int64(), "number": pyarrow.float64(), "boolean": pyarrow.bool_()}
ITEM_VALUE = {"integer": int, "number": float, "boolean": bool}


def arrow(field: dict) -> pyarrow.DataType:
    """The list's Arrow type: a typed list for an item type Arrow has, else a list of text."""
    return pyarrow.list_(ITEM_ARROW.get(field.get("itemType"), pyarrow.string()))


def converter(field: dict):
    """What turns frictionless' items into the values Parquet holds (its ``Decimal`` numbers as floats)."""
    value = ITEM_VALUE.get(field.get("itemType"), str)
    return lambda items: [value(i) for i in items]


def excel(typed: pd.Series, text: pd.Series) -> list:
    """Each list as its JSON array: the same items, whatever the source's delimiter."""
    return [None if v is None else json.dumps(list(v), ensure_ascii=False) for v in typed.astype(object)]


def items(value) -> list[str]:
    """One comparable value: each item's text, from a list (Parquet, the typed value), a JSON array (the
    workbook) or text joined with the default delimiter ``,``."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.startswith("[") else value.split(",")
        except ValueError:
            value = value.split(",")
    return [_text(i) for i in value] if isinstance(value, list | tuple) else [str(value)]


def _text(item) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    return repr(float(item)) if isinstance(item, float) else str(item)
