"""Defects of the second hostile review (issue #21) and `--json` that is always JSON (issue #22), each
with the exact line a user sees. Most sit on paths this package never takes, so most use small packages
of their own."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

from conftest import bump, release_metadata, run_cli
from pubkit.checks import validate
from pubkit.formats import datasheet, metadata


def _small_package(folder: Path, resource: dict | None = None, **descriptor) -> Path:
    """A valid package of one table, ``m`` (id, n), that a test may change."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "m.csv").write_text("id,n\na,1\nb,2\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "string"}, {"name": "n", "type": "integer"}], "primaryKey": ["id"]}
    table = {"name": "m", "path": "m.csv", "schema": schema, **(resource or {})}
    (folder / "datapackage.json").write_text(json.dumps({"resources": [table], **descriptor}), encoding="utf-8")
    return folder


# 4. A release can go backwards ------------------------------------------------------------------


def test_a_version_not_greater_than_the_latest_release_is_refused_by_check_and_release(package, capsys):
    from pubkit.releases import index, semver

    latest = index.load(package)["latest"]
    following = semver.next_version(latest, "patch")
    bump(package, "1.0.5")  # never released, and below the latest
    code, out, _ = run_cli(capsys, "check", str(package))
    assert (code, out.splitlines()[0]) == (
        1,
        f"datapackage.json: version: 1.0.5 is not greater than the latest release, {latest}: versions only move "
        f"forward; {following} or later (version bump)",
    )
    before = (package / "dist" / "releases.json").read_bytes()
    code, out, err = run_cli(capsys, "release", str(package))
    assert (code, out, err) == (
        1,
        "",
        f"error: version 1.0.5 is not greater than the latest release, {latest}: versions only move forward; "
        f"{following} or later: set version in datapackage.json\n",
    )
    assert (package / "dist" / "releases.json").read_bytes() == before


# 8. Non-text codecs ------------------------------------------------------------------------------


def test_a_codec_that_is_not_a_text_encoding_is_refused(tmp_path, capsys):
    for codec in ("base64", "rot13"):
        folder = _small_package(tmp_path / codec, {"encoding": codec})
        code, out, _ = run_cli(capsys, "check", str(folder))
        assert (code, out.splitlines()[0]) == (
            1,
            f'datapackage.json: resources[0].encoding "{codec}" is a codec that does not turn bytes into text, '
            "not a text encoding (refused) (descriptor)",
        )


# 11. CITATION.cff injection ----------------------------------------------------------------------


def test_a_licence_name_cannot_inject_keys_into_the_citation():
    core = {"name": "p", "title": "P", "version": "1.0.0", "licenses": [{"name": "CC-BY-4.0\nversion: 6.6.6"}]}
    cff = yaml.safe_load(metadata.citation_cff(core, "2026-12-04"))
    assert (cff["license"], cff["version"], str(cff["date-released"])) == (
        "CC-BY-4.0\nversion: 6.6.6",
        "1.0.0",
        "2026-12-04",
    )
    hostile = yaml.safe_load(metadata.citation_cff(core, "2026-12-04\nversion: 6.6.6"))
    assert (hostile["date-released"], hostile["version"]) == ("2026-12-04\nversion: 6.6.6", "1.0.0")


# 13. JSON-LD that swallows the datasheet ---------------------------------------------------------


def test_the_json_ld_in_the_datasheet_holds_no_character_html_reads():
    data = {"title": "<!--<script>&</script>"}
    text = datasheet._json_in_script(data)
    assert text == '{"title": "\\u003c!--\\u003cscript\\u003e\\u0026\\u003c/script\\u003e"}'
    assert json.loads(text) == data


# 14. A package's own mistakes are named as the package's -----------------------------------------


def test_a_failing_package_module_is_named_with_its_line_and_hook(tmp_path, capsys):
    folder = _small_package(tmp_path / "p", **{"pubkit:extensions": ["rules.py"]})
    (folder / "rules.py").write_text("def row_rules(ctx):\n    return [\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "check", str(folder))
    assert (code, out) == (1, "")
    assert err.startswith("error: rules.py:2: the package's own module failed while loading it: SyntaxError: ")
    assert err.endswith("(this is the package's code, named in pubkit:extensions, not the toolkit's: fix it there)\n")
    (folder / "rules.py").write_text("def row_rules(ctx):\n    return 1 / 0\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "check", str(folder))
    assert (code, out, err) == (
        1,
        "",
        "error: rules.py:2: the package's own module failed while its hook row_rules(): ZeroDivisionError: "
        "division by zero (this is the package's code, named in pubkit:extensions, not the toolkit's: fix it "
        "there)\n",
    )


# 17. A shipped lock that is a link ---------------------------------------------------------------


def test_a_lock_that_is_a_link_is_refused_and_its_target_untouched(package, tmp_path, capsys):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    (package / ".build").mkdir()
    os.symlink(outside, package / ".build" / "pubkit.lock")
    bump(package, "9.0.0")
    assert run_cli(capsys, "build", str(package)) == (
        1,
        "",
        "error: .build/pubkit.lock is a link: pubkit writes through no link; remove it\n",
    )
    assert outside.read_text(encoding="utf-8") == "keep me"


# 18. Names a release format reserves -------------------------------------------------------------


def test_names_the_sqlite_database_reserves_are_refused_by_check(tmp_path, capsys):
    folder = _small_package(tmp_path / "p", {"name": "sqlite_sequence"})
    code, out, _ = run_cli(capsys, "check", str(folder))
    assert (code, out.splitlines()[0]) == (
        1,
        'datapackage.json: resources[0].name "sqlite_sequence" is reserved by the SQLite database of a release: '
        "SQLite keeps the names beginning sqlite_ (refused) (descriptor)",
    )
    view = {"name": "_about", "from": "m", "fields": ["id", "n"]}
    folder = _small_package(tmp_path / "v", **{"pubkit:views": [view]})
    code, out, _ = run_cli(capsys, "check", str(folder))
    assert (code, out.splitlines()[0]) == (
        1,
        "datapackage.json: pubkit:views: pubkit:views[0]: name '_about' is reserved by the SQLite database of a "
        "release, whose _about table describes the release (view)",
    )


# --json is always JSON (#22) ---------------------------------------------------------------------


def test_check_json_prints_json_on_a_clean_package_an_error_and_a_crash(tmp_path, capsys, monkeypatch):
    folder = _small_package(tmp_path / "clean")
    assert run_cli(capsys, "check", "--json", str(folder)) == (0, "[]\n", "")
    code, out, err = run_cli(capsys, "check", "--json", str(tmp_path / "nowhere"))
    assert (code, [(i["type"], i["path"], i["message"]) for i in json.loads(out)], err) == (
        1,
        [("scheme-error", "datapackage.json", "the file does not exist")],
        "",
    )

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(validate, "sources", broken)
    code, out, err = run_cli(capsys, "check", "--json", str(folder))
    assert code == 2
    assert json.loads(out) == [
        {
            "type": "internal-error",
            "title": "error",
            "path": None,
            "line": None,
            "rowNumber": None,
            "fieldName": None,
            "cell": None,
            "message": "ValueError: a bug (please report it to the project's issue tracker)",
        }
    ]
    assert err == "internal error: ValueError: a bug (please report it to the project's issue tracker)\n"


# 5, 15, 16. What a release's rows are, compared with the next one's ---------------------------------


def _release_folder(folder: Path, header: str, rows: list[str], key: list[str] | None) -> Path:
    (folder / "csv").mkdir(parents=True)
    (folder / "csv" / "m.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    schema = {"fields": [{"name": n, "type": "string"} for n in header.split(",")]}
    if key:
        schema["primaryKey"] = key
    resource = {"name": "m", "path": "csv/m.csv", "schema": schema}
    (folder / "datapackage.json").write_text(json.dumps({"resources": [resource]}), encoding="utf-8")
    return folder


def test_rows_of_a_table_without_a_key_do_not_vanish_and_their_removal_is_major(tmp_path):
    from pubkit.releases import diff, semver
    from pubkit.standard import descriptor

    old = _release_folder(tmp_path / "old", "x,y", ["a,1", "a,2", "a,1"], None)
    new = _release_folder(tmp_path / "new", "x,y", ["a,1"], None)
    notes = diff.markdown(old, new)
    assert "0 added, 2 removed, 0 changed." in notes
    assert "- removed `a, 2`: x «a»; y «2»" in notes
    assert "- removed `a, 1, copy 2`: x «a»; y «1»" in notes
    pkg = descriptor.load(_small_package(tmp_path / "p"))
    assert semver.needed(pkg, old, new) == [("major", "m no longer has the released keys `a, 2`, `a, 1, copy 2`")]


def test_a_primary_key_listed_in_another_order_identifies_the_same_rows(tmp_path):
    from pubkit.releases import diff

    old = _release_folder(tmp_path / "old", "region,member,v", ["east,anhui,1", "east,jiangsu,2"], ["region", "member"])
    new = _release_folder(tmp_path / "new", "region,member,v", ["east,anhui,1", "east,jiangsu,3"], ["member", "region"])
    notes = diff.markdown(old, new)
    assert "0 added, 0 removed, 1 changed." in notes
    assert "- changed `jiangsu, east`: v: «2» → «3»" in notes


def test_a_cell_longer_than_the_csv_modules_limit_is_compared(tmp_path):
    from pubkit.releases import diff

    long = "x" * 200_000
    old = _release_folder(tmp_path / "old", "id,text", ["a,short"], ["id"])
    new = _release_folder(tmp_path / "new", "id,text", [f"a,{long}"], ["id"])
    assert "- changed `a`: text: «short» → «" + long + "»" in diff.markdown(old, new)


# 1, 2. YAML descriptors: aliases, and values JSON lacks ----------------------------------------------


def _yaml_package(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "m.csv").write_text("id,d\na,2019-12-31\n", encoding="utf-8")
    (folder / "datapackage.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path, capsys):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    folder = _yaml_package(tmp_path / "p", "\n".join([*lines, "resources: [*i]"]) + "\n")
    assert run_cli(capsys, "check", str(folder)) == (
        1,
        "datapackage.yaml:2: invalid YAML: an alias (*a) is not read: write the value out (json)\n"
        "1 problem(s):\n  1 × json\n",
        "",
    )


def test_yaml_dates_are_read_as_the_standard_means_them_and_other_values_refused_by_name(tmp_path, capsys):
    schema = "    schema:\n      fields:\n        - name: id\n        - name: d\n          type: date\n"
    text = f"created: 2020-01-01T00:00:00Z\nresources:\n  - name: m\n    path: m.csv\n{schema}"
    text += "          constraints:\n            minimum: 2020-01-01\n"
    folder = _yaml_package(tmp_path / "p", text)
    assert run_cli(capsys, "check", str(folder)) == (
        1,
        'm.csv:2: d: "2019-12-31" is less than the minimum 2020-01-01 (constraint minimum)\n'
        "1 problem(s):\n  1 × constraint minimum\n",
        "",
    )
    folder = _yaml_package(tmp_path / "q", text.replace("minimum: 2020-01-01", "minimum: !!binary aGVsbG8="))
    assert run_cli(capsys, "check", str(folder))[:2] == (
        1,
        "datapackage.yaml: resources[0].schema.fields[1].constraints.minimum: a YAML bytes value, which JSON and "
        "the standard do not have (refused) (json)\n1 problem(s):\n  1 × json\n",
    )


# 6, 7. Views: over unique parent fields only, joined on typed values ---------------------------------


def _view_package(folder: Path, parent_key: list[str] | None, parent_type: str) -> Path:
    """Children whose integer ``p`` refers to ``parents.id`` (of ``parent_type``), with a labelled view."""
    folder.mkdir(parents=True)
    (folder / "parents.csv").write_text("id,label\n1,one\n2,two\n", encoding="utf-8")
    (folder / "children.csv").write_text("c,p\nx,1\ny,2\nz,1\n", encoding="utf-8")
    parents = {"fields": [{"name": "id", "type": parent_type}, {"name": "label"}]}
    if parent_key:
        parents["primaryKey"] = parent_key
    children = {
        "fields": [{"name": "c"}, {"name": "p", "type": "integer"}],
        "primaryKey": ["c"],
        "foreignKeys": [{"fields": ["p"], "reference": {"resource": "parents", "fields": ["id"]}}],
    }
    view = {
        "name": "labelled",
        "from": "children",
        "join": [{"resource": "parents", "on": ["p"], "fields": {"label": "label"}}],
    }
    view["fields"] = ["c", "p", "label"]
    descriptor = {
        **release_metadata("views-test", "Views test"),
        "resources": [
            {"name": "parents", "path": "parents.csv", "schema": parents},
            {"name": "children", "path": "children.csv", "schema": children},
        ],
        "pubkit:views": [view],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def test_a_view_over_parent_fields_that_are_not_unique_is_refused_by_check(tmp_path, capsys):
    folder = _view_package(tmp_path / "p", None, "integer")
    code, out, _ = run_cli(capsys, "check", str(folder))
    assert (code, out.splitlines()[0]) == (
        1,
        "datapackage.json: pubkit:views: pubkit:views[0]: join[0]: the fields it joins on, parents.id, are not "
        "unique in parents (neither its primary key, nor declared unique): a row could have several parents (view)",
    )


def test_a_view_joins_an_integer_key_to_a_number_parent_by_value(tmp_path, capsys):
    folder = _view_package(tmp_path / "p", ["id"], "number")
    code, out, err = run_cli(capsys, "build", str(folder))
    assert (code, out, err) == (0, "built: dist/views-test-1.0.0\n", "")
    labelled = (folder / "dist" / "views-test-1.0.0" / "csv" / "labelled.csv").read_text(encoding="utf-8")
    assert labelled == "c,p,label\nx,1,one\ny,2,two\nz,1,one\n"


# 9, 10. Fractions of a second, and years before 1000 ----------------------------------------------


def test_time_fractions_and_years_before_1000_publish_faithfully_in_every_format(tmp_path, capsys):
    import pyarrow.parquet as pq
    from python_calamine import CalamineWorkbook

    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "m.csv").write_text("id,t,y\na,08:30:00.250,0999\nb,09:00:00,0500\n", encoding="utf-8")
    fields = [{"name": "id"}, {"name": "t", "type": "time"}, {"name": "y", "type": "year"}]
    descriptor = {
        **release_metadata("tf", "Times"),
        "resources": [{"name": "m", "path": "m.csv", "schema": {"fields": fields, "primaryKey": ["id"]}}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert run_cli(capsys, "build", str(folder)) == (0, "built: dist/tf-1.0.0\n", "")
    release = folder / "dist" / "tf-1.0.0"
    assert (release / "csv" / "m.csv").read_text(encoding="utf-8") == (
        "id,t,y\na,08:30:00.250000,0999\nb,09:00:00,0500\n"
    )
    assert pq.read_table(release / "parquet" / "m.parquet").to_pylist() == [
        {"id": "a", "t": "08:30:00.250000", "y": 999},
        {"id": "b", "t": "09:00:00", "y": 500},
    ]
    sheet = CalamineWorkbook.from_path(str(release / "tf-1.0.0.xlsx")).get_sheet_by_name("m").to_python()
    assert sheet[1][:3] == ["a", "08:30:00.250000", 999]


# 12, 20. `pubkit readme` never loses hand-written text ---------------------------------------------


def _with_readme(package: Path) -> Path:
    from conftest import ROOT

    (package / "README.md").write_text((ROOT / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    return package / "README.md"


def test_readme_without_trust_refuses_and_changes_nothing(package, capsys):
    from pubkit import cli

    readme = _with_readme(package)
    before = readme.read_bytes()
    assert cli.main(["readme", str(package)]) == 1
    assert capsys.readouterr().err == (
        "error: readme runs the package's own modules (scripts/china_manufacturing_regions.py) to write their "
        "sections; without --trust-package-code it would lose them: nothing was changed\n"
    )
    assert readme.read_bytes() == before


def test_a_marker_in_generated_text_is_escaped_and_unpaired_markers_are_refused(package, capsys):
    readme = _with_readme(package)
    schema_path = package / "schemas" / "areas.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"][0]["description"] = "Ends early? <!-- dictionary:end -->"
    schema_path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    assert run_cli(capsys, "readme", str(package))[0] == 0
    once = readme.read_text(encoding="utf-8")
    assert "Ends early? &lt;!-- dictionary:end -->" in once
    assert once.count("<!-- dictionary:end -->") == 1
    assert run_cli(capsys, "readme", str(package))[0] == 0
    assert readme.read_text(encoding="utf-8") == once  # a second run changes nothing
    readme.write_text(once + "\n<!-- dictionary:end -->\n", encoding="utf-8")
    assert run_cli(capsys, "readme", str(package)) == (
        1,
        "",
        "error: README.md: the markers of the section dictionary are not paired (1 start, 2 end, which must be one "
        "each, the start first): nothing was changed\n",
    )
    readme.write_text("# A README of my own\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "readme", str(package))
    assert (code, out) == (1, "")
    assert err.startswith(
        "error: README.md has no generated section: add a pair of markers where one goes "
        "(<!-- dictionary:start --> … <!-- dictionary:end -->, "
    )
    assert readme.read_text(encoding="utf-8") == "# A README of my own\n"


# The machine's faults in SQLite ----------------------------------------------------------------------


def test_a_sqlite_write_that_fails_for_lack_of_space_is_one_line_and_dist_stays(package, capsys, monkeypatch):
    import sqlite3

    from conftest import snapshot

    real = sqlite3.connect

    class Full:
        def __init__(self, connection):
            self.connection = connection

        def execute(self, statement, *args):
            if statement.startswith("INSERT"):
                raise sqlite3.OperationalError("database or disk is full")
            return self.connection.execute(statement, *args)

        def executemany(self, statement, rows):
            raise sqlite3.OperationalError("database or disk is full")

        def close(self):
            self.connection.close()

    monkeypatch.setattr(sqlite3, "connect", lambda *args, **kwargs: Full(real(*args, **kwargs)))
    bump(package, "9.0.0")
    before = snapshot(package / "dist")
    code, out, err = run_cli(capsys, "build", str(package))
    assert (code, out) == (1, "")
    assert err.startswith("error: ") and err.endswith(
        ".sqlite: SQLite could not write the database: database or disk is full\n"
    )
    assert snapshot(package / "dist") == before


# Found by the release state machine: a changelog with a title of its own ------------------------------


def test_a_changelog_with_its_own_head_keeps_it_and_its_notes_go_into_the_entry(tmp_path, capsys):
    folder = _view_package(tmp_path / "p", ["id"], "integer")
    (folder / "CHANGELOG.md").write_text(
        "# Changes to my data\n\nWritten by hand.\n\n## Unreleased\n\nThe first figures.\n", encoding="utf-8"
    )
    assert run_cli(capsys, "release", str(folder))[0] == 0
    date = json.loads((folder / "dist" / "releases.json").read_text(encoding="utf-8"))["releases"][0]["date"]
    text = (folder / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith(
        "# Changes to my data\n\nWritten by hand.\n\n## Unreleased\n\nWhat changed and why, in your words: "
        f"`pubkit release` moves it into the next release's entry.\n\n## 1.0.0 ({date})\n\nThe first figures.\n\n"
        "First release: every row is new."
    )
    assert text.count("# Changes to my data") == 1 and text.count("## Unreleased") == 1


# Found by the descriptor fuzzer: a view whose name is not text ----------------------------------------


def test_a_view_whose_name_is_not_text_is_a_finding_not_a_crash(tmp_path, capsys):
    view = {"name": [], "from": "m", "fields": ["id", "n"]}
    folder = _small_package(tmp_path / "p", **{"pubkit:views": [view]})
    assert run_cli(capsys, "check", str(folder)) == (
        1,
        "datapackage.json: pubkit:views: pubkit:views[0]: name [] is no new resource name (lowercase letters, "
        "digits, . _ -) (view)\n1 problem(s):\n  1 × view\n",
        "",
    )


# 19. Every distinct rule a cell breaks is kept ------------------------------------------------------


def test_a_cell_that_breaks_two_rules_gives_both_findings_as_frictionless_does(tmp_path, capsys):
    from pubkit.checks import engine_frictionless
    from pubkit.standard import descriptor

    folder = _small_package(tmp_path / "p")
    (folder / "m.csv").write_text("id,n\nA1,1\nA1,-5\n", encoding="utf-8")
    spec = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    fields = spec["resources"][0]["schema"]["fields"]
    fields[0]["constraints"] = {"pattern": "[a-z][0-9]"}
    fields[1]["constraints"] = {"minimum": 0, "enum": [1, 2, 3]}
    (folder / "datapackage.json").write_text(json.dumps(spec), encoding="utf-8")
    assert run_cli(capsys, "check", str(folder)) == (
        1,
        'm.csv:2: id: "A1" does not match the pattern [a-z][0-9] (constraint pattern)\n'
        'm.csv:3: id: "A1" does not match the pattern [a-z][0-9] (constraint pattern)\n'
        'm.csv:3: id: "A1" repeats line 2 (primary key)\n'
        'm.csv:3: n: "-5" is not one of: 1, 2, 3 (constraint enum)\n'
        'm.csv:3: n: "-5" is less than the minimum 0 (constraint minimum)\n'
        "5 problem(s):\n  1 × constraint enum\n  1 × constraint minimum\n  2 × constraint pattern\n  1 × primary key\n",
        "",
    )
    pkg = descriptor.load(folder)
    theirs = sorted((f.line, f.field or "", f.type) for f in engine_frictionless.findings(pkg))
    ours = sorted((f.line, f.field or "", f.type) for f in validate.sources(pkg))
    assert ours == theirs and len(ours) == 5
    code, out, _ = run_cli(capsys, "check", "--json", str(folder))
    assert (code, len(json.loads(out))) == (1, 5)


# Row anchors cannot be the datasheet's own ----------------------------------------------------------


def test_a_row_id_such_as_cite_or_downloads_is_namespaced_apart_from_the_pages_own_anchors(tmp_path):
    import re

    import pandas as pd

    from pubkit.extensions import Datasheet
    from pubkit.standard import descriptor

    pkg = descriptor.load(_small_package(tmp_path / "p", name="p", version="1.0.0", created="2026-12-04T00:00:00Z"))
    texts = {"m": pd.DataFrame({"id": ["cite", "downloads"], "n": ["1", "2"]})}
    extra = Datasheet(row_ids={"m": pd.Series(["cite", "downloads"])})
    shown = {"m": datasheet.shown(pkg.table("m"), texts["m"])}
    page = datasheet.render(pkg.descriptor, list(pkg.tables), shown, {}, "p (2026)", [extra])
    anchors = re.findall(r' id="([^"]*)"', page)
    assert sorted(a for a in anchors if a in ("cite", "downloads", "row-cite", "row-downloads")) == [
        "cite",
        "downloads",
        "row-cite",
        "row-downloads",
    ]
    assert len(anchors) == len(set(anchors))


# Found on packages of others (#22): a licence known only by its text ----------------------------------


def test_a_licence_with_only_a_path_and_a_title_is_valid_and_never_given_an_invented_name(tmp_path, capsys):
    metadata_ = release_metadata("lic", "A licence by its text")
    metadata_["licenses"] = [{"path": "https://example.org/licence", "title": "Our own licence"}]
    folder = _small_package(tmp_path / "p", **metadata_)
    assert run_cli(capsys, "check", str(folder)) == (0, "ok: lic-1.0.0: sources valid (no dist/ to verify)\n", "")
    assert run_cli(capsys, "release", str(folder))[0] == 0
    citation = (folder / "CITATION.cff").read_text(encoding="utf-8")
    assert 'license-url: "https://example.org/licence"\n' in citation and "\nlicense:" not in citation
    jsonld = json.loads((folder / "dist" / "lic-1.0.0" / "dataset.jsonld").read_text(encoding="utf-8"))
    assert jsonld["license"] == ["https://example.org/licence"]
