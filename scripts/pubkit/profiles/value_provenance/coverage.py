"""6. Ignored mentions and coverage: every numeric mention of a document is a figure's or a reviewed span's.

Reads the typed tables and the archived texts; writes nothing."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from pubkit.base.findings import Finding, quoted
from pubkit.extensions import Context, show
from pubkit.profiles import mentions_zh, quantity_zh
from pubkit.profiles.value_provenance.archive import archived_texts
from pubkit.profiles.value_provenance.catalogue import COVERAGE, IGNORED_SPAN, RESTATEMENT
from pubkit.profiles.value_provenance.claims import _or_empty
from pubkit.profiles.value_provenance.declaration import Roles, _canonical, figures_frame, roles

# 6. Ignored mentions and coverage --------------------------------------------------------------


def _ignored_findings(
    ctx: Context, r: Roles, ignored: pd.DataFrame, figures: pd.DataFrame, texts: dict
) -> list[Finding]:
    raw, names = ctx.raws[r.ignored], r.ignored_fields
    values = None
    if "restates" in ignored:  # only the figures a restatement names: a large table's index is slow to build
        restated = figures["id"].isin(ignored["restates"].dropna())
        values = figures.loc[restated, ["id", "value", "qualifier"]].drop_duplicates("id").set_index("id")
    findings = []
    for line, row in ignored.iterrows():
        if row["document"] not in texts or row[["start", "end", "text"]].isna().any():
            continue
        text = texts[row["document"]][1]
        start, end = int(row["start"]), int(row["end"])
        if text[start:end] != row["text"]:
            findings.append(
                IGNORED_SPAN.at(
                    raw.table.path,
                    line,
                    names["text"],
                    start=start,
                    end=end,
                    found=quoted(text[start:end]),
                    text=quoted(row["text"]),
                )
            )
        elif _or_empty(row["kind"]) == "restatement" and values is not None:
            findings += _restatement_findings(raw, names, line, row, values, texts[row["document"]][2])
    return findings


def _restatement_findings(raw, names: dict, line: int, row: pd.Series, values: pd.DataFrame, language) -> list[Finding]:
    if pd.isna(row["restates"]):
        detail = "a restatement must name the observation it repeats"
        return [RESTATEMENT.at(raw.table.path, line, names["restates"], detail=detail)]
    if row["restates"] not in values.index or values.loc[row["restates"]].isna().any():
        return []  # a dangling key or a bad value is reported by its own check
    target = values.loc[row["restates"]]
    try:
        parsed = language.parse(row["text"])
        same = parsed.magnitude == Fraction(target["value"]) and parsed.qualifier == target["qualifier"]
    except quantity_zh.QuantityError:
        same = False
    if same:
        return []
    detail = f"{quoted(row['text'])} does not restate {row['restates']} ({target['qualifier']} {show(target['value'])})"
    return [RESTATEMENT.at(raw.table.path, line, names["text"], detail=detail)]


def _spans(frame: pd.DataFrame, document, start: str, end: str) -> list[tuple[int, int]]:
    rows = frame.loc[frame["document"] == document, [start, end]].dropna().drop_duplicates()
    return [(int(s), int(e)) for s, e in zip(rows[start], rows[end])]


def _coverage_findings(
    ctx: Context, r: Roles, figures: pd.DataFrame, ignored: pd.DataFrame, texts: dict
) -> list[Finding]:
    findings = []
    for document, (path, text, language) in texts.items():
        spans_ignored = _spans(ignored, document, "start", "end")
        spans = sorted(set(_spans(figures, document, "quoteStart", "quoteEnd")) | set(spans_ignored))
        found = language.mentions(text)
        for mention in mentions_zh.uncovered_of(found, spans):
            detail = (
                f"{quoted(mention.text)} at offset {mention.start} is in no observation's quote "
                f"and no ignored mention: {mentions_zh.context(text, mention)}"
            )
            findings.append(COVERAGE.at(path, mentions_zh.line_of(text, mention.start), detail=detail))
        stale = set(mentions_zh.unused_of(found, spans_ignored))
        rows = ignored[ignored["document"] == document].dropna(subset=["start", "end"])
        for line, row in rows.iterrows():
            if (int(row["start"]), int(row["end"])) in stale:
                detail = f"the span {quoted(row['text'])} holds no numeric mention; delete the row"
                findings.append(
                    COVERAGE.at(ctx.raws[r.ignored].table.path, line, r.ignored_fields["text"], detail=detail)
                )
    return findings


def coverage_report(ctx: Context) -> list[str]:
    """One line per numeric mention of every archived document, with what accounts for it."""
    r = roles(ctx)
    texts, _ = archived_texts(ctx, r)
    figures = figures_frame(ctx, r)
    ignored = _canonical(ctx.frames[r.ignored], r.ignored_fields) if r.ignored else None
    lines = []
    for document, (path, text, language) in texts.items():
        accounts = [(int(s), int(e), str(i)) for s, e, i in _triples(figures, document, "quoteStart", "quoteEnd", "id")]
        if ignored is not None:
            accounts += [
                (int(s), int(e), f"ignored: {k}") for s, e, k in _triples(ignored, document, "start", "end", "kind")
            ]
        for mention, by in mentions_zh.accounted(language.mentions(text), accounts):
            lines.append(
                f"{path}:{mentions_zh.line_of(text, mention.start)}: offset {mention.start}: "
                f"{quoted(mention.text)} {mentions_zh.context(text, mention)} -> {', '.join(by) or 'UNCOVERED'}"
            )
    uncovered = sum(line.endswith("-> UNCOVERED") for line in lines)
    return [*lines, f"{len(lines)} numeric mention(s), {uncovered} uncovered"]


def _triples(frame: pd.DataFrame, document, start: str, end: str, label: str):
    rows = frame.loc[frame["document"] == document, [start, end, label]].dropna(subset=[start, end])
    return zip(rows[start], rows[end], rows[label])
