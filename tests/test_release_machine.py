"""Release invariants, held by a hypothesis state machine over a small package of someone else's.

Its steps are what a maintainer does: edit rows (add, remove, change, reorder), reorder the fields a
primary key lists, add or drop a field, declare or drop a view, bump the version (rightly or wrongly),
build, check, release, a build or release whose write fails half-way, and a build killed by SIGTERM.
After every step:

- no released row disappears or changes without the version SemVer requires;
- ``dist/releases.json`` only moves forward;
- every released folder still proves (``check`` says nothing of it), byte for byte as released;
- ``check`` exits 0, or 1 with findings, never 2;
- nothing is written outside the package;

and after every build or release, a value read back from every format (CSV, Parquet, SQLite, the
workbook) equals what frictionless reads from the sources it was built from.

``make test`` runs a few examples; ``make test-deep`` (``FUZZ_EXAMPLES=2000``) runs 2000 // 125 = 16.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from conftest import ROOT, TRUST, snapshot
from pubkit import cli
from pubkit.formats import sqlite as sqlite_format
from pubkit.releases import index, proof, semver
from pubkit.standard import descriptor

EXAMPLES = max(2, int(os.environ.get("FUZZ_EXAMPLES", "250")) // 125)
LABELS = {"one": "the first", "two": "the second", "x y": "with a space", "ü": "not ASCII"}
VIEW = "m_labelled"


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def _parts(version: str) -> tuple[int, int, int]:
    return tuple(int(x) for x in version.split("."))


def _frictionless_rows(root: Path, name: str) -> list[dict]:
    """The rows of table ``name`` as frictionless reads them from the sources, each value as text."""
    from frictionless import Package

    with contextlib.redirect_stderr(io.StringIO()):
        resource = Package(str(root / "datapackage.json")).get_resource(name)
        return [{k: ("" if v is None else str(v)) for k, v in row.items()} for row in resource.read_rows()]


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _by_key(rows: list[dict], key: str | None = "id") -> dict[str, dict]:
    return {(row[key] if key else str(i)): row for i, row in enumerate(rows)}


def read_back(folder: Path, name: str, key: str | None = "id") -> dict[str, dict[str, dict]]:
    """Table ``name`` of a release folder as each format holds it, every value as text, keyed by ``key``
    (by position where None)."""
    from python_calamine import CalamineWorkbook

    formats = {}
    with (folder / "csv" / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
        formats["csv"] = _by_key(list(csv.DictReader(stream)), key)
    table = pq.read_table(folder / "parquet" / f"{name}.parquet").to_pylist()
    formats["parquet"] = _by_key([{k: _as_text(v) for k, v in row.items()} for row in table], key)
    database = sqlite3.connect(f"file:{folder / descriptor.load(folder).database_file}?mode=ro", uri=True)
    try:
        cursor = database.execute(f'SELECT * FROM "{name}"')
        columns = [c[0] for c in cursor.description]
        formats["sqlite"] = _by_key([{c: _as_text(v) for c, v in zip(columns, r, strict=True)} for r in cursor], key)
    finally:
        database.close()
    sheet = CalamineWorkbook.from_path(str(folder / f"{folder.name}.xlsx")).get_sheet_by_name(name).to_python()
    header, *cells = sheet
    formats["workbook"] = _by_key([{h: _as_text(v) for h, v in zip(header, r, strict=True)} for r in cells], key)
    return formats


def same_values(a: dict[str, dict], b: dict[str, dict]) -> bool:
    """Equal tables, numbers compared as decimals (1 and 1.0 are one value)."""

    def norm(value: str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value

    return {k: {f: norm(v) for f, v in row.items()} for k, row in a.items()} == {
        k: {f: norm(v) for f, v in row.items()} for k, row in b.items()
    }


class ReleaseMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.outside = Path(tempfile.mkdtemp(prefix="pubkit-machine-"))
        self.root = self.outside / "package"
        self.root.mkdir()
        (self.outside / "neighbour.txt").write_text("untouched", encoding="utf-8")
        self.rows = {"a": ("1", "one", "first"), "b": ("2", "two", "")}
        self.version = "1.0.0"
        self.with_note = True  # the table has its optional field, note
        self.key = ["id", "region"]  # the primary key, as the schema lists it
        self.view = False  # a view of m with each label's meaning is declared
        self.order = 0  # the seed of the order rows are written in
        self.released: list[tuple[str, dict, bool]] = []  # (version, rows, with_note) of each release, in order
        self.sealed: dict[str, dict] = {}  # each released folder's bytes, as released
        self._write()
        (self.root / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\nFirst.\n", encoding="utf-8")

    def teardown(self):
        shutil.rmtree(self.outside, ignore_errors=True)

    # The package ----------------------------------------------------------------------------------

    def _write(self) -> None:
        header = ["id", "region", "n", "label", *(["note"] if self.with_note else [])]
        lines = [",".join(header)]
        keys = sorted(self.rows)
        random.Random(self.order).shuffle(keys)
        for k in keys:
            n, label, note = self.rows[k]
            lines.append(",".join([k, "r", n, f'"{label}"', *([note] if self.with_note else [])]))
        (self.root / "m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (self.root / "labels.csv").write_text(
            "label,meaning\n" + "".join(f'"{k}",{v}\n' for k, v in LABELS.items()), encoding="utf-8"
        )
        fields = [{"name": "id"}, {"name": "region"}, {"name": "n", "type": "integer"}, {"name": "label"}]
        fields += [{"name": "note"}] if self.with_note else []
        schema = {
            "fields": fields,
            "primaryKey": self.key,
            "foreignKeys": [{"fields": ["label"], "reference": {"resource": "labels", "fields": ["label"]}}],
        }
        labels = {"fields": [{"name": "label"}, {"name": "meaning"}], "primaryKey": ["label"]}
        descriptor = {
            "name": "machine",
            "title": "A package the state machine edits",
            "id": "urn:uuid:0b3c4d5e-6f70-4a81-9b2c-3d4e5f607182",
            "version": self.version,
            "created": "2026-12-04T00:00:00Z",
            "licenses": [{"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/"}],
            "contributors": [{"title": "Machine", "role": "author"}],
            "resources": [
                {"name": "m", "path": "m.csv", "schema": schema},
                {"name": "labels", "path": "labels.csv", "schema": labels},
            ],
        }
        if self.view:
            join = {"resource": "labels", "on": ["label"], "fields": {"meaning": "meaning"}}
            view = {"name": VIEW, "from": "m", "join": [join], "fields": ["id", "n", "label", "meaning"]}
            descriptor["pubkit:views"] = [view]
        path = self.root / "datapackage.json"
        if path.exists():  # a release sets created: keep what it set
            descriptor["created"] = json.loads(path.read_text(encoding="utf-8"))["created"]
        path.write_text(json.dumps(descriptor, indent=1), encoding="utf-8")

    def _notes(self) -> None:
        changelog = self.root / "CHANGELOG.md"
        text = changelog.read_text(encoding="utf-8")
        if "## Unreleased\n\nA change." not in text:
            changelog.write_text(text.replace("## Unreleased\n", "## Unreleased\n\nA change.\n", 1), encoding="utf-8")

    def _dist(self) -> dict[str, bytes]:
        return snapshot(self.root / "dist") if (self.root / "dist").is_dir() else {}

    # Edits ----------------------------------------------------------------------------------------

    @rule(
        key=st.sampled_from("abcdef"),
        n=st.integers(-5, 5),
        label=st.sampled_from(sorted(LABELS)),
        note=st.sampled_from(["", "seen", "a, b"]),
    )
    def put_row(self, key, n, label, note):
        self.rows[key] = (str(n), label, f'"{note}"' if "," in note else note)
        self._write()

    @precondition(lambda self: len(self.rows) > 1)
    @rule(data=st.data())
    def remove_row(self, data):
        del self.rows[data.draw(st.sampled_from(sorted(self.rows)))]
        self._write()

    @rule(seed=st.integers(0, 1000))
    def reorder_rows(self, seed):
        self.order = seed
        self._write()

    @rule()
    def reorder_key(self):
        """The primary key's fields listed the other way round: the same rows, by name (defect 16)."""
        self.key = self.key[::-1]
        self._write()

    @rule()
    def add_or_drop_field(self):
        self.with_note = not self.with_note
        self._write()

    @rule()
    def declare_or_drop_view(self):
        self.view = not self.view
        self._write()

    @rule(kind=st.sampled_from(["patch", "minor", "major", "same", "back"]))
    def bump(self, kind):
        major, minor, patch = _parts(self.version)
        self.version = {
            "patch": f"{major}.{minor}.{patch + 1}",
            "minor": f"{major}.{minor + 1}.0",
            "major": f"{major + 1}.0.0",
            "same": self.version,
            "back": f"{major}.{minor}.{patch - 1}" if patch else self.version,
        }[kind]
        self._write()

    # Commands -------------------------------------------------------------------------------------

    @rule()
    def build(self):
        code, _, err = _run("build", str(self.root))
        assert code in (0, 1), err
        if code == 0:
            self._read_back(self.version)

    @rule()
    def release(self):
        self._notes()
        before = (self.root / "dist" / "releases.json").read_bytes() if self.released else None
        code, _, err = _run("release", str(self.root))
        assert code in (0, 1), err
        if code == 1:
            after = (self.root / "dist" / "releases.json").read_bytes() if self.released else None
            assert after == before, "a refused release changed the index"
            return
        self._released_now()

    @rule(fault=st.sampled_from(["index", "zip", "sqlite"]), command=st.sampled_from(["build", "release"]))
    def write_fails(self, fault, command):
        """A write that fails for lack of space: the command exits 1 and dist/ is as it was."""
        self._notes()
        target, name = {
            "index": (index, "save"),
            "zip": (index, "write_zip"),
            "sqlite": (sqlite_format, "write_sqlite"),
        }[fault]
        saved, before = getattr(target, name), self._dist()

        def full(*args, **kwargs):
            raise OSError(28, "No space left on device")

        setattr(target, name, full)
        try:
            code, _, err = _run(command, str(self.root))
        finally:
            setattr(target, name, saved)
        assert code in (0, 1), err
        if code == 1:
            assert self._dist() == before, f"a failed {command} changed dist/"
            assert index.load(self.root)["latest"] == (self.released[-1][0] if self.released else None)
        elif command == "release":  # nothing it needed failed (the build was already there)
            self._released_now()

    @rule(delay=st.floats(0.0, 3.0))
    def build_killed(self, delay):
        """``build`` sent SIGTERM part of the way: dist/ is as it was, or holds the whole build."""
        before = self._dist()
        process = subprocess.Popen(
            [sys.executable, "-m", "pubkit", TRUST, "build", str(self.root)],
            env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=120)
        assert process.returncode in (0, 1, 128 + signal.SIGTERM, -signal.SIGTERM), err
        if self._dist() != before:  # it published before the signal came: the whole build, proven
            folder = self.root / "dist" / f"machine-{self.version}"
            assert proof.integrity(folder, folder.name) == [], "a killed build left part of a folder"
            self._read_back(self.version)

    def _released_now(self) -> None:
        catalogue = index.load(self.root)
        version = catalogue["latest"]
        if self.released:
            last, rows, with_note = self.released[-1]
            assert _parts(version) > _parts(last), f"{version} released after {last}"
            kind = semver.bump_kind(last, version)
            removed = set(rows) - set(self.rows)
            changed = {k for k in set(rows) & set(self.rows) if rows[k] != self.rows[k]}
            added = set(self.rows) - set(rows)
            if removed or (with_note and not self.with_note):
                assert kind == "major", f"{sorted(removed)} or a field removed in a {kind} release"
            elif added or (self.with_note and not with_note):
                assert kind in ("major", "minor"), f"{sorted(added)} or a field added in a {kind} release"
            elif changed:
                assert kind is not None
        self.released.append((version, dict(self.rows), self.with_note))
        self.version = version
        folder = self.root / "dist" / f"machine-{version}"
        self.sealed[version] = snapshot(folder)
        self._read_back(version)
        # a release's descriptor now carries its created: the next edits keep it

    def _read_back(self, version: str) -> None:
        """Every format of the folder just written holds what frictionless reads from the sources."""
        folder = self.root / "dist" / f"machine-{version}"
        expected = {"m": _by_key(_frictionless_rows(self.root, "m"))}
        if self.view:
            expected[VIEW] = {
                k: {f: row[f] for f in ("id", "n", "label")} | {"meaning": LABELS[row["label"]]}
                for k, row in expected["m"].items()
            }
        for name, rows in expected.items():
            for kind, held in read_back(folder, name).items():
                assert same_values(held, rows), f"{name} in {kind} of {folder.name}: {held} != {rows}"

    # Invariants -----------------------------------------------------------------------------------

    @invariant()
    def the_index_only_moves_forward_and_holds_every_release(self):
        catalogue = index.load(self.root)
        versions = [entry["version"] for entry in catalogue["releases"]]
        assert versions == [v for v, _, _ in self.released]
        assert [_parts(v) for v in versions] == sorted({_parts(v) for v in versions})

    @invariant()
    def check_never_crashes_and_says_nothing_of_released_folders(self):
        code, out, err = _run("check", str(self.root))
        assert code in (0, 1), err
        released = {f"dist/machine-{v}" for v, _, _ in self.released}
        damaged = [
            line
            for line in out.splitlines()
            if any(line.startswith(f"{r}/") for r in released) or line.endswith("(release altered)")
        ]
        assert damaged == [], damaged

    @invariant()
    def every_released_folder_is_byte_for_byte_as_released(self):
        for version, files in self.sealed.items():
            assert snapshot(self.root / "dist" / f"machine-{version}") == files, f"machine-{version} changed"

    @invariant()
    def nothing_outside_the_package_changed(self):
        outside = {p for p in snapshot(self.outside) if not p.startswith("package/")}
        assert outside == {"neighbour.txt"}
        assert (self.outside / "neighbour.txt").read_text(encoding="utf-8") == "untouched"


ReleaseMachine.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
TestReleaseMachine = ReleaseMachine.TestCase


def test_the_machine_sees_a_release_that_goes_backwards():
    """The invariant that the index only moves forward can fail: an index edited to go backwards is caught."""
    machine = ReleaseMachine()
    try:
        machine.release()
        machine.put_row(key="c", n=1, label="one", note="")
        machine.bump(kind="minor")
        machine.release()
        catalogue = json.loads((machine.root / "dist" / "releases.json").read_text(encoding="utf-8"))
        assert [e["version"] for e in catalogue["releases"]] == ["1.0.0", "1.1.0"]
        catalogue["releases"].reverse()
        (machine.root / "dist" / "releases.json").write_text(json.dumps(catalogue), encoding="utf-8")
        with pytest.raises(AssertionError):
            machine.the_index_only_moves_forward_and_holds_every_release()
    finally:
        machine.teardown()
