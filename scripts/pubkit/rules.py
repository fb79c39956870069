"""Rules a Table Schema cannot say: across fields of a row, and across tables.

Each rule is vectorised (``passes`` returns one boolean per row) and runs as a
pandera check; ``message`` explains a failing row in the user's terms. Foreign
keys come from the schemas themselves; the other rules apply to tables that have
this package's names, so any package laid out this way gets them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow

from pubkit import read
from pubkit.descriptor import DataPackage
from pubkit.findings import quoted

Frames = dict[str, pd.DataFrame]
PERIOD = re.compile(r"([0-9]{4})(?:-H([12])|/([0-9]{4}))?")
BOUND_OF = {
    "more_than": "lower_bound", "at_least": "lower_bound",
    "nearly": "upper_bound", "less_than": "upper_bound", "at_most": "upper_bound",
}


@dataclass(frozen=True)
class Rule:
    name: str  # shown in parentheses after the message
    field: str  # the column a person should look at
    passes: Callable[[Frames], pd.Series]
    message: Callable[[pd.Series], str]

    @property
    def key(self) -> str:
        """Unique within a table: several rules share a name (one foreign key per field)."""
        return f"{self.name} [{self.field}]"


def for_table(pkg: DataPackage, name: str, frames: Frames) -> list[Rule]:
    table_rules = _foreign_keys(pkg, name, frames) + _control_characters(pkg, name)
    if name == "observations":
        table_rules += OBSERVATION_RULES
        if "indicators" in frames:
            table_rules.append(PERCENT_RANGE)
    if name == "area_memberships" and "areas" in frames:
        table_rules.append(MEMBERSHIP_TYPES)
    if name == "areas" and "area_memberships" in frames:
        table_rules.append(PROVINCE_IN_ONE_REGION)
    return table_rules


def show(value) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return "empty"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Foreign keys, from the schemas -------------------------------------------------

def _foreign_keys(pkg: DataPackage, name: str, frames: Frames) -> list[Rule]:
    rules = []
    for fk in pkg.table(name).schema.get("foreignKeys", []):
        parent = fk["reference"]["resource"] or name
        if parent not in frames or len(fk["fields"]) != 1:
            continue
        field, parent_field = fk["fields"][0], fk["reference"]["fields"][0]
        rules.append(Rule(
            "foreign key", field,
            lambda f, field=field, parent=parent, pf=parent_field: f[name][field].isin(f[parent][pf]) | f[name][field].isna(),
            lambda row, field=field, parent=parent, pf=parent_field: foreign_key_message(row[field], parent, pf),
        ))
    return rules


def foreign_key_message(value, parent: str, parent_field: str) -> str:
    return f"{quoted(value)} is not found in {parent}.{parent_field}"


CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"  # what XML 1.0, and so Excel, cannot store


def _has_control(column: pd.Series) -> pd.Series:
    # Every control character is a byte below 0x20 in UTF-8: a column whose bytes are
    # all at least 0x20 needs no regular expression.
    cells = pyarrow.array(column.array)
    chunks = cells.chunks if isinstance(cells, pyarrow.ChunkedArray) else [cells]
    if all(_bytes_at_least_space(c) for c in chunks):
        return pd.Series(False, index=column.index)
    return column.str.contains(CONTROL, regex=True).fillna(False).astype(bool)


def _bytes_at_least_space(chunk) -> bool:
    data = np.frombuffer(read.text_bytes(chunk), dtype=np.uint8)
    return not data.size or int(data.min()) >= 0x20


def _control_characters(pkg: DataPackage, name: str) -> list[Rule]:
    return [
        Rule(
            "control character", field["name"],
            lambda f, field=field["name"]: ~_has_control(f[name][field]),
            lambda row, field=field["name"]: f"{quoted(row[field])} contains a control character, which Excel cannot store",
        )
        for field in pkg.table(name).fields if field.get("type", "string") == "string"
    ]


# Observations ----------------------------------------------------------------------

def period_bounds(period: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day of each stated period: 2021, 2022-H1, 2012/2021 (NaT for any other text)."""
    codes, distinct = pd.factorize(period)
    bounds = [_bounds_of(p) for p in distinct] + [("NaT", "NaT")]  # code -1, an empty period, takes the last
    start, end = (np.array(b, dtype="datetime64[s]")[codes] for b in zip(*bounds))
    return pd.Series(start, index=period.index), pd.Series(end, index=period.index)


def _bounds_of(period: str) -> tuple[str, str]:
    match = PERIOD.fullmatch(period)
    if not match:
        return "NaT", "NaT"
    first, half, last = match.groups()
    start = {"1": "01", "2": "07"}.get(half, "01")
    end = {"1": "06-30", "2": "12-31"}.get(half, "12-31")
    return f"{first}-{start}-01", f"{last or first}-{end}"


def _period_dates_pass(f: Frames) -> pd.Series:
    obs = f["observations"]
    start, end = period_bounds(obs["period"])
    stated = obs["period"].notna()
    agree = (obs["period_start"] == start) & (obs["period_end"] == end)
    return agree.where(stated, obs["period_start"].isna() & obs["period_end"].isna()).fillna(False)


def _period_dates_message(row: pd.Series) -> str:
    if pd.isna(row["period"]):
        return "period is empty, so period_start and period_end must be empty too"
    start, end = period_bounds(pd.Series([row["period"]]))
    return (f"period {row['period']} runs from {show(start[0])} to {show(end[0])}, "
            f"but period_start is {show(row['period_start'])} and period_end is {show(row['period_end'])}")


def _bounds_pass(f: Frames) -> pd.Series:
    obs = f["observations"]
    expected = obs["value_qualifier"].map(BOUND_OF)
    lower_ok = (obs["lower_bound"] == obs["value"]).where(expected == "lower_bound", obs["lower_bound"].isna())
    upper_ok = (obs["upper_bound"] == obs["value"]).where(expected == "upper_bound", obs["upper_bound"].isna())
    return lower_ok & upper_ok


def _bounds_message(row: pd.Series) -> str:
    bound = BOUND_OF.get(row["value_qualifier"])
    wants = f"{bound} equal to value ({show(row['value'])}) and the other bound empty" if bound else "both bounds empty"
    return (f"{row['value_qualifier']} needs {wants}, but lower_bound is {show(row['lower_bound'])} "
            f"and upper_bound is {show(row['upper_bound'])}")


def _order(name: str, low: str, high: str, wrong: str, strict: bool = False) -> Rule:
    """Where both are given, ``low`` may not exceed ``high`` (nor equal it, if ``strict``)."""
    def passes(f: Frames) -> pd.Series:
        obs = f["observations"]
        return ~((obs[low] >= obs[high]) if strict else (obs[low] > obs[high])).fillna(False)

    return Rule(name, low, passes, lambda row: f"{low} {show(row[low])} {wrong} {high} {show(row[high])}")


OBSERVATION_RULES = [
    Rule("period dates", "period_start", _period_dates_pass, _period_dates_message),
    _order("period order", "period_start", "period_end", "is later than"),
    Rule(
        "no period without a note", "note",
        lambda f: f["observations"]["period"].notna() | f["observations"]["note"].notna(),
        lambda row: "period is empty, so note must say that the document states no period",
    ),
    Rule("bounds match qualifier", "value_qualifier", _bounds_pass, _bounds_message),
    _order("bounds order", "lower_bound", "upper_bound", "is greater than"),
    _order("quote offsets order", "quote_start", "quote_end", "is not less than", strict=True),
]


def _percent_pass(f: Frames) -> pd.Series:
    obs = f["observations"]
    units = obs["indicator_id"].map(f["indicators"].set_index("indicator_id")["unit"])
    in_range = obs["value"].between(0, 100)
    return in_range | (units != "percent")


PERCENT_RANGE = Rule(
    "percent range", "value", _percent_pass,
    lambda row: f"{show(row['value'])} is a percent ({row['indicator_id']}), so it must lie within 0–100",
)


# Areas -----------------------------------------------------------------------------

def _area_types(f: Frames) -> pd.Series:
    return f["areas"].set_index("area_id")["area_type"]


MEMBERSHIP_TYPES = Rule(
    "membership types", "region_id",
    lambda f: (f["area_memberships"]["region_id"].map(_area_types(f)) == "macro_region")
    & (f["area_memberships"]["member_id"].map(_area_types(f)) == "province_level"),
    lambda row: f"{row['region_id']} must be a macro_region and {row['member_id']} a province_level area",
)
PROVINCE_IN_ONE_REGION = Rule(
    "macro-region membership", "area_id",
    lambda f: (f["areas"]["area_type"] != "province_level") | f["areas"]["area_id"].isin(f["area_memberships"]["member_id"]),
    lambda row: f"{row['area_id']} is a province_level area but belongs to no macro-region in area_memberships",
)
