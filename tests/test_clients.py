"""The release, opened the way users open it, gives exactly the rows and values of its CSV."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

from conftest import ROOT, require_program, run_process
from pubkit.standard import descriptor
from pubkit.standard.fieldtypes import normalise

PKG = descriptor.load(ROOT, trusted=True)
RELEASE = ROOT / "dist" / PKG.release_name
RELEASED = descriptor.load(RELEASE)  # the release's own descriptor: every table, and the views the package declares
TABLES = [t.name for t in RELEASED.tables]


def csv_values(table: str) -> list[list]:
    """The release CSV read with nothing but the csv module and the schema's types."""
    fields = RELEASED.table(table).fields
    with (RELEASE / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))[1:]
    return [[normalise(f["type"], _typed(f["type"], cell)) for f, cell in zip(fields, row)] for row in rows]


def _typed(kind: str, cell: str):
    if cell == "":
        return None
    return {"number": float, "integer": int}.get(kind, str)(cell)


def normalised(table: str, rows) -> list[list]:
    kinds = [f["type"] for f in RELEASED.table(table).fields]
    return [[normalise(kind, value) for kind, value in zip(kinds, row)] for row in rows]


def parquet(table: str) -> str:
    return str(RELEASE / "parquet" / f"{table}.parquet")


@pytest.mark.parametrize("table", TABLES)
def test_duckdb_read_parquet(table):
    rows = duckdb.sql(f"select * from read_parquet('{parquet(table)}')").fetchall()
    assert normalised(table, rows) == csv_values(table)


@pytest.mark.parametrize("table", TABLES)
def test_polars(table):
    frame = pl.read_parquet(parquet(table))
    assert frame.columns == RELEASED.table(table).field_names
    assert normalised(table, frame.rows()) == csv_values(table)


@pytest.mark.parametrize("table", TABLES)
def test_pandas_with_pyarrow(table):
    frame = pd.read_parquet(parquet(table), engine="pyarrow")
    rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)
    assert normalised(table, rows) == csv_values(table)


@pytest.mark.parametrize("table", TABLES)
def test_sqlite3_command_line_reads_every_table_as_the_csv(table):
    """#15: the release's SQLite database, read by Debian's sqlite3 (what Datasette users have)."""
    sqlite3 = require_program("sqlite3", "sqlite3")
    database = RELEASE / f"{PKG.release_name}.sqlite"
    result = run_process(sqlite3, "-json", f"file:{database}?mode=ro", f'SELECT * FROM "{table}" ORDER BY rowid')
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout or "[]")
    fields = [f["name"] for f in RELEASED.table(table).fields]
    assert [list(row) for row in rows[:1]] == [fields] * min(len(rows), 1)
    assert normalised(table, [[row[f] for f in fields] for row in rows]) == csv_values(table)


def test_the_sqlite_database_declares_types_and_keys():
    sqlite3 = require_program("sqlite3", "sqlite3")
    database = RELEASE / f"{PKG.release_name}.sqlite"
    schema = run_process(sqlite3, f"file:{database}?mode=ro", ".schema observations").stdout
    assert '"value" REAL' in schema and '"unit_mult" INTEGER' in schema
    assert 'PRIMARY KEY ("observation_id")' in schema
    assert 'FOREIGN KEY ("indicator_id") REFERENCES "indicators" ("indicator_id")' in schema
    assert 'CREATE INDEX "observations_fk0_indicator_id" ON "observations" ("indicator_id");' in schema
    checked = run_process(sqlite3, f"file:{database}?mode=ro", "PRAGMA foreign_key_check; PRAGMA integrity_check;")
    assert checked.stdout == "ok\n"


def test_the_publication_time_keeps_its_offset_in_every_reader():
    """#15.1: documents.published is 2022-09-24T07:31:00+08:00 in the source; readers show that day."""
    path = RELEASE / "parquet" / "documents.parquet"
    assert str(pd.read_parquet(path)["published"][0]) == "2022-09-24 07:31:00+08:00"
    assert str(pl.read_parquet(path)["published"][0]) == "2022-09-24 07:31:00+08:00"
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'Asia/Shanghai'")  # as the README says: DuckDB shows its session's zone
    assert connection.execute(f"select published::date::varchar from '{path}'").fetchall() == [("2022-09-24",)]
    shanghai = f"select timezone('Asia/Shanghai', published)::date::varchar from '{path}'"
    assert duckdb.connect().execute(shanghai).fetchall() == [("2022-09-24",)]


def test_frictionless_cli_validates_the_release_descriptor():
    frictionless = str(Path(sys.executable).parent / "frictionless")
    result = run_process(frictionless, "validate", "--json", str(RELEASE / "datapackage.json"))
    report = json.loads(result.stdout)
    assert (result.returncode, report["valid"], len(report["tasks"])) == (0, True, len(TABLES))


LIBREOFFICE_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"  # -1: every sheet


def libreoffice_sheets(workbook: Path, scratch: Path) -> dict[str, list[list[str]]]:
    """Every sheet of ``workbook`` as LibreOffice Calc reads it, through its own CSV export."""
    soffice = require_program("soffice", "libreoffice-calc-nogui")
    result = run_process(
        soffice,
        "--headless",
        "--norestore",
        f"-env:UserInstallation=file://{scratch}/profile",
        "--convert-to",
        LIBREOFFICE_CSV,
        "--outdir",
        str(scratch / "out"),
        str(workbook),
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    sheets = {}
    for path in (scratch / "out").glob(f"{workbook.stem}-*.csv"):
        with path.open(encoding="utf-8", newline="") as stream:
            sheets[path.stem.removeprefix(f"{workbook.stem}-")] = list(csv.reader(stream))
    return sheets


def test_libreoffice_calc_reads_every_sheet_as_the_csv(tmp_path):
    sheets = libreoffice_sheets(RELEASE / f"{PKG.release_name}.xlsx", tmp_path)
    assert sorted(sheets) == sorted(["About", "Fields", *TABLES])
    for table in TABLES:
        with (RELEASE / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as stream:
            assert sheets[table] == list(csv.reader(stream)), table


def test_text_that_looks_like_a_formula_stays_text_in_libreoffice(tmp_path):
    from pubkit.releases import assemble

    tricky = ["=1+1", "+86", "-5", "@home", "1/4", "007", "2022-09-23", "=SUM(A1:A2)", "TRUE"]
    folder = tmp_path / "pkg"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "t.csv").write_text("text\n" + "".join(f'"{t}"\n' for t in tricky), encoding="utf-8")
    (folder / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "tricky",
                "version": "0.0.1",
                "created": "2026-01-01T00:00:00Z",
                "title": "t",
                "id": "t",
                "resources": [
                    {"name": "t", "path": "sources/t.csv", "schema": {"fields": [{"name": "text", "type": "string"}]}}
                ],
            }
        ),
        encoding="utf-8",
    )
    release = assemble.write_release(descriptor.load(folder, trusted=True), tmp_path / "out-release")
    sheets = libreoffice_sheets(release / "tricky-0.0.1.xlsx", tmp_path)
    assert sheets["t"] == [["text"], *[[t] for t in tricky]]


def test_the_about_sheet_says_how_to_read_a_figure_from_the_schema_and_wraps():
    """#15: qualifiers and bounds explained on the About sheet, in the schema's words (one source)."""
    from openpyxl import load_workbook

    sheet = load_workbook(RELEASE / f"{PKG.release_name}.xlsx")["About"]
    rows = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    fields = {f["name"]: f for f in PKG.table("observations").fields}
    for name in ("value", "value_qualifier", "lower_bound", "upper_bound"):
        assert rows[f"observations.{name}"].value == fields[name]["description"]
        assert rows[f"observations.{name}"].alignment.wrap_text
