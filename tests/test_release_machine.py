"""Release invariants, held by a hypothesis state machine over a small package of someone else's.

Its steps are what a maintainer does: edit rows (add, remove, change), bump the version (rightly or
wrongly), build, check, release, and a release whose write fails half-way. After every step:

- no released row disappears or changes without the version SemVer requires;
- ``dist/releases.json`` only moves forward;
- every released folder still proves (``check`` says nothing of it);
- ``check`` exits 0, or 1 with findings, never 2;
- nothing is written outside the package;
- a value read back from a release's Parquet equals what frictionless reads from the sources it was built from.

``make test`` runs a few examples; ``make test-deep`` (``FUZZ_EXAMPLES=2000``) runs 2000 // 125 = 16.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from conftest import snapshot
from pubkit import cli
from pubkit.releases import index, semver

EXAMPLES = max(2, int(os.environ.get("FUZZ_EXAMPLES", "250")) // 125)
HEADER = "id,n,label"


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def _parts(version: str) -> tuple[int, int, int]:
    return tuple(int(x) for x in version.split("."))


class ReleaseMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.outside = Path(tempfile.mkdtemp(prefix="pubkit-machine-"))
        self.root = self.outside / "package"
        self.root.mkdir()
        (self.outside / "neighbour.txt").write_text("untouched", encoding="utf-8")
        self.rows = {"a": ("1", "one"), "b": ("2", "two")}
        self.version = "1.0.0"
        self.released: list[tuple[str, dict]] = []  # (version, rows) of each release, in order
        self.built_rows: dict[str, dict] = {}  # version -> the rows its folder was built from
        self._write()
        (self.root / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\nFirst.\n", encoding="utf-8")

    def teardown(self):
        shutil.rmtree(self.outside, ignore_errors=True)

    # The package ----------------------------------------------------------------------------------

    def _write(self) -> None:
        lines = [HEADER, *(f"{k},{n},{label}" for k, (n, label) in sorted(self.rows.items()))]
        (self.root / "m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        fields = [{"name": "id"}, {"name": "n", "type": "integer"}, {"name": "label"}]
        descriptor = {
            "name": "machine",
            "title": "A package the state machine edits",
            "id": "urn:uuid:0b3c4d5e-6f70-4a81-9b2c-3d4e5f607182",
            "version": self.version,
            "created": "2026-12-04T00:00:00Z",
            "licenses": [{"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/"}],
            "contributors": [{"title": "Machine", "role": "author"}],
            "resources": [{"name": "m", "path": "m.csv", "schema": {"fields": fields, "primaryKey": ["id"]}}],
        }
        path = self.root / "datapackage.json"
        if path.exists():  # a release sets created: keep what it set
            descriptor["created"] = json.loads(path.read_text(encoding="utf-8"))["created"]
        path.write_text(json.dumps(descriptor, indent=1), encoding="utf-8")

    def _notes(self) -> None:
        changelog = self.root / "CHANGELOG.md"
        text = changelog.read_text(encoding="utf-8")
        if "## Unreleased\n\nA change." not in text:
            changelog.write_text(text.replace("## Unreleased\n", "## Unreleased\n\nA change.\n", 1), encoding="utf-8")

    # Edits ----------------------------------------------------------------------------------------

    @rule(key=st.sampled_from("abcdef"), n=st.integers(-5, 5), label=st.sampled_from(["one", "two", "x y", "ü"]))
    def put_row(self, key, n, label):
        self.rows[key] = (str(n), label)
        self._write()

    @precondition(lambda self: len(self.rows) > 1)
    @rule(data=st.data())
    def remove_row(self, data):
        del self.rows[data.draw(st.sampled_from(sorted(self.rows)))]
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
            self.built_rows[self.version] = dict(self.rows)

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

    @rule()
    def release_interrupted(self):
        """A release whose index cannot be written: the version stays unreleased, and dist/ proves."""
        self._notes()
        saved = index.save

        def full(*args, **kwargs):
            raise OSError(28, "No space left on device")

        index.save = full
        try:
            code, _, err = _run("release", str(self.root))
        finally:
            index.save = saved
        assert code == 1, err
        assert index.load(self.root)["latest"] == (self.released[-1][0] if self.released else None)

    def _released_now(self) -> None:
        catalogue = index.load(self.root)
        version = catalogue["latest"]
        if self.released:
            last, rows = self.released[-1]
            assert _parts(version) > _parts(last), f"{version} released after {last}"
            kind = semver.bump_kind(last, version)
            removed = set(rows) - set(self.rows)
            changed = {k for k in set(rows) & set(self.rows) if rows[k] != self.rows[k]}
            added = set(self.rows) - set(rows)
            if removed:
                assert kind == "major", f"{sorted(removed)} removed in a {kind} release"
            elif added:
                assert kind in ("major", "minor"), f"{sorted(added)} added in a {kind} release"
            elif changed:
                assert kind is not None
        self.released.append((version, dict(self.rows)))
        self.built_rows[version] = dict(self.rows)
        self.version = version
        # a release's descriptor now carries its created: the next edits keep it

    # Invariants -----------------------------------------------------------------------------------

    @invariant()
    def the_index_only_moves_forward_and_holds_every_release(self):
        catalogue = index.load(self.root)
        versions = [entry["version"] for entry in catalogue["releases"]]
        assert versions == [v for v, _ in self.released]
        assert [_parts(v) for v in versions] == sorted({_parts(v) for v in versions})

    @invariant()
    def check_never_crashes_and_says_nothing_of_released_folders(self):
        code, out, err = _run("check", str(self.root))
        assert code in (0, 1), err
        released = {f"dist/machine-{v}" for v, _ in self.released}
        damaged = [line for line in out.splitlines() if any(line.startswith(f"{r}/") for r in released)]
        assert damaged == [], damaged

    @invariant()
    def every_release_holds_the_rows_it_was_built_from(self):
        for version, rows in self.released:
            table = pq.read_table(self.root / "dist" / f"machine-{version}" / "parquet" / "m.parquet").to_pylist()
            assert {r["id"]: (str(r["n"]), r["label"]) for r in table} == rows

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
        machine.put_row(key="c", n=1, label="one")
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
