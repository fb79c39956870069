"""Which CSV files the bulk reader may take, and the bytes of Arrow text: reads bytes, writes nothing.

A vectorised byte scan: a *plain* file (valid UTF-8, no BOM, no NUL, no lone CR,
RFC 4180 quoting) is one that Python's strict csv module and pyarrow's parser are
bound to read alike, so ``read`` parses it in bulk.
"""

from __future__ import annotations

import numpy as np
import pyarrow

BOM = "\ufeff"
SCAN_CHUNK = 1 << 26  # bytes scanned at a time for quotes, to bound memory


def bulk_readable(data: bytes) -> bool:
    """True when the csv module and pyarrow are bound to read ``data`` alike.

    That holds for valid RFC 4180 text: quotes open only at a cell's start, inside a
    quoted cell come in pairs, and close only at its end. A quote's parity (how many
    quotes precede it) says whether it is inside a quoted cell.
    """
    if not data or data.startswith(BOM.encode()) or b"\0" in data:
        return False
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return False
    if not _utf8(data):
        return False
    quotes = _positions(data, ord('"'))
    if len(quotes) % 2:
        return False
    if not len(quotes):
        return True
    starts = np.flatnonzero(np.diff(quotes, prepend=-2) != 1)  # index of each run of adjacent quotes
    ends = np.append(starts[1:], len(quotes)) - 1
    raw = np.frombuffer(data, dtype=np.uint8)
    before = np.where(quotes[starts] > 0, raw[np.maximum(quotes[starts] - 1, 0)], ord(","))
    after_at = quotes[ends] + 1
    after = np.where(after_at < len(raw), raw[np.minimum(after_at, len(raw) - 1)], ord(","))
    opens_outside = starts % 2 == 0
    closes_outside = (ends + 1) % 2 == 0
    return bool(
        np.all(~opens_outside | np.isin(before, list(b",\n")))
        and np.all(~closes_outside | np.isin(after, list(b",\r\n")))
    )


def _utf8(data: bytes) -> bool:
    whole = pyarrow.Array.from_buffers(
        pyarrow.large_binary(),
        1,
        [None, pyarrow.py_buffer(np.array([0, len(data)], dtype=np.int64)), pyarrow.py_buffer(data)],
    )
    try:
        whole.cast(pyarrow.large_string())
    except pyarrow.ArrowInvalid:
        return False
    return True


def _positions(data: bytes, byte: int) -> np.ndarray:
    raw = np.frombuffer(data, dtype=np.uint8)
    return np.concatenate(
        [np.flatnonzero(raw[at : at + SCAN_CHUNK] == byte) + at for at in range(0, len(raw), SCAN_CHUNK)]
        or [np.zeros(0, dtype=np.int64)]
    )


def text_bytes(strings: pyarrow.StringArray) -> memoryview:
    """All of ``strings`` end to end: the slice of the data buffer they span (an array may be a slice)."""
    _, offsets, data = strings.buffers()
    if not len(strings) or data is None:
        return memoryview(b"")
    bounds = np.frombuffer(offsets, dtype=np.int32)[strings.offset : strings.offset + len(strings) + 1]
    return memoryview(data)[int(bounds[0]) : int(bounds[-1])]
