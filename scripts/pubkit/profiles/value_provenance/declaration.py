"""The declaration: which resource and field plays each role of the profile. Reads the descriptor; writes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pubkit.base.findings import Finding, quoted
from pubkit.extensions import Context
from pubkit.profiles.value_provenance.catalogue import FIGURE_ROLES, IGNORED_ROLES, PROPERTY, ROLE

# The declaration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Roles:
    """The descriptor's role mapping: resource names, and role -> field name for each table."""

    documents: str
    document_fields: dict[str, str]
    figures: str
    figure_fields: dict[str, str]  # this module's names -> the package's
    unit: str | dict
    ignored: str | None
    ignored_fields: dict[str, str]
    language: str | None

    @classmethod
    def of(cls, declared: dict) -> Roles:
        figures, ignored = declared["figures"], declared.get("ignoredMentions") or {}
        return cls(
            declared["documents"]["resource"],
            {k: v for k, v in declared["documents"].items() if k != "resource"},
            figures["resource"],
            {k: v for k, v in figures.items() if k in FIGURE_ROLES},
            figures["unit"],
            ignored.get("resource"),
            {k: v for k, v in ignored.items() if k in IGNORED_ROLES},
            declared.get("language"),  # None: each document must say its own
        )


def roles(ctx: Context) -> Roles:
    return Roles.of(ctx.pkg.descriptor[PROPERTY])


def _declaration_findings(ctx: Context, r: Roles) -> list[Finding]:
    """Every resource and field the declaration names exists in the package."""
    wanted = [(r.documents, f, f"documents.{k}") for k, f in r.document_fields.items()]
    wanted += [(r.figures, f, f"figures.{k}") for k, f in r.figure_fields.items()]
    wanted += [(r.ignored, f, f"ignoredMentions.{k}") for k, f in r.ignored_fields.items()]
    if isinstance(r.unit, dict):
        wanted += [
            (r.figures, r.unit["via"], "figures.unit.via"),
            (r.unit["resource"], r.unit["key"], "figures.unit.key"),
        ]
        wanted.append((r.unit["resource"], r.unit["field"], "figures.unit.field"))
    else:
        wanted.append((r.figures, r.unit, "figures.unit"))
    findings = []
    for resource, field, role in wanted:
        table = ctx.pkg.table(resource)
        if table is None:
            findings.append(_role(f"{PROPERTY}.{role} names the resource {quoted(resource)}, which the package lacks"))
        elif field not in table.field_names:
            findings.append(_role(f"{PROPERTY}.{role} names the field {quoted(field)}, which {resource} lacks"))
    return findings


def _role(detail: str) -> Finding:
    return ROLE.at("datapackage.json", detail=detail)


def _canonical(frame: pd.DataFrame, fields: dict[str, str]) -> pd.DataFrame:
    return frame[list(fields.values())].set_axis(list(fields), axis=1)


def figures_frame(ctx: Context, r: Roles) -> pd.DataFrame:
    """The figures table with this module's column names, and each figure's unit."""
    figures = ctx.frames[r.figures]
    canonical = _canonical(figures, r.figure_fields)
    if isinstance(r.unit, dict):
        lookup = ctx.frames[r.unit["resource"]].drop_duplicates(r.unit["key"]).set_index(r.unit["key"])[r.unit["field"]]
        unit = figures[r.unit["via"]].map(lookup)
    else:
        unit = figures[r.unit]
    return canonical.assign(unit=unit)


def ready(ctx: Context) -> Roles | None:
    r = roles(ctx)
    if _declaration_findings(ctx, r):
        return None
    if r.documents not in ctx.frames or r.figures not in ctx.frames:
        return None  # an unreadable table is reported already
    if isinstance(r.unit, dict) and r.unit["resource"] not in ctx.frames:
        return None
    return r
