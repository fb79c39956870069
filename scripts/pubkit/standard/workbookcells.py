"""Each field type's workbook form: a typed column (and its release text) as the Python values a workbook cell holds.

Reads and writes nothing. ``fieldtypes.TYPES`` names one of these for each type; the workbook writer and
the check that the formats agree both use them.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy
import pandas as pd
import pyarrow

EXACT_FLOAT = 2**53  # integers up to this are exact in a float, and written without a fraction


def _excel_number(typed: pd.Series, text: pd.Series) -> list:
    """Numbers as a workbook holds them; an integer beyond 2**53, which a workbook number cannot hold, as text.

    A float64 column is converted in numpy (``excel_number_reference`` is the same, value by value)."""
    if typed.dtype != "float64":
        return excel_number_reference(typed, text)
    values = typed.to_numpy()
    out = values.astype(object)
    with numpy.errstate(invalid="ignore"):  # the remainder of inf or nan is nan: not whole
        whole = numpy.isfinite(values) & (numpy.mod(values, 1) == 0) & (numpy.abs(values) < EXACT_FLOAT)
    out[whole] = values[whole].astype(numpy.int64).astype(object)
    out[numpy.isnan(values)] = None
    out[numpy.isposinf(values)], out[numpy.isneginf(values)] = "INF", "-INF"
    return out.tolist()


def excel_number_reference(typed: pd.Series, text: pd.Series) -> list:
    return [None if v is None else _excel_value(v) for v in python_values(typed)]


def python_values(series: pd.Series) -> list:
    """The series' values as Python objects (one conversion, not one per cell), None where missing.

    In numpy's float64 NaN is the missing value; an Arrow column holds them apart, and its NaN is a value.
    An Arrow column of text, numbers or booleans is converted by Arrow, in one call: pandas' own iterator
    makes an Arrow scalar of each cell first (``python_values_reference`` is the same, value by value)."""
    kind = getattr(series.dtype, "pyarrow_dtype", None)
    if kind is None and isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        kind = pyarrow.string()
    if kind is not None and any(test(kind) for test in ARROW_CONVERTED):
        return pyarrow.array(series).to_pylist()
    return python_values_reference(series)


ARROW_CONVERTED = (
    pyarrow.types.is_string,
    pyarrow.types.is_large_string,
    pyarrow.types.is_integer,
    pyarrow.types.is_floating,
    pyarrow.types.is_boolean,
)


def python_values_reference(series: pd.Series) -> list:
    nan_is_value = isinstance(series.dtype, pd.ArrowDtype)
    return [
        None if v is None or v is pd.NA or v is pd.NaT or (v != v and not nan_is_value) else v for v in series.tolist()
    ]


def _excel_value(value):
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= EXACT_FLOAT:
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):  # a workbook number cannot be infinite
        return "INF" if value > 0 else "-INF" if value < 0 else "NaN"
    return int(value) if float(value).is_integer() and abs(value) < EXACT_FLOAT else float(value)


EXCEL_FIRST_DATE = datetime(1900, 3, 1).date()  # the 1900 date system's first serial past its phantom 29 February


def _excel_date(typed: pd.Series, text: pd.Series) -> list:
    """Dates as workbook dates; one a workbook date cannot hold (before 1 March 1900) as its ISO 8601 text."""
    dates = (None if v is None else v.date() for v in python_values(typed))
    return [d if d is None or d >= EXCEL_FIRST_DATE else d.isoformat() for d in dates]


def _excel_boolean(typed: pd.Series, text: pd.Series) -> list:
    return [None if v is None else bool(v) for v in python_values(typed)]


def _excel_text(typed: pd.Series, text: pd.Series) -> list:
    return [None if v == "" else v for v in python_values(text)]  # strings, and datetimes as their ISO text
