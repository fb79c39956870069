"""This package's own rules and outputs, reached through pubkit's extension interface.

``datapackage.json`` names this module in ``pubkit:extensions``; pubkit runs it when
the package is trusted (``make`` passes ``--trust-package-code``). Reads the typed
tables pubkit hands it; writes nothing. It adds:

- row rules: period dates and order, a note where no period is stated, percents
  within 0–100, macro-region memberships;
- the release's schema.org description: measured variables, and time and place covered;
- the README's example rows.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pubkit import errors
from pubkit.extensions import Context, Rule, show

PERIOD = re.compile(r"([0-9]{4})(?:-H([12])|/([0-9]{4}))?")
OBSERVATIONS, INDICATORS, AREAS, MEMBERSHIPS = "observations", "indicators", "areas", "area_memberships"

E = errors.ErrorType
PERIOD_DATES = E(
    "period-dates",
    "period dates",
    "{detail}",
    "set period_start and period_end to the first and last day of the period, or leave all three empty",
)
PERIOD_ORDER = E("period-order", "period order", "{low} {low_value} is later than {high} {high_value}", "fix the dates")
NO_PERIOD_NOTE = E(
    "no-period-note",
    "no period without a note",
    "period is empty, so note must say that the document states no period",
    "say in note that the document states no period (a period is stated, or read as period_basis codes it)",
)
PERIOD_BASIS = E(
    "period-basis",
    "period basis",
    "period_basis is {basis}, but period is {period}: none goes with an empty period, every other basis with one",
    "code how the period was read: none where the document states no period",
)
PERCENT_RANGE = E(
    "percent-range",
    "percent range",
    "{value} is a percent ({indicator}), so it must lie within 0–100",
    "check the figure against its quote",
)
MEMBERSHIP_TYPES = E(
    "membership-types",
    "membership types",
    "{region} must be a macro_region and {member} a province_level area",
    "a membership joins a macro-region to a province-level unit",
)
MACRO_REGION = E(
    "macro-region-membership",
    "macro-region membership",
    "{area} is a province_level area but belongs to no macro-region in area_memberships",
    "add its row to area_memberships",
)
ERRORS = [PERIOD_DATES, PERIOD_ORDER, NO_PERIOD_NOTE, PERIOD_BASIS, PERCENT_RANGE, MEMBERSHIP_TYPES, MACRO_REGION]
EXAMPLE_QUALIFIERS = ("exact", "nearly", "more_than")
EXAMPLE_FIELDS = (
    "observation_id",
    "area_id",
    "period",
    "value",
    "value_qualifier",
    "lower_bound",
    "upper_bound",
    "stated_text",
    "quote",
    "speaker",
)


def row_rules(ctx: Context) -> list[Rule]:
    frames = ctx.frames
    rules = []
    if OBSERVATIONS in frames:
        rules += [_rule(OBSERVATIONS, PERIOD_DATES, "period_start", _period_dates_pass, _period_dates_message)]
        rules.append(_order(PERIOD_ORDER, "period_start", "period_end"))
        rules.append(_rule(OBSERVATIONS, NO_PERIOD_NOTE, "note", _note_pass, lambda row: NO_PERIOD_NOTE.template))
        rules.append(_rule(OBSERVATIONS, PERIOD_BASIS, "period_basis", _basis_pass, _basis_message))
        if INDICATORS in frames:
            rules.append(_rule(OBSERVATIONS, PERCENT_RANGE, "value", _percent_pass, _percent_message))
    if MEMBERSHIPS in frames and AREAS in frames:
        rules.append(_rule(MEMBERSHIPS, MEMBERSHIP_TYPES, "region_id", _membership_pass, _membership_message))
        rules.append(_rule(AREAS, MACRO_REGION, "area_id", _macro_region_pass, _macro_region_message))
    return rules


def _rule(table: str, entry: errors.ErrorType, field: str, passes, message) -> Rule:
    return Rule(table, entry.title, field, passes, message, entry.code)


# Periods ---------------------------------------------------------------------------------------


def period_bounds(period: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day of each stated period: 2021, 2022-H1, 2012/2021 (NaT for any other text)."""
    codes, distinct = pd.factorize(period)
    bounds = [_bounds_of(p) for p in distinct] + [("NaT", "NaT")]  # code -1, an empty period, takes the last
    start, end = (np.array(b, dtype="datetime64[s]")[codes] for b in zip(*bounds, strict=True))
    return pd.Series(start, index=period.index), pd.Series(end, index=period.index)


def _bounds_of(period: str) -> tuple[str, str]:
    match = PERIOD.fullmatch(period)
    if not match:
        return "NaT", "NaT"
    first, half, last = match.groups()
    start = {"1": "01", "2": "07"}.get(half, "01")
    end = {"1": "06-30", "2": "12-31"}.get(half, "12-31")
    return f"{first}-{start}-01", f"{last or first}-{end}"


def _basis_pass(f) -> pd.Series:
    """A period is empty exactly where period_basis is none (an empty basis is the required check's)."""
    obs = f[OBSERVATIONS]
    return obs["period_basis"].isna() | ((obs["period_basis"] == "none") == obs["period"].isna())


def _basis_message(row) -> str:
    period = "empty" if pd.isna(row["period"]) else show(row["period"])
    return PERIOD_BASIS.template.format(basis=show(row["period_basis"]), period=period)


def _period_dates_pass(f) -> pd.Series:
    obs = f[OBSERVATIONS]
    start, end = period_bounds(obs["period"])
    stated = obs["period"].notna()
    agree = (obs["period_start"] == start) & (obs["period_end"] == end)
    return agree.where(stated, obs["period_start"].isna() & obs["period_end"].isna()).fillna(False)


def _period_dates_message(row: pd.Series) -> str:
    if pd.isna(row["period"]):
        return PERIOD_DATES.template.format(detail="period is empty, so period_start and period_end must be empty too")
    start, end = period_bounds(pd.Series([row["period"]]))
    detail = (
        f"period {row['period']} runs from {show(start[0])} to {show(end[0])}, "
        f"but period_start is {show(row['period_start'])} and period_end is {show(row['period_end'])}"
    )
    return PERIOD_DATES.template.format(detail=detail)


def _order(entry: errors.ErrorType, low: str, high: str) -> Rule:
    def passes(f) -> pd.Series:
        obs = f[OBSERVATIONS]
        return ~(obs[low] > obs[high]).fillna(False)

    def message(row: pd.Series) -> str:
        return entry.template.format(low=low, low_value=show(row[low]), high=high, high_value=show(row[high]))

    return _rule(OBSERVATIONS, entry, low, passes, message)


def _note_pass(f) -> pd.Series:
    return f[OBSERVATIONS]["period"].notna() | f[OBSERVATIONS]["note"].notna()


# Percents --------------------------------------------------------------------------------------


def _percent_pass(f) -> pd.Series:
    obs = f[OBSERVATIONS]
    units = obs["indicator_id"].map(f[INDICATORS].drop_duplicates("indicator_id").set_index("indicator_id")["unit"])
    return obs["value"].between(0, 100) | (units != "percent")


def _percent_message(row: pd.Series) -> str:
    return PERCENT_RANGE.template.format(value=show(row["value"]), indicator=row["indicator_id"])


# Areas -----------------------------------------------------------------------------------------


def _area_types(f) -> pd.Series:
    return f[AREAS].drop_duplicates("area_id").set_index("area_id")["area_type"]


def _membership_pass(f) -> pd.Series:
    memberships, types = f[MEMBERSHIPS], _area_types(f)
    return (memberships["region_id"].map(types) == "macro_region") & (
        memberships["member_id"].map(types) == "province_level"
    )


def _membership_message(row: pd.Series) -> str:
    return MEMBERSHIP_TYPES.template.format(region=row["region_id"], member=row["member_id"])


def _macro_region_pass(f) -> pd.Series:
    areas = f[AREAS]
    return (areas["area_type"] != "province_level") | areas["area_id"].isin(f[MEMBERSHIPS]["member_id"])


def _macro_region_message(row: pd.Series) -> str:
    return MACRO_REGION.template.format(area=row["area_id"])


# The release's description ---------------------------------------------------------------------


def jsonld(dataset: dict, ctx: Context) -> dict:
    """Measured variables, temporal and spatial coverage: schema.org terms for these tables."""
    typed = ctx.frames
    if OBSERVATIONS not in typed or INDICATORS not in typed or AREAS not in typed:
        return dataset
    obs, areas = typed[OBSERVATIONS], typed[AREAS].set_index("area_id")
    starts = pd.concat([obs["period_start"], obs["reference_date"]]).dropna()
    ends = pd.concat([obs["period_end"], obs["reference_date"]]).dropna()
    used = sorted(set(obs["area_id"].dropna()))
    return {
        **dataset,
        "temporalCoverage": f"{starts.min().date().isoformat()}/{ends.max().date().isoformat()}",
        "variableMeasured": [
            {
                "@type": "PropertyValue",
                "propertyID": row.indicator_id,
                "name": row.name_en,
                "alternateName": row.name_zh,
                "description": row.definition_en,
                "unitText": row.unit,
            }
            for row in typed[INDICATORS].itertuples()
        ],
        "spatialCoverage": {
            "@type": "Place",
            "name": "China",
            "identifier": "china",
            "containsPlace": [
                {"@type": "Place", "name": f"{areas.loc[a, 'name_en']} ({areas.loc[a, 'name_zh']})", "identifier": a}
                for a in used
                if a in areas.index and a != "china"  # the country is the place itself, not one it contains
            ],
        },
    }


def readme_sections(ctx: Context) -> dict[str, str]:
    """The first observation of each of an exact, a nearly and a more_than figure."""
    raw = ctx.raws.get(OBSERVATIONS)
    if raw is None:
        return {}
    records = raw.records()
    chosen = [next((r for r in records if r["value_qualifier"] == q), None) for q in EXAMPLE_QUALIFIERS]
    lines = ["| " + " | ".join(EXAMPLE_FIELDS) + " |", "|" + "---|" * len(EXAMPLE_FIELDS)]
    lines += ["| " + " | ".join(_cell(r[f]) for f in EXAMPLE_FIELDS) + " |" for r in chosen if r]
    return {"examples": "\n".join(lines) + "\n"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
