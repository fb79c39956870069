"""Each Table Schema field type, defined once: reads nothing, writes nothing.

One ``FieldType`` per type gives every form the toolkit needs of it (after PUDL's
field model): the Arrow type (Parquet), the pandas dtype (the typed frame and
pandera), how text cells are read into values (``cast``, as frictionless reads
them), the canonical text the release CSV writes (or the source text as it is),
the values a workbook cell takes, and one comparable value per cell for checking
that the formats agree. ``tableschema``, ``read``, ``export`` and ``formats`` take
them from here; adding a type is adding one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import pyarrow

NUMBER_TEXT = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
INTEGER_TEXT = r"[+-]?[0-9]+"
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
EXACT_FLOAT = 2**53  # integers up to this are exact in a float, and written without a fraction


@dataclass(frozen=True)
class FieldType:
    name: str
    arrow: pyarrow.DataType
    pandas: object  # a pandas dtype or its name
    cast: Callable[[pd.Series, dict], pd.Series]  # text cells (object, NA for missing) -> values of ``pandas``
    text: Callable[[object], str] | None  # a value -> the release CSV's text; None keeps the source's text
    excel: Callable[[pd.Series, pd.Series], list]  # (typed, text) -> a workbook column's Python values
    normalise: Callable[[object], object]  # any format's cell -> one comparable value


def _cast_string(cells: pd.Series, field: dict) -> pd.Series:
    return cells.astype("string")


def _cast_number(cells: pd.Series, field: dict) -> pd.Series:
    ok = cells.str.fullmatch(NUMBER_TEXT, na=False)
    return pd.to_numeric(cells.where(ok), errors="coerce").astype("float64")


def _cast_integer(cells: pd.Series, field: dict) -> pd.Series:
    ok = cells.str.fullmatch(INTEGER_TEXT, na=False)
    return pd.to_numeric(cells.where(ok), errors="coerce").astype("Int64")


def _cast_boolean(cells: pd.Series, field: dict) -> pd.Series:
    true, false = field.get("trueValues", TRUE_VALUES), field.get("falseValues", FALSE_VALUES)
    return cells.map(lambda c: True if c in true else False if c in false else pd.NA).astype("boolean")


def _cast_date(cells: pd.Series, field: dict) -> pd.Series:
    pattern = field.get("format", "default")
    if pattern == "default":
        return pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")
    return pd.Series([_strptime_date(c, pattern) for c in cells], index=cells.index, dtype="datetime64[s]")


def _strptime_date(cell, pattern: str):
    """A date read with a strftime ``pattern`` as frictionless reads it (``datetime.strptime``); NaT if it fails."""
    if not isinstance(cell, str):
        return pd.NaT
    try:
        return pd.Timestamp(datetime.strptime(cell, pattern).date())
    except ValueError:
        return pd.NaT


def _cast_datetime(cells: pd.Series, field: dict) -> pd.Series:
    return pd.to_datetime(cells, format="ISO8601", errors="coerce", utc=True).astype("datetime64[us, UTC]")


def format_number(value) -> str:
    """Shortest exact text: 10000000000000 (never 1e13), 17.84, 6.2."""
    value = float(value)
    if value.is_integer() and abs(value) < EXACT_FLOAT:
        return str(int(value))
    return repr(value)


def _excel_number(typed: pd.Series, text: pd.Series) -> list:
    return [
        None if pd.isna(v) else (int(v) if float(v).is_integer() and abs(v) < EXACT_FLOAT else float(v)) for v in typed
    ]


def _excel_date(typed: pd.Series, text: pd.Series) -> list:
    return [None if pd.isna(v) else v.date() for v in typed]


def _excel_boolean(typed: pd.Series, text: pd.Series) -> list:
    return [None if pd.isna(v) else bool(v) for v in typed]


def _excel_text(typed: pd.Series, text: pd.Series) -> list:
    return [v if v != "" else None for v in text]  # strings, and datetimes as their ISO 8601 text


def _date_value(value) -> str:
    return (value if isinstance(value, str) else value.isoformat())[:10]


def _datetime_value(value) -> str:
    moment = pd.Timestamp(value)
    return (moment.tz_convert("UTC") if moment.tzinfo else moment.tz_localize("UTC")).isoformat()


TYPES = {
    t.name: t
    for t in (
        FieldType("string", pyarrow.string(), pd.ArrowDtype(pyarrow.string()), _cast_string, None, _excel_text, str),
        FieldType("number", pyarrow.float64(), "float64", _cast_number, format_number, _excel_number, float),
        FieldType("integer", pyarrow.int64(), "Int64", _cast_integer, format_number, _excel_number, int),
        FieldType(
            "boolean",
            pyarrow.bool_(),
            "boolean",
            _cast_boolean,
            lambda v: "true" if v else "false",
            _excel_boolean,
            bool,
        ),
        FieldType("date", pyarrow.date32(), "datetime64[s]", _cast_date, None, _excel_date, _date_value),
        FieldType(
            "datetime",
            pyarrow.timestamp("us", tz="UTC"),
            "datetime64[us, UTC]",
            _cast_datetime,
            None,
            _excel_text,
            _datetime_value,
        ),
    )
}


def of(field: dict) -> FieldType:
    """The field's type (``string`` where the field names none)."""
    return TYPES[field.get("type", "string")]


def normalise(kind: str, value):
    """One comparable Python value per cell, whatever format it was read from; None for an empty cell."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return TYPES[kind].normalise(value)
