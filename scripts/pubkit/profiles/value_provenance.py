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
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from fractions import Fraction

import pandas as pd

from pubkit import errors
from pubkit.extensions import Context, Datasheet, Rule
from pubkit.findings import Finding, quoted
from pubkit.profiles import mentions_zh, quantity_zh
from pubkit.rules import show

PROPERTY = "valueProvenance"
CLAUSE_BREAK = re.compile(r"[,，。;；:：、]")
BOUND_OF = {
    "more_than": "lowerBound",
    "at_least": "lowerBound",
    "nearly": "upperBound",
    "less_than": "upperBound",
    "at_most": "upperBound",
}
FIGURE_ROLES = (  # the roles of a figures table, as the descriptor names them and as this module does
    "id",
    "document",
    "quote",
    "quoteStart",
    "quoteEnd",
    "statedText",
    "value",
    "unitMultiplier",
    "qualifier",
    "lowerBound",
    "upperBound",
    "status",
    "speaker",
    "speakerRole",
)
IGNORED_ROLES = {
    "document": "document",
    "start": "start",
    "end": "end",
    "text": "text",
    "kind": "kind",
    "restates": "restates",
}


@dataclass(frozen=True)
class Language:
    """What the profile needs of a document's language: read a quantity, find numeric mentions."""

    parse: object  # str -> Quantity (raises quantity_zh.QuantityError)
    mentions: object  # str -> list[Mention]
    forecast_words: tuple[str, ...]


LANGUAGES = {"zh-Hans": Language(quantity_zh.parse, mentions_zh.mentions, ("预计",))}
LANGUAGES["zh"] = LANGUAGES["zh-CN"] = LANGUAGES["zh-Hans"]

E = errors.ErrorType
ROLE = E(
    "profile-error", "profile", "{detail}", "fix the valueProvenance property of datapackage.json as the message says"
)
ARCHIVE = E("archive", "archive", "{detail}", "list the archived file in the descriptor's sources, at that path")
DOCUMENT_SHA256 = E(
    "hash-count",
    "document sha256",
    "{archive} has sha256 {actual}, not {recorded}: the archived document was changed",
    "restore the archived document byte for byte (never edit it)",
)
LANGUAGE = E(
    "language",
    "language",
    "{language} is a language for which no quantity parser exists; known: {known}",
    "write one of the known tags",
)
QUOTE = E(
    "quote",
    "quote",
    "{detail}",
    "fix the quote's start and end (code points, not bytes) as the message says",
)
STATED_TEXT = E(
    "stated-text",
    "stated text",
    "{stated} does not occur in the quote {quote}",
    "copy the figure exactly as the quote writes it",
)
SPEAKER = E(
    "speaker",
    "speaker",
    "{speaker} ({role_field} and {speaker_field}) is not in the document",
    "write the speaker and role exactly as the document does",
)
STATED_VALUE = E(
    "stated-value",
    "stated value",
    "{detail}",
    "copy the figure from the quote: value, unit multiplier and qualifier follow from the stated text",
)
STATED_STATUS = E(
    "stated-status",
    "stated status",
    "{status} disagrees with the quote, whose clause {says}",
    "mark an expected figure (预计) F, and no other",
)
BOUNDS = E(
    "bounds",
    "bounds match qualifier",
    "{qualifier} needs {wants}, but {lower} is {lower_value} and {upper} is {upper_value}",
    "fill the bound the qualifier implies, equal to the value, and leave the other empty",
)
BOUNDS_ORDER = E(
    "bounds-order", "bounds order", "{low} {low_value} is greater than {high} {high_value}", "swap or fix the bounds"
)
OFFSETS_ORDER = E(
    "offsets-order",
    "quote offsets order",
    "{low} {low_value} is not less than {high} {high_value}",
    "the quote's end is exclusive and after its start",
)
IGNORED_SPAN = E(
    "ignored-span",
    "ignored span",
    "the archived text at {start}–{end} reads {found}, not {text}",
    "fix the span's offsets or its text",
)
RESTATEMENT = E("restatement", "restatement", "{detail}", "name the figure the span repeats, with the same value")
COVERAGE = E(
    "coverage",
    "coverage",
    "{detail}",
    "curate the figure, or add a reviewed ignored mention with its reason (`pubkit coverage` lists them all)",
)
ERRORS = [
    ROLE,
    ARCHIVE,
    DOCUMENT_SHA256,
    LANGUAGE,
    QUOTE,
    STATED_TEXT,
    SPEAKER,
    STATED_VALUE,
    STATED_STATUS,
    BOUNDS,
    BOUNDS_ORDER,
    OFFSETS_ORDER,
    IGNORED_SPAN,
    RESTATEMENT,
    COVERAGE,
]


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
    language: str

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
            declared.get("language", "zh-Hans"),
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


# Hooks -----------------------------------------------------------------------------------------


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


# 1. The archive --------------------------------------------------------------------------------


def archived_texts(ctx: Context, r: Roles) -> tuple[dict, list[Finding]]:
    """document id -> (path, text, language) for every document whose archive is intact."""
    raw, docs = ctx.raws[r.documents], ctx.frames[r.documents]
    f = r.document_fields
    texts, findings = {}, []
    for line, doc in docs.iterrows():
        if doc[[f["id"], f["sha256"]]].isna().any():
            continue  # the empty cell is reported already
        path = doc[f["path"]]
        if pd.isna(path) or path not in ctx.pkg.source_paths():
            detail = f"{quoted(path)} is not listed in the sources of datapackage.json"
            findings.append(ARCHIVE.at(raw.table.path, line, f["path"], detail=detail))
            continue
        data = (ctx.pkg.root / path).read_bytes() if (ctx.pkg.root / path).is_file() else None
        if data is None:
            findings.append(ARCHIVE.at(raw.table.path, line, f["path"], detail=f"{quoted(path)} does not exist"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != doc[f["sha256"]]:
            findings.append(
                DOCUMENT_SHA256.at(
                    raw.table.path, line, f["sha256"], archive=path, actual=digest, recorded=doc[f["sha256"]]
                )
            )
            continue
        language = doc[f["language"]] if "language" in f and pd.notna(doc[f["language"]]) else r.language
        if language not in LANGUAGES:
            known = ", ".join(sorted(LANGUAGES))
            findings.append(
                LANGUAGE.at(raw.table.path, line, f.get("language"), language=quoted(language), known=known)
            )
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            detail = f"{path} is not UTF-8 (byte {err.start} cannot be decoded): quotes and offsets need its text"
            findings.append(ARCHIVE.at(raw.table.path, line, f["path"], detail=detail))
            continue
        texts[doc[f["id"]]] = (path, text, LANGUAGES[language])
    return texts, findings


# 2-4. Quotes and re-derivation ------------------------------------------------------------------

CLAIM = ["document", "quote", "quoteStart", "quoteEnd", "statedText", "speaker", "speakerRole", "unit"]


def _figure_findings(ctx: Context, r: Roles, figures: pd.DataFrame, texts: dict) -> list[Finding]:
    raw = ctx.raws[r.figures]
    value_text = raw.text(r.figure_fields["value"])
    columns = [c for c in [*CLAIM, "value", "unitMultiplier", "qualifier", "status"] if c in figures]
    # Rows that repeat a claim (same quote, figure and reading) are checked once; findings go to each.
    speakers = _speakers(figures)
    groups = figures.assign(value_text=value_text).groupby([*columns, "value_text"], dropna=False, sort=False).groups
    findings = []
    claims = figures.loc[[lines[0] for lines in groups.values()]].to_dict("records")  # one row a claim, as dicts
    for lines, claim in zip(groups.values(), claims, strict=True):
        found = _claim_findings(raw, r, lines[0], claim, texts, speakers)
        if found:
            findings += [replace(f, line=int(line)) for line in lines for f in found]
    return findings


def _claim_findings(raw, r: Roles, line: int, row: dict, texts: dict, speakers: dict) -> list[Finding]:
    names, path = r.figure_fields, raw.table.path
    if row["document"] not in texts or any(pd.isna(row[k]) for k in ("quote", "quoteStart", "quoteEnd", "statedText")):
        return []  # the document or the empty cell is reported already
    text, language = texts[row["document"]][1], texts[row["document"]][2]
    problem = _quote_problem(text, row, names, speakers)
    if problem:
        return [QUOTE.at(path, line, names["quote"], detail=problem)]
    if row["statedText"] not in row["quote"]:
        stated, quote = quoted(row["statedText"]), quoted(row["quote"])
        return [STATED_TEXT.at(path, line, names["statedText"], stated=stated, quote=quote)]
    findings = []
    speaker = row.get("speaker")
    if speaker is not None and pd.notna(speaker) and f"{_or_empty(row.get('speakerRole'))}{speaker}" not in text:
        shown = quoted(_or_empty(row.get("speakerRole")) + speaker)
        role_field = names.get("speakerRole", "speaker role")
        findings.append(
            SPEAKER.at(
                path, line, names["speaker"], speaker=shown, role_field=role_field, speaker_field=names["speaker"]
            )
        )
    return findings + _rederive(raw, r, line, row, language)


def _quote_problem(text: str, row: dict, names: dict[str, str], speakers: dict[str, str]) -> str | None:
    start, end, quote = int(row["quoteStart"]), int(row["quoteEnd"]), row["quote"]
    if end <= len(text) and text[start:end] == quote:
        return None
    hint = _where_it_is(text, quote, start, speakers) + _cause(text)
    if end > len(text):
        return (
            f"{names['quoteEnd']} {end} is past the end of the archived text "
            f"({len(text)} code points: offsets count code points, not bytes){hint}"
        )
    return f"the archived text at {start}–{end} reads {quoted(text[start:end])}, not the quote{hint}"


def _where_it_is(text: str, quote: str, start: int, speakers: dict[str, str]) -> str:
    """Where the quote is: every occurrence (with its speaker, where there are several), and the code
    points of a start that was counted in bytes."""
    places, at = [], text.find(quote)
    while quote and at >= 0:
        places.append(at)
        at = text.find(quote, at + 1)
    if not places:
        return "; the quote is nowhere in the text"
    found = ", ".join(
        f"{p}–{p + len(quote)}" + (f" ({_said_by(text, p, speakers)})" if len(places) > 1 else "") for p in places
    )
    hint = f"; the quote is at {found}"
    in_bytes = [p for p in places if len(text[:p].encode("utf-8")) == start and p != start]
    if in_bytes:
        hint += f"; {start} counts bytes: in code points the quote starts at {in_bytes[0]}"
    return hint


def _said_by(text: str, at: int, speakers: dict[str, str]) -> str:
    nearest = _nearest_speaker(text, at, speakers)
    return f"after {nearest['speaker']}" if nearest["speaker"] else "no speaker named before it"


def _cause(text: str) -> str:
    """What in an archived text shifts offsets that were counted in another copy of it."""
    causes = []
    if text.startswith("\ufeff"):
        causes.append("it starts with a byte-order mark, which counts as one code point")
    if "\r\n" in text:
        causes.append("its lines end in CRLF, and each counts as two code points")
    return f" ({'; '.join(causes)})" if causes else ""


def _rederive(raw, r: Roles, line: int, row: dict, language: Language) -> list[Finding]:
    names, path, stated = r.figure_fields, raw.table.path, row["statedText"]
    try:
        parsed = language.parse(stated)
        value = parsed.in_unit(row["unit"]) if pd.notna(row["unit"]) else None
    except quantity_zh.QuantityError as err:
        detail = f"{quoted(stated)} cannot be re-derived: {err}"
        return [STATED_VALUE.at(path, line, names["statedText"], detail=detail)]
    typed_value = value is not None and pd.notna(row["value"])
    checks = [
        ("value", value, Fraction(raw.cell(line, names["value"])) if typed_value else value),
        ("unitMultiplier", parsed.unit_mult, row["unitMultiplier"]),
        ("qualifier", parsed.qualifier, row["qualifier"]),
    ]
    findings = [
        STATED_VALUE.at(
            path,
            line,
            names[role],
            detail=f"{show(_plain(got))} disagrees with {names['statedText']} {quoted(stated)}, "
            f"which reads {show(_plain(want))}",
        )
        for role, want, got in checks
        if pd.notna(got) and not _agrees(want, got)
    ]
    if "status" in row and pd.notna(row["status"]):
        forecast = any(word in _clause(row["quote"], stated) for word in language.forecast_words)
        if forecast != (row["status"] == "F"):
            says = "says 预计 (expected), so F" if forecast else "has no 预计 (expected), so not F"
            findings.append(STATED_STATUS.at(path, line, names["status"], status=quoted(row["status"]), says=says))
    return findings


TOLERANCE = Fraction(1, 10**12)  # relative: how closely a written decimal must meet a non-terminating figure


def _agrees(want, got) -> bool:
    """Exactly, except where the stated figure has no finite decimal (1/3): then to within ``TOLERANCE``."""
    if isinstance(want, Fraction) and isinstance(got, Fraction) and not _terminates(want):
        return abs(got - want) <= TOLERANCE * max(1, abs(want))
    return want == got


def _terminates(value: Fraction) -> bool:
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def _clause(quote: str, stated: str) -> str:
    """The clause of ``quote`` that holds ``stated``: between the nearest punctuation marks."""
    at = quote.find(stated)
    starts = [m.end() for m in CLAUSE_BREAK.finditer(quote, 0, at)]
    end = CLAUSE_BREAK.search(quote, at + len(stated))
    return quote[(starts[-1] if starts else 0) : (end.start() if end else len(quote))]


def _plain(value):
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


def _or_empty(value) -> str:
    return "" if value is None or pd.isna(value) else value


# 5. Bounds (row rules) -------------------------------------------------------------------------


def _bounds_rule(r: Roles) -> Rule:
    f = r.figure_fields
    value, qualifier, lower, upper = f["value"], f["qualifier"], f["lowerBound"], f["upperBound"]

    def passes(frames) -> pd.Series:
        figures = frames[r.figures]
        expected = figures[qualifier].map(BOUND_OF)
        lower_ok = (figures[lower] == figures[value]).where(expected == "lowerBound", figures[lower].isna())
        upper_ok = (figures[upper] == figures[value]).where(expected == "upperBound", figures[upper].isna())
        return lower_ok & upper_ok

    def message(row: pd.Series) -> str:
        bound = {"lowerBound": lower, "upperBound": upper}.get(BOUND_OF.get(row[qualifier]))
        wants = (
            f"{bound} equal to value ({show(row[value])}) and the other bound empty" if bound else "both bounds empty"
        )
        return BOUNDS.template.format(
            qualifier=row[qualifier],
            wants=wants,
            lower=lower,
            lower_value=show(row[lower]),
            upper=upper,
            upper_value=show(row[upper]),
        )

    return Rule(r.figures, BOUNDS.title, qualifier, passes, message, BOUNDS.code)


def _order(entry: errors.ErrorType, table: str, low: str, high: str, strict: bool) -> Rule:
    """Where both are given, ``low`` may not exceed ``high`` (nor equal it, if ``strict``)."""

    def passes(frames) -> pd.Series:
        rows = frames[table]
        return ~((rows[low] >= rows[high]) if strict else (rows[low] > rows[high])).fillna(False)

    def message(row: pd.Series) -> str:
        return entry.template.format(low=low, low_value=show(row[low]), high=high, high_value=show(row[high]))

    return Rule(table, entry.title, low, passes, message, entry.code)


def _bounds_order(table: str, low: str, high: str) -> Rule:
    return _order(BOUNDS_ORDER, table, low, high, strict=False)


def _offsets_order(table: str, low: str, high: str) -> Rule:
    return _order(OFFSETS_ORDER, table, low, high, strict=True)


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


def datasheet(ctx: Context) -> Datasheet:
    """Every figure one click from its quote, and the declared charts (``provenance_sheet``)."""
    from pubkit.profiles import provenance_sheet

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


# Locating a quote: what a maintainer needs to curate a figure ------------------------------------


def locate(ctx: Context, needle: str, document: str | None = None) -> list[dict]:
    """Every occurrence of ``needle`` in the archived documents (or in ``document``), with its code-point
    offsets (end exclusive), line and column, context, the speaker the document names nearest before it,
    and what the language's parser reads in each numeric mention inside it."""
    r = roles(ctx)
    texts, _ = archived_texts(ctx, r)
    figures = figures_frame(ctx, r)
    speakers = _speakers(figures)
    found = []
    for doc, (path, text, language) in texts.items():
        if document is not None and doc != document:
            continue
        start = text.find(needle)
        while needle and start >= 0:
            end = start + len(needle)
            line = text.count("\n", 0, start) + 1
            found.append(
                {
                    "document": doc,
                    "path": path,
                    "quote": needle,
                    "start": start,
                    "end": end,
                    "line": line,
                    "column": start - (text.rfind("\n", 0, start) + 1) + 1,
                    "context": mentions_zh.context(text, mentions_zh.Mention(start, end, needle)),
                    **_nearest_speaker(text, start, speakers),
                    "mentions": [_reading(m.text, needle, language) for m in language.mentions(needle)],
                }
            )
            start = text.find(needle, start + 1)
    return found


def _speakers(figures: pd.DataFrame) -> dict[str, str]:
    """Every speaker the figures name, with the role they are given."""
    if "speaker" not in figures:
        return {}
    rows = figures.dropna(subset=["speaker"]).drop_duplicates("speaker")
    roles_ = rows["speakerRole"] if "speakerRole" in rows else pd.Series("", index=rows.index)
    return {s: (role if pd.notna(role) else "") for s, role in zip(rows["speaker"], roles_)}


def _nearest_speaker(text: str, start: int, speakers: dict[str, str]) -> dict:
    before = {name: text.rfind(name, 0, start) for name in speakers}
    name = max((n for n in before if before[n] >= 0), key=lambda n: before[n], default=None)
    if name is None:
        return {"speaker": None, "speaker_role": None, "speaker_at": None}
    return {"speaker": name, "speaker_role": speakers[name] or None, "speaker_at": before[name]}


def _reading(stated: str, quote: str, language: Language) -> dict:
    try:
        parsed = language.parse(stated)
    except quantity_zh.QuantityError as err:
        return {"stated": stated, "error": str(err)}
    forecast = any(word in _clause(quote, stated) for word in language.forecast_words)
    return {
        "stated": stated,
        "magnitude": str(_plain(parsed.magnitude)),
        "unit_mult": parsed.unit_mult,
        "qualifier": parsed.qualifier,
        "unit_word": parsed.unit_word,
        "status": "F" if forecast else "A",
    }


def skeleton(ctx: Context, occurrence: dict) -> dict[str, str]:
    """A row of the figures table for ``occurrence``, its header's order: what the quote and parser say,
    the rest empty for the curator to fill (value in the indicator's unit, period, area, note)."""
    r = roles(ctx)
    f = r.figure_fields
    reading = next((m for m in occurrence["mentions"] if "error" not in m), None)
    row = dict.fromkeys(ctx.pkg.table(r.figures).field_names, "")
    row.update(
        {
            f["document"]: occurrence["document"],
            f["quote"]: occurrence["quote"],
            f["quoteStart"]: str(occurrence["start"]),
            f["quoteEnd"]: str(occurrence["end"]),
        }
    )
    if reading:
        row[f["statedText"]] = reading["stated"]
        row[f["unitMultiplier"]] = str(reading["unit_mult"])
        row[f["qualifier"]] = reading["qualifier"]
        if "status" in f:
            row[f["status"]] = reading["status"]
    if occurrence["speaker"] and "speaker" in f:
        row[f["speaker"]] = occurrence["speaker"]
        if "speakerRole" in f and occurrence["speaker_role"]:
            row[f["speakerRole"]] = occurrence["speaker_role"]
    return row


def located_text(occurrence: dict) -> str:
    """An occurrence as ``pubkit locate`` prints it: where, what it says, who says it, what it reads."""
    speaker = (
        f"{occurrence['speaker_role'] or ''}{occurrence['speaker']} (named at offset {occurrence['speaker_at']})"
        if occurrence["speaker"]
        else "no speaker named before it"
    )
    lines = [
        f"{occurrence['path']}:{occurrence['line']}:{occurrence['column']}: code points "
        f"{occurrence['start']}–{occurrence['end']} (end exclusive) of {occurrence['document']}",
        f"  {occurrence['context']}",
        f"  speaker: {speaker}",
    ]
    for m in occurrence["mentions"]:
        if "error" in m:
            lines.append(f"  {m['stated']}: {m['error']}")
        else:
            lines.append(
                f"  {m['stated']}: {m['magnitude']} (unit_mult {m['unit_mult']}, {m['qualifier']}, "
                f"{'forecast F' if m['status'] == 'F' else 'status A'})"
            )
    return "\n".join(lines)
