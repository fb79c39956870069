"""Releases are immutable, indexed, zipped, and described value by value."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime

from conftest import CITATION_NOTE, ROOT, bump, run_cli, snapshot
from pubkit.standard import descriptor

PKG = descriptor.load(ROOT, trusted=True)
CURRENT, NEXT = PKG.version, "99.0.0"
OLD = f"dist/{PKG.release_name}"
NEW = f"dist/{PKG.name}-{NEXT}"
BUMP = (
    f"{OLD} is released, and the sources no longer build the same bytes (sources/observations.csv changed since "
    f"it was built): bump version in datapackage.json (now {CURRENT}), then run `make release`"
)


def change_a_value(package):
    """A valid edit: obs-020's quote, offsets and stated text stay; only its note changes."""
    path = package / "sources" / "observations.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "支持创建: zones whose creation MIIT supported.", "支持创建: zones MIIT supported the creation of.", 1
        ),
        encoding="utf-8",
    )


def test_a_released_version_is_refused(package, capsys):
    before = snapshot(package)
    assert run_cli(capsys, "release", str(package)) == (
        1,
        "",
        f"error: version {CURRENT} is already released; bump version in datapackage.json to cut a new one\n",
    )
    assert snapshot(package) == before


def test_changed_sources_without_a_bump_fail_build_and_check(package, capsys):
    change_a_value(package)
    before = snapshot(package / "dist")
    assert run_cli(capsys, "build", str(package)) == (1, "", f"error: {BUMP}\n")
    assert snapshot(package / "dist") == before
    located = BUMP.replace(" is released", ": is released", 1)
    found = (1, f"{located} (released)\n1 problem(s):\n  1 × released\n", CITATION_NOTE)
    assert run_cli(capsys, "check", str(package)) == found


def test_a_new_version_is_cut_beside_the_old_one(package, capsys):
    old = snapshot(package / OLD)
    change_a_value(package)
    bump(package, NEXT)
    code, out, err = run_cli(capsys, "release", str(package))
    assert (code, out, err) == (
        0,
        f"released: {NEW} and {NEW}.zip; wrote CHANGELOG.md, CITATION.cff and .zenodo.json\n",
        "",
    )
    assert snapshot(package / OLD) == old
    catalogue = json.loads((package / "dist" / "releases.json").read_text(encoding="utf-8"))
    assert catalogue["latest"] == NEXT
    assert [r["version"] for r in catalogue["releases"]][-2:] == [CURRENT, NEXT]
    changelog = (package / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index(f"## {NEXT}") < changelog.index(f"## {CURRENT}")
    assert f"Changes since {PKG.release_name}." in changelog
    assert "- changed `obs-020`: note: «" in changelog
    assert f'version: "{NEXT}"' in (package / "CITATION.cff").read_text(encoding="utf-8")
    assert run_cli(capsys, "check", str(package))[0] == 0


def test_diff_prints_values_old_and_new(package, capsys):
    change_a_value(package)
    bump(package, NEXT)
    run_cli(capsys, "build", str(package))
    code, out, _ = run_cli(capsys, "diff", str(package / OLD), str(package / NEW))
    assert code == 0
    assert out.startswith(f"Changes since {PKG.release_name}.\n\n### Provenance\n\n")
    assert "- input `sources/observations.csv` changed\n" in out and "sha256:" not in out  # no hash lines
    assert "### `observations`\n\n0 added, 0 removed, 1 changed.\n\n" in out
    assert "conference. 支持创建: zones whose creation MIIT supported.» → «" in out


def test_diff_reports_schema_changes(package, capsys):
    release = package / OLD
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    copy = package / "edited"
    import shutil

    shutil.copytree(release, copy)
    areas = next(r for r in descriptor["resources"] if r["name"] == "areas")
    areas["schema"]["fields"][4]["type"] = "integer"
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    code, out, _ = run_cli(capsys, "diff", str(release), str(copy))
    assert (code, out) == (
        0,
        f"Changes since {PKG.release_name}.\n\n### Schema\n\n- schema: `areas.gb2260_code` type string → integer\n",
    )


def test_the_zip_is_deterministic_and_holds_the_folder(package):
    archive = package / f"{OLD}.zip"
    with zipfile.ZipFile(archive) as opened:
        infos = opened.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        created = datetime.fromisoformat(PKG.descriptor["created"].replace("Z", "+00:00"))
        zip_time = created.replace(second=created.second - created.second % 2)  # a zip counts seconds in twos
        assert {i.date_time for i in infos} == {zip_time.timetuple()[:6]}
        inside = {i.filename: opened.read(i) for i in infos}
    assert inside == {f"{PKG.release_name}/{p}": b for p, b in snapshot(package / OLD).items()}


def test_a_changed_zip_is_named(package, capsys):
    archive = package / f"{OLD}.zip"
    archive.write_bytes(archive.read_bytes() + b"\0")
    code, out, _ = run_cli(capsys, "check", str(package))
    assert (code, out.splitlines()[0]) == (
        1,
        f"{OLD}.zip: is missing or differs from dist/releases.json: a released file changed (release index)",
    )


def test_a_minor_or_major_release_needs_notes_in_words_and_a_patch_does_not(package, capsys):
    bump(package, "99.0.0", notes="")
    before = snapshot(package)
    assert run_cli(capsys, "release", str(package)) == (
        1,
        "",
        f"error: CHANGELOG.md has no notes under `## Unreleased`: a major release ({CURRENT} to 99.0.0) says in "
        "words what changed and why; write them there, then run `make release` again\n",
    )
    assert snapshot(package) == before
    major, minor, patch = (int(x) for x in CURRENT.split("."))
    bump(package, f"{major}.{minor}.{patch + 1}", notes="")
    assert run_cli(capsys, "release", str(package))[0] == 0


def test_the_notes_written_under_unreleased_open_the_entry_and_the_release_is_dated_when_cut(
    package, capsys, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4102444800")  # 2100-01-01, the moment of this release
    change_a_value(package)
    bump(package, NEXT, notes="Corrects the wording of obs-020's note.")
    assert run_cli(capsys, "release", str(package))[0] == 0
    changelog = (package / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith(
        "# Changelog\n\nEvery release of the data, value by value (generated by `make release`).\n\n"
        "## Unreleased\n\nWhat changed and why, in your words: `make release` moves it into the next release's "
        f"entry.\n\n## {NEXT} (2100-01-01)\n\nCorrects the wording of obs-020's note.\n\nChanges since {PKG.release_name}."
    )
    assert '"created": "2100-01-01T00:00:00Z"' in (package / "datapackage.json").read_text(encoding="utf-8")
    assert "date-released: 2100-01-01" in (package / "CITATION.cff").read_text(encoding="utf-8")
    assert json.loads((package / "dist" / "releases.json").read_text())["releases"][-1]["date"] == "2100-01-01"


def test_check_notes_a_created_date_before_the_latest_release(package, capsys):
    bump(package, NEXT)
    path = package / "datapackage.json"
    created = PKG.descriptor["created"]
    path.write_text(path.read_text(encoding="utf-8").replace(created, "2000-01-01T00:00:00Z"), encoding="utf-8")
    run_cli(capsys, "build", str(package))
    code, out, err = run_cli(capsys, "check", str(package))
    assert (code, out) == (0, f"ok: {PKG.name}-{NEXT}: sources valid, dist/ verified\n")
    assert (
        err
        == (
            f"note: datapackage.json: created (2000-01-01T00:00:00Z) is before the latest release ({CURRENT}, "
            f"{created[:10]}); `make release` sets it to the moment of the release\n"
        )
        + CITATION_NOTE
    )


def _edit_observations(package, edit) -> None:
    path = package / "sources" / "observations.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(edit(lines)), encoding="utf-8")


def _release_as(package, capsys, version: str) -> tuple[int, str, str]:
    bump(package, version)
    assert run_cli(capsys, "build", str(package))[0] == 0
    return run_cli(capsys, "check", str(package))


def _version_line(given: str, kind: str, why: str, least: str, suggest: str) -> str:
    return (
        f"datapackage.json: version: {given} is a {kind} release after {CURRENT}, but {why}: that needs a "
        f"{least} release, {suggest} or later (version bump)"
    )


def test_a_released_key_reused_for_another_figure_needs_a_major_version(package, capsys):
    """#16.3: obs-027 now names another area: check names the key and the version that would do."""
    major, minor, _ = (int(x) for x in CURRENT.split("."))
    minor_version = f"{major}.{minor + 1}.0"
    _edit_observations(
        package,
        lambda lines: [
            line.replace(",henan,", ",hubei,", 1) if line.startswith("obs-027,") else line for line in lines
        ],
    )
    code, out, _ = _release_as(package, capsys, minor_version)
    line = _version_line(
        minor_version,
        "minor",
        "observations uses the released key `obs-027` for another indicator_id, area_id, "
        "period, period_start, period_end",
        "major",
        f"{major + 1}.0.0",
    )
    assert (code, out.splitlines()[0]) == (1, line)
    assert run_cli(capsys, "release", str(package)) == (
        1,
        "",
        f"error: {line.split(': ', 1)[1].removesuffix(' (version bump)').removeprefix('version: ')}; nothing was released\n",
    )


def test_a_released_key_gone_needs_a_major_version(package, capsys):
    """#16: obs-027 renamed obs-099 in a minor version: check and release refuse, naming the id and the
    version needed; the major version is accepted. (The figure itself stays, or coverage would say so.)"""
    major, minor, _ = (int(x) for x in CURRENT.split("."))
    _edit_observations(package, lambda lines: [line.replace("obs-027,", "obs-099,", 1) for line in lines])
    code, out, _ = _release_as(package, capsys, f"{major}.{minor + 1}.0")
    why = "observations no longer has the released key `obs-027`"
    line = _version_line(f"{major}.{minor + 1}.0", "minor", why, "major", f"{major + 1}.0.0")
    assert (code, out.splitlines()[0]) == (1, line)
    refusal = line.removeprefix("datapackage.json: version: ").removesuffix(" (version bump)")
    assert run_cli(capsys, "release", str(package)) == (1, "", f"error: {refusal}; nothing was released\n")
    bump(package, f"{major + 1}.0.0")
    assert run_cli(capsys, "release", str(package))[0] == 0
    assert run_cli(capsys, "check", str(package))[:2] == (
        0,
        f"ok: {PKG.name}-{major + 1}.0.0: sources valid, dist/ verified\n",
    )


def test_a_row_added_in_a_patch_needs_a_minor_version(package, capsys):
    major, minor, patch = (int(x) for x in CURRENT.split("."))
    _edit_observations(package, lambda lines: [*lines[:-1], lines[27].replace("obs-027,", "obs-028,", 1), lines[-1]])
    code, out, _ = _release_as(package, capsys, f"{major}.{minor}.{patch + 1}")
    assert (code, out.splitlines()[0]) == (
        1,
        _version_line(
            f"{major}.{minor}.{patch + 1}",
            "patch",
            "observations has the new key `obs-028`",
            "minor",
            f"{major}.{minor + 1}.0",
        ),
    )


def test_release_notes_list_at_most_so_many_rows_of_each_kind_and_count_them_all(tmp_path):
    """A first release of many rows counts them all and lists the first LISTED_ROWS; `pubkit diff` lists all."""
    from pubkit.releases import diff

    folder = tmp_path / "big-1.0.0"
    (folder / "csv").mkdir(parents=True)
    rows = diff.LISTED_ROWS + 7
    (folder / "csv" / "t.csv").write_text("id,x\n" + "".join(f"r{i},{i}\n" for i in range(rows)), encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "string"}, {"name": "x", "type": "integer"}], "primaryKey": ["id"]}
    resources = [{"name": "t", "path": "csv/t.csv", "schema": schema}]
    (folder / "datapackage.json").write_text(json.dumps({"name": "big", "resources": resources}), encoding="utf-8")
    notes = diff.markdown(None, folder, limit=diff.LISTED_ROWS)
    assert f"{rows} added, 0 removed, 0 changed." in notes
    assert notes.count("\n- added ") == diff.LISTED_ROWS
    assert "- … and 7 more rows added (`pubkit diff` of the two release folders lists them all)" in notes
    assert diff.markdown(None, folder).count("\n- added ") == rows
