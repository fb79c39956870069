"""A datetime column's UTC offsets: reads text cells and values, writes nothing.

A column whose every cell writes the same offset (``+08:00``) keeps it as its zone, so that
readers show the stated local time; ``fieldtypes`` casts datetimes with these.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd


def one_offset(cells: pd.Series):
    """The one UTC offset every cell writes (``+08:00``), as a zone; None for Z, for none or for several."""
    from datetime import timedelta, timezone

    offsets = cells.str.extract(r"([zZ]|[+-]\d\d:?\d\d)$")[0]
    distinct = set(offsets.str.replace(":", "", regex=False))
    if offsets.isna().any() or len(distinct) != 1:
        return None
    only = distinct.pop()
    moment = timedelta(hours=int(only[1:3]), minutes=int(only[3:5])) if only[0] in "+-" else timedelta(0)
    return timezone(moment if only[0] == "+" else -moment) if moment else None


def stamp(moment: datetime) -> pd.Timestamp:
    return pd.Timestamp(moment)


def utc(moment) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_convert("UTC") if stamp.tzinfo else stamp.tz_localize("UTC")
