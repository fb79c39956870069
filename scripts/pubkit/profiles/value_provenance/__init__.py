"""The value-provenance profile: every figure re-checked against the verbatim quote it comes from.

A package opts in with the descriptor property ``valueProvenance``, which maps the
profile's roles to its own resources and fields (JSON Schema:
``value-provenance.schema.json``). Reads the archived documents the package lists;
writes nothing. What it checks:

1. each archived file's sha256 equals the one recorded;
2. each quote is the archived text between its offsets, to the code point;
3. the stated text occurs in the quote, and the speaker in the document;
4. re-derivation: the document language's quantity parser reads the stated text and
   must give the row's value, unit multiplier and qualifier; a forecast word in its
   clause (预计) means status F;
5. bounds: a qualifier that makes the value a bound fills that bound, and only it;
6. with ``ignoredMentions``: every numeric mention of every document lies inside a
   quote or a reviewed ignored span, and each restatement repeats its figure.

The profile is split by job: ``catalogue`` (its constants, languages and error entries), ``roles``
(the declaration), ``archive``, ``claims`` (quotes and re-derivation), ``bounds``, ``coverage``,
``locate`` and ``sheet`` (the datasheet's part). This module holds the hooks the core calls
(``pubkit.extensions``) and what ``pubkit.api`` asks of the profile.
"""

from __future__ import annotations

from pubkit.base.findings import Finding
from pubkit.extensions import Context, Datasheet, Rule
from pubkit.profiles.value_provenance.archive import archived_texts
from pubkit.profiles.value_provenance.bounds import _bounds_order, _bounds_rule, _offsets_order
from pubkit.profiles.value_provenance.catalogue import ERRORS, LANGUAGES, PROPERTY, Language
from pubkit.profiles.value_provenance.claims import _figure_findings
from pubkit.profiles.value_provenance.coverage import _coverage_findings, _ignored_findings, coverage_report
from pubkit.profiles.value_provenance.declaration import (
    Roles,
    _canonical,
    _declaration_findings,
    figures_frame,
    ready,
    roles,
)
from pubkit.profiles.value_provenance.locating import locate, located_text, skeleton

__all__ = [
    "ERRORS",
    "LANGUAGES",
    "PROPERTY",
    "Language",
    "Roles",
    "about",
    "check",
    "coverage_report",
    "datasheet",
    "descriptor_problems",
    "locate",
    "located_text",
    "roles",
    "row_rules",
    "skeleton",
]

# Hooks -----------------------------------------------------------------------------------------


def descriptor_problems(descriptor: dict) -> list[str]:
    """The profile's declaration against its JSON Schema (``value-provenance.schema.json``), one line each."""
    from pubkit import profiles

    return profiles.problems(PROPERTY, descriptor)


def row_rules(ctx: Context) -> list[Rule]:
    r = ready(ctx)
    if r is None:
        return []
    f = r.figure_fields
    rules = [_offsets_order(r.figures, f["quoteStart"], f["quoteEnd"])]
    if "lowerBound" in f and "upperBound" in f:
        rules += [_bounds_rule(r), _bounds_order(r.figures, f["lowerBound"], f["upperBound"])]
    return rules


def check(ctx: Context) -> list[Finding]:
    r = roles(ctx)
    findings = _declaration_findings(ctx, r)
    if findings or ready(ctx) is None:
        return findings
    texts, findings = archived_texts(ctx, r)
    figures = figures_frame(ctx, r)
    findings += _figure_findings(ctx, r, figures, texts)
    if r.ignored and r.ignored in ctx.frames:
        ignored = _canonical(ctx.frames[r.ignored], r.ignored_fields)
        findings += _ignored_findings(ctx, r, ignored, figures, texts)
        findings += _coverage_findings(ctx, r, figures, ignored, texts)
    return findings


def datasheet(ctx: Context) -> Datasheet:
    """Every figure one click from its quote, and the declared charts (``provenance_sheet``)."""
    from pubkit.profiles.value_provenance import sheet as provenance_sheet

    return provenance_sheet.datasheet(ctx)


ABOUT_ROLES = ("value", "unitMultiplier", "qualifier", "lowerBound", "upperBound", "status")


def about(ctx: Context) -> list[tuple[str, str]]:
    """How to read a figure, for the About sheet: each role's field with its description, from its schema."""
    r = ready(ctx)
    if r is None:
        return []
    table = ctx.pkg.table(r.figures)
    rows = [("reading a figure", f"Each row of {r.figures} is one figure the document states, with its quote.")]
    for role in ABOUT_ROLES:
        name = r.figure_fields.get(role)
        if name and name in table.field_names and table.field(name).get("description"):
            rows.append((f"{r.figures}.{name}", table.field(name)["description"]))
    return rows
