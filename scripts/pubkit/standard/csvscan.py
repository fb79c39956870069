"""Which CSV files the bulk reader may take, and the bytes of Arrow text: reads bytes, writes nothing.

A vectorised byte scan: a *plain* file (valid UTF-8, no BOM, no NUL, no lone CR,
RFC 4180 quoting) is one that Python's strict csv module and pyarrow's parser are
bound to read alike, so ``read`` parses it in bulk.
"""

from __future__ import annotations

import numpy as np
import pyarrow

BOM = "\ufeff"
SCAN_CHUNK = 1 << 24  # bytes scanned at a time for quotes, to bound memory


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
    raw = np.frombuffer(data, dtype=np.uint8)
    before = 0  # quotes before the chunk: a quote's parity is its place among all of them
    for start, stop in _chunks(raw):
        quotes = np.flatnonzero(raw[start:stop] == ord('"')) + start
        if len(quotes) and not _quoting_ok(raw, quotes, before):
            return False
        before += len(quotes)
    return before % 2 == 0


def _chunks(raw: np.ndarray):
    """``SCAN_CHUNK`` bytes at a time, each cut where no run of adjacent quotes is split; the quotes of
    one chunk at a time are held, as 8-byte positions, so memory stays bounded however long the file."""
    start = 0
    while start < len(raw):
        stop = min(start + SCAN_CHUNK, len(raw))
        while stop < len(raw) and raw[stop - 1] == raw[stop] == ord('"'):  # a run of quotes goes whole into it
            window = raw[stop : stop + SCAN_CHUNK] != ord('"')
            stop += int(np.argmax(window)) if window.any() else len(window)
        yield start, stop
        start = stop


def _quoting_ok(raw: np.ndarray, quotes: np.ndarray, before: int) -> bool:
    """Each run of adjacent quotes in ``quotes`` opens only at a cell's start and closes only at its end."""
    starts = np.flatnonzero(np.diff(quotes, prepend=-2) != 1)  # index of each run of adjacent quotes
    ends = np.append(starts[1:], len(quotes)) - 1
    preceding = np.where(quotes[starts] > 0, raw[np.maximum(quotes[starts] - 1, 0)], ord(","))
    after_at = quotes[ends] + 1
    following = np.where(after_at < len(raw), raw[np.minimum(after_at, len(raw) - 1)], ord(","))
    opens_outside = (before + starts) % 2 == 0
    closes_outside = (before + ends + 1) % 2 == 0
    return bool(
        np.all(~opens_outside | np.isin(preceding, list(b",\n")))
        and np.all(~closes_outside | np.isin(following, list(b",\r\n")))
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


def text_bytes(strings: pyarrow.StringArray) -> memoryview:
    """All of ``strings`` end to end: the slice of the data buffer they span (an array may be a slice)."""
    _, offsets, data = strings.buffers()
    if not len(strings) or data is None:
        return memoryview(b"")
    bounds = np.frombuffer(offsets, dtype=np.int32)[strings.offset : strings.offset + len(strings) + 1]
    return memoryview(data)[int(bounds[0]) : int(bounds[-1])]
