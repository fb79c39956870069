"""Structure and types of a read table, column by column: reads a ``RawTable``, writes nothing.

What frictionless checks row by row: the header against the schema, blank and
ragged rows, and cells that hold text but no value of their field's type. Hints say
what to type only where the intended value is certain.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pubkit.base import errors
from pubkit.base.findings import Finding, quoted
from pubkit.standard import fieldtypes, labels, read

NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
EXCEL_EPOCH = date(1899, 12, 30)
THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")


def header_findings(raw: read.RawTable) -> list[Finding]:
    """Each header label against the schema's fields, as its ``fieldsMatch`` pairs them."""
    path, fields, header, line = raw.table.path, raw.table.field_names, raw.header, raw.header_line
    if labels.by_name(raw.table):
        return _named_header_findings(raw)
    findings = []
    for i, label in enumerate(header):
        if i >= len(fields):
            findings.append(errors.EXTRA_LABEL.at(path, line, label))
        elif label == "":
            findings.append(errors.BLANK_LABEL.at(path, line, fields[i]))
        elif label in header[:i]:
            findings.append(errors.DUPLICATE_LABEL.at(path, line, fields[i]))
        elif label != fields[i]:
            findings.append(incorrect_label(path, line, label, fields[i], fields))
    findings += [errors.MISSING_LABEL.at(path, line, f) for f in fields[len(header) :]]
    return findings


def _named_header_findings(raw: read.RawTable) -> list[Finding]:
    """Labels that name no field, fields no label names, and (``partial``) a header that names none."""
    path, line, table = raw.table.path, raw.header_line, raw.table
    findings = [errors.EXTRA_LABEL.at(path, line, label) for label in labels.extra(raw.header, table)]
    if labels.unmatched(raw.header, table):
        findings.append(errors.UNMATCHED_HEADER.at(path, line, fields=", ".join(table.field_names)))
    return findings + [errors.MISSING_LABEL.at(path, line, name) for name in labels.missing(raw.header, table)]


def incorrect_label(path: str, line: int, label: str, field: str, fields: list[str]) -> Finding:
    return errors.INCORRECT_LABEL.at(path, line, label=quoted(label), field=quoted(field), fields=", ".join(fields))


def row_findings(raw: read.RawTable) -> list[Finding]:
    """Blank rows, and rows with more or fewer cells than the header has labels (as frictionless counts them).

    A wrong header hides nothing: fields are paired with columns as frictionless pairs them (``labels``).
    """
    path, count, names = raw.table.path, len(raw.header), labels.column_names(raw.header, raw.table)
    findings = [errors.BLANK_ROW.at(path, line) for line in raw.blank_lines]
    required = {f["name"] for f in raw.table.fields if f.get("constraints", {}).get("required")}
    ragged = np.flatnonzero(raw.widths != count)
    for line, width in zip(raw.lines[ragged].tolist(), raw.widths[ragged].tolist(), strict=True):
        findings += [errors.EXTRA_CELL.at(path, line, count=count, number=n) for n in range(count + 1, width + 1)]
        for position in range(width, count):
            name = names[position]
            findings.append(errors.MISSING_CELL.at(path, line, name, count=count))
            if name in required:  # frictionless reports both: the cell is missing, and it is required
                findings.append(errors.REQUIRED.at(path, line, name))
    return findings


def type_findings(raw: read.RawTable, frame: pd.DataFrame) -> list[Finding]:
    """Cells that hold text but not a value of their field's type."""
    findings = []
    for field in raw.table.fields:
        name = field["name"]
        if field.get("type", "string") == "string" and field.get("format", "default") == "default" and not raw.invalid:
            continue
        if raw.position(name) is None:
            continue  # no column: its missing label is the finding
        text = raw.text(name)
        bad = frame[name].isna() & ~text.isin(raw.table.missing_values(field))
        for line, cell in text[bad.to_numpy()].items():
            findings.append(type_error(raw.table.path, line, field, cell))
    return findings


FLOAT_DIGITS = 15  # a decimal of at most this many significant digits survives a 64-bit float exactly


def precision_findings(raw: read.RawTable, frame: pd.DataFrame) -> list[Finding]:
    """Numbers a 64-bit float cannot hold: published, they would read otherwise (9007199254740993 as
    9007199254740992, 1e400 as INF). Only a cell of more than 15 significant digits, or with an exponent,
    can be one; each is compared, as a decimal, with the text the release would write of it."""
    from decimal import Decimal, InvalidOperation

    findings = []
    for field in raw.table.fields:
        name = field["name"]
        if field.get("type") != "number" or raw.position(name) is None:
            continue
        text = raw.text(name)
        digits = text.str.lstrip("+-0.").str.count(r"[0-9]").fillna(0)
        suspect = (digits > FLOAT_DIGITS) | text.str.contains("[eE]").fillna(False)  # an exponent may overflow
        for line in text.index[suspect.to_numpy(dtype=bool) & frame[name].notna().to_numpy()]:
            cell, published = text[line], fieldtypes.format_number(frame[name][line])
            try:
                changed = Decimal(cell.strip()) != Decimal(published)
            except InvalidOperation:  # a format of its own (groupChar, a percent sign): not compared
                continue
            if changed:
                entry = errors.NUMBER_PRECISION
                findings.append(entry.at(raw.table.path, line, name, cell, value=cell, published=published))
    return findings


def type_error(path: str, line: int, field: dict, cell: str) -> Finding:
    kind = field.get("type", "string")
    hint = (
        _type_hint(cell, kind) if field.get("format", "default") == "default" else f"; its format is {field['format']}"
    )
    article = "an" if kind[0] in "aeiou" else "a"
    return errors.TYPE.at(path, line, field["name"], cell, value=quoted(cell), a=article, type=kind, hint=hint)


def _type_hint(cell: str, kind: str) -> str:
    """Where the intended value is obvious, say what to write; the file is never rewritten."""
    cell = cell or ""
    if kind in ("number", "integer"):
        plain = unicodedata.normalize("NFKC", cell).strip().removesuffix("%")
        # A comma is removed only where it certainly groups thousands (2,000; 1,234.5), never where it
        # could be a decimal comma (0,45): a hint never changes a value.
        guess = plain.replace(",", "") if THOUSANDS.fullmatch(plain) else plain
        if guess != cell and NUMBER.fullmatch(guess) and (kind == "number" or guess.lstrip("+-").isdigit()):
            return f"; write {guess} instead" + (" (values are in percent already)" if cell.endswith("%") else "")
        if "," in plain and NUMBER.fullmatch(plain.replace(",", ".")):
            return "; if the comma is a decimal comma, declare decimalChar in the schema, or write a point"
    if kind == "date" and cell.isdigit() and 20000 <= int(cell) <= 80000:
        day = EXCEL_EPOCH + timedelta(days=int(cell))
        return f"; it looks like a spreadsheet's date serial: write {day.isoformat()} instead"
    if kind == "date" and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cell):
        return "; there is no such day"
    if kind == "date":
        return "; write dates as YYYY-MM-DD"
    return ""


def spaces_hint(cell: str | None) -> str:
    if cell and cell != cell.strip():
        return "; it has leading or trailing spaces"
    return ""


BOUND_ENTRIES = {
    "minimum": errors.MINIMUM,
    "maximum": errors.MAXIMUM,
    "exclusiveMinimum": errors.EXCLUSIVE_MINIMUM,
    "exclusiveMaximum": errors.EXCLUSIVE_MAXIMUM,
}


def constraint_error(path: str, line: int, field: dict, constraint: str, cell: str | None) -> Finding:
    """A broken constraint in the user's words; shared by every engine."""
    limits, name = field.get("constraints", {}), field["name"]
    value, hint = quoted(cell), spaces_hint(cell)
    if constraint == "required":
        return errors.REQUIRED.at(path, line, name, cell)
    if constraint == "enum":
        return errors.ENUM.at(path, line, name, cell, value=value, enum=", ".join(map(str, limits["enum"])), hint=hint)
    if constraint == "pattern":
        return errors.PATTERN.at(path, line, name, cell, value=value, pattern=limits["pattern"], hint=hint)
    if constraint in BOUND_ENTRIES:
        return BOUND_ENTRIES[constraint].at(path, line, name, cell, value=value, limit=limits[constraint], hint=hint)
    if constraint in ("minLength", "maxLength"):
        length = len(cell or "")
        return errors.LENGTH.at(
            path, line, name, cell, value=value, length=length, constraint=constraint, limit=limits[constraint]
        )
    raise ValueError(f"no message for the constraint {constraint!r}")  # descriptor.load() refuses unknown ones


def repeat_error(path: str, line: int, key: list[str], cells: list[str], first: str, primary: bool) -> Finding:
    entry = errors.PRIMARY_KEY if primary else errors.UNIQUE
    shown = ", ".join(quoted(c) for c in cells)
    return entry.at(path, line, ", ".join(key), cells[0] if len(cells) == 1 else None, key=shown, first=first)
