"""Check a package's sources: reads ``sources/*.csv`` and the archive, writes nothing.

Each table is read once (``read``) and checked column by column: encoding, header,
blank and ragged rows and types here; constraints, primary and foreign keys with
pandera, which also runs the cross-field and cross-table rules of ``rules``. Then
``provenance`` re-checks every figure against the archived documents. The findings
include everything frictionless finds (``tests/test_engines.py``), and
``engine="frictionless"`` adds frictionless' own row-by-row validation. Every finding
is kept; none stops the others.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pandera.pandas as pa

from pubkit import provenance, read, rules, tableschema
from pubkit.descriptor import DataPackage
from pubkit.findings import CheckFailed, Finding, dedupe, quoted

NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
EXCEL_EPOCH = date(1899, 12, 30)


def run(pkg: DataPackage, engine: str = "fast") -> list[Finding]:
    """Every problem in the sources of ``pkg``, one finding per cell.

    The fast engine reads each table once and checks it column by column; it finds
    everything frictionless finds. ``engine="frictionless"`` also runs frictionless'
    own row-by-row validation, for anyone who wants its verdict too.
    """
    raws, findings = {}, []
    for table in pkg.tables:
        try:
            raws[table.name] = read.run(pkg, table)
        except CheckFailed as failed:
            findings += failed.findings
            continue
        if not len(raws[table.name]):
            findings.append(Finding(table.path, 1, None, "the file has a header but no rows", "no rows"))
    if engine == "frictionless":
        findings += _frictionless_findings(pkg, raws)
    for raw in raws.values():
        findings += structure_findings(raw)
    frames = {name: read.frame(raw) for name, raw in raws.items() if raw.header_ok}
    for name, frame in frames.items():
        findings += _type_findings(raws[name], frame)
    findings += _pandera_findings(pkg, raws, frames)
    findings += provenance.run(pkg, raws, frames)
    return sorted(dedupe(findings), key=lambda f: (f.path, f.line or 0, f.field or "", f.rule))


# Structure and types: what frictionless checks row by row, column by column ---

def structure_findings(raw: read.RawTable) -> list[Finding]:
    """The header against the schema, blank rows, and rows with too many or too few cells."""
    path, fields, header = raw.table.path, raw.table.field_names, raw.header
    findings = []
    for i, label in enumerate(header):
        if i >= len(fields):
            findings.append(Finding(path, raw.header_line, label, _LABELS["extra-label"], "extra label"))
        elif label == "":
            findings.append(Finding(path, raw.header_line, fields[i], _LABELS["blank-label"], "blank label"))
        elif label in header[:i]:
            findings.append(Finding(path, raw.header_line, fields[i], _LABELS["duplicate-label"], "duplicate label"))
        elif label != fields[i]:
            message = _incorrect_label(label, fields[i], fields)
            findings.append(Finding(path, raw.header_line, None, message, "incorrect label"))
    findings += [Finding(path, raw.header_line, f, _LABELS["missing-label"], "missing label") for f in fields[len(header):]]
    if not raw.header_ok:
        return findings  # cells under a wrong header are checked once the header is fixed
    findings += [Finding(path, line, None, "the row is blank; delete it", "blank row") for line in raw.blank_lines]
    required = {f["name"] for f in raw.table.fields if f.get("constraints", {}).get("required")}
    ragged = np.flatnonzero(raw.widths != len(fields))
    for line, width in zip(raw.lines[ragged].tolist(), raw.widths[ragged].tolist()):
        if width > len(fields):
            findings.append(Finding(path, line, None, f"the row has more cells than the header's {len(fields)}", "extra cell"))
        for name in fields[width:]:
            if name in required:
                message = tableschema.constraint_message(raw.table.field(name), "required", "")
                findings.append(Finding(path, line, name, message, "constraint required"))
            else:
                findings.append(Finding(path, line, name, f"the row has fewer cells than the header's {len(fields)}", "missing cell"))
    return findings


def _type_findings(raw: read.RawTable, frame: pd.DataFrame) -> list[Finding]:
    """Cells that hold text but not a value of their field's type."""
    missing = raw.table.schema.get("missingValues", [""])
    findings = []
    for field in raw.table.fields:
        name = field["name"]
        if field.get("type", "string") == "string":
            continue
        text = raw.text(name)
        bad = frame[name].isna() & ~text.isin(missing)
        for line, cell in text[bad.to_numpy()].items():
            findings.append(Finding(raw.table.path, line, name, _type_message(cell, field), f"type {field['type']}", cell))
    return findings


# Frictionless -------------------------------------------------------------------

def frictionless_findings(pkg: DataPackage) -> list[Finding]:
    """What frictionless alone finds in the readable tables, in this toolkit's words."""
    raws = {}
    for table in pkg.tables:
        try:
            raws[table.name] = read.run(pkg, table)
        except CheckFailed:
            continue
    return _frictionless_findings(pkg, raws)


def _frictionless_findings(pkg: DataPackage, raws: dict[str, read.RawTable]) -> list[Finding]:
    import frictionless  # slow to import; only this engine needs it

    descriptor = _readable_only(pkg, raws)
    try:
        invalid = list(frictionless.Package.metadata_validate(descriptor))
        if invalid:  # frictionless names the first problem of a descriptor only
            return [Finding("datapackage.json", None, None, e.note, "descriptor") for e in invalid]
        report = frictionless.Package(descriptor, basepath=str(pkg.root)).validate(limit_errors=sys.maxsize)
    except frictionless.FrictionlessException as err:
        return [Finding("datapackage.json", None, None, err.error.note or err.error.message, "descriptor")]
    except Exception as err:  # frictionless trips over some malformed descriptors instead of reporting them
        return [Finding("datapackage.json", None, None, f"frictionless cannot read the descriptor ({type(err).__name__}: {err})", "descriptor")]
    findings = []
    for task in report.tasks:
        raw = raws[task.name]
        blank_rows = {e.row_number for e in task.errors if e.type == "blank-row"}
        for error in task.errors:
            if error.type == "primary-key" and error.row_number in blank_rows:
                continue  # a blank row has no key; the blank row itself is reported
            if not raw.header_ok and (getattr(error, "row_number", None) or 0) > 1:
                continue  # cells under a wrong header are checked once the header is fixed
            findings.append(_from_frictionless(raw, error))
    return findings


_LABELS = {
    "blank-label": "a column has no name in the header",
    "duplicate-label": "this column name appears twice in the header",
    "missing-label": "the header lacks this column of the schema",
    "extra-label": "the header has a column the schema does not define",
}


def _incorrect_label(label: str, field: str, fields: list[str]) -> str:
    return f"the header says {quoted(label)} where the schema has {quoted(field)}; expected {', '.join(fields)}"


def _readable_only(pkg: DataPackage, raws: dict[str, read.RawTable]) -> dict:
    """The descriptor without unreadable tables, nor foreign keys that point to them."""
    resources = []
    for table in pkg.tables:
        if table.name not in raws:
            continue
        keys = [fk for fk in table.schema.get("foreignKeys", []) if fk["reference"]["resource"] in ("", *raws)]
        resource = next(r for r in pkg.descriptor["resources"] if r["name"] == table.name)
        resources.append({**resource, "schema": {**table.schema, "foreignKeys": keys}})
    return {**pkg.descriptor, "resources": resources}


def _from_frictionless(raw: read.RawTable, error) -> Finding:
    table = raw.table
    row = getattr(error, "row_number", None)
    line = raw.line_of_record(row) if row else (1 if "label" in error.type else None)
    name = getattr(error, "field_name", None) or getattr(error, "label", None) or None
    if error.type == "incorrect-label":
        name = None  # the message names both the label found and the field expected
    cell = getattr(error, "cell", None)
    if error.type == "type-error":
        field = table.field(name)
        return Finding(table.path, line, name, _type_message(cell, field), f"type {field['type']}", cell)
    if error.type == "constraint-error":
        constraint = re.search(r'constraint "(\w+)"', error.note).group(1)
        message = tableschema.constraint_message(table.field(name), constraint, cell)
        return Finding(table.path, line, name, message + _spaces_hint(cell), f"constraint {constraint}", cell)
    if error.type in ("unique-error", "primary-key"):
        first = re.search(r"position (\d+)", error.note)
        key = table.schema["primaryKey"] if error.type == "primary-key" else [name]
        cells = [raw.cell(line, k) for k in key]
        repeats = f"line {raw.line_of_record(int(first.group(1)))}" if first else "an earlier line"
        rule = "primary key" if error.type == "primary-key" else "constraint unique"
        return Finding(table.path, line, ", ".join(key), f"{_show_key(cells)} repeats {repeats}", rule)
    if error.type == "foreign-key":
        fk = re.search(r'for "([^"]+)": values "([^"]*)" not found in the lookup table "([^"]*)" as "([^"]+)"', error.note)
        field, value, parent, parent_field = fk.groups() if fk else (None, "", "", "")
        return Finding(table.path, line, field, _fk_message(value, parent or table.name, parent_field), "foreign key", value)
    return Finding(table.path, line, name, _structure_message(raw, error), error.type.replace("-", " "))


def _structure_message(raw: read.RawTable, error) -> str:
    messages = {
        **_LABELS,
        "blank-row": "the row is blank; delete it",
        "extra-cell": f"the row has more cells than the header's {len(raw.table.field_names)}",
        "missing-cell": f"the row has fewer cells than the header's {len(raw.table.field_names)}",
        "incorrect-label": _incorrect_label(getattr(error, "label", ""), getattr(error, "field_name", ""), raw.table.field_names),
    }
    return messages.get(error.type, error.message)


def _show_key(cells: list[str]) -> str:
    return ", ".join(quoted(c) for c in cells)


def _fk_message(value: str, parent: str, parent_field: str) -> str:
    return rules.foreign_key_message(value, parent, parent_field)


def _type_message(cell: str, field: dict) -> str:
    kind = field.get("type", "string")
    return f"{quoted(cell)} is not a {kind}{_type_hint(cell, kind)}"


def _type_hint(cell: str, kind: str) -> str:
    """Where the intended value is obvious, say what to write; the file is never rewritten."""
    cell = cell or ""
    if kind in ("number", "integer"):
        guess = unicodedata.normalize("NFKC", cell).strip().replace(",", "").removesuffix("%")
        if guess != cell and NUMBER.fullmatch(guess) and (kind == "number" or guess.lstrip("+-").isdigit()):
            return f"; write {guess} instead" + (" (values are in percent already)" if cell.endswith("%") else "")
    if kind == "date" and cell.isdigit() and 20000 <= int(cell) <= 80000:
        day = EXCEL_EPOCH + timedelta(days=int(cell))
        return f"; it looks like a spreadsheet's date serial: write {day.isoformat()} instead"
    if kind == "date":
        return "; write dates as YYYY-MM-DD"
    return ""


def _spaces_hint(cell: str | None) -> str:
    if cell and cell != cell.strip():
        return "; it has leading or trailing spaces"
    return ""


# Pandera ------------------------------------------------------------------------

def _pandera_findings(pkg: DataPackage, raws: dict[str, read.RawTable], frames: dict[str, pd.DataFrame]) -> list[Finding]:
    findings = []
    for name, frame in frames.items():
        table_rules = rules.for_table(pkg, name, frames)
        checks = [pa.Check(_vectorised(rule, frames), error=rule.key) for rule in table_rules]
        schema = tableschema.pandera_schema(raws[name].table, checks)
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            cases = errors.failure_cases
            findings += _from_pandera(raws[name], frame, cases, {r.key: r for r in table_rules})
    return findings


def _vectorised(rule: rules.Rule, frames: dict[str, pd.DataFrame]):
    return lambda frame: rule.passes(frames).fillna(True).astype(bool)


def _from_pandera(raw: read.RawTable, frame: pd.DataFrame, cases: pd.DataFrame, by_name: dict) -> list[Finding]:
    table = raw.table
    is_rule = cases["check"].isin(list(by_name))
    # Constraints first: where a rule and a constraint flag the same cell, the constraint is the news.
    findings = [_column_finding(raw, frame, case.check, case.column, int(case.index))
                for case in cases[~is_rule].drop_duplicates(["check", "index", "column"]).itertuples()]
    # A row-wise rule lists one case per column of a failing row (none for its empty cells): one finding a row.
    for case in cases[is_rule].drop_duplicates(["check", "index"]).itertuples():
        line, rule = int(case.index), by_name[case.check]
        if line not in frame.attrs["rows_with_bad_cells"]:
            message = rule.message(frame.loc[line])
            findings.append(Finding(table.path, line, rule.field, message, rule.name, raw.cell(line, rule.field)))
    return findings


def _column_finding(raw: read.RawTable, frame: pd.DataFrame, check: str, column: str, line: int) -> Finding:
    table = raw.table
    if check == "multiple_fields_uniqueness":
        key = table.schema["primaryKey"]
        return Finding(table.path, line, ", ".join(key), _repeat_message(raw, frame, key, line), "primary key")
    cell = raw.cell(line, column)
    field = table.field(column)
    if check == "not_nullable" and cell:
        return Finding(table.path, line, column, _type_message(cell, field), f"type {field['type']}", cell)
    if check == "field_uniqueness":
        return Finding(table.path, line, column, _repeat_message(raw, frame, [column], line), "constraint unique", cell)
    constraint = {"not_nullable": "required"}.get(check, check)
    message = tableschema.constraint_message(field, constraint, cell) + _spaces_hint(cell)
    return Finding(table.path, line, column, message, f"constraint {constraint}", cell)


def _repeat_message(raw: read.RawTable, frame: pd.DataFrame, key: list[str], line: int) -> str:
    same = (frame[key] == frame.loc[line, key]).all(axis=1)
    first = int(same[same].index.min())
    return f"{_show_key([raw.cell(line, k) for k in key])} repeats line {first}"
