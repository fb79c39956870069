"""Packages written by others (``../shared/conformance``), as published: the same findings as frictionless,
and every valid one built into a faithful release.

Run ``python -m pytest tests/test_conformance.py -rA`` to see the counts the note quotes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from pubkit.base.findings import CheckFailed
from pubkit.checks import validate
from pubkit.standard import descriptor

CONFORMANCE = ROOT.parent / "shared" / "conformance"
PACKAGES = (
    sorted(p.name for p in CONFORMANCE.iterdir() if (p / "datapackage.json").is_file()) if CONFORMANCE.is_dir() else []
)
ROW_LEVEL = {"extra-cell", "blank-row", "primary-key", "foreign-key", "row-constraint"}
LABELS = {"blank-label", "duplicate-label", "missing-label", "extra-label", "incorrect-label", "unmatched-header"}
RELEASE_NEEDS = {
    "title": "Conformance copy",
    "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
    "version": "1.0.0",
    "created": "2026-01-01T00:00:00Z",
    "licenses": [{"name": "ODC-PDDL-1.0"}],
}


def _key(path: str, kind: str, row, field) -> tuple:
    """Findings compared by file, type, record number and field; label errors by file and type."""
    path = "<memory>" if "#" in path else path  # inline data: frictionless' place for it
    if kind in LABELS:
        return (path, kind, None, None)
    return (path, kind, row, None if kind in ROW_LEVEL else (field or None))


def frictionless_errors(root: Path) -> Counter:
    """frictionless' errors; an invalid descriptor, which frictionless raises, counts as one package error."""
    import frictionless

    try:
        report = frictionless.Package(str(root / "datapackage.json")).validate(limit_errors=10**9)
    except frictionless.FrictionlessException:
        return Counter({("datapackage.json", "package-error", None, None): 1})
    found = Counter(("datapackage.json", e.type, None, None) for e in report.errors)
    for task in report.tasks:
        found.update(
            _key(task.place, e.type, getattr(e, "row_number", None), getattr(e, "field_name", None))
            for e in task.errors
        )
    return found


def our_findings(root: Path) -> Counter:
    """Our findings; problems with the descriptor or a schema count as one package error, as frictionless raises one."""
    try:
        findings = validate.sources(descriptor.load(root))
    except CheckFailed as failed:
        if all(f.type in ("package-error", "field-error", "schema-error") for f in failed.findings):
            return Counter({("datapackage.json", "package-error", None, None): 1})
        findings = failed.findings
    return Counter(_key(f.path, f.type, f.row, f.field) for f in findings)


@pytest.fixture
def published(tmp_path, request) -> Path:
    """A writable copy of a conformance package, as published."""
    copy = tmp_path / request.param
    shutil.copytree(CONFORMANCE / request.param, copy)
    for path in [copy, *copy.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)
    return copy


@pytest.mark.parametrize("published", PACKAGES, indirect=True)
def test_check_reports_exactly_what_frictionless_reports(published):
    theirs, ours = frictionless_errors(published), our_findings(published)
    missing, extra = theirs - ours, ours - theirs
    assert (missing, extra) == (Counter(), Counter()), (
        f"missing {sum(missing.values())}: {sorted(missing, key=str)[:10]}; "
        f"extra {sum(extra.values())}: {sorted(extra, key=str)[:10]}"
    )


@pytest.mark.parametrize("published", PACKAGES, indirect=True)
def test_check_json_is_json_on_every_package_with_every_finding(published, capsys):
    from conftest import run_cli

    code, out, _ = run_cli(capsys, "check", "--json", str(published))
    findings = json.loads(out)
    assert (code, len(findings)) == ((1, sum(our_findings(published).values())) if findings else (0, 0))


def _valid() -> list[str]:
    import frictionless

    return [
        name for name in PACKAGES if frictionless.Package(str(CONFORMANCE / name / "datapackage.json")).validate().valid
    ]


@pytest.mark.parametrize("published", _valid() if PACKAGES else [], indirect=True)
def test_every_valid_package_builds_into_a_release_frictionless_accepts_holding_its_values(published, capsys):
    assert_faithful_release(published, capsys)


def assert_faithful_release(published: Path, capsys) -> None:
    """Build ``published`` (adding only what a release needs): frictionless accepts the release, and its
    Parquet holds, value for value, what frictionless reads from the source."""
    import frictionless
    import pyarrow.parquet as pq

    path = published / "datapackage.json"
    declared = json.loads(path.read_text(encoding="utf-8"))
    declared.update({k: v for k, v in RELEASE_NEEDS.items() if not declared.get(k)})
    declared.setdefault("name", published.name)
    path.write_text(json.dumps(declared), encoding="utf-8")
    code, out, err = run_cli(capsys, "build", str(published))
    assert code == 0, out + err
    release = next((published / "dist").iterdir())
    report = frictionless.Package(str(release / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "note"])[:5]
    source = frictionless.Package(str(path))
    for resource in (r for r in source.resources if r.type == "table"):  # a document is compared by its hash
        rows = resource.read_rows()
        parquet = pq.read_table(release / "parquet" / f"{resource.name}.parquet").to_pylist()
        names, kinds = resource.schema.field_names, {f.name: f.type for f in resource.schema.fields}
        want = [[_plain(row[n] if n in row.field_names else None) for n in names] for row in rows]  # fieldsMatch
        got = [[_plain(_parsed(kinds[n], row[n])) for n in names] for row in parquet]
        assert got == want, f"{resource.name}: the Parquet differs from what frictionless reads"


def _parsed(kind: str, value):
    """Parquet's JSON text as the value frictionless reads from it."""
    return json.loads(value) if kind in ("object", "array", "geojson") and isinstance(value, str) else value


def _plain(value):
    """One comparable value from frictionless' reading or from Parquet (NaN as text: NaN equals no NaN)."""
    if isinstance(value, float | decimal.Decimal) and value != value:
        return "NaN"
    if isinstance(value, decimal.Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        return (value.astimezone(dt.UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if type(value).__name__ == "Duration" or isinstance(value, dt.timedelta):
        import isodate

        return isodate.duration_isoformat(value)
    if type(value).__name__ == "yearmonth":
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, list | tuple):  # a point or an array: its numbers as floats
        return json.dumps([float(v) if isinstance(v, int | float | decimal.Decimal) else _plain(v) for v in value])
    if isinstance(value, dict):
        return json.dumps(value)
    return value
