"""frictionless' own row-by-row validation, in this toolkit's words: reads the package's tables, writes nothing.

``pubkit check --engine frictionless`` adds these findings to the fast engine's; the
parity tests use them to prove that the fast engine finds everything frictionless finds.
"""

from __future__ import annotations

import re
import sys

from pubkit.base import errors
from pubkit.base.findings import CheckFailed, Finding
from pubkit.checks import rules, structure
from pubkit.standard import read
from pubkit.standard.descriptor import DataPackage

LABELS = {
    "blank-label": errors.BLANK_LABEL,
    "duplicate-label": errors.DUPLICATE_LABEL,
    "missing-label": errors.MISSING_LABEL,
    "extra-label": errors.EXTRA_LABEL,
    "blank-row": errors.BLANK_ROW,
}


def findings(pkg: DataPackage) -> list[Finding]:
    """What frictionless alone finds in the readable tables."""
    raws = {}
    for table in pkg.tables:
        try:
            raws[table.name] = read.raw_table(pkg, table)
        except CheckFailed:
            continue
    return findings_of(pkg, raws)


def findings_of(pkg: DataPackage, raws: dict[str, read.RawTable]) -> list[Finding]:
    import frictionless  # slow to import; only this engine needs it

    descriptor = _readable_only(pkg, raws)
    try:
        invalid = list(frictionless.Package.metadata_validate(descriptor))
        if invalid:  # frictionless names the first problem of a descriptor only
            return [errors.DESCRIPTOR.at("datapackage.json", detail=e.note) for e in invalid]
        report = frictionless.Package(descriptor, basepath=str(pkg.root)).validate(limit_errors=sys.maxsize)
    except frictionless.FrictionlessException as err:
        return [errors.DESCRIPTOR.at("datapackage.json", detail=err.error.note or err.error.message)]
    except Exception as err:  # frictionless trips over some malformed descriptors instead of reporting them
        detail = f"frictionless cannot read the descriptor ({type(err).__name__}: {err})"
        return [errors.DESCRIPTOR.at("datapackage.json", detail=detail)]
    found = []
    for task in report.tasks:
        raw = raws[task.name]
        blank_rows = {e.row_number for e in task.errors if e.type == "blank-row"}
        for error in task.errors:
            if error.type == "primary-key" and error.row_number in blank_rows:
                continue  # a blank row has no key; the blank row itself is reported
            found.append(_translated(raw, error))
    return found


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


def _translated(raw: read.RawTable, error) -> Finding:
    table = raw.table
    row = getattr(error, "row_number", None)
    line = raw.line_of_record(row) if row else (1 if "label" in error.type else None)
    name = getattr(error, "field_name", None) or getattr(error, "label", None) or None
    cell = getattr(error, "cell", None)
    if error.type == "type-error":
        return structure.type_error(table.path, line, table.field(name), cell)
    if error.type == "constraint-error":
        constraint = re.search(r'constraint "(\w+)"', error.note).group(1)
        return structure.constraint_error(table.path, line, table.field(name), constraint, cell)
    if error.type in ("unique-error", "primary-key"):
        first = re.search(r"position (\d+)", error.note)
        key = table.schema["primaryKey"] if error.type == "primary-key" else [name]
        cells = [raw.cell(line, k) for k in key]
        repeats = raw.earlier(raw.line_of_record(int(first.group(1))), line) if first else "an earlier line"
        return structure.repeat_error(table.path, line, key, cells, repeats, error.type == "primary-key")
    if error.type == "foreign-key":
        fk = re.search(
            r'for "([^"]+)": values "([^"]*)" not found in the lookup table "([^"]*)" as "([^"]+)"', error.note
        )
        field, value, parent, parent_field = fk.groups() if fk else (None, "", "", "")
        message = rules.foreign_key_message(value, parent or table.name, parent_field)
        return Finding(table.path, line, field, message, errors.FOREIGN_KEY.title, value, type=errors.FOREIGN_KEY.code)
    return _structure_error(raw, error, line, name)


def _structure_error(raw: read.RawTable, error, line: int | None, name: str | None) -> Finding:
    path, fields = raw.table.path, raw.table.field_names
    if error.type == "incorrect-label":
        return structure.incorrect_label(
            path, line, getattr(error, "label", ""), getattr(error, "field_name", ""), fields
        )
    if error.type == "extra-cell":
        return errors.EXTRA_CELL.at(path, line, count=len(raw.header), number=getattr(error, "field_number", 0))
    if error.type == "missing-cell":
        return errors.MISSING_CELL.at(path, line, name, count=len(raw.header))
    if error.type in LABELS:
        return LABELS[error.type].at(path, line, name)
    return Finding(path, line, name, error.message, error.title, getattr(error, "cell", None), type=error.type)
