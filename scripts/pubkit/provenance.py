"""Re-check every figure against its archived document; reads the archive, writes nothing.

1. The archived file's sha256 equals ``documents.sha256``.
2. Each quote is the archived text between its offsets, to the code point.
3. ``stated_text`` occurs in the quote, and the speaker in the document.
4. Re-derivation: the quantity parser reads ``stated_text`` and must give the
   row's value, unit_mult and value_qualifier; 预计 in its clause means a forecast.
5. Coverage: every numeric mention is inside a quote or a reviewed ignored span.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from fractions import Fraction

import pandas as pd

from pubkit import coverage, quantity
from pubkit.descriptor import DataPackage
from pubkit.findings import Finding, quoted
from pubkit.read import RawTable
from pubkit.rules import show

QUOTE_FIELDS = ["quote", "quote_start", "quote_end", "stated_text"]
CLAIM_FIELDS = ["document_id", "indicator_id", *QUOTE_FIELDS, "speaker", "speaker_role", "value_text", "value",
                "unit_mult", "value_qualifier", "obs_status"]
CLAUSE_BREAK = re.compile(r"[,，。;；:：、]")


def run(pkg: DataPackage, raws: dict[str, RawTable], frames: dict[str, pd.DataFrame]) -> list[Finding]:
    if "documents" not in frames:
        return []
    texts, findings = _archived_texts(pkg, raws["documents"], frames["documents"])
    if "observations" in frames:
        findings += _observation_findings(raws["observations"], frames["observations"], texts, frames.get("indicators"))
    if "ignored_mentions" in frames:
        findings += _ignored_findings(raws["ignored_mentions"], frames["ignored_mentions"], texts, frames.get("observations"))
    if "observations" in frames and "ignored_mentions" in frames:
        findings += _coverage_findings(pkg, raws, frames, texts)
    return findings


def _archived_texts(pkg: DataPackage, raw: RawTable, docs: pd.DataFrame) -> tuple[dict, list[Finding]]:
    texts, findings = {}, []
    for line, doc in docs.iterrows():
        if doc[["document_id", "sha256"]].isna().any():
            continue  # the empty cell is reported already
        path = doc["archive_path"]
        if pd.isna(path) or path not in pkg.source_paths():
            message = f"{quoted(path)} is not listed in the sources of datapackage.json"
            findings.append(Finding(raw.table.path, line, "archive_path", message, "archive"))
            continue
        data = (pkg.root / path).read_bytes() if (pkg.root / path).is_file() else None
        if data is None:
            findings.append(Finding(raw.table.path, line, "archive_path", f"{quoted(path)} does not exist", "archive"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != doc["sha256"]:
            message = f"{path} has sha256 {digest}, not {doc['sha256']}: the archived document was changed"
            findings.append(Finding(raw.table.path, line, "sha256", message, "document sha256"))
            continue
        texts[doc["document_id"]] = (path, data.decode("utf-8"))
    return texts, findings


def _observation_findings(raw: RawTable, obs: pd.DataFrame, texts: dict, indicators: pd.DataFrame | None) -> list[Finding]:
    units = indicators.set_index("indicator_id")["unit"] if indicators is not None else pd.Series(dtype=object)
    value_text = raw.text("value")
    # Rows that repeat a claim (same quote, figure and reading) are checked once; findings go to each.
    groups = obs.assign(value_text=value_text).groupby(CLAIM_FIELDS, dropna=False, sort=False).groups
    findings = []
    for lines in groups.values():
        found = _claim_findings(raw, lines[0], obs.loc[lines[0]], texts, units)
        if found:
            findings += [replace(f, line=int(line)) for line in lines for f in found]
    return findings


def _claim_findings(raw: RawTable, line: int, row: pd.Series, texts: dict, units: pd.Series) -> list[Finding]:
    if row["document_id"] not in texts or row[QUOTE_FIELDS].isna().any():
        return []  # the document or the empty cell is reported already
    text = texts[row["document_id"]][1]
    problem = _quote_problem(text, row)
    if problem:
        return [Finding(raw.table.path, line, "quote", problem, "quote")]
    if row["stated_text"] not in row["quote"]:
        message = f"{quoted(row['stated_text'])} does not occur in the quote {quoted(row['quote'])}"
        return [Finding(raw.table.path, line, "stated_text", message, "stated text")]
    findings = []
    if pd.notna(row["speaker"]) and f"{_or_empty(row['speaker_role'])}{row['speaker']}" not in text:
        message = f"{quoted(_or_empty(row['speaker_role']) + row['speaker'])} (speaker_role and speaker) is not in the document"
        findings.append(Finding(raw.table.path, line, "speaker", message, "speaker"))
    return findings + _rederive(raw, line, row, units.get(row["indicator_id"]))


def _quote_problem(text: str, row: pd.Series) -> str | None:
    start, end = int(row["quote_start"]), int(row["quote_end"])
    if end > len(text):
        return f"quote_end {end} is past the end of the archived text ({len(text)} code points)"
    if text[start:end] != row["quote"]:
        found = text.find(row["quote"])
        hint = f"; the quote is at {found}–{found + len(row['quote'])}" if found >= 0 else "; the quote is nowhere in the text"
        return f"the archived text at {start}–{end} reads {quoted(text[start:end])}, not the quote{hint}"
    return None


def _rederive(raw: RawTable, line: int, row: pd.Series, unit: str | None) -> list[Finding]:
    stated = row["stated_text"]
    try:
        parsed = quantity.parse(stated)
        value = parsed.in_unit(unit) if unit else None
    except quantity.QuantityError as err:
        return [Finding(raw.table.path, line, "stated_text", f"{quoted(stated)} cannot be re-derived: {err}", "stated value")]
    status = "F" if "预计" in _clause(row["quote"], stated) else "A"
    typed_value = value is not None and pd.notna(row["value"])
    checks = [
        ("value", value, Fraction(raw.cell(line, "value")) if typed_value else value),
        ("unit_mult", parsed.unit_mult, row["unit_mult"]),
        ("value_qualifier", parsed.qualifier, row["value_qualifier"]),
    ]
    findings = [
        Finding(raw.table.path, line, name, f"{show(_plain(got))} disagrees with stated_text {quoted(stated)}, "
                f"which reads {show(_plain(want))}", "stated value")
        for name, want, got in checks if pd.notna(got) and want != got
    ]
    if pd.notna(row["obs_status"]) and (status == "F") != (row["obs_status"] == "F"):
        says = "says 预计 (expected), so F" if status == "F" else "has no 预计 (expected), so not F"
        findings.append(Finding(raw.table.path, line, "obs_status",
                                f"{quoted(row['obs_status'])} disagrees with the quote, whose clause {says}", "stated status"))
    return findings


def _clause(quote: str, stated: str) -> str:
    """The clause of ``quote`` that holds ``stated``: between the nearest punctuation marks."""
    at = quote.find(stated)
    starts = [m.end() for m in CLAUSE_BREAK.finditer(quote, 0, at)]
    end = CLAUSE_BREAK.search(quote, at + len(stated))
    return quote[(starts[-1] if starts else 0):(end.start() if end else len(quote))]


def _plain(value):
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


def _or_empty(value) -> str:
    return "" if pd.isna(value) else value


def _ignored_findings(raw: RawTable, ignored: pd.DataFrame, texts: dict, obs: pd.DataFrame | None) -> list[Finding]:
    values = None
    if obs is not None:  # only the observations a restatement names: a large table's index is slow to build
        restated = obs["observation_id"].isin(ignored["observation_id"].dropna())
        values = obs.loc[restated, ["observation_id", "value", "value_qualifier"]].set_index("observation_id")
    findings = []
    for line, row in ignored.iterrows():
        if row["document_id"] not in texts or row[["span_start", "span_end", "text"]].isna().any():
            continue
        text = texts[row["document_id"]][1]
        start, end = int(row["span_start"]), int(row["span_end"])
        if text[start:end] != row["text"]:
            message = f"the archived text at {start}–{end} reads {quoted(text[start:end])}, not {quoted(row['text'])}"
            findings.append(Finding(raw.table.path, line, "text", message, "ignored span"))
        elif _or_empty(row["kind"]) == "restatement":
            findings += _restatement_findings(raw, line, row, values)
    return findings


def _restatement_findings(raw: RawTable, line: int, row: pd.Series, values: pd.DataFrame | None) -> list[Finding]:
    if values is None:
        return []  # the observations table is unreadable, and reported
    if pd.isna(row["observation_id"]):
        return [Finding(raw.table.path, line, "observation_id", "a restatement must name the observation it repeats", "restatement")]
    if row["observation_id"] not in values.index or values.loc[row["observation_id"]].isna().any():
        return []  # a dangling key or a bad value is reported by its own check
    target = values.loc[row["observation_id"]]
    try:
        parsed = quantity.parse(row["text"])
        same = parsed.magnitude == Fraction(target["value"]) and parsed.qualifier == target["value_qualifier"]
    except quantity.QuantityError:
        same = False
    if same:
        return []
    message = (f"{quoted(row['text'])} does not restate {row['observation_id']} "
               f"({target['value_qualifier']} {show(target['value'])})")
    return [Finding(raw.table.path, line, "text", message, "restatement")]


def coverage_report(pkg: DataPackage, raws: dict, frames: dict) -> list[str]:
    """One line per numeric mention of every archived document, with what accounts for it."""
    texts, _ = _archived_texts(pkg, raws["documents"], frames["documents"])
    obs, ignored = frames["observations"], frames["ignored_mentions"]
    lines = []
    for document_id, (path, text) in texts.items():
        accounts = [(r.quote_start, r.quote_end, r.observation_id) for r in obs[obs["document_id"] == document_id].itertuples()]
        accounts += [(r.span_start, r.span_end, f"ignored: {r.kind}") for r in ignored[ignored["document_id"] == document_id].itertuples()]
        for mention in coverage.mentions(text):
            by = [label for start, end, label in accounts if start <= mention.start and mention.end <= end]
            lines.append(f"{path}:{coverage.line_of(text, mention.start)}: offset {mention.start}: "
                         f"{quoted(mention.text)} {coverage.context(text, mention)} -> {', '.join(by) or 'UNCOVERED'}")
    uncovered = sum(line.endswith("-> UNCOVERED") for line in lines)
    return [*lines, f"{len(lines)} numeric mention(s), {uncovered} uncovered"]


def _coverage_findings(pkg: DataPackage, raws: dict, frames: dict, texts: dict) -> list[Finding]:
    obs, ignored = frames["observations"], frames["ignored_mentions"]
    findings = []
    for document_id, (path, text) in texts.items():
        quotes = obs.loc[obs["document_id"] == document_id, ["quote_start", "quote_end"]].dropna().drop_duplicates()
        spans_ignored = ignored[ignored["document_id"] == document_id].dropna(subset=["span_start", "span_end"])
        spans = sorted(set(zip(quotes["quote_start"], quotes["quote_end"])) | set(zip(spans_ignored["span_start"], spans_ignored["span_end"])))
        for mention in coverage.uncovered(text, spans):
            message = (f"{quoted(mention.text)} at offset {mention.start} is in no observation's quote "
                       f"and no ignored mention: {coverage.context(text, mention)}")
            findings.append(Finding(path, coverage.line_of(text, mention.start), None, message, "coverage"))
        stale = set(coverage.unused(text, list(zip(spans_ignored["span_start"], spans_ignored["span_end"]))))
        for line, row in spans_ignored.iterrows():
            if (row["span_start"], row["span_end"]) in stale:
                message = f"the span {quoted(row['text'])} holds no numeric mention; delete the row"
                findings.append(Finding(raws["ignored_mentions"].table.path, line, "text", message, "coverage"))
    return findings
