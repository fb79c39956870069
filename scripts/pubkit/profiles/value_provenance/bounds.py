"""5. Bounds: the row rules that hold a qualifier and its bounds together. Reads and writes nothing."""

from __future__ import annotations

import pandas as pd

from pubkit.base import errors
from pubkit.extensions import Rule, show
from pubkit.profiles.value_provenance.catalogue import BOUND_OF, BOUNDS, BOUNDS_ORDER, OFFSETS_ORDER
from pubkit.profiles.value_provenance.declaration import Roles

# 5. Bounds (row rules) -------------------------------------------------------------------------


def _bounds_rule(r: Roles) -> Rule:
    f = r.figure_fields
    value, qualifier, lower, upper = f["value"], f["qualifier"], f["lowerBound"], f["upperBound"]

    def passes(frames) -> pd.Series:
        figures = frames[r.figures]
        expected = figures[qualifier].map(BOUND_OF)
        lower_ok = (figures[lower] == figures[value]).where(expected == "lowerBound", figures[lower].isna())
        upper_ok = (figures[upper] == figures[value]).where(expected == "upperBound", figures[upper].isna())
        return lower_ok & upper_ok

    def message(row: pd.Series) -> str:
        bound = {"lowerBound": lower, "upperBound": upper}.get(BOUND_OF.get(row[qualifier]))
        wants = (
            f"{bound} equal to value ({show(row[value])}) and the other bound empty" if bound else "both bounds empty"
        )
        return BOUNDS.template.format(
            qualifier=row[qualifier],
            wants=wants,
            lower=lower,
            lower_value=show(row[lower]),
            upper=upper,
            upper_value=show(row[upper]),
        )

    return Rule(r.figures, BOUNDS.title, qualifier, passes, message, BOUNDS.code)


def _order(entry: errors.ErrorType, table: str, low: str, high: str, strict: bool) -> Rule:
    """Where both are given, ``low`` may not exceed ``high`` (nor equal it, if ``strict``)."""

    def passes(frames) -> pd.Series:
        rows = frames[table]
        return ~((rows[low] >= rows[high]) if strict else (rows[low] > rows[high])).fillna(False)

    def message(row: pd.Series) -> str:
        return entry.template.format(low=low, low_value=show(row[low]), high=high, high_value=show(row[high]))

    return Rule(table, entry.title, low, passes, message, entry.code)


def _bounds_order(table: str, low: str, high: str) -> Rule:
    return _order(BOUNDS_ORDER, table, low, high, strict=False)


def _offsets_order(table: str, low: str, high: str) -> Rule:
    return _order(OFFSETS_ORDER, table, low, high, strict=True)
