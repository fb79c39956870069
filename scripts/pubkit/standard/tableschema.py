"""Everything derived from a Table Schema: pandera and Arrow schemas. Reads and writes nothing.

The schema JSON in ``schemas/`` is the single source of truth; this module is the
toolkit's own mapping from it (pandera's ``from_frictionless_schema`` mis-reads
booleans and dates and ignores missing values and foreign keys).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from pubkit.standard import fieldtypes
from pubkit.standard.descriptor import Table

# ASCII, no escaped letter or digit (\d, \w, \s, \b and backreferences mean more in Python than in RE2),
# and no $ (Python's also matches before a final newline).
RE2_SAFE = re.compile(r"(?:[\x20-\x23\x25-\x5b\x5d-\x7e]|\\[^0-9A-Za-z])*")


def pandera_schema(table: Table, checks: list[pa.Check] = (), absent: frozenset = frozenset()) -> pa.DataFrameSchema:
    """A lazy-checkable pandera schema with one column per schema field, in order.

    A field in ``absent`` has no column in the file (its label is missing): nothing is checked in it.
    """
    columns = {f["name"]: _column(f) if f["name"] not in absent else pa.Column(nullable=True) for f in table.fields}
    return pa.DataFrameSchema(  # the primary key is checked by ``keys``, as frictionless checks it
        columns,
        checks=list(checks),
        strict=True,
        ordered=True,
        name=table.name,
    )


def _column(field: dict) -> pa.Column:
    constraints = {k: v for k, v in field.get("constraints", {}).items() if by_pandera(field, k)}
    kind = field.get("type", "string")
    checks = []
    if "enum" in constraints:
        checks.append(pa.Check.isin(constraints["enum"], error="enum"))
    if "pattern" in constraints:
        checks.append(pa.Check(_matches(constraints["pattern"]), error="pattern"))
    for name, check in (("minimum", pa.Check.ge), ("maximum", pa.Check.le)):
        if name in constraints:
            bound = constraints[name]
            checks.append(check(pd.Timestamp(bound) if kind in ("date", "datetime") else bound, error=name))
    if "minLength" in constraints:
        checks.append(pa.Check.str_length(min_value=constraints["minLength"], error="minLength"))
    if "maxLength" in constraints:
        checks.append(pa.Check.str_length(max_value=constraints["maxLength"], error="maxLength"))
    return pa.Column(
        fieldtypes.TYPES[kind].pandas,
        checks=checks,
        nullable=not constraints.get("required", False),
        unique=bool(constraints.get("unique", False)),
        report_duplicates="exclude_first",
        title=field.get("title"),
        description=field.get("description"),
    )


def _matches(pattern: str):
    """Whether each cell matches ``pattern`` whole, as Python's ``re`` reads it (frictionless uses it).

    pyarrow's RE2 runs the pattern when both engines are bound to agree on it; other
    patterns run in Python once per distinct value.
    """
    whole = f"^(?:{pattern})$"
    return lambda column: (
        pd.Series(
            pc.match_substring_regex(pyarrow.array(column.array), whole).to_numpy(zero_copy_only=False),
            index=column.index,
        )
        .fillna(True)
        .astype(bool)
    )


def re2_reads_alike(pattern: str) -> bool:
    """Whether RE2 (linear time) is bound to read ``pattern`` as Python's re does; other patterns run in
    Python (``constraints.pattern_findings``), within a time budget."""
    whole = f"^(?:{pattern})$"
    if not isinstance(pattern, str) or not RE2_SAFE.fullmatch(pattern) or "(?" in pattern.replace("(?:", ""):
        return False  # lookarounds are Python's alone
    if "{," in pattern:
        return False  # lookarounds and {,n} are Python's alone
    try:
        pc.match_substring_regex(pyarrow.array([""]), whole)
    except pyarrow.ArrowInvalid:
        return False
    return True


def arrow_schema(table: Table) -> pyarrow.Schema:
    """Arrow types and per-field metadata (title, description, unit) from the schema."""
    return pyarrow.schema(
        [
            pyarrow.field(
                f["name"],
                fieldtypes.of(f).arrow,
                nullable=not f.get("constraints", {}).get("required", False),
                metadata={k: str(f[k]) for k in ("title", "description", "unit") if k in f},
            )
            for f in table.fields
        ],
        metadata={"table_schema": json.dumps(table.schema, ensure_ascii=False, sort_keys=True)},
    )


FAST = ("string", "number", "integer", "boolean", "date", "datetime")  # types whose constraints pandera runs


def by_pandera(field: dict, constraint: str) -> bool:
    """Whether pandera runs ``constraint`` on typed values exactly as frictionless checks it.

    ``required`` and ``unique`` always; on the fast types of default format, ``pattern`` and the
    lengths of text, and ``minimum``, ``maximum`` and ``enum`` given as values of the field's own type.
    Every other constraint runs through frictionless' own cell reader.
    """
    if constraint in ("required", "unique"):
        return True
    kind, value = field.get("type", "string"), field.get("constraints", {}).get(constraint)
    if kind not in FAST or field.get("format", "default") != "default" or not fieldtypes.uses_defaults(field):
        return False
    if constraint == "pattern":  # RE2 runs it in linear time where it reads it as Python's re does
        return kind == "string" and re2_reads_alike(value)
    if constraint in ("minLength", "maxLength"):
        return kind == "string"
    if constraint in ("minimum", "maximum"):
        return _natural(kind, value)
    if constraint == "enum":
        return isinstance(value, list) and all(_natural(kind, v) for v in value)
    return False


def _natural(kind: str, value) -> bool:
    if kind in ("number", "integer"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "date":
        return isinstance(value, str) and re.fullmatch(fieldtypes.DATE_TEXT, value) is not None
    return kind == "string" and isinstance(value, str)
