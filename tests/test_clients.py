"""The release, opened the way users open it, gives exactly the rows and values of its CSV."""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
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
    database = RELEASE / PKG.database_file
    result = run_process(sqlite3, "-json", f"file:{database}?mode=ro", f'SELECT * FROM "{table}" ORDER BY rowid')
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout or "[]")
    fields = [f["name"] for f in RELEASED.table(table).fields]
    assert [list(row) for row in rows[:1]] == [fields] * min(len(rows), 1)
    assert normalised(table, [[row[f] for f in fields] for row in rows]) == csv_values(table)


def test_the_sqlite_database_declares_types_and_keys():
    sqlite3 = require_program("sqlite3", "sqlite3")
    database = RELEASE / PKG.database_file
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


def test_the_workbook_prints_legibly_with_its_header_on_every_page_and_separated_thousands():
    """#24: a sheet too wide to fit one page at 8 points is not shrunk to it, and repeats its header row and
    first column; a narrow one fits the page's width; About's rows are as tall as their wrapped text; a big
    figure shows its thousands separated."""
    from openpyxl import load_workbook

    workbook = load_workbook(RELEASE / f"{PKG.release_name}.xlsx")
    wide, narrow, about = workbook["observations_labelled"], workbook["area_memberships"], workbook["About"]
    assert not wide.sheet_properties.pageSetUpPr.fitToPage and wide.print_title_rows == "$1:$1"
    assert wide.print_title_cols == "$A:$A"
    fitted = (narrow.page_setup.fitToWidth or 1, narrow.page_setup.fitToHeight)  # 1 wide is OOXML's default
    assert narrow.sheet_properties.pageSetUpPr.fitToPage and fitted == (1, 0)
    described = next(r for r in about.iter_rows(min_row=2) if r[0].value == "observations.value_qualifier")
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in described[1].value)
    assert columns > 100 and about.row_dimensions[described[0].row].height == 15 * -(-columns // 99)
    value = wide.cell(1, 1).parent["M"]  # the value column
    assert wide.cell(1, 13).value == "value"
    big = next(cell for cell in value[1:] if cell.value == 10**13)
    assert big.number_format == "#,##0"


def test_datasette_serves_the_release_with_labels_units_and_its_licence(tmp_path):
    """Datasette, as a user runs it from the release's README: the table page, a foreign key shown by its
    row's name, a column's unit, the view's primary key and the licence, asserted over HTTP."""
    import socket
    import subprocess
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    datasette = Path(sys.executable).with_name("datasette")
    command = [datasette, PKG.database_file, "--metadata", "metadata.json", "-h", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(command, cwd=RELEASE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = f"http://127.0.0.1:{port}/{PKG.database_file.removesuffix('.sqlite')}"

    def get(path: str) -> str:
        for _ in range(100):  # the server starts in a second or two
            try:
                with urllib.request.urlopen(database + path, timeout=5) as response:
                    return response.read().decode("utf-8")
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"Datasette did not answer {database + path}")

    try:
        page = get("/observations")
        rows = json.loads(get("/observations.json?_shape=objects&_labels=on&observation_id=obs-001"))["rows"]
        view = json.loads(get("/observations_labelled.json?_shape=objects&_size=1"))
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert '<a href="https://creativecommons.org/licenses/by/4.0/">Creative Commons Attribution 4.0 International' in (
        page
    )
    assert rows[0]["area_id"] == {"value": "china", "label": "China"}
    assert rows[0]["indicator_id"]["label"] == "Advanced manufacturing clusters under key cultivation"
    assert "Unit: the indicator&#39;s unit." in page or "Unit: the indicator's unit." in page
    assert view["primary_keys"] == ["observation_id"] and view["rows"][0]["observation_id"] == "obs-001"


def test_every_path_the_release_publishes_resolves_inside_it():
    """#24: each path the release descriptor gives, and each value of any table that is a relative file path
    (``documents.archive_path``), names a file of the release folder."""
    import re

    described = json.loads((RELEASE / "datapackage.json").read_text(encoding="utf-8"))
    paths = [r["path"] for r in described["resources"]] + [s["path"] for s in described.get("sources", [])]
    looks_like_a_path = re.compile(r"^[\w.-]+(/[\w.-]+)+\.\w+$")
    for table in TABLES:
        frame = pd.read_parquet(parquet(table))
        for column in frame.select_dtypes(include=["object", "string"]):
            paths += [v for v in frame[column].dropna() if isinstance(v, str) and looks_like_a_path.match(v)]
    assert "sources/documents/stcn-2022-09-24-miit-manufacturing-clusters.txt" in paths
    assert sorted(p for p in paths if not (RELEASE / p).is_file()) == []
