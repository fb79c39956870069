"""``check`` proves dist/ from recorded hashes; ``check --deep`` rebuilds and compares: they agree on every defect."""

from __future__ import annotations

import json
import os
import zipfile

import pytest

from conftest import CITATION_NOTE, ROOT, bump, run_cli
from pubkit.releases import buildinfo
from pubkit.standard import descriptor

PKG = descriptor.load(ROOT, trusted=True)
CURRENT = f"dist/{PKG.release_name}"
EARLIER = "dist/china-manufacturing-regions-1.0.0"
UNRELEASED = "dist/china-manufacturing-regions-99.0.0"


def _edit(path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def _changed_csv(package):
    _edit(package / CURRENT / "csv" / "areas.csv", b"CN-BJ", b"CN-BX")


def _added_file(package):
    (package / EARLIER / "notes.txt").write_text("added by hand\n")


def _removed_file(package):
    (package / CURRENT / "parquet" / "areas.parquet").unlink()


def _changed_zip(package):
    with zipfile.ZipFile(package / f"{EARLIER}.zip", "a") as archive:
        archive.writestr("extra.txt", "added")


def _changed_sums(package):
    path = package / CURRENT / "SHA256SUMS"
    path.write_text(path.read_text() + "not a line of sha256sum\n")


def _linked_file(package):
    (package / EARLIER / "shadow").symlink_to("/etc/passwd")


def _stale_source(package):
    _edit(package / "sources" / "areas.csv", b"110000,CN-BJ", b"110001,CN-BJ")


def _missing_release(package):
    bump(package, "99.0.0")


def _half_released(package):
    index = package / "dist" / "releases.json"
    catalogue = json.loads(index.read_text())
    catalogue["releases"][-1]["zip"]["path"] = "elsewhere.zip"
    index.write_text(json.dumps(catalogue))


DEFECTS = [
    _changed_csv,
    _added_file,
    _removed_file,
    _changed_zip,
    _changed_sums,
    _linked_file,
    _stale_source,
    _missing_release,
    _half_released,
]


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.__name__.strip("_") for d in DEFECTS])
def test_check_and_check_deep_agree_on_every_release_defect(package, capsys, defect):
    assert run_cli(capsys, "check", str(package))[0] == 0  # a cache of verified hashes now exists
    defect(package)
    quick = run_cli(capsys, "check", str(package))
    deep = run_cli(capsys, "check", "--deep", str(package))
    assert quick[0] == 1
    assert quick == deep


def test_a_file_changed_behind_the_cache_is_found(package, capsys):
    assert run_cli(capsys, "check", str(package))[0] == 0
    path = package / EARLIER / "csv" / "areas.csv"
    before = path.stat()
    _edit(path, b"CN-BJ", b"CN-BX")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same modification time
    code, out, _ = run_cli(capsys, "check", str(package))
    assert (code, out.splitlines()[0].split(": ")[0]) == (1, f"{EARLIER}/csv/areas.csv")


@pytest.mark.parametrize("cache", [b"not json", b"[1, 2]", b'{"0:0:0:0:0": 3}', b"\xff\xfe"])
def test_a_damaged_cache_is_ignored(package, capsys, cache):
    (package / ".build").mkdir(exist_ok=True)
    (package / ".build" / "verified.json").write_bytes(cache)
    assert run_cli(capsys, "check", str(package))[:2] == (0, f"ok: {PKG.release_name}: sources valid, dist/ verified\n")


def _another_toolkit(monkeypatch):
    monkeypatch.setattr(buildinfo, "code_sha256", lambda: "0" * 64)


def test_a_release_built_by_another_toolkit_is_rebuilt_and_compared(package, capsys, monkeypatch):
    _another_toolkit(monkeypatch)
    code, out, err = run_cli(capsys, "check", str(package))
    assert (code, out) == (0, f"ok: {PKG.release_name}: sources valid, dist/ verified\n")
    recorded = buildinfo.recorded_provenance(ROOT / CURRENT)["toolkit"]["code"].removeprefix("sha256:")[:12]
    assert err == CITATION_NOTE + (
        f"note: {CURRENT} was built by another toolkit or environment (the toolkit's code: sha256 {recorded} then, "
        "sha256 000000000000 now); this toolkit builds the same bytes from these sources (rebuilt and compared)\n"
    )


def test_an_unreleased_build_by_another_toolkit_is_stale(package, capsys, monkeypatch):
    bump(package, "99.0.0")
    assert run_cli(capsys, "build", str(package))[0] == 0
    built = buildinfo.code_sha256()[:12]
    _another_toolkit(monkeypatch)
    code, out, _ = run_cli(capsys, "check", str(package))
    assert (code, out.splitlines()[0]) == (
        1,
        f"{UNRELEASED}: is stale: was built by another toolkit or environment (the toolkit's code: sha256 {built} "
        "then, sha256 000000000000 now); run `make` to rebuild it (stale release)",
    )


def test_check_finds_a_forgery_that_the_recorded_hashes_cannot(package, capsys):
    """A file changed with its SHA256SUMS line and descriptor hash: check regenerates CSV and Parquet and sees
    it; --deep rebuilds every format and sees the formats disagree."""
    bump(package, "99.0.0")
    assert run_cli(capsys, "build", str(package))[0] == 0
    folder = package / UNRELEASED
    path = folder / "csv" / "areas.csv"
    descriptor_file = folder / "datapackage.json"
    renamed = {}
    for changed in (path, descriptor_file):
        old = buildinfo.sha256_file(changed)
        if changed == path:
            _edit(path, b"CN-BJ", b"CN-BX")
        else:
            _edit(descriptor_file, *(h.encode() for h in renamed.popitem()))
        renamed[old] = buildinfo.sha256_file(changed)
        sums = (folder / "SHA256SUMS").read_text().replace(old, renamed[old])
        (folder / "SHA256SUMS").write_text(sums)
    assert run_cli(capsys, "check", str(package)) == (
        1,
        f"{UNRELEASED}: csv/areas.csv differ from what these sources build with the toolkit that built them: the "
        "folder was changed after it was built; run `make` to rebuild it (release altered)\n"
        "1 problem(s):\n  1 × release altered\n",
        CITATION_NOTE,
    )
    code, out, _ = run_cli(capsys, "check", "--deep", str(package))
    assert (code, out.splitlines()[0]) == (
        1,
        f"{UNRELEASED}/parquet/areas.parquet:12: iso_3166_2: 'CN-BJ' here, but 'CN-BX' in the CSV (formats agree)",
    )


def test_check_deep_proves_this_package(package, capsys):
    assert run_cli(capsys, "check", "--deep", str(package))[:2] == (
        0,
        f"ok: {PKG.release_name}: sources valid, dist/ verified\n",
    )


def test_a_released_version_built_by_another_toolkit_is_unchanged_when_the_bytes_are(package, capsys, monkeypatch):
    _another_toolkit(monkeypatch)
    assert run_cli(capsys, "build", str(package)) == (
        0,
        f"unchanged: {CURRENT} already holds exactly this build\n",
        "",
    )


def _forge(package, shown: str, relpath: str, old: bytes, new: bytes) -> None:
    """Change a released file as a forger would: with its SHA256SUMS line, the release descriptor's hash,
    the zip and releases.json all made to agree with it."""
    import json
    import zipfile

    from pubkit.releases import assemble, index

    folder = package / shown
    _edit(folder / relpath, old, new)
    described = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in described["resources"]:
        if resource["path"] == relpath:
            resource["bytes"] = (folder / relpath).stat().st_size
            resource["hash"] = f"sha256:{buildinfo.sha256_file(folder / relpath)}"
    (folder / "datapackage.json").write_text(json.dumps(described, ensure_ascii=False, indent=2), encoding="utf-8")
    assemble.write_sums(folder)
    zipped = folder.with_name(folder.name + ".zip")
    with zipfile.ZipFile(zipped) as archive:
        date_time = archive.infolist()[0].date_time
    index.write_zip(folder, zipped, date_time)
    catalogue = index.load(package)
    entry = next(r for r in catalogue["releases"] if r["folder"] == folder.name)
    entry.update({k: v for k, v in index.entry_files(folder, zipped).items()})
    index.save(package, catalogue)


def test_check_finds_a_released_folder_forged_with_every_hash_that_records_it(package, capsys, monkeypatch):
    monkeypatch.setattr(buildinfo, "identity_changes", lambda was, now: [])  # as if this toolkit had built it
    _forge(package, CURRENT, "csv/areas.csv", b"CN-BJ", b"CN-BX")
    assert run_cli(capsys, "check", str(package)) == (
        1,
        f"{CURRENT}: csv/areas.csv differ from what these sources build with the toolkit that built them: the "
        f"folder was changed after it was built; restore it with `git checkout -- {CURRENT}` (release altered)\n"
        "1 problem(s):\n  1 × release altered\n",
        CITATION_NOTE,
    )
