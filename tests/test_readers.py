"""The bulk reader (pyarrow) and the record reader (csv module) read every file they both accept alike."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT
from pubkit.base.findings import CheckFailed
from pubkit.standard import arrowcast, bulkcsv, csvscan, descriptor, fieldtypes, read

PKG = descriptor.load(ROOT, trusted=True)
TABLE = PKG.table("area_memberships")
cells = st.lists(st.sampled_from(["a", "中", " ", ",", '"', "\n", "\r\n", "\r"]), max_size=4).map("".join)
pieces = st.sampled_from(["a", "中", ",", '"', '""', "\n", "\r\n", "\r", " ", "\x00", "\ufeff"])


def as_seen(raw: read.RawTable) -> dict:
    return {
        "header": raw.header,
        "header_line": raw.header_line,
        "columns": [c.to_pylist() for c in raw.columns],
        "lines": raw.lines.tolist(),
        "record_lines": raw.record_lines.tolist(),
        "blank_lines": list(raw.blank_lines),
        "widths": raw.widths.tolist(),
    }


def both(data: bytes) -> tuple:
    outcomes = []
    for bulk in (True, False):
        try:
            raw = read.from_bytes(TABLE, data, bulk=bulk)
            outcomes.append((raw.reader, as_seen(raw)))
        except CheckFailed as failed:
            outcomes.append(("failed", [str(f) for f in failed.findings]))
    return tuple(outcomes)


def assert_alike(data: bytes) -> str:
    (reader, seen), (_, expected) = both(data)
    assert seen == expected, data
    return reader


def write(rows: list[list[str]], quote_all: bool, eol: str) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=eol, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(rows)
    return buffer.getvalue().encode()


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(
    rows=st.lists(st.lists(cells, min_size=0, max_size=4), min_size=1, max_size=6),
    quote_all=st.booleans(),
    eol=st.sampled_from(["\n", "\r\n"]),
    slices=st.sampled_from([0, 1000]),
)
def test_valid_csv_reads_alike(monkeypatch, rows, quote_all, eol, slices):
    monkeypatch.setattr(bulkcsv, "MAX_SLICES", slices)  # 0: kept rows are copied into place, not sliced
    event(assert_alike(write(rows, quote_all, eol)))


@FUZZ
@given(text=st.lists(pieces, max_size=30).map("".join))
def test_any_text_reads_alike(text):
    event(assert_alike(text.encode()))


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT) for p in (FIXTURES / "invalid").rglob("*.csv")), ids=str)
def test_fixtures_read_alike(path):
    assert_alike((ROOT / path).read_bytes())


@pytest.mark.parametrize("name", [t.name for t in PKG.tables])
def test_this_package_is_read_in_bulk(name):
    assert read.raw_table(PKG, PKG.table(name)).reader == "bulk"


@pytest.mark.parametrize(
    "defect, data",
    [
        ("a quote inside an unquoted cell", b'a,b"c\n'),
        ("text after a closing quote", b'"a"b,c\n'),
        ("an unterminated quote", b'a,"b\n'),
        ("a lone carriage return", b"a,b\rc,d\n"),
        ("a NUL byte", b"a,b\x00\n"),
        ("a byte-order mark", b"\xef\xbb\xbfa,b\n"),
        ("bytes that are not UTF-8", b"a,\xff\n"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_irregular_files_go_to_the_record_reader(defect, data):
    assert not csvscan.bulk_readable(data)


@pytest.mark.parametrize("data", [b"a,b\n", b'"a,b","c""d"\r\n"e\nf",\n', b'a,""\n,"""x"""\n'], ids=repr)
def test_regular_files_go_to_the_bulk_reader(data):
    assert csvscan.bulk_readable(data)
    assert read.from_bytes(TABLE, data).reader == "bulk"


def _bulk_readable_reference(data: bytes) -> bool:
    """The scan as it was, every quote's position at once: the chunked scan must agree with it."""
    import numpy as np

    if not data or data.startswith(csvscan.BOM.encode()) or b"\0" in data:
        return False
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return False
    if not csvscan._utf8(data):
        return False
    raw = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(raw == ord('"'))
    if len(quotes) % 2:
        return False
    if not len(quotes):
        return True
    starts = np.flatnonzero(np.diff(quotes, prepend=-2) != 1)
    ends = np.append(starts[1:], len(quotes)) - 1
    before = np.where(quotes[starts] > 0, raw[np.maximum(quotes[starts] - 1, 0)], ord(","))
    after_at = quotes[ends] + 1
    after = np.where(after_at < len(raw), raw[np.minimum(after_at, len(raw) - 1)], ord(","))
    return bool(
        np.all(~(starts % 2 == 0) | np.isin(before, list(b",\n")))
        and np.all(~((ends + 1) % 2 == 0) | np.isin(after, list(b",\r\n")))
    )


@FUZZ
@given(text=st.lists(pieces, max_size=40).map("".join), chunk=st.integers(1, 9))
def test_the_chunked_quote_scan_agrees_with_the_whole_one(monkeypatch, text, chunk):
    monkeypatch.setattr(csvscan, "SCAN_CHUNK", chunk)  # chunks of a few bytes: runs of quotes cross their cuts
    data = text.encode()
    assert csvscan.bulk_readable(data) == _bulk_readable_reference(data), data


def test_a_file_of_quotes_alone_is_scanned_in_chunks(monkeypatch):
    monkeypatch.setattr(csvscan, "SCAN_CHUNK", 4)
    assert list(csvscan._chunks(__import__("numpy").frombuffer(b'a,"' + b'"' * 9 + b"x", dtype="uint8"))) == [
        (0, 12),
        (12, 13),
    ]


# Reading in parts ------------------------------------------------------------------


def _parts_seen(tmp_path, data: bytes, size: int):
    """What the reader in parts reads of ``data`` as TABLE's file, its parts joined; None where it leaves
    the file to the whole read."""
    import types

    import numpy as np

    from pubkit.standard import readparts

    (tmp_path / TABLE.path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / TABLE.path).write_bytes(data)
    made = readparts.plan(types.SimpleNamespace(root=tmp_path), TABLE, size)
    if made is None:
        return None, 0
    try:
        got = list(readparts.parts(made, TABLE))
    except bulkcsv.NotPlain:  # pyarrow refused a part: the caller reads the table whole
        return None, -1
    first = got[0]
    joined = {
        "header": first.header,
        "header_line": first.header_line,
        "columns": [[v for p in got for v in p.columns[i].to_pylist()] for i in range(len(first.columns))],
        "lines": np.concatenate([p.lines for p in got]).tolist(),
        "record_lines": np.concatenate([p.record_lines for p in got]).tolist(),
        "blank_lines": [line for p in got for line in p.blank_lines],
        "widths": np.concatenate([p.widths for p in got]).tolist(),
    }
    return joined, len(got)


plain_cells = st.lists(st.sampled_from(["a", "中", " ", ",", '"', "\n", "\r\n"]), max_size=4).map("".join)
rows_of_cells = st.lists(st.lists(plain_cells, min_size=0, max_size=4), min_size=1, max_size=12)


@FUZZ
@given(rows=rows_of_cells, eol=st.sampled_from(["\n", "\r\n"]), size=st.integers(1, 40), trailing=st.booleans())
def test_a_file_read_in_parts_reads_as_the_whole(tmp_path_factory, monkeypatch, rows, eol, size, trailing):
    monkeypatch.setattr(read, "HEADER_SAMPLE", 2)  # parts of a few bytes: frictionless' sample fits the first
    data = write([["a", "b", "c"], *rows], False, eol)
    data = data if trailing else data[: -len(eol)]
    joined, count = _parts_seen(tmp_path_factory.mktemp("parts"), data, size)
    event(f"{min(count, 3)} parts")
    if joined is None:
        event("left to the whole read: " + read.from_bytes(TABLE, data).reader)
        return
    whole = read.from_bytes(TABLE, data)
    assert whole.reader == "bulk" and joined == as_seen(whole), data


@FUZZ
@given(text=st.lists(pieces, max_size=40).map("".join), size=st.integers(1, 12))
def test_any_text_read_in_parts_reads_as_the_whole_or_is_left_to_it(tmp_path_factory, monkeypatch, text, size):
    monkeypatch.setattr(read, "HEADER_SAMPLE", 2)
    data = ("a,b,c\n" + text).encode()
    joined, count = _parts_seen(tmp_path_factory.mktemp("parts"), data, size)
    event(f"{min(count, 3)} parts")
    if joined is not None:
        whole = read.from_bytes(TABLE, data)
        assert whole.reader == "bulk" and joined == as_seen(whole), data


@pytest.mark.parametrize(
    "why, data",
    [
        ("a quote left open", b'a,b,c\n1,"2,3\n4,5,6\n'),
        ("a lone carriage return", b"a,b,c\n1,2,3\r4,5,6\n"),
        ("a byte-order mark", b"\xef\xbb\xbfa,b,c\n1,2,3\n"),
        ("a blank line before the header", b"\na,b,c\n1,2,3\n"),
        ("a record longer than four parts", b"a,b,c\n" + b'1,"' + b"x" * 64 + b'",3\n'),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_file_that_is_not_plain_is_left_to_the_whole_read(tmp_path, monkeypatch, why, data):
    monkeypatch.setattr(read, "HEADER_SAMPLE", 1)
    assert _parts_seen(tmp_path, data, 8) == (None, 0)


def test_a_file_whose_first_part_cannot_hold_frictionless_sample_is_left_to_the_whole_read(tmp_path):
    data = b"a,b,c\n" + b"1,2,3\n" * 200
    assert _parts_seen(tmp_path, data, 64) == (None, 0)  # 100 records span more than four parts
    joined, count = _parts_seen(tmp_path, data, 700)
    assert count == 2 and joined == as_seen(read.from_bytes(TABLE, data))


# Plain integer and number columns, read in Arrow -----------------------------------

plain_integers = st.from_regex(r"-?[0-9]{1,18}", fullmatch=True)
plain_numbers = st.one_of(st.from_regex(fieldtypes.NUMBER_TEXT, fullmatch=True), st.floats().map(repr))
others = st.sampled_from(["+5", " 1", "1 ", "1,000", "NaN", "nan", "-inf", "INF", "0x1", "١٢", "１７", "1_000", "abc"])


@FUZZ
@given(
    kind=st.sampled_from(["integer", "number"]),
    data=st.data(),
)
def test_a_plain_column_read_in_arrow_reads_as_frictionless_reads_it(kind, data):
    import math

    import numpy as np
    import pandas as pd
    import pyarrow

    plain = plain_integers if kind == "integer" else plain_numbers
    cells = data.draw(st.lists(st.one_of(plain, st.just(""), others), max_size=12))
    field = {"name": "x", "type": kind}
    column = pyarrow.chunked_array([pyarrow.array(cells, pyarrow.string())])
    index = pd.RangeIndex(len(cells))
    typed = read._typed(column, np.array([c == "" for c in cells], dtype=bool), field, [""], index)
    convert = int if kind == "integer" else fieldtypes._float
    reference = fieldtypes._by_reference(pd.Series([c or None for c in cells], dtype=object), field, convert)
    fast = arrowcast.plain_values(column.combine_chunks(), [""], field) is not None
    event(f"{kind}: {'in Arrow' if fast else 'by the casts'}")
    assert fast == all(c == "" or re.fullmatch(arrowcast.PLAIN[kind][0], c) for c in cells)
    assert str(typed.dtype) == ("Int64" if kind == "integer" else "float64") or not fast
    for got, want in zip(typed.tolist(), reference.tolist()):
        if want is None or (isinstance(want, float) and math.isnan(want) and kind == "integer"):
            assert got is None or got is pd.NA or (isinstance(got, float) and math.isnan(got)), (cells, got)
        elif isinstance(want, float) and math.isnan(want):
            assert isinstance(got, float) and math.isnan(got), cells
        else:  # the same value, the sign of a zero included
            assert repr(float(got)) == repr(float(want)) and (kind == "number" or got == want), (cells, got, want)


@pytest.mark.parametrize(
    "kind, cells, expected",
    [
        ("integer", ["10000000000000001", " 1"], [10000000000000001, 1]),  # was rounded through a float
        ("integer", ["10000000000000001", ""], [10000000000000001, None]),
        ("number", ["-0", "1"], ["-0.0", "1.0"]),  # the sign of a zero is frictionless' too
        ("number", ["-0", " 1"], ["-0.0", "1.0"]),
    ],
)
def test_every_digit_and_sign_is_read(kind, cells, expected):
    import numpy as np
    import pandas as pd
    import pyarrow

    column = pyarrow.chunked_array([pyarrow.array(cells, pyarrow.string())])
    is_missing = np.array([c == "" for c in cells], dtype=bool)
    typed = read._typed(column, is_missing, {"name": "x", "type": kind}, [""], pd.RangeIndex(len(cells)))
    got = [None if pd.isna(v) else (repr(float(v)) if kind == "number" else int(v)) for v in typed.tolist()]
    assert got == expected
