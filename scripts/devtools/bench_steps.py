"""One benchmark step per process: ``python -m devtools.bench_steps KIND PACKAGE``, KIND one of csv, parquet,
xlsx, bare-xlsx (openpyxl), bare-xlsxwriter, bare-rustpy, bare-sqlite; or ``fidelity`` (no package).

Loads the package's tables and the views it declares (not timed), so that each step writes the same
cells a build writes; writes one format into a scratch folder, and prints ``write_seconds=…`` for the
writing alone.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from pubkit.formats import export, workbook
from pubkit.releases import buildinfo
from pubkit.standard import descriptor, read, views


def main(kind: str, package: str) -> None:
    pkg = descriptor.load(package, trusted=True)
    raws = {t.name: read.raw_table(pkg, t) for t in pkg.tables}
    typed = {name: read.frame(raw) for name, raw in raws.items()}
    texts = {t.name: export.text_frame(t, typed[t.name], export.raw_text(raws[t.name])) for t in pkg.tables}
    made = views.make(pkg, typed, texts)
    tables = [*(table for table, _, _ in made), *pkg.tables]
    typed.update({table.name: frame for table, frame, _ in made})
    texts.update({table.name: text for table, _, text in made})
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        start = time.perf_counter()
        if kind == "csv":
            for table in tables:
                export.write_csv(table, texts[table.name], out / f"{table.name}.csv")
        elif kind == "parquet":
            for table in tables:
                export.write_parquet(export.arrow_table(table, typed[table.name], {}), out / f"{table.name}.parquet")
        elif kind == "xlsx":
            sheets = [(t, typed[t.name], texts[t.name]) for t in tables]
            workbook.write_xlsx(sheets, [("title", "bench")], out / "book.xlsx", buildinfo.build_date(pkg))
        elif kind in READERS:  # the workbook written first, untimed; then every row of every sheet read back
            sheets = [(t, typed[t.name], texts[t.name]) for t in tables]
            workbook.write_xlsx(sheets, [("title", "bench")], out / "book.xlsx", buildinfo.build_date(pkg))
            start = time.perf_counter()
            print(f"rows_read={READERS[kind](out / 'book.xlsx')}")
        elif kind == "bare-sqlite":
            _bare_sqlite(tables, typed, out / "bare.sqlite")
        else:
            BARE_WORKBOOKS[kind](_sheets(tables, typed, texts), out / "bare.xlsx")
        print(f"write_seconds={time.perf_counter() - start:.3f}")


def _bare_sqlite(tables, typed, path: Path) -> None:
    """The baseline: Python's sqlite3 inserting the same rows into untyped tables, in one transaction."""
    import sqlite3

    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    for table in tables:
        columns = ", ".join(f'"{name}"' for name in table.field_names)
        connection.execute(f'CREATE TABLE "{table.name}" ({columns})')
        rows = typed[table.name].astype(object).where(typed[table.name].notna(), None).itertuples(index=False)
        marks = ", ".join("?" for _ in table.field_names)
        connection.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})', (tuple(map(_plain, r)) for r in rows))
    connection.execute("COMMIT")
    connection.close()


def _plain(value):
    return value if value is None or isinstance(value, (int, float, str)) else str(value)


def _sheets(tables, typed, texts) -> list[tuple[list[str], list[tuple]]]:
    """The cells a build writes, as (header, rows) per sheet (a table past Excel's limit on several)."""
    sheets = []
    for table in tables:
        kinds = [f.get("type", "string") for f in table.fields]
        columns = [
            export.excel_column(typed[table.name][f["name"]], texts[table.name][f["name"]], k)
            for f, k in zip(table.fields, kinds)
        ]
        for start in range(0, max(len(typed[table.name]), 1), export.EXCEL_MAX_ROWS - 1):
            rows = list(zip(*(c[start : start + export.EXCEL_MAX_ROWS - 1] for c in columns)))
            sheets.append((table.field_names, rows))
    return sheets


def _bare_openpyxl(sheets, path: Path) -> None:
    """A baseline: openpyxl write-only mode appending the same cells, nothing else."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for header, rows in sheets:
        sheet = workbook.create_sheet()
        sheet.append(header)
        for values in rows:
            sheet.append(values)
    workbook.save(path)


def _bare_xlsxwriter(sheets, path: Path) -> None:
    """A baseline: xlsxwriter in constant memory, text kept text (no formula, link or number made of it)."""
    import xlsxwriter

    from pubkit.formats.workbook import OPTIONS

    workbook = xlsxwriter.Workbook(str(path), {**OPTIONS, "default_date_format": "yyyy-mm-dd"})
    for header, rows in sheets:
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, header)
        for number, values in enumerate(rows, start=1):
            sheet.write_row(number, 0, values)
    workbook.close()


def _bare_rustpy(sheets, path: Path) -> None:
    """A baseline: rustpy-xlsxwriter (Rust's rust_xlsxwriter under a Python binding), the same cells as records."""
    import rustpy_xlsxwriter

    books = {f"Sheet{n}": [dict(zip(header, row)) for row in rows] for n, (header, rows) in enumerate(sheets, 1)}
    rustpy_xlsxwriter.write_worksheets(list(books.items()), str(path))


BARE_WORKBOOKS = {"bare-xlsx": _bare_openpyxl, "bare-xlsxwriter": _bare_xlsxwriter, "bare-rustpy": _bare_rustpy}
EDGE_CELLS = [  # what a faithful workbook writer must keep: (what, value)
    ("formula-like text", "=1+1"),
    ("text starting with +", "+86 10"),
    ("text starting with @", "@handle"),
    ("a URL", "https://example.org/a?b=c"),
    ("a number as text", "00123"),
    ("a 17-digit float", 17.840000000000003),
    ("a small float", 0.000015),
    ("a big integer (2**53)", 2**53),
    ("a big integer as text", "9007199254740993"),
    ("a date", __import__("datetime").date(2022, 9, 23)),
    ("long text", "长" * 32_767),
    ("a boolean", True),
    ("text with a newline", "a\nb"),
]


def _read_whole_sheets(path: Path) -> int:
    """python-calamine: each sheet read whole into memory, then its rows."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return sum(len(book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names)


def _read_streamed_sheets(path: Path) -> int:
    """python-calamine-plus: each sheet streamed a row at a time (what proving a release does)."""
    from python_calamine_plus import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return sum(sum(1 for _ in book.stream_sheet_by_name(name)) for name in book.sheet_names)


READERS = {"read-calamine": _read_whole_sheets, "read-calamine-plus": _read_streamed_sheets}


def fidelity() -> None:
    """Each bare writer writes the edge cells; calamine reads them back; each differing cell is printed."""
    from python_calamine import CalamineWorkbook

    header = [what for what, _ in EDGE_CELLS]
    values = tuple(value for _, value in EDGE_CELLS)
    with tempfile.TemporaryDirectory() as scratch:
        for kind, write in BARE_WORKBOOKS.items():
            path = Path(scratch) / f"{kind}.xlsx"
            write([(header, [values])], path)
            book = CalamineWorkbook.from_path(str(path))
            got = book.get_sheet_by_index(0).to_python()[1]
            differ = [what for what, want, cell in zip(header, values, got) if not _same(want, cell)]
            print(f"fidelity {kind}=" + ("; ".join(differ) if differ else "faithful"))


def _same(want, got) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return want == got and isinstance(got, bool)
    if isinstance(want, int | float) and isinstance(got, int | float):
        return float(want) == float(got)  # a float as the workbook holds it, exactly
    return want == got and type(want) is type(got)


if __name__ == "__main__":
    fidelity() if sys.argv[1] == "fidelity" else main(*sys.argv[1:3])
