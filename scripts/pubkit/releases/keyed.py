"""Rows of two release CSVs matched by key in Arrow: reads the two files, returns which rows were added,
removed and changed, as row numbers; writes nothing.

The fast path of ``diff``: each file is parsed by pyarrow, every cell as text, and only the key columns
and row numbers are joined; the rows the notes list are made Python values, the others never.
``diff`` keeps the reference (``csv.DictReader``), used wherever this path does not apply: a file
pyarrow cannot parse as a rectangle of UTF-8 text, a header that repeats a label, a key that repeats
or names no column. The tests hold the two equal on generated releases.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow
import pyarrow.compute as pc

BOM = b"\xef\xbb\xbf"
OLD, NEW, COPY = "\x00old", "\x00new", "\x00copy"  # column names no release CSV holds (no NUL in a label)


@dataclass(frozen=True)
class Matched:
    """Row numbers (0 is the first row after the header): added in the new file's order, removed in the
    old one's, and changed as (old, new) pairs in the new file's order; ``copies`` gives each row's
    occurrence among equal rows, where rows are matched whole (a table without a primary key)."""

    old: pyarrow.Table
    new: pyarrow.Table
    added: np.ndarray
    removed: np.ndarray
    changed: list[tuple[int, int]]
    copies: tuple[np.ndarray, np.ndarray] | None


def read(path: Path) -> pyarrow.Table | None:
    """Every cell as text (empty text where empty); None where pyarrow cannot read the file as the
    reference does."""
    import pyarrow.csv as pv

    with path.open("rb") as stream:
        if stream.read(len(BOM)) == BOM:
            return None
    try:
        with path.open(encoding="utf-8", errors="replace", newline="") as stream:
            header = next(csv.reader(stream), None)
    except csv.Error:  # a label past the csv module's limit: the reference reads it with a wider one
        return None
    if not header or len(set(header)) != len(header) or any("\x00" in label for label in header):
        return None
    try:
        return pv.read_csv(
            path,
            read_options=pv.ReadOptions(column_names=header, skip_rows=1, use_threads=False),
            parse_options=pv.ParseOptions(newlines_in_values=True),
            convert_options=pv.ConvertOptions(
                column_types=dict.fromkeys(header, pyarrow.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pyarrow.ArrowInvalid, OSError):
        return None


def match(old: pyarrow.Table, new: pyarrow.Table, key: list[str]) -> Matched | None:
    """Rows matched by ``key`` (sorted field names), or whole where it is empty; None where this path
    does not apply."""
    copies = None
    if key:
        if not all(k in t.column_names for t in (old, new) for k in key):
            return None
        if any(_repeats(t, key) for t in (old, new)):
            return None
        columns = key
    else:
        if old.column_names != new.column_names:
            return None
        copies = (_occurrences(old), _occurrences(new))
        columns = new.column_names
    left = _keys(new, columns, copies[1] if copies else None, NEW)
    right = _keys(old, columns, copies[0] if copies else None, OLD)
    joined = left.join(right, keys=left.column_names[:-1], join_type="full outer", use_threads=False)
    n, o = joined[NEW].to_numpy(zero_copy_only=False), joined[OLD].to_numpy(zero_copy_only=False)
    added = np.sort(n[np.isnan(o)]).astype(np.int64)
    removed = np.sort(o[np.isnan(n)]).astype(np.int64)
    both = ~np.isnan(n) & ~np.isnan(o)
    order = np.argsort(n[both], kind="stable")
    pairs_new, pairs_old = n[both][order].astype(np.int64), o[both][order].astype(np.int64)
    differ = _differ(old.take(pairs_old), new.take(pairs_new)) if key else np.zeros(len(pairs_new), dtype=bool)
    changed = list(zip(pairs_old[differ].tolist(), pairs_new[differ].tolist(), strict=True))
    return Matched(old, new, added, removed, changed, copies)


def _repeats(table: pyarrow.Table, key: list[str]) -> bool:
    return table.group_by(key, use_threads=False).aggregate([]).num_rows != table.num_rows


def _keys(table: pyarrow.Table, columns: list[str], copies, number: str) -> pyarrow.Table:
    arrays = [table[c] for c in columns] + ([pyarrow.array(copies)] if copies is not None else [])
    names = [f"k{i}" for i in range(len(arrays))]
    rows = pyarrow.array(np.arange(table.num_rows, dtype=np.float64))  # float: the join's missing rows are NaN
    return pyarrow.table([*arrays, rows], names=[*names, number])


def _occurrences(table: pyarrow.Table) -> np.ndarray:
    """Each row's occurrence among the rows equal to it, in file order (1 for the first)."""
    count = table.num_rows
    if count == 0 or table.num_columns == 0:
        return np.arange(1, count + 1, dtype=np.int64)
    indexed = table.append_column(COPY, pyarrow.array(np.arange(count, dtype=np.int64)))
    grouped = indexed.group_by(table.column_names, use_threads=False).aggregate([(COPY, "list")])
    lists = grouped[f"{COPY}_list"].combine_chunks()
    rows = pc.list_flatten(lists).to_numpy()
    groups = pc.list_parent_indices(lists).to_numpy()
    order = np.lexsort((rows, groups))
    rows, groups = rows[order], groups[order]
    starts = np.searchsorted(groups, groups, side="left")
    occurrence = np.empty(count, dtype=np.int64)
    occurrence[rows] = np.arange(len(rows)) - starts + 1
    return occurrence


def _differ(old: pyarrow.Table, new: pyarrow.Table) -> np.ndarray:
    """Which aligned rows differ in any column; every row where the two files' labels differ (a row is
    the same only with the same fields, as the reference compares them)."""
    if sorted(old.column_names) != sorted(new.column_names):
        return np.ones(new.num_rows, dtype=bool)
    differ = np.zeros(new.num_rows, dtype=bool)
    for name in new.column_names:
        differ |= pc.not_equal(old[name], new[name]).to_numpy(zero_copy_only=False).astype(bool)
    return differ


def differing(matched: Matched, fields: list[str]) -> list[bool]:
    """For each changed pair, whether any of ``fields`` differs (a field one file lacks is None there)."""
    if not fields or not matched.changed:
        return [False] * len(matched.changed)
    old_rows = pyarrow.array([o for o, _ in matched.changed], pyarrow.int64())
    new_rows = pyarrow.array([n for _, n in matched.changed], pyarrow.int64())
    differ = np.zeros(len(matched.changed), dtype=bool)
    for name in fields:
        here = [name in matched.old.column_names, name in matched.new.column_names]
        if here == [True, True]:
            unequal = pc.not_equal(matched.old[name].take(old_rows), matched.new[name].take(new_rows))
            differ |= unequal.to_numpy(zero_copy_only=False).astype(bool)
        elif here != [False, False]:
            differ[:] = True  # a value on one side, None on the other
    return differ.tolist()
