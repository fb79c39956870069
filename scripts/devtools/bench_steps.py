"""One benchmark step per process: ``python -m devtools.bench_steps csv|parquet|xlsx|bare-xlsx|bare-sqlite PACKAGE``.

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
from pubkit.releases import assemble, buildinfo
from pubkit.standard import descriptor, read, views


def main(kind: str, package: str) -> None:
    pkg = descriptor.load(package, trusted=True)
    raws = {t.name: read.raw_table(pkg, t) for t in pkg.tables}
    typed = {name: read.frame(raw) for name, raw in raws.items()}
    texts = {t.name: export.text_frame(t, typed[t.name], assemble.raw_text(raws[t.name])) for t in pkg.tables}
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
        elif kind == "bare-sqlite":
            _bare_sqlite(tables, typed, out / "bare.sqlite")
        else:
            _bare_openpyxl(tables, typed, texts, out / "bare.xlsx")
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


def _bare_openpyxl(tables, typed, texts, path: Path) -> None:
    """The baseline: openpyxl write-only mode appending the same cells, nothing else."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for table in tables:
        kinds = [f.get("type", "string") for f in table.fields]
        columns = [
            export.excel_column(typed[table.name][f["name"]], texts[table.name][f["name"]], k)
            for f, k in zip(table.fields, kinds)
        ]
        for start in range(0, max(len(typed[table.name]), 1), export.EXCEL_MAX_ROWS - 1):
            sheet = workbook.create_sheet()
            sheet.append(table.field_names)
            for values in zip(*(c[start : start + export.EXCEL_MAX_ROWS - 1] for c in columns)):
                sheet.append(values)
    workbook.save(path)


if __name__ == "__main__":
    main(*sys.argv[1:3])
