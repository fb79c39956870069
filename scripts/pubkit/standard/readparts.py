"""Read a plain CSV table a part at a time: reads the table's file in blocks, writes nothing.

``plan`` scans the file once, a block of about ``PART_BYTES`` at a time, and cuts it where a record
ends; ``parts`` then reads one part at a time as a ``RawTable`` numbered by the lines of the whole
file. Together the parts hold exactly the rows, lines, blank lines and widths that ``read.raw_table``
reads whole (``tests/test_readers.py`` holds them equal), while no more than a part is held at once.

Only a file the bulk reader takes whole is read so: an uncompressed UTF-8 CSV file with no dialect,
layout or parts, plain (``csvscan.bulk_readable``) in every part, whose header is its first record and
whose first part holds frictionless' whole sample of records. Where ``plan`` returns None, or ``parts``
raises ``NotPlain`` (pyarrow refused a part), the caller reads the table whole, as ever.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from pubkit.standard import csvscan, labels, read, tabular
from pubkit.standard.bulkcsv import NotPlain, bulk_records
from pubkit.standard.descriptor import DataPackage, Table
from pubkit.standard.files import compression

PART_BYTES = 1 << 22
LONGEST_PART = 4  # parts, in PART_BYTES, past which a record that does not end sends the table to the whole read
QUOTE, NEWLINE = ord('"'), ord("\n")


@dataclasses.dataclass(frozen=True)
class Plan:
    """Where each part of a table's file starts: byte offsets (the file's size last), and the line breaks
    before each start; ``header``: the header record's bytes, line end included."""

    path: Path
    starts: tuple[int, ...]
    breaks: tuple[int, ...]
    header: bytes

    def __len__(self) -> int:
        return len(self.starts) - 1


def plan(pkg: DataPackage, table: Table, size: int | None = None) -> Plan | None:
    """The parts of ``table``'s file, of about ``size`` bytes (``PART_BYTES`` where none is given), or None
    where it is not one to read in parts (the module says which)."""
    if not _partable(table):
        return None
    size = size or PART_BYTES
    starts, breaks, header = [0], [0], b""
    try:
        stream = (pkg.root / table.path).open("rb")
    except OSError:
        return None  # the whole read reports it
    with stream:
        try:
            for part, last in _record_parts(stream, size):
                header = _first_part_header(part, last) if len(starts) == 1 else header
                if header is None or (len(starts) > 1 and not csvscan.bulk_readable(header + part)):
                    return None
                starts.append(starts[-1] + len(part))
                breaks.append(breaks[-1] + part.count(b"\n"))
        except NotPlain:
            return None
    return Plan(pkg.root / table.path, tuple(starts), tuple(breaks[:-1]), header) if len(starts) > 1 else None


def _partable(table: Table) -> bool:
    encoding = str(table.resource.get("encoding", "utf-8")).lower().replace("_", "-")
    return (
        table.inline is None
        and not table.parts
        and tabular.kind(table) is None
        and compression(table.path, table.resource) is None
        and encoding in ("utf-8", "utf8")
        and not table.csv_options
        and not table.layout
    )


def _first_part_header(part: bytes, last: bool) -> bytes | None:
    """The header record of a plain first part whose first record is the header, as frictionless samples
    it; None otherwise, or where more parts follow a first part shorter than frictionless' sample."""
    if not csvscan.bulk_readable(part) or read.sampled_header(part) != 0:
        return None
    ends = _record_ends(np.frombuffer(part, dtype=np.uint8))
    if not len(ends) or (not last and len(ends) < read.HEADER_SAMPLE):
        return None
    header = part[: int(ends[0]) + 1]
    return header if any(next(csv.reader([header.decode("utf-8")]), [])) else None  # blank: no header there


def _record_parts(stream, size: int) -> Iterator[tuple[bytes, bool]]:
    """(bytes, is the last) of consecutive parts of at least ``size`` bytes, each cut just after a line
    break outside quotes (quotes before it come in pairs), but for the last; the first holds frictionless'
    sample of records, at least."""
    held, enough = b"", read.HEADER_SAMPLE
    while True:
        block = stream.read(size)
        held += block
        ends = _record_ends(np.frombuffer(held, dtype=np.uint8)) if block else np.empty(0, dtype=np.int64)
        if not block:
            if held:
                yield held, True
            return
        if len(held) >= size and len(ends) >= enough and ends[-1] + 1 < len(held):
            cut, enough = int(ends[-1]) + 1, 1
            yield held[:cut], False
            held = held[cut:]
        elif len(held) > LONGEST_PART * size:
            raise NotPlain  # a record longer than parts should be: the table is read whole


def _record_ends(raw: np.ndarray) -> np.ndarray:
    """The line breaks of ``raw`` (which starts where a record does) that end a record, were its quoting valid."""
    quotes = np.flatnonzero(raw == QUOTE)
    newlines = np.flatnonzero(raw == NEWLINE)
    return newlines[np.searchsorted(quotes, newlines) % 2 == 0]


def parts(made: Plan, table: Table) -> Iterator[read.RawTable]:
    """Each part of ``made`` read as a ``RawTable``, numbered by the whole file's lines (the header's
    record is the first part's alone). Raises ``NotPlain`` where pyarrow refuses a part."""
    with made.path.open("rb") as stream:
        for number, (start, stop) in enumerate(zip(made.starts, made.starts[1:])):
            stream.seek(start)
            data = stream.read(stop - start)
            if number == 0:
                raw = read.assemble(table, *bulk_records(data), reader="bulk")
                labels.pairable(table, raw.header, raw.header_line)
                yield raw
                continue
            raw = read.assemble(table, *bulk_records(made.header + data), reader="bulk")
            yield _shifted(raw, made.breaks[number] - made.header.count(b"\n"))


def _shifted(raw: read.RawTable, shift: int) -> read.RawTable:
    """A later part's rows at their lines in the whole file, without the header record put before them."""
    return dataclasses.replace(
        raw,
        lines=raw.lines + shift,
        record_lines=raw.record_lines[1:] + shift,
        blank_lines=tuple(line + shift for line in raw.blank_lines),
    )
