"""The rules every package gets that a Table Schema states but pandera cannot run: reads frames, writes nothing.

Each rule is vectorised (``passes`` returns one boolean per row) and runs as a
pandera check; its message is its catalogue entry's template, filled for a failing
row. Here: foreign keys (from the schemas) and control characters (which no
release format can store). Profiles and packages add rules through
``pubkit.extensions``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow

from pubkit.base import errors
from pubkit.base.findings import quoted
from pubkit.extensions import Frames, Rule, show
from pubkit.standard import csvscan
from pubkit.standard.descriptor import DataPackage

CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f" + "\ufffe\uffff]"  # what XML 1.0, so a workbook, cannot store (literal
# noncharacters: RE2 and Python's re both read them so, where neither reads the other's escape for them)
NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # U+FFFE and U+FFFF in UTF-8
EXCEL_CELL_CHARACTERS = 32_767  # the most a workbook cell holds


def for_table(pkg: DataPackage, name: str, frames: Frames) -> list[Rule]:
    return _foreign_keys(pkg, name, frames) + _control_characters(pkg, name) + _long_cells(pkg, name)


def _foreign_keys(pkg: DataPackage, name: str, frames: Frames) -> list[Rule]:
    rules = []
    for fk in pkg.table(name).schema.get("foreignKeys", []):
        parent = fk["reference"]["resource"] or name
        if parent not in frames:
            continue
        if len(fk["fields"]) > 1:
            rules.append(_composite_foreign_key(name, parent, fk["fields"], fk["reference"]["fields"]))
            continue
        field, parent_field = fk["fields"][0], fk["reference"]["fields"][0]
        rules.append(
            Rule(
                name,
                errors.FOREIGN_KEY.title,
                field,
                lambda f, field=field, parent=parent, pf=parent_field: (
                    f[name][field].isin(f[parent][pf]) | f[name][field].isna()
                ),
                lambda row, field=field, parent=parent, pf=parent_field: foreign_key_message(row[field], parent, pf),
                errors.FOREIGN_KEY.code,
            )
        )
    return rules


def _composite_foreign_key(name: str, parent: str, fields: list[str], parent_fields: list[str]) -> Rule:
    """A key of several fields: its cells together are a row of the parent's, or all empty (as frictionless)."""

    def passes(f: Frames) -> pd.Series:
        child = f[name][fields]
        found = pd.MultiIndex.from_frame(child).isin(pd.MultiIndex.from_frame(f[parent][parent_fields]))
        return pd.Series(found, index=child.index) | child.isna().all(axis=1)

    def message(row: pd.Series) -> str:
        values = ", ".join(show(row[field]) for field in fields)
        return foreign_key_message(values, parent, ", ".join(parent_fields))

    return Rule(name, errors.FOREIGN_KEY.title, fields[0], passes, message, errors.FOREIGN_KEY.code)


def foreign_key_message(value, parent: str, parent_field: str) -> str:
    return errors.FOREIGN_KEY.template.format(value=quoted(value), parent=parent, parent_field=parent_field)


def _has_control(column: pd.Series) -> pd.Series:
    # Every control character is a byte below 0x20 in UTF-8: a column whose bytes are
    # all at least 0x20 needs no regular expression.
    cells = pyarrow.array(column.array)
    chunks = cells.chunks if isinstance(cells, pyarrow.ChunkedArray) else [cells]
    if all(_bytes_at_least_space(c) for c in chunks):
        return pd.Series(False, index=column.index)
    return column.str.contains(CONTROL, regex=True).fillna(False).astype(bool)


def _bytes_at_least_space(chunk) -> bool:
    """No byte below 0x20 and no noncharacter: nothing a workbook cannot store."""
    raw = csvscan.text_bytes(chunk)
    data = np.frombuffer(raw, dtype=np.uint8)
    if data.size and int(data.min()) < 0x20:
        return False
    return not (data.size and int(data.max()) >= 0xEF and any(n in bytes(raw) for n in NONCHARACTERS))


def _long_cells(pkg: DataPackage, name: str) -> list[Rule]:
    """Text longer than a workbook cell holds: found in the sources, at their line, before any build."""
    return _text_rules(
        pkg,
        name,
        errors.LONG_CELL,
        lambda column: ~(column.str.len() > EXCEL_CELL_CHARACTERS).fillna(False).astype(bool),
        lambda cell: {"length": len(cell), "limit": EXCEL_CELL_CHARACTERS},
    )


def _control_characters(pkg: DataPackage, name: str) -> list[Rule]:
    return _text_rules(
        pkg,
        name,
        errors.CONTROL_CHARACTER,
        lambda column: ~_has_control(column),
        lambda cell: {"value": quoted(cell)[:200]},
    )


def _text_rules(pkg: DataPackage, name: str, entry: errors.ErrorType, passes, params) -> list[Rule]:
    """One rule per text field of the table: ``passes`` of its column, ``params`` of a failing cell."""
    return [
        Rule(
            name,
            entry.title,
            field["name"],
            lambda f, field=field["name"]: passes(f[name][field]),
            lambda row, field=field["name"]: entry.template.format(**params(row[field])),
            entry.code,
        )
        for field in pkg.table(name).fields
        if field.get("type", "string") == "string"
    ]
