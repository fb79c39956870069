"""Builds: byte-identical, dated from the descriptor, atomic, and verified by check."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, TRUST, bump, copy_package, run_cli, snapshot
from pubkit.checks import validate
from pubkit.releases import assemble, build, buildinfo, proof, verify
from pubkit.standard import descriptor

RELEASE = f"dist/{descriptor.load(ROOT, trusted=True).release_name}"
PKG_NAME = descriptor.load(ROOT, trusted=True).name


@pytest.fixture
def fresh(tmp_path):
    """A copy of the package with no dist/ yet."""
    return copy_package(tmp_path / "fresh", with_dist=False)


def test_build_writes_the_release_layout(fresh, capsys):
    assert run_cli(capsys, "build", str(fresh)) == (0, f"built: {RELEASE}\n", "")
    files = sorted(snapshot(fresh / RELEASE))
    tables = [
        "area_memberships",
        "areas",
        "documents",
        "ignored_mentions",
        "indicators",
        "observations",
        "observations_labelled",  # a view the package declares
    ]
    assert (
        files
        == sorted(
            [
                "PROVENANCE.md",
                "README.md",  # the release's own: its files, how to load, cite and verify it
                "SHA256SUMS",
                f"{RELEASE[5:]}.xlsx",
                "china-manufacturing-regions.sqlite",  # named for Datasette: no dot but its suffix's
                "metadata.json",  # what Datasette shows of it
                "datapackage.json",
                "dataset.jsonld",
                "index.html",
                "sources/documents/stcn-2022-09-24-miit-manufacturing-clusters.txt",  # at its path in the package
                *[f"csv/{t}.csv" for t in tables],
                *[f"parquet/{t}.parquet" for t in tables],
            ]
        )
    )


def test_a_second_build_changes_no_byte(fresh, capsys):
    run_cli(capsys, "build", str(fresh))
    first = snapshot(fresh / "dist")
    assert run_cli(capsys, "build", str(fresh)) == (0, f"unchanged: {RELEASE} already holds exactly this build\n", "")
    assert snapshot(fresh / "dist") == first


def test_the_committed_release_is_what_the_sources_build(fresh, tmp_path):
    """Built with the identity the release records (toolkit, its code, lock, tools): the same bytes."""
    recorded = buildinfo.recorded_provenance(ROOT / RELEASE)
    pkg = descriptor.load(fresh, trusted=True)
    built = assemble.write_release(pkg, tmp_path, proof.recorded_date(recorded), buildinfo.recorded_identity(recorded))
    assert snapshot(built) == snapshot(ROOT / RELEASE)


def test_build_date_comes_from_the_descriptor_or_source_date_epoch(fresh, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    run_cli(capsys, "build", str(fresh))
    released = json.loads((fresh / RELEASE / "datapackage.json").read_text(encoding="utf-8"))
    assert released["created"] == released["provenance"]["build_date"] == "2023-11-14T22:13:20Z"
    created = descriptor.load(ROOT, trusted=True).descriptor["created"]
    assert (fresh / "datapackage.json").read_text(encoding="utf-8").count(f'"created": "{created}"') == 1  # untouched


def test_sums_cover_every_file_and_match_sha256sum(fresh, capsys):
    run_cli(capsys, "build", str(fresh))
    folder = fresh / RELEASE
    result = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=folder, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
    listed = [line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text().splitlines()]
    assert listed == sorted(set(snapshot(folder)) - {"SHA256SUMS"})


UNRELEASED = "dist/china-manufacturing-regions-9.1.1"


def test_a_changed_number_makes_check_name_the_stale_release(package, capsys):
    bump(package, "9.1.1")
    run_cli(capsys, "build", str(package))
    areas = package / "sources" / "areas.csv"
    areas.write_text(areas.read_text(encoding="utf-8").replace("110000,CN-BJ", "110001,CN-BJ"), encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", str(package))
    assert code == 1
    assert out.splitlines()[0] == (
        f"{UNRELEASED}: is stale: sources/areas.csv changed since it was built; run `make` to rebuild it (stale release)"
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_one_changed_byte_in_a_release_is_named(package, capsys):
    path = package / RELEASE / "csv" / "observations.csv"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"obs-001", b"obs-00I", 1))
    code, out, _ = run_cli(capsys, "check", str(package))
    assert (code, out.splitlines()[0]) == (
        1,
        (
            f"{RELEASE}/csv/observations.csv: has sha256 {_sha(path.read_bytes())}, "
            f"but SHA256SUMS records {_sha(original)}: the file was changed (checksum)"
        ),
    )


def test_a_file_added_to_a_release_is_named(package, capsys):
    (package / RELEASE / "notes.txt").write_text("added by hand\n")
    code, out, _ = run_cli(capsys, "check", str(package))
    assert (code, out.splitlines()[0]) == (
        1,
        f"{RELEASE}/notes.txt: is not listed in SHA256SUMS: a file was added (checksum)",
    )


def test_a_file_removed_from_a_release_is_named(package, capsys):
    (package / RELEASE / "parquet" / "areas.parquet").unlink()
    code, out, _ = run_cli(capsys, "check", str(package))
    assert (code, out.splitlines()[0]) == (
        1,
        f"{RELEASE}/parquet/areas.parquet: is listed in SHA256SUMS but missing: a file was removed (checksum)",
    )


def test_a_missing_release_says_to_run_make(fresh, capsys):
    assert run_cli(capsys, "check", str(fresh)) == (
        1,
        f"{RELEASE}: does not exist: run `make` to build it (stale release)\n1 problem(s):\n  1 × stale release\n",
        "",
    )


def test_check_writes_nothing_but_its_cache_of_verified_hashes(package, capsys):
    before = snapshot(package)
    assert run_cli(capsys, "check", str(package))[0] == 0
    after = snapshot(package)
    cache = after.pop(".build/verified.json")
    assert after == before
    from pubkit.releases import hashes, index

    cached = json.loads(cache)
    released = [f"dist/{PKG_NAME}-{v}" for v in index.released_versions(package)]
    files = [p for folder in released for p in (package / folder).rglob("*") if p.is_file()]
    zips = sorted((package / "dist").glob("*.zip"))
    assert {hashes.stat_key(p) for p in [*files, *zips]} <= set(cached)  # every released byte, hashed once
    assert len([k for k in cached if k.startswith("zip ")]) == len(zips)  # and each zip proven to hold its folder


@pytest.mark.parametrize("delay", [0.2, 0.8, 1.4, 2.0, 2.6])
def test_a_build_killed_at_any_point_leaves_dist_whole(package, delay, capsys):
    bump(package, "9.1.1")
    run_cli(capsys, "build", str(package))
    areas = package / "sources" / "areas.csv"
    areas.write_text(areas.read_text(encoding="utf-8").replace("110000,CN-BJ", "110001,CN-BJ"), encoding="utf-8")
    old = snapshot(package / "dist")
    process = subprocess.Popen(
        [sys.executable, "-m", "pubkit", TRUST, "build", str(package)],
        env={"PYTHONPATH": str(ROOT / "scripts")},
        stdout=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    after = snapshot(package / "dist")
    if after != old:  # the kill came after the atomic swap: the new release is complete
        assert verify.release_folder(package / UNRELEASED, package) == []
    assert sorted(after) == sorted(old)


def test_a_terminated_build_leaves_no_staging_and_a_killed_one_is_cleaned_by_the_next(package, capsys):
    """#14: SIGTERM unwinds the build (its staging goes); what SIGKILL leaves, the next build removes."""
    bump(package, "9.1.1")
    for sent in (signal.SIGTERM, signal.SIGKILL):
        process = subprocess.Popen(
            [sys.executable, "-m", "pubkit", TRUST, "build", str(package)],
            env={"PYTHONPATH": str(ROOT / "scripts")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not list((package / ".build").glob("staging-*/*")) and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(sent)
        assert process.wait() == (143 if sent == signal.SIGTERM else -9)
        left = list((package / ".build").glob("staging-*"))
        assert bool(left) == (sent == signal.SIGKILL)  # only a kill, which nothing can catch, leaves one
    assert run_cli(capsys, "build", str(package))[0] == 0
    assert list((package / ".build").glob("staging-*")) == []


def test_a_build_says_each_long_step_to_whoever_asks(package):
    """#16: the command line passes a progress callback on a terminal; the library itself prints nothing."""
    bump(package, "99.0.0")
    said = []
    assert build.build(descriptor.load(package, trusted=True), progress=said.append) == (
        "built: dist/china-manufacturing-regions-99.0.0"
    )
    frames = validate.read_all(descriptor.load(package, trusted=True))[0].frames
    rows = sum(len(t) for t in frames.values()) + len(frames["observations"])  # and the labelled view
    assert said == [
        "checking the sources",
        "writing CSV and Parquet",
        f"writing the workbook ({rows:,} rows: the longest step), in a second process",
        "writing the SQLite database",
        "writing the datasheet and metadata",
        "verifying the release: checksums, and every cell of CSV, Parquet, workbook and SQLite",
    ]


def test_the_release_descriptor_lists_every_file_of_the_release(fresh, capsys):
    """#15: a catalogue reading datapackage.json sees the whole release, each file with its media type."""
    run_cli(capsys, "build", str(fresh))
    folder = fresh / RELEASE
    described = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    listed = {r["path"]: r for r in described["resources"]} | {f["path"]: f for f in described["pubkit:files"]}
    assert sorted(listed) == sorted(snapshot(folder))
    for path, entry in listed.items():
        if "hash" in entry:
            assert entry["hash"] == f"sha256:{_sha((folder / path).read_bytes())}", path
    assert listed["china-manufacturing-regions.sqlite"]["mediatype"] == "application/vnd.sqlite3"
