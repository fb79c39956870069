"""Each Table Schema field type, defined once: reads nothing, writes nothing.

Cells are read as frictionless reads them. A vectorised fast path takes the cells
whose text is plainly of the type (``2022``, ``17.84``, ``2022-09-23``), where both
readers are bound to agree; every other cell goes to frictionless' own value
reader for the field, so ``" 1"``, ``1E+3``, ``1 234,5`` with ``decimalChar`` and
any ``format`` read exactly as frictionless reads them.

One ``FieldType`` per type gives every form the toolkit needs of it (after PUDL's
field model): the Arrow type (Parquet), the pandas dtype (the typed frame and
pandera), how text cells are read into values (``cast``, as frictionless reads
them), the canonical text the release CSV writes (or the source text as it is),
the values a workbook cell takes, and one comparable value per cell for checking
that the formats agree. ``tableschema``, ``read``, ``export`` and ``formats`` take
them from here; adding a type is adding one entry.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy
import pandas as pd
import pyarrow
import pyarrow.compute

from pubkit.standard import categories, listtype, offsets
from pubkit.standard.workbookcells import (
    _excel_boolean,
    _excel_date,
    _excel_number,
    _excel_text,
)

NUMBER_TEXT = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,6})?"  # longer exponents: the reference
INTEGER_TEXT = r"[+-]?[0-9]{1,18}"  # within int64: longer integers go to the reference reader
DATE_TEXT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
DATETIME_TEXT = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?"
STRICT_TEXT = {INTEGER_TEXT: r"[+-]?[0-9]+"}  # what a strict package takes as plain, beyond the fast path
ZONE_TEXT = r"(?:Z|[+-][0-9]{2}:?[0-9]{2})$"
NUMBER_DEFAULTS = {"decimalChar": ".", "groupChar": "", "bareNumber": True}
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
ARROW_STRING = pd.ArrowDtype(pyarrow.string())  # text stays in Arrow memory
EXACT_FLOAT = 2**53  # integers up to this are exact in a float, and written without a fraction


@dataclass(frozen=True)
class FieldType:
    name: str
    arrow: pyarrow.DataType
    pandas: object  # a pandas dtype or its name
    cast: Callable[..., pd.Series]  # (text cells as objects, NA for missing; field; strict) -> values
    text: Callable[[object], str] | None  # a value -> the release CSV's text; None keeps the source's text
    excel: Callable[[pd.Series, pd.Series], list]  # (typed, text) -> a workbook column's Python values
    normalise: Callable[[object], object]  # any format's cell -> one comparable value


def reference_reader(field: dict):
    """frictionless' own value reader for ``field``: a cell's text -> its value, or None."""
    import frictionless

    return frictionless.Field.from_descriptor(reading_part(field)).create_value_reader()


NUMBER_READING = ("decimalChar", "groupChar", "bareNumber")
READING = ("type", "format", "trueValues", "falseValues", *NUMBER_READING, "delimiter", "itemType")


def reading_part(field: dict) -> dict:
    """What of a field decides how its cells read: the rest (constraints, metadata) is checked elsewhere."""
    return {"name": field.get("name", "field"), **{k: field[k] for k in READING if k in field}}


def _by_reference(cells: pd.Series, field: dict, convert) -> pd.Series:
    """Each cell read by frictionless' reader, then ``convert``-ed; NA where it reads nothing."""
    read = reference_reader(field)
    values = [None if c is None or c is pd.NA or (isinstance(c, float) and pd.isna(c)) else read(c) for c in cells]
    return pd.Series([None if v is None else convert(v) for v in values], index=cells.index, dtype=object)


def _fast_then_reference(
    cells: pd.Series, field: dict, plain: str, fast, dtype, convert, strict: bool = False
) -> pd.Series:
    """``fast`` for the cells that match ``plain`` (where both readers agree), the reference reader for the rest.
    A strict package (``pubkit:strict``) takes only plain text of default-format fields: ``１７.８４``
    or `` 1`` are type errors there, where frictionless would read them.
    """
    ok = cells.str.fullmatch(plain, na=False) if uses_defaults(field) else pd.Series(False, index=cells.index)
    typed = fast(cells.where(ok)).astype(dtype)
    others = cells.notna() & ~ok
    if strict and uses_defaults(field):  # only plain text, even where it is too long for the fast path
        others &= cells.str.fullmatch(STRICT_TEXT.get(plain, plain), na=False)
    if others.any():
        typed = typed.astype(object)
        typed[others] = _by_reference(cells[others], field, convert)
        typed = typed.astype(dtype)
    return typed


def uses_defaults(field: dict) -> bool:
    return all(field.get(k, v) == v for k, v in NUMBER_DEFAULTS.items()) and field.get("format", "default") == "default"


def _cast_string(cells: pd.Series, field: dict, strict: bool = False) -> pd.Series:
    if field.get("format", "default") != "default":  # email, uri, uuid, binary: as frictionless checks them
        return _cast_as_read(cells, field)
    return cells.astype(ARROW_STRING)


def _cast_number(cells: pd.Series, field: dict, strict: bool = False) -> pd.Series:
    """float64; a column with a NaN that frictionless reads (``NaN``, ``nan``) holds Arrow doubles, where
    NaN is a value and an empty cell is null."""
    typed = _fast_then_reference(cells, field, NUMBER_TEXT, _plain_floats, "float64", _float, strict)
    maybe = typed.isna() & cells.str.contains("nan", case=False, na=False, regex=False)
    if not maybe.any() or (strict and uses_defaults(field)):
        return typed
    nan = numpy.zeros(len(cells), dtype=bool)
    nan[maybe.to_numpy()] = [v is not None for v in _by_reference(cells[maybe], field, _float)]
    values = pyarrow.compute.if_else(nan, math.nan, pyarrow.array(typed.to_numpy(), from_pandas=True))
    return pd.Series(pd.arrays.ArrowExtensionArray(values), index=cells.index)


def _plain_floats(cells: pd.Series) -> pd.Series:
    """Plain number text read by pyarrow, correctly rounded (pandas' own parser is not: ``+10E31``)."""
    present = cells.dropna()
    values = pyarrow.compute.cast(pyarrow.array(present.tolist(), pyarrow.string()), pyarrow.float64())
    return pd.Series(values.to_numpy(zero_copy_only=False), index=present.index, dtype="float64").reindex(cells.index)


def _float(value) -> float:
    """frictionless' Decimal as a float; a signalling NaN (``sNaN``), which float() refuses, as NaN."""
    return math.nan if isinstance(value, decimal.Decimal) and value.is_snan() else float(value)


def _cast_integer(cells: pd.Series, field: dict, strict: bool = False) -> pd.Series:
    """Int64; a column holding an integer beyond int64 keeps Python's exact integers instead (any size)."""
    fast = lambda c: pd.to_numeric(c.dropna()).astype(object).reindex(c.index)  # never through a float  # noqa: E731
    typed = _fast_then_reference(cells, field, INTEGER_TEXT, fast, object, int, strict)
    values = [None if v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v)) else int(v) for v in typed]
    if any(v is not None and not -(2**63) <= v < 2**63 for v in values):
        return pd.Series(values, index=cells.index, dtype=object)
    return pd.Series(values, index=cells.index, dtype="Int64")


def _integer_text(value) -> str:
    return str(int(value))


def _cast_boolean(cells: pd.Series, field: dict, strict: bool = False) -> pd.Series:
    true, false = field.get("trueValues", TRUE_VALUES), field.get("falseValues", FALSE_VALUES)
    return cells.map(lambda c: True if c in true else False if c in false else pd.NA).astype("boolean")


def _cast_date(cells: pd.Series, field: dict, strict: bool = False) -> pd.Series:
    fast = lambda c: pd.to_datetime(c, format="%Y-%m-%d", errors="coerce")  # noqa: E731
    return _fast_then_reference(cells, field, DATE_TEXT, fast, "datetime64[s]", pd.Timestamp, strict)


def _cast_datetime(cells: pd.Series, field: dict, strict: bool = False) -> pd.Series:
    """Aware datetimes at the UTC offset the source writes, where every value writes the same one
    (``+08:00``: readers show the stated local time and date); in UTC where the offsets differ (a column
    holds one zone). A column whose every datetime is naive stays naive, as the source says.

    A column that mixes both (frictionless accepts that) holds its naive ones as UTC, which
    the release's About sheet says.
    """
    fast = lambda c: pd.to_datetime(c, format="ISO8601", errors="coerce", utc=True)  # noqa: E731
    typed = _fast_then_reference(cells, field, DATETIME_TEXT, fast, object, offsets.stamp, strict)
    plain = (
        cells.str.fullmatch(DATETIME_TEXT, na=False) if uses_defaults(field) else pd.Series(False, index=cells.index)
    )
    zoned = cells.str.contains(ZONE_TEXT, na=False)
    naive = (plain & ~zoned) | (~plain & typed.map(lambda v: isinstance(v, pd.Timestamp) and v.tzinfo is None))
    present = typed.notna()
    if present.any() and bool((naive | ~present).all()):
        values = [pd.NaT if pd.isna(v) else (v.tz_localize(None) if v.tzinfo else v) for v in typed]
        return pd.Series(values, index=cells.index, dtype="datetime64[us]")
    values = [pd.NaT if pd.isna(v) else offsets.utc(v) for v in typed]
    utc = pd.Series(values, index=cells.index, dtype="datetime64[us, UTC]")
    offset = offsets.one_offset(cells[present & ~naive])
    return utc.dt.tz_convert(offset) if offset is not None else utc


def _cast_year(cells: pd.Series, field: dict, strict: bool = False) -> pd.Series:
    return _by_reference(cells, field, int).astype("Int16")


def _cast_geopoint(cells: pd.Series, field: dict, strict: bool = False) -> pd.Series:
    """A point as frictionless reads it, in any of its formats: [longitude, latitude]."""
    return _by_reference(cells, field, lambda v: [float(v[0]), float(v[1])])


def _point(value) -> tuple[float, float]:
    """A point from Parquet (a list) or from text in any geopoint format (``10,20``, ``[10,20]``, an object)."""
    import json

    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = value.split(",")
    if isinstance(value, dict):
        value = [value.get("lon"), value.get("lat")]
    return (float(value[0]), float(value[1]))


def _cast_list(cells: pd.Series, field: dict, strict: bool = False) -> pd.Series:
    """A list (Table Schema v2) as frictionless reads it, typed as its items are (``listtype``)."""
    return _by_reference(cells, field, listtype.converter(field))


def _cast_canonical(cells: pd.Series, field: dict, strict: bool = False) -> pd.Series:
    """Types held as the canonical text frictionless writes for the value it reads (yearmonth, time, …)."""
    import frictionless

    write = frictionless.Field.from_descriptor(reading_part(field)).create_value_writer()
    if field.get("type") == "time":  # frictionless writes 08:30:00 for 08:30:00.250: the fraction is kept
        plain = write
        write = lambda value: value.isoformat() if getattr(value, "microsecond", 0) else plain(value)  # noqa: E731
    return _by_reference(cells, field, write).astype(ARROW_STRING)


def _year_text(value) -> str:
    """A year as the standard writes it, in four digits at least: 0999 (frictionless writes 999, which no
    year field reads back)."""
    return f"{int(value):04d}" if int(value) >= 0 else str(int(value))


def _cast_as_read(cells: pd.Series, field: dict, strict: bool = False) -> pd.Series:
    """Types held as the source's text, once frictionless has read it as valid (geojson, object, array, …)."""
    typed = _by_reference(cells, field, lambda v: v)
    return cells.where(typed.notna()).astype(ARROW_STRING)


def format_number(value) -> str:
    """Shortest exact text, never in exponent form: 10000000000000 (not 1e13), 17.84, 0.000015 (not 1.5e-05)."""
    value = float(value)
    if value.is_integer() and abs(value) < EXACT_FLOAT:
        return str(int(value))
    if not math.isfinite(value):
        return "INF" if value > 0 else "-INF" if value < 0 else "NaN"
    return numpy.format_float_positional(value, unique=True, trim="-")


def _date_value(value) -> str:
    return (value if isinstance(value, str) else value.isoformat())[:10]


def _datetime_value(value) -> str:
    moment = pd.Timestamp(value)
    return (moment.tz_convert("UTC") if moment.tzinfo else moment.tz_localize("UTC")).isoformat()


CANONICAL_TEXT = ("yearmonth", "time", "duration")  # held as frictionless writes the value
SOURCE_TEXT = ("any",)  # held as the source writes it, once valid
JSON_TEXT = ("geojson", "object", "array")  # the source's JSON text, in Parquet's JSON type, once valid


def _textual(name: str, cast) -> FieldType:
    text = str if cast is _cast_canonical else None
    return FieldType(name, pyarrow.string(), ARROW_STRING, cast, text, _excel_text, str)


TYPES = {
    t.name: t
    for t in (
        FieldType("string", pyarrow.string(), ARROW_STRING, _cast_string, None, _excel_text, str),
        FieldType("number", pyarrow.float64(), "float64", _cast_number, format_number, _excel_number, float),
        FieldType("integer", pyarrow.int64(), None, _cast_integer, _integer_text, _excel_number, int),
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
            pyarrow.timestamp("us", tz="UTC"),  # or naive, where every value is (``arrow_type``)
            None,  # UTC, or naive: the data decides
            _cast_datetime,
            None,
            _excel_text,
            _datetime_value,
        ),
        FieldType("year", pyarrow.int16(), "Int16", _cast_year, _year_text, _excel_number, int),
        FieldType("geopoint", pyarrow.list_(pyarrow.float64()), None, _cast_geopoint, None, _excel_text, _point),
        *[_textual(name, _cast_canonical) for name in CANONICAL_TEXT],
        *[_textual(name, _cast_as_read) for name in SOURCE_TEXT],
        *[FieldType(name, pyarrow.json_(), ARROW_STRING, _cast_as_read, None, _excel_text, str) for name in JSON_TEXT],
        FieldType("list", pyarrow.list_(pyarrow.string()), None, _cast_list, None, listtype.excel, listtype.items),
    )
}
ORDER = ("string", "number", "integer", "boolean", "date", "datetime", "year", "yearmonth", "time", "duration")
ORDER += ("geopoint", "geojson", "object", "array", "list", "any")  # the order the standard lists them in
TYPES = {name: TYPES[name] for name in ORDER}


REWRITTEN = ("decimalChar", "groupChar", "bareNumber", "trueValues", "falseValues")  # what canonical text undoes


def release_schema(schema: dict) -> dict:
    """The schema of the release CSV: numbers and booleans are written canonically (``1234.5``, ``true``), so what
    described the source's text (``REWRITTEN``) goes, and an empty cell is how an empty value is written."""
    fields = [_released_field(f) if text_of(f) is not None else f for f in schema["fields"]]
    released = {**schema, "fields": fields}
    if "missingValues" in schema:
        released["missingValues"] = _with_empty(schema["missingValues"])
    return released


def _with_empty(missing: list) -> list:
    """A release's missing values: "" first (its CSV writes an empty value so), in the source's form (v2 objects keep labels)."""
    if "" in [m["value"] if isinstance(m, dict) else m for m in missing]:
        return missing
    return [{"value": "", "label": "empty"} if missing and isinstance(missing[0], dict) else "", *missing]


def text_of(field: dict):
    """How the release CSV writes the field's values: a function of a value, or None to keep the source's text.

    Dates and datetimes read with a ``format`` are written in ISO 8601, the default format.
    """
    if field.get("type") == "date":  # ISO 8601, padded: 2022-9-23, which frictionless reads, is 2022-09-23
        return _iso_date
    if field.get("type") == "datetime" and field.get("format", "default") != "default":
        return _iso_datetime
    return of(field).text


def _iso_date(value) -> str:
    return value.date().isoformat()


def _iso_datetime(value) -> str:
    return value.isoformat()


def arrow_type(field: dict, typed: pd.Series) -> pyarrow.DataType:
    """The field's Arrow type; a datetime column keeps its zone, or none where its values are naive."""
    kind = of(field).arrow if field.get("type") != "list" else listtype.arrow(field)
    if pyarrow.types.is_timestamp(kind) and getattr(typed.dtype, "tz", None) is None:
        return pyarrow.timestamp("us")
    if pyarrow.types.is_timestamp(kind) and str(typed.dtype.tz) != "UTC":  # the one offset the source writes
        return pyarrow.array(typed.iloc[:0], from_pandas=True).type
    if field.get("type") == "integer" and typed.dtype == object:  # integers beyond int64, exactly
        digits = max((len(str(abs(v))) for v in typed.dropna()), default=1)
        return (
            pyarrow.decimal128(38, 0)
            if digits <= 38
            else pyarrow.decimal256(76, 0)
            if digits <= 76
            else pyarrow.string()
        )
    if categories.declared(field) and field.get("type", "string") == "string":  # Parquet keeps text dictionaries
        return pyarrow.dictionary(pyarrow.int32(), kind)  # unordered: Parquet keeps no dictionary's order
    return kind


def _released_field(field: dict) -> dict:
    released = {k: v for k, v in field.items() if k not in REWRITTEN}
    if text_of(field) is not of(field).text:
        released.pop("format", None)
    if "missingValues" in field:
        released["missingValues"] = _with_empty(field["missingValues"])
    return released


BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
SUPPORTED_CONSTRAINTS = {  # as frictionless: what each type supports, besides ``unique``
    **dict.fromkeys(("any", "boolean", "duration", "geojson", "geopoint"), ("required", "enum")),
    **dict.fromkeys(("array", "object"), ("required", "minLength", "maxLength", "enum")),
    "list": ("required", "minLength", "maxLength"),
    **dict.fromkeys(
        ("date", "datetime", "time", "yearmonth", "integer", "number", "year"), ("required", *BOUNDS, "enum")
    ),
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
}


def of(field: dict) -> FieldType:
    """The field's type (``string`` where the field names none)."""
    return TYPES[field.get("type", "string")]


def normalise(kind: str, value):
    """One comparable Python value per cell, whatever format it was read from; None for an empty cell."""
    if isinstance(value, float) and value != value:  # a NaN that is a value (see workbookcells.python_values)
        return "NaN"
    if value is None or (not isinstance(value, str | list | tuple | dict) and pd.isna(value)):
        return None
    found = TYPES[kind].normalise(value)
    return "NaN" if isinstance(found, float) and found != found else found
