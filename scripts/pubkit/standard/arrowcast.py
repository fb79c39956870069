"""The vectorised reading of plain integer and number columns: reads Arrow text, writes nothing.

``read`` types a column by dictionary-encoding it and casting its distinct cells (``fieldtypes``), which
takes one Python object per distinct cell: a million for a column of a million ids. Where the field reads
with the defaults and every cell that is not missing is plain (``fieldtypes.INTEGER_TEXT`` without
its ``+``, pyarrow refuses it; ``fieldtypes.NUMBER_TEXT``), pyarrow reads them instead and no cell leaves
Arrow. Its values are frictionless' own (``tests/test_readers.py``, hypothesis parity with the reference
reader, the sign of a zero included). Anything else is None: the casts read the column, as ever.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from pubkit.standard import fieldtypes

PLAIN = {
    "integer": (r"^-?[0-9]{1,18}$", pyarrow.int64()),
    "number": (f"^(?:{fieldtypes.NUMBER_TEXT})$", pyarrow.float64()),
}


def plain_values(cells: pyarrow.StringArray, missing: list[str], field: dict) -> pyarrow.Array | None:
    """The values of the ``cells`` (null where missing), or None where any is not plain."""
    kind = field.get("type", "string")
    if kind not in PLAIN or not fieldtypes.uses_defaults(field):
        return None
    pattern, arrow = PLAIN[kind]
    absent = pc.is_in(cells, value_set=pyarrow.array(missing, pyarrow.string()))
    if not pc.all(pc.or_(absent, pc.match_substring_regex(cells, pattern)), min_count=0).as_py():
        return None
    try:
        return pc.cast(pc.if_else(absent, pyarrow.scalar(None, pyarrow.string()), cells), arrow)
    except pyarrow.ArrowInvalid:
        return None


def as_pandas(values: pyarrow.Array, field: dict) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """Values as the casts give them: Int64 for integers, float64 (NaN where missing) for numbers."""
    if field.get("type") == "integer":
        mask = values.is_null().to_numpy(zero_copy_only=False)
        return pd.arrays.IntegerArray(values.fill_null(0).to_numpy(), mask)
    return values.to_numpy(zero_copy_only=False)
