"""Primary keys, repeated values and (strict) categories, one pass per key: reads typed frames, writes nothing.

As frictionless checks a primary key: a row whose key cells are all empty breaks it
(blank rows included), and so does a row whose key repeats an earlier row's. Each
repeat names the line of the key's first row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from pubkit.base import errors
from pubkit.base.findings import Finding, quoted
from pubkit.checks import structure
from pubkit.standard import categories, read


def first_lines(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    """For each row, the line (index) of the first row with the same key."""
    groups = frame.groupby(key, dropna=False, sort=False).ngroup()
    lines = pd.Series(frame.index, index=frame.index)
    return lines.groupby(groups.to_numpy()).transform("first")


def nan_rows(frame: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Rows with a NaN value in the key: NaN equals nothing, so frictionless repeats no such key."""
    rows = np.zeros(len(frame), dtype=bool)
    for name in key:
        column = frame[name]
        if isinstance(column.dtype, pd.ArrowDtype) and pyarrow.types.is_floating(column.dtype.pyarrow_dtype):
            rows |= pc.is_nan(pyarrow.array(column.array)).fill_null(False).to_numpy(zero_copy_only=False)
    return rows


def repeats(frame: pd.DataFrame, key: list[str]) -> tuple[pd.Index, pd.Series]:
    """The rows whose key repeats an earlier row's, and for each row whose key repeats the line of its key's
    first row (found among those rows alone: a key of a million rows that repeats nothing costs one hash)."""
    if _sorted_distinct(frame, key):
        return frame.index[:0], pd.Series([], dtype="int64")
    again = frame.duplicated(key, keep="first").to_numpy() & ~nan_rows(frame, key)
    if not again.any():
        return frame.index[again], pd.Series([], dtype="int64")
    return frame.index[again], first_lines(frame[frame.duplicated(key, keep=False).to_numpy()], key)


def _sorted_distinct(frame: pd.DataFrame, key: list[str]) -> bool:
    """True where a key of one integer column with no empty cell repeats nothing, seen in its sorted values
    (no two neighbours equal): sorting takes a third of the memory that hashing it does."""
    if len(key) != 1 or str(frame[key[0]].dtype) not in ("Int64", "int64") or frame[key[0]].hasnans:
        return False
    values = np.sort(frame[key[0]].to_numpy(dtype=np.int64, copy=False))
    return not bool((values[1:] == values[:-1]).any())


def unique_key_findings(raw: read.RawTable, frame: pd.DataFrame) -> list[Finding]:
    """Table Schema v2's ``uniqueKeys``, enforced in a strict package: a row whose cells repeat an earlier row's.

    A row with an empty cell in the key is unique, as the standard says.
    """
    if not raw.table.strict:
        return []
    findings = []
    for key in raw.table.schema.get("uniqueKeys", []):
        keyed = frame.loc[frame[key].notna().all(axis=1).to_numpy(), key]
        again, first = repeats(keyed, key)
        for line in again:
            cells = [raw.cell(int(line), k) for k in key]
            findings.append(
                structure.repeat_error(
                    raw.table.path, int(line), key, cells, raw.earlier(int(first[line]), int(line)), False
                )
            )
    return findings


def primary_key_findings(raw: read.RawTable, frame: pd.DataFrame) -> list[Finding]:
    key = raw.table.schema.get("primaryKey") or []
    if not key:
        return []
    path, shown = raw.table.path, ", ".join(key)
    findings = [errors.EMPTY_PRIMARY_KEY.at(path, line, shown) for line in raw.blank_lines]
    empty = frame[key].isna().all(axis=1)
    findings += [errors.EMPTY_PRIMARY_KEY.at(path, int(line), shown) for line in frame.index[empty]]
    whole = not empty.any() and list(frame.columns) == key  # the frame is the key's already: no copy
    keyed = frame if whole else frame.loc[~empty.to_numpy(), key]
    again, first = repeats(keyed, key)
    for line in again:
        cells = [raw.cell(int(line), k) for k in key]
        findings.append(
            structure.repeat_error(path, int(line), key, cells, raw.earlier(int(first[line]), int(line)), primary=True)
        )
    return findings


def category_findings(raw: read.RawTable, frame: pd.DataFrame) -> list[Finding]:
    """Table Schema v2's ``categories``, enforced in a strict package: a value that is none of them."""
    if not raw.table.strict:
        return []
    findings = []
    for field in raw.table.fields:
        if not categories.declared(field) or raw.position(field["name"]) is None:
            continue
        allowed, column = categories.values(field), frame[field["name"]]
        outside = column.notna() & ~column.isin(allowed)
        shown = ", ".join(map(str, allowed))
        for line in frame.index[outside.to_numpy()]:
            cell = raw.cell(int(line), field["name"])
            findings.append(
                errors.CATEGORY.at(raw.table.path, int(line), field["name"], cell, value=quoted(cell), categories=shown)
            )
    return findings
