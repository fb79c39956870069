"""A probe per property (``tests/probes.py``): the exact output users see, and frictionless' findings.

The expected outputs are ``tests/fixtures/probes/<probe>.txt``: write them anew with
``PROBES_WRITE=1 pytest tests/test_probes.py``, then read every changed line before committing.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from probes import DIVERGENCES, FILES, KNOWN_GAPS, PROBES, STRICT, V2
from test_conformance import RELEASE_NEEDS, assert_faithful_release, frictionless_errors, our_findings

EXPECTED = FIXTURES / "probes"
TWO_TABLES = {  # composite and cross-table foreign keys need a second table
    "foreign-key-composite": (
        "a,b,v\nx,1,ok\nx,2,dangling\n",
        "a,b\nx,1\n",
        {"fields": ["a", "b"], "reference": {"resource": "parent", "fields": ["a", "b"]}},
    ),
    "foreign-key-string-fields": (
        "a,b,v\nx,1,ok\ny,1,dangling\n",
        "a,b\nx,1\n",
        {"fields": "a", "reference": {"resource": "parent", "fields": "a"}},
    ),
}


def probe_package(root: Path, resource: dict, schema: dict, data) -> Path:
    root.mkdir(parents=True)
    for name, text in FILES.get(root.name, {}).items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "p.csv").write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    v2 = {"$schema": "https://datapackage.org/profiles/2.0/datapackage.json"} if resource.pop(V2, False) else {}
    strict = {"pubkit:strict": True, **RELEASE_NEEDS} if resource.pop(STRICT, False) else {}
    where = {} if "data" in resource else {"path": "p.csv"}
    descriptor = {**v2, "name": "probe", "resources": [{"name": "p", **where, **resource, "schema": schema}]}
    descriptor.update(strict)
    (root / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return root


def two_table_package(root: Path, child: str, parent: str, key: dict) -> Path:
    root.mkdir(parents=True)
    (root / "child.csv").write_text(child, encoding="utf-8")
    (root / "parent.csv").write_text(parent, encoding="utf-8")
    text = {"type": "string"}
    resources = [
        {
            "name": "child",
            "path": "child.csv",
            "schema": {"fields": [{"name": n, **text} for n in "abv"], "foreignKeys": [key]},
        },
        {"name": "parent", "path": "parent.csv", "schema": {"fields": [{"name": n, **text} for n in "ab"]}},
    ]
    (root / "datapackage.json").write_text(json.dumps({"name": "probe", "resources": resources}), encoding="utf-8")
    return root


def _expect(name: str, out: str) -> str:
    path = EXPECTED / f"{name}.txt"
    if os.environ.get("PROBES_WRITE"):
        EXPECTED.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "resource", "schema", "data"),
    [
        pytest.param(*p, marks=pytest.mark.xfail(reason=KNOWN_GAPS[p[0]], strict=True)) if p[0] in KNOWN_GAPS else p
        for p in PROBES
    ],
    ids=[p[0] for p in PROBES],
)
def test_probe(tmp_path, capsys, name, resource, schema, data):
    package = probe_package(tmp_path / name, dict(resource), schema, data)
    code, out, err = run_cli(capsys, "check", str(package))
    assert (out + err) == _expect(name, out + err)
    assert code == (0 if out.startswith("ok:") else 1)
    json_code, json_out, _ = run_cli(capsys, "check", "--json", str(package))  # always JSON, the same findings
    assert (json_code, len(json.loads(json_out))) == (code, int(out.split(" problem(s):")[0].split("\n")[-1] or 0))
    if name in DIVERGENCES:  # documented: frictionless accepts what the standard does not
        assert frictionless_errors(package) == Counter()
    elif "refused" not in out and not name.endswith("-strict"):  # refusals and strictness are ours alone
        assert our_findings(package) == frictionless_errors(package)


@pytest.mark.parametrize("name", sorted(TWO_TABLES))
def test_two_table_probe(tmp_path, capsys, name):
    package = two_table_package(tmp_path / name, *TWO_TABLES[name])
    _, out, err = run_cli(capsys, "check", str(package))
    assert (out + err) == _expect(name, out + err)
    assert our_findings(package) == frictionless_errors(package)


VALID = [
    p
    for p in PROBES
    if p[0] not in KNOWN_GAPS
    and p[0] != "number-nan-key"
    and (EXPECTED / f"{p[0]}.txt").is_file()
    and (EXPECTED / f"{p[0]}.txt").read_text(encoding="utf-8").startswith("ok:")
]


@pytest.mark.parametrize(("name", "resource", "schema", "data"), VALID, ids=[p[0] for p in VALID])
def test_valid_probe_builds_a_faithful_release(tmp_path, capsys, name, resource, schema, data):
    assert_faithful_release(probe_package(tmp_path / name, dict(resource), schema, data), capsys)


def test_multipart_resource_reads_as_one_table_and_names_each_part(tmp_path, capsys):
    package = tmp_path / "multipart"
    package.mkdir()
    (package / "a.csv").write_text("s,n\na,1\n", encoding="utf-8")
    (package / "b.csv").write_text("s,n\nb,x\nc,3\nd,y\n", encoding="utf-8")
    schema = {"fields": [{"name": "s"}, {"name": "n", "type": "integer"}]}
    descriptor = {"name": "multi", "resources": [{"name": "p", "path": ["a.csv", "b.csv"], "schema": schema}]}
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert run_cli(capsys, "check", str(package)) == (
        1,
        'b.csv:2: n: "x" is not an integer (type integer)\nb.csv:4: n: "y" is not an integer (type integer)\n'
        "2 problem(s):\n  2 × type integer\n",
        "",
    )

    def rows(found) -> Counter:
        return Counter((kind, row, field) for _, kind, row, field in found.elements())

    assert rows(our_findings(package)) == rows(frictionless_errors(package))  # frictionless names the whole
    (package / "b.csv").write_text("s,n\nb,2\n", encoding="utf-8")
    assert_faithful_release(package, capsys)


def test_a_key_repeated_across_parts_names_the_part_of_its_first_row(tmp_path, capsys):
    package = tmp_path / "multipart"
    package.mkdir()
    (package / "p1.csv").write_text("id,n\na,1\nb,2\n", encoding="utf-8")
    (package / "p2.csv").write_text("id,n\nc,3\na,4\nc,5\n", encoding="utf-8")
    schema = {"fields": [{"name": "id"}, {"name": "n", "type": "integer"}], "primaryKey": ["id"]}
    descriptor = {"name": "multi", "resources": [{"name": "m", "path": ["p1.csv", "p2.csv"], "schema": schema}]}
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert run_cli(capsys, "check", str(package)) == (
        1,
        'p2.csv:3: id: "a" repeats p1.csv line 2 (primary key)\np2.csv:4: id: "c" repeats line 2 (primary key)\n'
        "2 problem(s):\n  2 × primary key\n",
        "",
    )


def _package_with_a_document(root: Path, declared: bytes, held: bytes) -> Path:
    """A table and a non-tabular resource (a PDF) that declares its bytes and sha256."""
    import hashlib

    (root / "docs").mkdir(parents=True)
    (root / "p.csv").write_text("s,n\na,1\n", encoding="utf-8")
    (root / "docs" / "report.pdf").write_bytes(held)
    document = {
        "name": "report",
        "title": "The report",
        "path": "docs/report.pdf",
        "mediatype": "application/pdf",
        "bytes": len(declared),
        "hash": f"sha256:{hashlib.sha256(declared).hexdigest()}",
    }
    table = {"name": "p", "path": "p.csv", "schema": {"fields": [{"name": "s"}, {"name": "n", "type": "integer"}]}}
    descriptor = {"name": "probe", "resources": [table, document]}
    (root / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return root


def test_a_non_tabular_resource_is_checked_by_its_bytes_and_hash_and_shipped_as_a_file(tmp_path, capsys):
    """#22: a document of the package needs no schema; a changed one is found as frictionless finds it, and
    a release carries it at its path, listed in its descriptor with its sha256."""
    import hashlib

    good = b"%PDF-1.4 the report\n"
    changed = _package_with_a_document(tmp_path / "changed", good, b"%PDF-1.4 the rep0rt\n")
    assert run_cli(capsys, "check", str(changed)) == (
        1,
        f"docs/report.pdf: has sha256 {hashlib.sha256(b'%PDF-1.4 the rep0rt' + bytes([10])).hexdigest()}, but the "
        f"descriptor declares sha256:{hashlib.sha256(good).hexdigest()} (hash count)\n1 problem(s):\n  1 × hash count\n",
        "",
    )
    assert our_findings(changed) == frictionless_errors(changed)
    valid = _package_with_a_document(tmp_path / "valid", good, good)
    assert run_cli(capsys, "check", str(valid))[:2] == (0, "ok: valid: sources valid (no dist/ to verify)\n")
    assert_faithful_release(valid, capsys)
    release = next((valid / "dist").glob("probe-*/"))
    assert (release / "docs" / "report.pdf").read_bytes() == good
    listed = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    assert listed[-1] == {
        "name": "report",
        "title": "The report",
        "path": "docs/report.pdf",
        "mediatype": "application/pdf",
        "bytes": len(good),
        "hash": f"sha256:{hashlib.sha256(good).hexdigest()}",
    }


def _compressed_package(root: Path, rows: str, archive: bytes | None = None) -> Path:
    """A table as ``.csv.gz`` and one as the single file of a ``.csv.zip``, as frictionless reads them."""
    import gzip
    import io
    import zipfile

    root.mkdir(parents=True)
    (root / "p.csv.gz").write_bytes(archive if archive is not None else gzip.compress(rows.encode(), mtime=0))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("q.csv", rows)
    (root / "q.csv.zip").write_bytes(buffer.getvalue())
    schema = {"fields": [{"name": "s"}, {"name": "n", "type": "integer"}]}
    resources = [{"name": n, "path": p, "schema": schema} for n, p in (("p", "p.csv.gz"), ("q", "q.csv.zip"))]
    (root / "datapackage.json").write_text(json.dumps({"name": "probe", "resources": resources}), encoding="utf-8")
    return root


def test_compressed_tables_are_read_as_frictionless_reads_them(tmp_path, capsys):
    """#22: ``.csv.gz`` and ``.csv.zip`` give frictionless' findings at its rows, build a release that holds
    their values, and a broken archive is one compression error."""
    invalid = _compressed_package(tmp_path / "invalid", "s,n\na,1\nb,x\n")
    assert run_cli(capsys, "check", str(invalid)) == (
        1,
        'p.csv.gz:3: n: "x" is not an integer (type integer)\nq.csv.zip:3: n: "x" is not an integer (type integer)\n'
        "2 problem(s):\n  2 × type integer\n",
        "",
    )
    inner = Counter({(path.split(" -> ")[0], *rest): n for (path, *rest), n in frictionless_errors(invalid).items()})
    assert our_findings(invalid) == inner  # frictionless names a zip's file "q.csv.zip -> q.csv"
    broken = _compressed_package(tmp_path / "broken", "s,n\na,1\n", archive=b"garbage")
    assert run_cli(capsys, "check", str(broken))[:2] == (
        1,
        "p.csv.gz: cannot be decompressed as gz: Not a gzipped file (b'ga') (compression)\n"
        "1 problem(s):\n  1 × compression\n",
    )
    assert our_findings(broken) == frictionless_errors(broken)
    assert_faithful_release(_compressed_package(tmp_path / "valid", "s,n\na,1\nb,2\n"), capsys)


def test_categories_land_in_parquet_as_a_dictionary_and_in_the_data_dictionary(tmp_path, capsys):
    import pandas as pd
    import pyarrow.parquet as pq

    probe = next(p for p in PROBES if p[0] == "categories-objects-ordered")
    package = probe_package(tmp_path / probe[0], dict(probe[1]), probe[2], probe[3])
    assert_faithful_release(package, capsys)
    release = next((package / "dist").iterdir())
    column = pq.read_table(release / "parquet" / "p.parquet").schema.field("c").type
    assert str(column) == "dictionary<values=string, indices=int32, ordered=0>"
    read = pd.read_parquet(release / "parquet" / "p.parquet")["c"]
    assert (read.dtype.name, read.tolist()) == ("category", ["hi", "lo", "mid"])
    metadata = json.loads((release / "metadata.json").read_text(encoding="utf-8"))
    table = next(iter(metadata["databases"].values()))["tables"]["p"]
    assert table["columns"]["c"] == "c Categories: ordered: lo (low), hi (high)."
    import sqlite3

    with sqlite3.connect(release / "probe.sqlite") as database:
        rows = database.execute('SELECT * FROM "_categories" ORDER BY "position"').fetchall()
        ordered = database.execute(
            'SELECT p.c FROM p JOIN "_categories" k ON k.value = p.c ORDER BY k.position'
        ).fetchall()
    database.close()
    assert (rows, ordered) == ([("p", "c", "lo", "low", 1), ("p", "c", "hi", "high", 2)], [("lo",), ("hi",)])


def test_a_key_that_holds_nan_twice_is_valid_but_cannot_be_released_to_sqlite(tmp_path, capsys):
    """frictionless holds two NaN keys distinct (NaN equals nothing); SQLite, which has no NaN, would repeat
    them: the build says so in one line, and writes nothing."""
    probe = next(p for p in PROBES if p[0] == "number-nan-key")
    package = probe_package(tmp_path / probe[0], dict(probe[1]), probe[2], probe[3])
    declared = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    (package / "datapackage.json").write_text(json.dumps({**RELEASE_NEEDS, **declared}), encoding="utf-8")
    assert run_cli(capsys, "build", str(package)) == (
        1,
        "p.csv: SQLite refuses the rows of p: UNIQUE constraint failed: p.n (sqlite)\n1 problem(s):\n  1 × sqlite\n",
        "",
    )
    assert not (package / "dist").exists()


def test_nan_is_a_value_in_every_format_and_the_formats_are_held_to_it(tmp_path, capsys):
    import sqlite3

    import pyarrow.parquet as pq

    from pubkit.formats import agree

    probe = next(p for p in PROBES if p[0] == "number-nan")
    package = probe_package(tmp_path / probe[0], dict(probe[1]), probe[2], "s,n\na,NaN\nb,\nc,1.5\n")
    assert_faithful_release(package, capsys)
    release = next((package / "dist").iterdir())
    assert (release / "csv" / "p.csv").read_bytes() == b"s,n\r\na,NaN\r\nb,\r\nc,1.5\r\n"
    assert str(pq.read_table(release / "parquet" / "p.parquet")["n"].to_pylist()) == "[nan, None, 1.5]"
    database = release / "probe.sqlite"
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT n, typeof(n) FROM p").fetchall() == [
            ("NaN", "text"),
            (None, "null"),
            (1.5, "real"),
        ]
        connection.execute("UPDATE p SET n = NULL WHERE s = 'a'")  # a NaN lost: the formats no longer agree
    connection.close()
    found = agree.agree(release, "dist", fast=False)
    assert [(f.path, f.line, f.field, f.type) for f in found] == [("dist/probe.sqlite", 2, "n", "formats-agree")]
