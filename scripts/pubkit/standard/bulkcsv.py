"""The bulk reader: pyarrow's CSV parser over a whole file, every column read as text, with the records it
refuses set aside (with their numbers) for the csv module to read. Reads bytes; writes nothing.
"""

from __future__ import annotations

import csv

import numpy as np
import pyarrow
import pyarrow.compute as pc

CSV_FIELD_LIMIT = csv.field_size_limit()  # the csv module refuses longer cells; so must the bulk reader
HEADER_SCAN = 1 << 16  # bytes in which the header record must lie, for the bulk reader
MAX_SLICES = 1000  # runs of kept rows joined without a copy; more are copied into place
BLOCK_SIZE = 1 << 24  # bytes pyarrow parses at a time: fewer, larger chunks for every later step


class NotPlain(Exception):
    """The bulk reader met something only the record-by-record reader reports exactly."""


def bulk_records(data: bytes) -> tuple[pyarrow.Table, dict[int, list[str]], np.ndarray]:
    import pyarrow.csv

    def parse(threads: bool, skipped: list):
        return pyarrow.csv.read_csv(
            pyarrow.BufferReader(data),
            read_options=pyarrow.csv.ReadOptions(
                use_threads=threads, autogenerate_column_names=True, block_size=BLOCK_SIZE
            ),
            parse_options=pyarrow.csv.ParseOptions(
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=lambda row: skipped.append((row.number, row.text)) or "skip",
            ),
            convert_options=pyarrow.csv.ConvertOptions(
                column_types=text_columns, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )

    # No more columns than the header's commas allow; every one is read as text.
    text_columns = {f"f{i}": pyarrow.string() for i in range(data.count(b",", 0, HEADER_SCAN) + 1)}
    skipped: list = []
    try:
        bulk = parse(True, skipped)
        if skipped:  # row numbers are known only to a single-threaded parse
            del bulk  # before the second parse, not after: one table in memory at a time
            skipped.clear()
            bulk = parse(False, skipped)
    except pyarrow.ArrowInvalid:
        raise NotPlain from None  # the record reader names whatever pyarrow refused
    if any(c.type != pyarrow.string() for c in bulk.columns):
        raise NotPlain  # a header record longer than HEADER_SCAN
    lengths = [pc.max(pc.binary_length(c)).as_py() or 0 for c in bulk.columns]  # bytes: at least the characters
    if max(lengths, default=0) > CSV_FIELD_LIMIT or not any(c[0].as_py() for c in bulk.columns):
        raise NotPlain  # a cell too long for the csv module, or blank lines before the header
    others = {number: next(csv.reader([text])) if text else [] for number, text in skipped}
    total = bulk.num_rows + len(others)
    breaks = np.zeros(total, dtype=np.int64)
    if data.count(b"\n") + (not data.endswith(b"\n")) > total:  # some cell holds a line break
        in_bulk = bulk_numbers(total, others) - 1
        breaks[in_bulk] = sum(pc.count_substring(c, "\n").to_numpy() for c in bulk.columns)
        for number, text in skipped:
            breaks[number - 1] = text.count("\n")
    return bulk, others, breaks


def bulk_numbers(total: int, others: dict) -> np.ndarray:
    """The record number of each bulk-parsed row: every number but those of ``others``."""
    return np.setdiff1d(np.arange(1, total + 1), list(others)) if others else np.arange(1, total + 1)


def rows_at(table: pyarrow.Table, picks: np.ndarray) -> pyarrow.Table:
    """The rows at ``picks``: zero-copy slices while they form few runs (a clean file is one run)."""
    if not len(picks):
        return table.slice(0, 0)
    breaks = np.flatnonzero(np.diff(picks) != 1) + 1
    if len(breaks) >= MAX_SLICES:
        return table.take(picks)
    starts, stops = np.concatenate([[0], breaks]).tolist(), np.concatenate([breaks, [len(picks)]]).tolist()
    return pyarrow.concat_tables([table.slice(int(picks[start]), stop - start) for start, stop in zip(starts, stops)])


def blank_records(bulk: pyarrow.Table) -> np.ndarray:
    """Rows with no value in any cell; only rows whose first cell is empty need a look."""
    blank = pc.equal(pc.binary_length(bulk.column(0)), 0).to_numpy(zero_copy_only=False)
    for column in bulk.columns[1:]:
        if not blank.any():
            break
        blank[blank] = pc.equal(pc.binary_length(column.filter(pyarrow.array(blank))), 0).to_numpy(zero_copy_only=False)
    return blank


# Typing -------------------------------------------------------------------------
