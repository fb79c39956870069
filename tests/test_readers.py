"""The bulk reader (pyarrow) and the record reader (csv module) read every file they both accept alike."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT
from pubkit.base.findings import CheckFailed
from pubkit.standard import bulkcsv, csvscan, descriptor, read

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
