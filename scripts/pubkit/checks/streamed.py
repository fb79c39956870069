"""Check a package's tables a part at a time: reads each CSV in parts (``readparts``), writes nothing.

``validate.sources`` takes this path for a package where it finds exactly what the whole read finds:
every table read in parts (``readparts.plan``), no extension, and nothing that joins rows beyond a part
but the primary key and foreign keys to other tables (no ``unique`` constraint, unique key or foreign
key to its own table). Each part gets every check that looks at one row at a time, its foreign keys
against the columns they name of their parents, read before it; the primary key's cells, as text and
typed, every row's line and the columns other tables' keys name are all that is kept across parts (a
few bytes a row), and the primary key is checked once, whole. ``tests/test_streamed_check.py`` holds the
findings equal to the whole read's (hypothesis), and bounds the memory it takes.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow

from pubkit.base import errors
from pubkit.base.findings import CheckFailed, Finding
from pubkit.checks import constraints, keys, structure
from pubkit.standard import read, readparts
from pubkit.standard.descriptor import DataPackage, Table


def plans(pkg: DataPackage) -> dict[str, readparts.Plan] | None:
    """Each table's parts, parents before the tables whose foreign keys name them, where every table is
    one for this path; else None (the whole read checks them)."""
    order = _parents_first(pkg)
    if order is None or any(_joins_rows(t) for t in pkg.tables):
        return None
    made = {t.name: readparts.plan(pkg, t) for t in order}
    return None if any(m is None for m in made.values()) else made


def _joins_rows(table: Table) -> bool:
    """A unique key or field, or a foreign key to its own table: rows of one part joined with another's."""
    unique = any(f.get("constraints", {}).get("unique") for f in table.fields)
    return bool(table.schema.get("uniqueKeys") or unique or any(not p or p == table.name for p, _ in _refs(table)))


def _refs(table: Table) -> list[tuple[str, list[str]]]:
    """(parent table, its fields) of each foreign key of ``table``."""
    found = []
    for fk in table.schema.get("foreignKeys", []):
        fields = fk["reference"]["fields"]
        found.append((fk["reference"]["resource"], [fields] if isinstance(fields, str) else list(fields)))
    return found


def _parents_first(pkg: DataPackage) -> list[Table] | None:
    """The tables, each after every table its foreign keys name; None where they name one another in a ring."""
    names, order, pending = {t.name for t in pkg.tables}, [], list(pkg.tables)
    while pending:
        done = {t.name for t in order}
        ready = [t for t in pending if all(p in done or p not in names for p, _ in _refs(t))]
        if not ready:
            return None
        order += ready
        pending = [t for t in pending if t not in ready]
    return order


def findings(pkg: DataPackage, made: dict[str, readparts.Plan]) -> tuple[dict[str, read.RawTable], list[Finding]]:
    """Every table's findings, and for each a ``RawTable`` of its keys and lines alone (what numbers the
    findings by record, as ``validate`` does). Raises ``NotPlain`` where pyarrow refuses a part."""
    skeletons, found, parents = {}, [], {}
    referred = {p: fields for t in pkg.tables for p, fields in _refs(t)}
    for name in made:
        table = pkg.table(name)
        try:
            skeletons[name], parents[name], table_found = _table(pkg, table, made[name], parents, referred)
        except CheckFailed as failed:  # columns and fields that cannot be paired: as ``validate.read_all``
            table_found = failed.findings
        found += table_found
    return skeletons, found


def _table(pkg: DataPackage, table: Table, made: readparts.Plan, parents: dict, referred: dict) -> tuple:
    """The table's skeleton, the columns other tables' foreign keys read of it (all its rows), and its findings."""
    key = table.schema.get("primaryKey") or []
    found, kept, first, shared = [], [], None, []
    referred_fields = sorted({f for p, fields in referred.items() if p == table.name for f in fields})
    for raw in readparts.parts(made, table):
        frame = read.frame(raw)
        if first is None:
            first = raw
            found += structure.header_findings(raw)
        found += structure.row_findings(raw) + structure.type_findings(raw, frame)
        found += structure.precision_findings(raw, frame)
        found += constraints.findings(pkg, {table.name: raw}, {**parents, table.name: frame}, [], keyed=False)
        shared.append(frame[[f for f in referred_fields if f in frame]].reset_index(drop=True))
        kept.append(_kept(raw, frame[key].reset_index(drop=True), key))  # the lines are kept once
    skeleton, frames = _skeleton(first, kept), [k.frame for k in kept]
    kept.clear()
    if not len(skeleton):
        found.append(errors.NO_ROWS.at(table.path, 1))
    keyed = pd.concat(frames, ignore_index=True).set_axis(skeleton.index)
    frames.clear()
    found += keys.primary_key_findings(skeleton, keyed)
    return skeleton, pd.concat(shared, ignore_index=True), found


class _Kept(NamedTuple):
    """What a part leaves for the whole table's checks: its key's text columns (by position) and typed
    cells, and its lines."""

    columns: dict[int, pyarrow.ChunkedArray]
    frame: pd.DataFrame
    lines: np.ndarray
    record_lines: np.ndarray
    blank_lines: tuple[int, ...]


def _kept(raw: read.RawTable, frame: pd.DataFrame, key: list[str]) -> _Kept:
    columns = {i: raw.columns[i] for i in {raw.position(name) for name in key} - {None}}
    return _Kept(columns, frame, _compact(raw.lines), _compact(raw.record_lines), raw.blank_lines)


def _compact(lines: np.ndarray) -> np.ndarray:
    """Lines in four bytes each where they fit (a file of fewer than two billion lines)."""
    return lines.astype(np.int32) if not len(lines) or lines[-1] < 2**31 - 1 else lines


def _skeleton(first: read.RawTable, kept: list[_Kept]) -> read.RawTable:
    """The whole table's lines, record lines and blank lines, with the text of its key's columns alone
    (the others empty): what key findings and record numbers read."""
    columns = [
        pyarrow.chunked_array([c for k in kept for c in k.columns[i].chunks], pyarrow.string())
        if i in kept[0].columns
        else pyarrow.chunked_array([], pyarrow.string())
        for i in range(len(first.columns))
    ]
    return dataclasses.replace(
        first,
        columns=columns,
        lines=np.concatenate([k.lines for k in kept]),
        record_lines=np.concatenate([k.record_lines for k in kept]),
        blank_lines=tuple(line for k in kept for line in k.blank_lines),
        widths=np.empty(0, dtype=np.int64),  # row checks are done: no one reads them
    )
