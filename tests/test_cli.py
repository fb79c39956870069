"""The command line: exit codes, one-line errors, and the full list with --json."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, notes_only, pubkit_process, run_cli
from pubkit import cli
from pubkit.checks import validate
from pubkit.standard import descriptor

PKG = descriptor.load(ROOT, trusted=True)


def test_check_passes_on_this_repository(capsys):
    code, out, err = run_cli(capsys, "check", str(ROOT))
    assert (code, out, notes_only(err)) == (0, f"ok: {PKG.release_name}: sources valid, dist/ verified\n", True)


def test_an_internal_error_is_one_line_with_exit_code_2(package, capsys, monkeypatch):
    def broken(pkg, engine):
        raise KeyError("boom")

    monkeypatch.setattr(validate, "sources", broken)
    assert run_cli(capsys, "check", str(package)) == (
        2,
        "",
        "internal error: KeyError: 'boom' (please report it to the project's issue tracker)\n",
    )


def test_json_lists_every_finding(package, capsys):
    observations = package / "sources" / "observations.csv"
    text = observations.read_text(encoding="utf-8")
    observations.write_text(text.replace(",exact,", ",exactly,"), encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", "--json", str(package))
    enum = [f for f in json.loads(out) if f["title"] == "constraint enum"]
    assert code == 1 and len(enum) == text.count(",exact,") > 20  # more than the screen shows
    assert enum[0] == {
        "type": "constraint-error",
        "title": "constraint enum",
        "path": "sources/observations.csv",
        "line": 2,
        "rowNumber": 2,
        "fieldName": "value_qualifier",
        "cell": "exactly",
        "message": '"exactly" is not one of: exact, approx, nearly, more_than, at_least, less_than, at_most',
    }


def test_no_package_here_is_a_located_error(tmp_path):
    result = pubkit_process("check", str(tmp_path))
    assert (result.returncode, result.stdout) == (
        1,
        "datapackage.json: the file does not exist (missing-file)\n1 problem(s):\n  1 × missing-file\n",
    )


def test_usage_error_exits_2_without_a_traceback():
    result = pubkit_process("frobnicate")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "invalid choice: 'frobnicate'" in result.stderr


def test_thousands_of_bad_cells_are_all_counted_and_listed_in_json(package, capsys):
    memberships = package / "sources" / "area_memberships.csv"
    extra = "".join(f"east,nowhere_{n}\n" for n in range(3000))
    memberships.write_text(memberships.read_text(encoding="utf-8") + extra, encoding="utf-8")
    code, out, _ = run_cli(capsys, "check", str(package))
    lines = out.splitlines()
    assert code == 1 and len(lines) == 20 + 2
    assert (
        lines[0]
        == 'sources/area_memberships.csv:33: member_id: "nowhere_0" is not found in areas.area_id (foreign key)'
    )
    assert lines[-2:] == ["3000 problem(s):", "  3000 × foreign key (2980 not shown above: use --json for all)"]
    code, out, _ = run_cli(capsys, "check", "--json", str(package))
    findings = json.loads(out)
    assert (code, len(findings)) == (1, 3000)
    assert (findings[-1]["line"], findings[-1]["rowNumber"], findings[-1]["cell"]) == (3032, 3032, "nowhere_2999")
    assert {f["type"] for f in findings} == {"foreign-key"}


def test_help_is_plain_text(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "``" not in out and out.startswith("usage: pubkit ")
