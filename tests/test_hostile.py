"""Typing slips, other people's packages and hostile files (issue: 36 defects): each gives one located line.

Everything under ``dist/`` is untrusted: nothing outside the package is read, nothing hangs, nothing crashes.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, bump, copy_package, notes_only, run_cli, snapshot
from devtools import synth
from pubkit.base.findings import PubkitError
from pubkit.standard import descriptor

RELEASED = "china-manufacturing-regions-1.2.0"


def edit_json(path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def check(capsys, package) -> tuple[int, list[str]]:
    code, out, err = run_cli(capsys, "check", str(package))
    return code, (out + err).splitlines()


def test_synth_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(PubkitError, match="exists and is not an empty folder"):
        synth.write(descriptor.load(ROOT, trusted=True), tmp_path, rows=30)
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "precious"


def test_a_resource_name_that_is_a_path_is_refused_and_nothing_is_written(package, capsys):
    edit_json(package / "datapackage.json", lambda d: d["resources"][0].update(name="../../escaped"))
    before = snapshot(package.parent)
    assert check(capsys, package) == (
        1,
        [
            'datapackage.json: resources[0].name "../../escaped" must be lower-case letters, digits, ., _ or - '
            "(the standard's pattern) (descriptor)",
            'schemas/observations.schema.json: the foreign key {"fields": ["document_id"], "reference": {"resource": '
            '"documents", "fields": ["document_id"]}} points to no table of the package (descriptor)',
            'schemas/ignored_mentions.schema.json: the foreign key {"fields": ["document_id"], "reference": '
            '{"resource": "documents", "fields": ["document_id"]}} points to no table of the package (descriptor)',
            "3 problem(s):",
            "  3 × descriptor",
        ],
    )
    assert snapshot(package.parent) == before


def test_a_resource_listed_twice_is_one_line(package, capsys):
    edit_json(package / "datapackage.json", lambda d: d["resources"].append(d["resources"][2]))
    assert check(capsys, package)[1][0] == (
        'datapackage.json: resources[6].name "area_memberships" is the name of an earlier resource: names must be '
        "unique (descriptor)"
    )


@pytest.mark.parametrize(
    ("created", "line"),
    [
        ("1970-01-01T00:00:00Z", 'created "1970-01-01T00:00:00Z" lies outside 1980–2107, which a zip file can date'),
        (
            "2026-11-27T00:00:00",
            'created "2026-11-27T00:00:00" has no UTC offset: add Z or +08:00, so that builds agree',
        ),
    ],
)
def test_a_release_date_a_zip_cannot_hold_is_found_by_check(package, capsys, created, line):
    bump(package, "99.0.0")
    edit_json(package / "datapackage.json", lambda d: d.update(created=created))
    assert check(capsys, package)[1][0] == f"datapackage.json: {line} (descriptor)"


def test_a_source_date_epoch_that_is_no_date_is_one_line(package, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    bump(package, "99.0.0")
    assert run_cli(capsys, "build", str(package)) == (
        1,
        "",
        "error: SOURCE_DATE_EPOCH='abc' is not a whole number of seconds between 1980 and 2107\n",
    )


@pytest.mark.parametrize("path", ["sources", "sources/nothing.txt"])
def test_a_source_that_is_no_file_is_one_line(package, capsys, path):
    edit_json(package / "datapackage.json", lambda d: d["sources"].append({"title": "x", "path": path}))
    assert check(capsys, package)[1][0] == (
        f'datapackage.json: sources[1].path "{path}" is listed but is no file of the package (missing-file)'
    )


def test_a_descriptor_nested_too_deeply_is_one_line(package, capsys):
    text = (package / "datapackage.json").read_text(encoding="utf-8")
    (package / "datapackage.json").write_text(text[:-2] + ', "deep": ' + "[" * 100000 + "]" * 100000 + "}\n")
    assert check(capsys, package)[1][0] == "datapackage.json: is nested too deeply to be a descriptor (json)"


@pytest.mark.parametrize(
    ("damage", "line"),
    [
        (lambda t: "", "dist/releases.json:1: is not valid JSON (Expecting value: line 1 column 1 (char 0)); "),
        (lambda t: t + "<<<<<<< HEAD\n", "dist/releases.json:"),
        (
            lambda t: t.replace(f'"folder": "{RELEASED}"', '"folder": "/etc"'),
            'dist/releases.json: releases[2].folder "/etc" is not a folder name inside dist/; ',
        ),
        (
            lambda t: t.replace(f'"path": "{RELEASED}.zip"', '"path": "../../../etc/passwd"'),
            "dist/releases.json: releases[2].zip is not a file of dist/ with its bytes and sha256; ",
        ),
    ],
    ids=["emptied", "merge-conflict", "folder-outside", "zip-outside"],
)
def test_damaged_or_hostile_release_index_is_a_located_finding(package, capsys, damage, line):
    index = package / "dist" / "releases.json"
    index.write_text(damage(index.read_text(encoding="utf-8")), encoding="utf-8")
    code, lines = check(capsys, package)
    assert code == 1 and lines[0].startswith(line) and lines[0].endswith("(release index)")
    assert len(lines) == 3


def test_sha256sums_in_tag_format_is_a_located_finding(package, capsys):
    sums = package / "dist" / RELEASED / "SHA256SUMS"
    first = sums.read_text(encoding="utf-8").splitlines()[0]
    digest, path = first.split("  ", 1)
    sums.write_text(f"SHA256 ({path}) = {digest}\n", encoding="utf-8")
    assert check(capsys, package)[1][0] == (
        f"dist/{RELEASED}/SHA256SUMS:1: is not a line of sha256sum output (<sha256>  <path>): restore it from git "
        "(checksum)"
    )


def test_a_link_in_a_release_is_reported_and_never_followed(package, capsys):
    (package / "dist" / RELEASED / "shadow").symlink_to("/etc/shadow")
    assert check(capsys, package)[1][0] == (
        f"dist/{RELEASED}/shadow: is a link or a special file, which no release holds (checksum)"
    )


def test_a_release_descriptor_naming_a_device_is_reported_without_reading_it(package, capsys):
    folder = package / "dist" / RELEASED
    edit_json(folder / "datapackage.json", lambda d: d["resources"][0].update(path="/dev/zero"))
    sums = folder / "SHA256SUMS"
    digest = hashlib.sha256((folder / "datapackage.json").read_bytes()).hexdigest()
    sums.write_text(
        "".join(
            f"{digest}  datapackage.json\n" if line.endswith("  datapackage.json") else line + "\n"
            for line in sums.read_text(encoding="utf-8").splitlines()
        ),
        encoding="utf-8",
    )
    assert check(capsys, package)[1][0] == (
        f'dist/{RELEASED}/datapackage.json: names "/dev/zero", which is no file of the release (checksum)'
    )


def test_a_zip_bomb_is_compared_by_size_before_anything_is_read(package, capsys):
    archive = package / "dist" / f"{RELEASED}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bomb, bomb.open(f"{RELEASED}/SHA256SUMS", "w") as entry:
        for _ in range(256):
            entry.write(bytes(1 << 20))  # 256 MiB of zeros, a few hundred KiB zipped
    index = package / "dist" / "releases.json"
    edit_json(
        index,
        lambda d: d["releases"][2]["zip"].update(
            sha256=hashlib.sha256(archive.read_bytes()).hexdigest(), bytes=archive.stat().st_size
        ),
    )
    assert check(capsys, package)[1][0] == (
        f"dist/{RELEASED}.zip: does not hold exactly dist/{RELEASED} (release index)"
    )


def test_diff_of_a_hostile_release_names_it_and_reads_nothing_outside(tmp_path, capsys):
    evil = tmp_path / "evil"
    evil.mkdir()
    released = json.loads((ROOT / "dist" / RELEASED / "datapackage.json").read_text(encoding="utf-8"))
    released["resources"][0]["path"] = "/etc/passwd"
    (evil / "datapackage.json").write_text(json.dumps(released), encoding="utf-8")
    assert run_cli(capsys, "diff", str(ROOT / "dist" / RELEASED), str(evil)) == (
        1,
        "",
        f"error: {evil}: resources[0] is not a table of the release (a schema, and a file in it)\n",
    )


def test_an_archive_that_is_not_utf8_is_a_finding(package, capsys):
    archive = package / "sources" / "documents" / "stcn-2022-09-24-miit-manufacturing-clusters.txt"
    archive.write_bytes(archive.read_bytes() + b"\xff")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    documents = package / "sources" / "documents.csv"
    documents.write_text(
        documents.read_text(encoding="utf-8").replace(
            "64cfe754685399c85d2b9999e30d7a0dab3a86adc690db4bf186c43b6cc783f8", digest
        ),
        encoding="utf-8",
    )
    size = len(archive.read_bytes()) - 1
    assert check(capsys, package)[1][0] == (
        "sources/documents.csv:2: archive_path: sources/documents/stcn-2022-09-24-miit-manufacturing-clusters.txt "
        f"is not UTF-8 (byte {size} cannot be decoded): quotes and offsets need its text (archive)"
    )


def test_an_offset_finding_names_crlf_line_ends_in_the_archive(package, capsys):
    archive = package / "sources" / "documents" / "stcn-2022-09-24-miit-manufacturing-clusters.txt"
    archive.write_bytes(archive.read_bytes().replace(b"\n", b"\r\n"))
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    documents = package / "sources" / "documents.csv"
    documents.write_text(
        documents.read_text(encoding="utf-8").replace(
            "64cfe754685399c85d2b9999e30d7a0dab3a86adc690db4bf186c43b6cc783f8", digest
        ),
        encoding="utf-8",
    )
    code, lines = check(capsys, package)
    quote_lines = [line for line in lines if line.endswith("(quote)")]
    assert code == 1 and quote_lines
    assert all("(its lines end in CRLF, and each counts as two code points)" in line for line in quote_lines)


def test_an_offset_beyond_any_integer_is_a_quote_finding(package, capsys):
    observations = package / "sources" / "observations.csv"
    text = observations.read_text(encoding="utf-8")
    observations.write_text(text.replace(",1068,1083,", ",99999999999999999999,1083,", 1), encoding="utf-8")
    code, lines = check(capsys, package)
    assert code == 1 and lines[:2] == [
        'sources/observations.csv:2: quote: the archived text at 99999999999999999999–1083 reads "", not the '
        "quote; the quote is at 266–281 (no speaker named before it), 1068–1083 (after 王伟) (quote)",
        "sources/observations.csv:2: quote_start: quote_start 99999999999999999999 is not less than quote_end 1083 "
        "(quote offsets order)",
    ]


def test_a_field_named_like_a_formula_stays_text_in_the_workbook(tmp_path, capsys):
    from openpyxl import load_workbook

    package = tmp_path / "formula"
    package.mkdir()
    (package / "t.csv").write_text('"=HYPERLINK(""x"")",n\na,1\n', encoding="utf-8")
    fields = [{"name": '=HYPERLINK("x")'}, {"name": "n", "type": "number"}]
    descriptor_ = {
        "name": "formula",
        "title": "t",
        "id": "urn:x",
        "version": "1.0.0",
        "created": "2026-01-01T00:00:00Z",
        "licenses": [{"name": "CC0-1.0"}],
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": fields}}],
    }
    (package / "datapackage.json").write_text(json.dumps(descriptor_), encoding="utf-8")
    assert run_cli(capsys, "build", str(package))[0] == 0
    sheet = load_workbook(package / "dist" / "formula-1.0.0" / "formula-1.0.0.xlsx")["t"]
    assert (sheet["A1"].value, sheet["A1"].data_type) == ('=HYPERLINK("x")', "s")


def test_small_numbers_are_published_as_written_never_in_exponent_form(tmp_path, capsys):
    package = tmp_path / "small"
    package.mkdir()
    (package / "t.csv").write_text("n\n0.000015\n0.00001\n", encoding="utf-8")
    descriptor_ = {
        "name": "small",
        "title": "t",
        "id": "urn:x",
        "version": "1.0.0",
        "created": "2026-01-01T00:00:00Z",
        "licenses": [{"name": "CC0-1.0"}],
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "n", "type": "number"}]}}],
    }
    (package / "datapackage.json").write_text(json.dumps(descriptor_), encoding="utf-8")
    assert run_cli(capsys, "build", str(package)) == (0, "built: dist/small-1.0.0\n", "")
    assert (package / "dist" / "small-1.0.0" / "csv" / "t.csv").read_bytes() == b"n\r\n0.000015\r\n0.00001\r\n"


def test_a_release_leaves_its_bookkeeping_readable_by_all(tmp_path, capsys):
    package = copy_package(tmp_path / "p")
    from pubkit.releases import index, semver

    bump(package, semver.next_version(index.load(package)["latest"], "patch"))  # the next version, whatever it is
    (package / "CHANGELOG.md").chmod(0o644)
    assert run_cli(capsys, "release", str(package))[0] == 0
    modes = {
        name: stat.S_IMODE(os.stat(package / name).st_mode)
        for name in ("dist/releases.json", "CHANGELOG.md", "CITATION.cff")
    }
    assert modes == {"dist/releases.json": 0o644, "CHANGELOG.md": 0o644, "CITATION.cff": 0o644}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "a\ufffeb",
            'sources/observations.csv:2: note: "a\ufffeb" contains a control character or a noncharacter '
            "(U+FFFE, U+FFFF), which Excel cannot store (control character)",
        ),
        (
            "x" * 40000,
            "sources/observations.csv:2: note: holds 40000 characters, more than the 32767 a workbook cell can hold (long cell)",
        ),
    ],
    ids=["noncharacter", "long-cell"],
)
def test_what_no_workbook_can_hold_is_found_at_its_source_line(package, capsys, text, line):
    observations = package / "sources" / "observations.csv"
    rows = observations.read_text(encoding="utf-8").split("\n")
    rows[1] = rows[1].rsplit(",", 1)[0] + f',"{text}"'
    observations.write_text("\n".join(rows), encoding="utf-8")
    assert check(capsys, package)[1][:2] == [line, "1 problem(s):"]


def test_a_second_build_while_one_runs_is_refused_in_one_line(package, capsys):
    import fcntl

    bump(package, "99.0.0")  # a version that could be released
    (package / ".build").mkdir(exist_ok=True)
    with open(package / ".build" / "pubkit.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        for command in ("build", "release"):
            assert run_cli(capsys, command, str(package)) == (
                1,
                "",
                "error: another pubkit build or release is running in this package: let it finish\n",
            )


def test_two_sources_with_one_file_name_ship_each_at_its_own_path(package, capsys):
    other = package / "sources" / "copy"
    other.mkdir()
    name = "stcn-2022-09-24-miit-manufacturing-clusters.txt"
    (other / name).write_text("another text", encoding="utf-8")
    edit_json(
        package / "datapackage.json", lambda d: d["sources"].append({"title": "x", "path": f"sources/copy/{name}"})
    )
    bump(package, "99.0.0")
    assert run_cli(capsys, "build", str(package))[0] == 0
    release = package / "dist" / "china-manufacturing-regions-99.0.0"
    assert (release / "sources" / "copy" / name).read_text(encoding="utf-8") == "another text"
    assert (release / "sources" / "documents" / name).read_bytes() == (
        package / "sources" / "documents" / name
    ).read_bytes()


def test_a_source_where_a_release_writes_its_own_files_is_refused(package, capsys):
    (package / "csv").mkdir()
    (package / "csv" / "areas.csv").write_text("a forged table", encoding="utf-8")
    edit_json(package / "datapackage.json", lambda d: d["sources"].append({"title": "x", "path": "csv/areas.csv"}))
    bump(package, "99.0.0")
    code, out, _ = run_cli(capsys, "build", str(package))
    assert code == 1 and out.splitlines()[0] == (
        'datapackage.json: sources "csv/areas.csv" would stand where a release writes its own "csv": a release keeps '
        "each file of the package at its path in the package; move it (into sources/, say) (descriptor)"
    )


def test_an_inherited_source_date_epoch_does_not_make_a_release_look_changed(monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    version = descriptor.load(ROOT, trusted=True).release_name
    code, out, err = run_cli(capsys, "check", str(ROOT))
    assert (code, out, notes_only(err)) == (0, f"ok: {version}: sources valid, dist/ verified\n", True)


def test_a_figure_with_no_finite_decimal_agrees_within_the_stated_tolerance():
    from fractions import Fraction

    from pubkit.profiles.value_provenance.claims import _agrees

    third = Fraction(100, 3)  # 1/3 in percent
    assert _agrees(third, Fraction("33.333333333333336"))  # as a float writes it
    assert not _agrees(third, Fraction("33.33"))
    assert not _agrees(Fraction(1, 4), Fraction("0.2500000000001"))  # a finite decimal agrees only exactly


def test_debug_shows_the_traceback_and_keeps_exit_code_2(package, capsys, monkeypatch):
    from pubkit import cli
    from pubkit.checks import validate

    def broken(pkg, engine):
        raise KeyError("boom")

    monkeypatch.setattr(validate, "sources", broken)
    monkeypatch.setenv("PUBKIT_DEBUG", "1")
    assert cli.main(["--trust-package-code", "check", str(package)]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_every_value_is_escaped_and_only_safe_links_are_made_in_the_datasheet(tmp_path, capsys):
    package = tmp_path / "xss"
    package.mkdir()
    (package / "t.csv").write_text('id,t\n"<script>alert(1)</script>","x"" onmouseover=""alert(2)"\n', encoding="utf-8")
    descriptor_ = {
        "name": "xss",
        "title": "<b>t</b>",
        "id": "urn:x",
        "version": "1.0.0",
        "created": "2026-01-01T00:00:00Z",
        "licenses": [{"name": "evil", "path": "javascript:alert(3)"}],
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "id"}, {"name": "t"}]}}],
    }
    (package / "datapackage.json").write_text(json.dumps(descriptor_), encoding="utf-8")
    assert run_cli(capsys, "build", str(package))[0] == 0
    page = (package / "dist" / "xss-1.0.0" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>t</b>" not in page and 'onmouseover="alert' not in page
    assert "javascript:" not in page


def test_legal_resource_names_that_no_sheet_can_bear_get_a_sheet_each(tmp_path, capsys):
    from openpyxl import load_workbook

    package = tmp_path / "sheets"
    package.mkdir()
    names = ["about", "fields", "a" * 40, "a" * 41]
    resources = []
    for name in names:
        (package / f"{name}.csv").write_text("x\n1\n", encoding="utf-8")
        resources.append(
            {"name": name, "path": f"{name}.csv", "schema": {"fields": [{"name": "x", "type": "integer"}]}}
        )
    described = {
        "name": "sheets",
        "title": "t",
        "id": "urn:x",
        "version": "1.0.0",
        "created": "2026-01-01T00:00:00Z",
        "licenses": [{"name": "CC0-1.0"}],
        "resources": resources,
    }
    (package / "datapackage.json").write_text(json.dumps(described), encoding="utf-8")
    assert run_cli(capsys, "build", str(package)) == (0, "built: dist/sheets-1.0.0\n", "")
    workbook = load_workbook(package / "dist" / "sheets-1.0.0" / "sheets-1.0.0.xlsx", read_only=True)
    assert workbook.sheetnames == ["About", "about~2", "fields~2", "a" * 31, "a" * 29 + "~2", "Fields"]
    about = dict(workbook["About"].iter_rows(values_only=True))
    assert about["table about"] == "1 rows, on the sheet about~2"  # no description: no colon before nothing


RELEASE_STEPS = ["write_zip", "changelog", "citation", "index"]
PKG_VERSION = descriptor.load(ROOT, trusted=True).version


def _fail_release_at(package, capsys, monkeypatch, step: str) -> None:
    """Run ``release`` with a full disk at one of its writes, then mend the disk."""
    from pubkit.releases import index, release

    original = {"write_zip": index.write_zip, "save": index.save, "prepend": release._prepend_changelog}
    original_atomic = index.write_atomically

    def fault(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if step == "write_zip":
        monkeypatch.setattr(index, "write_zip", fault)
    elif step == "changelog":
        monkeypatch.setattr(release, "_prepend_changelog", fault)
    elif step == "citation":
        monkeypatch.setattr(
            index,
            "write_atomically",
            lambda path, data: fault() if path.name == "CITATION.cff" else original_atomic(path, data),
        )
    else:
        monkeypatch.setattr(index, "save", fault)
    assert run_cli(capsys, "release", str(package)) == (1, "", "error: No space left on device\n")
    monkeypatch.setattr(index, "write_zip", original["write_zip"])
    monkeypatch.setattr(index, "save", original["save"])
    monkeypatch.setattr(index, "write_atomically", original_atomic)
    monkeypatch.setattr(release, "_prepend_changelog", original["prepend"])
    assert "99.0.0" not in index.released_versions(package)


def _package_files(package) -> dict:
    return {p: b for p, b in snapshot(package).items() if not p.startswith(".build/")}


@pytest.mark.parametrize("step", RELEASE_STEPS)
def test_a_release_that_fails_at_any_step_leaves_everything_as_it_was(package, capsys, monkeypatch, step):
    """A fault at each write of `release` puts back what it changed: dist/, the descriptor's created, the
    changelog and the citations are byte for byte as before, and a second `release` cuts it."""
    bump(package, "99.0.0")
    before, said = _package_files(package), run_cli(capsys, "check", str(package))
    _fail_release_at(package, capsys, monkeypatch, step)
    assert _package_files(package) == before
    assert run_cli(capsys, "check", str(package)) == said
    assert run_cli(capsys, "release", str(package))[0] == 0
    assert (package / "CHANGELOG.md").read_text(encoding="utf-8").count("## 99.0.0 (") == 1


@pytest.mark.parametrize("step", RELEASE_STEPS)
def test_a_release_killed_at_any_step_is_seen_by_check_and_finished_by_release(package, capsys, monkeypatch, step):
    """#14.6: a release killed outright (its undo never runs, as under SIGKILL) at each write leaves the
    version unreleased, check names what it left, and a second `release` finishes it, with one changelog entry."""
    from pubkit.releases import release

    bump(package, "99.0.0")
    monkeypatch.setattr(release, "_put_back", lambda *args: None)
    _fail_release_at(package, capsys, monkeypatch, step)
    code, out, _ = run_cli(capsys, "check", str(package))
    finish = "a release was interrupted: run `make release` to finish it (release records)"
    zip_left = f"dist/china-manufacturing-regions-99.0.0.zip: is the zip of no release in dist/releases.json: {finish}"
    changelog_left = f"CHANGELOG.md: has an entry for 99.0.0, which is not released: {finish}"
    citation_left = f"CITATION.cff: cites version 99.0.0, not the latest release {PKG_VERSION}: {finish}"
    left = {
        "write_zip": [],
        "changelog": [zip_left],
        "citation": [zip_left, changelog_left],
        "index": [zip_left, changelog_left, citation_left],
    }[step]
    assert (code, out.splitlines()[: len(left)]) == ((1, left) if left else (0, out.splitlines()[:0]))
    assert run_cli(capsys, "release", str(package))[0] == 0
    assert (package / "CHANGELOG.md").read_text(encoding="utf-8").count("## 99.0.0 (") == 1
    assert run_cli(capsys, "check", str(package))[:2] == (
        0,
        "ok: china-manufacturing-regions-99.0.0: sources valid, dist/ verified\n",
    )


@pytest.mark.parametrize(
    ("cell", "published"),
    [("9007199254740993", "9007199254740992"), ("1.00000000000000001", "1"), ("1e400", "INF"), ("1e-400", "0")],
)
def test_a_number_a_float_cannot_hold_is_refused_not_published_changed(tmp_path, capsys, cell, published):
    """#14.13: a number field's value is published only if the release writes it as the source does."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "t.csv").write_text(f"a\n0.1\n{cell}\n123456789012345\n", encoding="utf-8")
    schema = {"fields": [{"name": "a", "type": "number"}]}
    descriptor_text = json.dumps(
        {"name": "np", "resources": [{"name": "t", "path": "sources/t.csv", "schema": schema}]}
    )
    (tmp_path / "datapackage.json").write_text(descriptor_text, encoding="utf-8")
    assert run_cli(capsys, "check", str(tmp_path)) == (
        1,
        f"sources/t.csv:3: a: {cell} is more than a number field holds exactly (a 64-bit float: 15 significant "
        "digits, magnitudes up to about 1e308 and down to about 1e-308): it would be published as "
        f"{published} (number precision)\n1 problem(s):\n  1 × number precision\n",
        "",
    )


def test_a_dist_on_another_file_system_is_published_by_copy_then_rename(package, capsys, tmp_path):
    """#14.27: no rename crosses file systems; the release is copied beside dist/ first, then renamed."""
    import os
    import shutil
    import tempfile

    elsewhere = Path(tempfile.mkdtemp(dir="/dev/shm")) if Path("/dev/shm").is_dir() else None
    if elsewhere is None or os.stat(elsewhere).st_dev == os.stat(package).st_dev:
        pytest.skip("no second file system (/dev/shm) on this machine")
    try:
        shutil.move(package / "dist", elsewhere / "dist")
        (package / "dist").symlink_to(elsewhere / "dist")
        bump(package, "99.0.0")
        assert run_cli(capsys, "build", str(package)) == (0, "built: dist/china-manufacturing-regions-99.0.0\n", "")
        assert not list((elsewhere / "dist").glob(".incoming-*"))
        assert run_cli(capsys, "check", str(package))[:2] == (
            0,
            "ok: china-manufacturing-regions-99.0.0: sources valid, dist/ verified\n",
        )
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)


@pytest.mark.parametrize(
    ("where", "error", "shown"),
    [
        ("write_parquet", OSError(28, "No space left on device"), "error: No space left on device\n"),
        (
            "rename",
            OSError(30, "Read-only file system", "dist/china-manufacturing-regions-99.0.0"),
            "error: dist/china-manufacturing-regions-99.0.0: Read-only file system\n",
        ),
    ],
)
def test_a_full_disk_or_a_read_only_folder_is_one_line_and_dist_stays(
    package, capsys, monkeypatch, where, error, shown
):
    """#14.27: the machine's faults are said in one line (exit 1), never "internal error"."""
    from pubkit.formats import export
    from pubkit.releases import publish

    def fault(*args, **kwargs):
        raise error

    monkeypatch.setattr(export if where == "write_parquet" else publish.os, where, fault)
    bump(package, "99.0.0")
    before = snapshot(package / "dist")
    assert run_cli(capsys, "build", str(package)) == (1, "", shown)
    assert snapshot(package / "dist") == before
    assert not list((package / ".build").glob("staging-*"))


def test_a_file_named_build_is_one_line(package, capsys):
    import shutil

    shutil.rmtree(package / ".build", ignore_errors=True)
    (package / ".build").write_text("mine\n")
    bump(package, "99.0.0")
    assert run_cli(capsys, "build", str(package)) == (
        1,
        "",
        "error: .build is not a folder: pubkit keeps its staging folders and lock there; move it away\n",
    )


def test_extra_columns_are_reported_in_the_order_of_the_file(tmp_path, capsys):
    """Also worth mending: 12 extra labels in column order (x2 before x10), not sorted as text."""
    (tmp_path / "sources").mkdir()
    labels = [f"x{i}" for i in range(12)]
    (tmp_path / "sources" / "t.csv").write_text(f"a,{','.join(labels)}\n1{',1' * 12}\n", encoding="utf-8")
    schema = {"fields": [{"name": "a", "type": "integer"}]}
    text = json.dumps({"name": "xc", "resources": [{"name": "t", "path": "sources/t.csv", "schema": schema}]})
    (tmp_path / "datapackage.json").write_text(text, encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", str(tmp_path))
    assert (code, [line.split(": ")[1] for line in out.splitlines()[:12]]) == (1, labels)
