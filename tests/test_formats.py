"""Tables in JSON, JSON Lines, Excel and Parquet (``pubkit.standard.tabular``), against frictionless.

For each format: an invalid table gets exactly frictionless' errors, with the exact output a user
sees, and a valid one builds a release that frictionless accepts, holding what frictionless reads.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from conftest import run_cli
from test_conformance import assert_faithful_release, frictionless_errors, our_findings

FIELDS = [{"name": "s", "type": "string"}, {"name": "n", "type": "integer"}]


def _xlsx(rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _parquet(columns: dict) -> bytes:
    import pyarrow
    import pyarrow.parquet as pq

    out = io.BytesIO()
    pq.write_table(pyarrow.table(columns), out)
    return out.getvalue()


INVALID = {  # file name -> (its bytes, fields, the exact output of check)
    "p.json": (
        json.dumps([["s", "n"], ["a", 1], ["b", "2"], ["c", 1.5], [1, True], ["d", None], ["e"]]).encode(),
        FIELDS,
        'p.json:4: n: "1.5" is not an integer (type integer)\n'
        'p.json:5: s: "1" is not a string (type string)\n'
        'p.json:5: n: "true" is not an integer (type integer)\n'
        "p.json:7: n: the row has fewer cells than the header's 2 (missing cell)\n"
        "4 problem(s):\n  1 × missing cell\n  2 × type integer\n  1 × type string\n",
    ),
    "p.jsonl": (
        b'{"s": "a", "n": 1}\n{"s": "b", "n": "x"}\n{"s": 2, "n": 1.0}\n',
        FIELDS,
        'p.jsonl:3: n: "x" is not an integer (type integer)\n'
        'p.jsonl:4: s: "2" is not a string (type string)\n'
        "2 problem(s):\n  1 × type integer\n  1 × type string\n",
    ),
    "p.xlsx": (
        _xlsx([["s", "n", "d"], ["a", 1, dt.datetime(2020, 1, 2)], ["b", 1.5, "2020-01-03"], [], ["c", "7", "x"]]),
        [*FIELDS, {"name": "d", "type": "date"}],
        'p.xlsx:3: n: "1.5" is not an integer (type integer)\n'
        "p.xlsx:4: the row is blank; delete it (blank row)\n"
        'p.xlsx:5: d: "x" is not a date; write dates as YYYY-MM-DD (type date)\n'
        "3 problem(s):\n  1 × blank row\n  1 × type date\n  1 × type integer\n",
    ),
    "p.parquet": (
        _parquet({"s": ["a", "b"], "n": [1.5, 2.0]}),
        FIELDS,
        'p.parquet:2: n: "1.5" is not an integer (type integer)\n1 problem(s):\n  1 × type integer\n',
    ),
}

VALID = {  # file name -> (its bytes, fields)
    "p.json": (json.dumps([{"s": "a", "n": 1}, {"s": "b", "n": "2"}, {"n": 3}]).encode(), FIELDS),
    "p.jsonl": (b'["s", "n"]\n["a", 1]\n["b", null]\n', FIELDS),
    "p.xlsx": (
        _xlsx([["s", "n", "d", "b", "x"], ["a", 1, dt.datetime(2020, 1, 2), True, 0.1], ["b", 2, None, False, 17.84]]),
        [*FIELDS, {"name": "d", "type": "date"}, {"name": "b", "type": "boolean"}, {"name": "x", "type": "number"}],
    ),
    "p.parquet": (
        _parquet({"s": ["a", None], "n": [1, 2], "x": [0.1, float("nan")], "t": ["2020-01-02", "2021-03-04"]}),
        [*FIELDS, {"name": "x", "type": "number"}, {"name": "t", "type": "date"}],
    ),
}


def package(root: Path, name: str, data: bytes, fields: list[dict], **resource) -> Path:
    root.mkdir(parents=True)
    (root / name).write_bytes(data)
    table = {"name": "p", "type": "table", "path": name, **resource, "schema": {"fields": fields}}  # frictionless
    declared = {"name": "formats", "resources": [table]}  # reads a .json resource as a table only so
    (root / "datapackage.json").write_text(json.dumps(declared), encoding="utf-8")
    return root


@pytest.mark.parametrize("name", sorted(INVALID))
def test_an_invalid_table_in_each_format_gets_frictionless_errors(tmp_path, capsys, name):
    data, fields, expected = INVALID[name]
    root = package(tmp_path / "p", name, data, fields)
    assert run_cli(capsys, "check", str(root)) == (1, expected, "")
    assert our_findings(root) == frictionless_errors(root)


@pytest.mark.parametrize("name", sorted(VALID))
def test_a_valid_table_in_each_format_builds_a_release_frictionless_accepts_holding_what_it_reads(
    tmp_path, capsys, name
):
    data, fields = VALID[name]
    root = package(tmp_path / "formats", name, data, fields)
    code, out, err = run_cli(capsys, "check", str(root))
    assert (code, out, err) == (0, "ok: formats: sources valid (no dist/ to verify)\n", "")
    assert_faithful_release(root, capsys)
    released = json.loads(next((root / "dist").iterdir()).joinpath("datapackage.json").read_text(encoding="utf-8"))
    assert [(r["path"], r.get("format")) for r in released["resources"]] == [("csv/p.csv", "csv")]


def test_a_json_number_in_a_string_field_and_a_boolean_in_an_integer_field_are_type_errors_as_in_frictionless(
    tmp_path, capsys
):
    root = package(tmp_path / "p", "p.json", json.dumps([{"s": 10, "n": False}]).encode(), FIELDS)
    assert run_cli(capsys, "check", str(root))[1] == (
        'p.json:2: s: "10" is not a string (type string)\n'
        'p.json:2: n: "false" is not an integer (type integer)\n'
        "2 problem(s):\n  1 × type integer\n  1 × type string\n"
    )
    assert our_findings(root) == frictionless_errors(root)


def test_a_sheet_is_chosen_by_the_dialect_and_a_missing_one_is_named(tmp_path, capsys):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["s", "n"])
    workbook.active.append(["a", "x"])
    second = workbook.create_sheet("data")
    second.append(["s", "n"])
    second.append(["a", 1])
    out = io.BytesIO()
    workbook.save(out)
    root = package(tmp_path / "p", "p.xlsx", out.getvalue(), FIELDS, dialect={"sheet": "data"})
    assert run_cli(capsys, "check", str(root))[0] == 0
    other = package(tmp_path / "q", "p.xlsx", out.getvalue(), FIELDS, dialect={"sheet": "nowhere"})
    assert run_cli(capsys, "check", str(other))[1] == (
        'p.xlsx: the file cannot be read as xlsx: ValueError: the workbook has no sheet "nowhere"; '
        "it has Sheet, data (format)\n1 problem(s):\n  1 × format\n"
    )


@pytest.mark.parametrize(("name", "data"), [("p.json", b"[1, 2"), ("p.xlsx", b"not a zip"), ("p.parquet", b"PAR")])
def test_a_malformed_file_is_one_format_error_never_a_crash(tmp_path, capsys, name, data):
    root = package(tmp_path / "p", name, data, FIELDS)
    code, out, err = run_cli(capsys, "check", str(root))
    assert (code, out.splitlines()[0].startswith(f"{name}: the file cannot be read as "), err) == (1, True, "")
    assert out.endswith("(format)\n1 problem(s):\n  1 × format\n")


def test_a_tsv_file_is_read_tab_separated_as_frictionless_reads_it(tmp_path, capsys):
    root = package(tmp_path / "formats", "p.tsv", b"s\tn\na\t1\nb\tx\n", FIELDS)
    assert run_cli(capsys, "check", str(root))[1] == (
        'p.tsv:3: n: "x" is not an integer (type integer)\n1 problem(s):\n  1 × type integer\n'
    )
    assert our_findings(root) == frictionless_errors(root)


def test_a_parquet_row_of_nulls_is_blank_where_frictionless_reports_a_type_error(tmp_path, capsys):
    """A documented divergence (README): frictionless 5.21 reads a row whose every cell is null, one of
    them in an integer column, as NaN there (through pandas), and reports no integer; the row is blank."""
    from collections import Counter

    root = package(tmp_path / "formats", "p.parquet", _parquet({"s": ["a", None], "n": [1, None]}), FIELDS)
    assert run_cli(capsys, "check", str(root))[1] == (
        "p.parquet:3: the row is blank; delete it (blank row)\n1 problem(s):\n  1 × blank row\n"
    )
    assert frictionless_errors(root) == Counter({("p.parquet", "type-error", 3, "n"): 1})
