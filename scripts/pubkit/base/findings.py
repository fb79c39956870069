"""Findings are data: each check reports what it found as ``Finding`` values. Reads and writes nothing.

A finding knows where it is (file, line a person sees in an editor, field), the
bad value, and the rule it breaks. ``str(finding)`` is the one line users read:

    data/prices.csv:14: price: "n/a" is not a number (type number)

Every finding is made from an entry of the catalogue (``pubkit.errors``), which
gives its ``type`` (frictionless' error type where it has one) and its title.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

SHOWN_PER_RULE = 20


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int | None
    field: str | None
    message: str
    rule: str  # the catalogue entry's title, shown in parentheses
    value: str | None = None  # the cell as written
    type: str = ""  # the catalogue entry's code
    row: int | None = None  # the record number as frictionless counts it (the header is 1)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message} ({self.rule})"


class PubkitError(Exception):
    """An error a user can act on; its message is one line."""


class CheckFailed(PubkitError):
    """Raised with every finding of a failed check, never only the first."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__(f"{len(findings)} problem(s) found")


def quoted(value: object) -> str:
    """A cell value as users see it in messages: in double quotes, escapes visible."""
    return json.dumps("" if value is None else str(value), ensure_ascii=False)


def dedupe(findings: list[Finding]) -> list[Finding]:
    """Keep the first finding per cell and rule, so two engines never report one error twice.

    A cell that breaks two rules (a duplicate key that also breaks its pattern, a number
    under its minimum and outside its enum) keeps both findings, as frictionless reports both.
    """
    seen: set[tuple] = set()
    kept = []
    for finding in findings:
        key = (finding.path, finding.line, finding.field or finding.message, finding.rule) if finding.line else finding
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def render(findings: list[Finding], shown_per_rule: int = SHOWN_PER_RULE) -> str:
    """Every finding on its own line, at most ``shown_per_rule`` per rule, then a count per rule."""
    counts = Counter(f.rule for f in findings)
    shown: Counter = Counter()
    lines = []
    for finding in findings:
        shown[finding.rule] += 1
        if shown[finding.rule] <= shown_per_rule:
            lines.append(str(finding))
    lines.append(f"{len(findings)} problem(s):")
    for rule, count in sorted(counts.items()):
        hidden = count - min(count, shown_per_rule)
        more = f" ({hidden} not shown above: use --json for all)" if hidden else ""
        lines.append(f"  {count} × {rule}{more}")
    return "\n".join(lines)


def to_json(findings: list[Finding]) -> str:
    """Every finding with frictionless' property names: type, path, line, rowNumber, fieldName, cell, message."""
    return json.dumps([as_dict(f) for f in findings], ensure_ascii=False, indent=1)


def as_dict(finding: Finding) -> dict:
    return {
        "type": finding.type,
        "title": finding.rule,
        "path": finding.path,
        "line": finding.line,
        "rowNumber": finding.row,
        "fieldName": finding.field,
        "cell": finding.value,
        "message": finding.message,
    }
