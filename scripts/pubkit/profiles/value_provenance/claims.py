"""2-4. Quotes and re-derivation: each figure's quote, stated text, speaker and value, re-read from its document.

Reads the typed tables and the archived texts; writes nothing."""

from __future__ import annotations

import re
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pandas as pd
import pyarrow

from pubkit.base.findings import Finding, quoted
from pubkit.extensions import Context, show
from pubkit.profiles import quantity_zh
from pubkit.profiles.value_provenance.catalogue import (
    CLAUSE_BREAK,
    QUOTE,
    SPEAKER,
    STATED_STATUS,
    STATED_TEXT,
    STATED_VALUE,
    Language,
)
from pubkit.profiles.value_provenance.declaration import Roles

# 2-4. Quotes and re-derivation ------------------------------------------------------------------

CLAIM = ["document", "quote", "quoteStart", "quoteEnd", "statedText", "speaker", "speakerRole", "unit"]


def _figure_findings(ctx: Context, r: Roles, figures: pd.DataFrame, texts: dict) -> list[Finding]:
    raw = ctx.raws[r.figures]
    columns = [c for c in [*CLAIM, "value", "unitMultiplier", "qualifier", "status"] if c in figures]
    # Rows that repeat a claim (same quote, figure and reading) are checked once; findings go to each.
    speakers = _speakers(figures)
    keyed = figures[columns].assign(value_text=raw.text(r.figure_fields["value"]))
    claims = _Claims(_claim_ids(keyed))
    lines = figures.index.to_numpy()
    findings: list[Finding] = []
    seen = _Seen()  # a reading (stated text, clause, unit, value…) or a speaker, checked once: what it found
    for start in range(0, claims.count, CLAIM_BATCH):
        groups = range(start, min(start + CLAIM_BATCH, claims.count))
        positions = claims.firsts(groups)
        firsts = lines[positions].tolist()
        for group, first, claim in zip(groups, firsts, _rows(_taken(keyed, positions)), strict=True):
            found = _claim_findings(raw, r, first, claim, texts, speakers, seen)
            if found:
                findings += [replace(f, line=int(line)) for line in lines[claims.rows(group)] for f in found]
    return findings


CLAIM_BATCH = 16_384  # distinct claims held as Python values at a time


def _claim_ids(frame: pd.DataFrame) -> np.ndarray:
    """Each row's claim: rows alike in every column (missing values alike) share one, numbered in order of
    first appearance: each column's codes, combined column by column (what ``groupby(...).ngroup()`` gives,
    in a fifth of its time)."""
    ids = np.zeros(len(frame), dtype=np.int64)
    for name in frame.columns:
        codes, distinct = _codes(frame[name])
        ids, _ = pd.factorize(ids * (distinct + 1) + codes)  # below len(frame) ** 2: no overflow
    return ids


def _codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Each value's code, in order of first appearance (a missing value one code too), and how many codes."""
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    return codes.astype(np.int64), len(distinct)


class _Claims:
    """The rows of each distinct claim, from ``ids`` (each row's claim, numbered in order of first
    appearance): two integer arrays, not a list per claim."""

    def __init__(self, ids: np.ndarray):
        self.order = np.argsort(ids, kind="stable")  # rows claim by claim, each claim's in row order
        self.count = int(ids.max()) + 1 if len(ids) else 0
        self.bounds = np.searchsorted(ids[self.order], np.arange(self.count + 1))

    def firsts(self, groups: range) -> np.ndarray:
        """The row at which each claim of ``groups`` first appears (ascending: claims number in that order)."""
        return self.order[self.bounds[groups.start : groups.stop]]

    def rows(self, group: int) -> np.ndarray:
        return self.order[self.bounds[group] : self.bounds[group + 1]]


def _taken(frame: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """The rows at ``positions`` (ascending): taken from the slice they span, not the whole frame (a take
    from a chunked Arrow column copies every chunk it is given), and not taken at all where they are every
    row of that slice."""
    span = frame.iloc[int(positions[0]) : int(positions[-1]) + 1]
    return span if len(span) == len(positions) else span.iloc[positions - positions[0]]


def _rows(part: pd.DataFrame) -> list[dict]:
    """The rows of ``part`` as dicts, built column by column (not cell by cell)."""
    names = list(part.columns)
    return [dict(zip(names, values)) for values in zip(*(_values(part[c]) for c in names))]


class _Seen(dict):
    """What a reading or a speaker found, kept for ``SEEN_LIMIT`` of them and then started afresh: a cache,
    so that memory stays bounded however many distinct quotes a package holds."""

    def __setitem__(self, key, value) -> None:
        if len(self) >= SEEN_LIMIT:
            self.clear()
        super().__setitem__(key, value)


SEEN_LIMIT = 100_000


def _claim_findings(raw, r: Roles, line: int, row: dict, texts: dict, speakers: dict, seen: dict) -> list[Finding]:
    """A claim's quote at its offsets, its stated text within it, its speaker in the text, and its figure
    re-derived from the stated text. What depends only on a reading (many quotes may share one) comes
    from ``seen`` once it was checked: a package of distinct quotes costs a string comparison a quote."""
    names, path = r.figure_fields, raw.table.path
    if row["document"] not in texts or _any_missing(
        row["quote"], row["quoteStart"], row["quoteEnd"], row["statedText"]
    ):
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
    role = _or_empty(row.get("speakerRole"))
    named = f"{role}{language.joiner}{speaker}" if role else speaker
    if not _missing(speaker) and not _named_in(seen, row["document"], text, named):
        shown = quoted(named)
        role_field = names.get("speakerRole", "speaker role")
        findings.append(
            SPEAKER.at(
                path, line, names["speaker"], speaker=shown, role_field=role_field, speaker_field=names["speaker"]
            )
        )
    value_text = row["value_text"] if not _missing(row["value"]) else None
    clause = _clause(row["quote"], row["statedText"]) if not _missing(row.get("status")) else None
    reading = (row["document"], row["statedText"], clause, value_text, *map(_key, map(row.get, READING)))
    if reading not in seen:
        seen[reading] = _rederive(raw, r, line, row, language, value_text, clause)
    return findings + seen[reading]


READING = ("unit", "unitMultiplier", "qualifier", "status")  # what a re-derivation reads besides the stated text


def _values(column: pd.Series) -> list:
    """A column's values as Python objects: an Arrow column converted by Arrow, not element by element."""
    if isinstance(column.dtype, pd.ArrowDtype):
        return pyarrow.array(column.array).to_pylist()
    return column.tolist()


def _named_in(seen: dict, document, text: str, named: str) -> bool:
    if ("speaker", document, named) not in seen:
        seen[("speaker", document, named)] = named in text
    return seen[("speaker", document, named)]


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _any_missing(*values) -> bool:
    return any(map(_missing, values))


def _key(value):
    return None if _missing(value) else value


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


def _rederive(raw, r: Roles, line: int, row: dict, language: Language, value_text, clause) -> list[Finding]:
    names, path, stated = r.figure_fields, raw.table.path, row["statedText"]
    try:
        parsed = language.parse(stated)
        value = parsed.in_unit(row["unit"]) if not _missing(row["unit"]) else None
    except quantity_zh.QuantityError as err:
        detail = f"{quoted(stated)} cannot be re-derived: {err}"
        return [STATED_VALUE.at(path, line, names["statedText"], detail=detail)]
    typed_value = value is not None and value_text is not None
    checks = [
        ("value", value, Fraction(value_text) if typed_value else value),
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
        said = language.forecast(clause)
        if (said is not None) != (row["status"] == "F"):
            words = " or ".join(language.forecast_words) or "word of expectation"
            says = f"says {said} (expected), so F" if said else f"has no {words} (expected), so not F"
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
    start = _LAST_BREAK.match(quote, 0, at)
    end = CLAUSE_BREAK.search(quote, at + len(stated))
    return quote[(start.end() if start else 0) : (end.start() if end else len(quote))]


_LAST_BREAK = re.compile(f"(?s).*{CLAUSE_BREAK.pattern}")  # greedy: up to the last break before a point


def _plain(value):
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


def _or_empty(value) -> str:
    return "" if _missing(value) else value


def _speakers(figures: pd.DataFrame) -> dict[str, str]:
    """Every speaker the figures name, with the role they are given."""
    if "speaker" not in figures:
        return {}
    codes, _ = _codes(figures["speaker"])  # numbered in order of first appearance
    _, firsts = np.unique(codes, return_index=True)  # the row where each first appears, in that order
    firsts = firsts[figures["speaker"].iloc[firsts].notna().to_numpy()]  # a missing speaker is none
    names = figures["speaker"].iloc[firsts]  # two columns, at a row a speaker: never the whole frame
    roles_ = figures["speakerRole"].iloc[firsts] if "speakerRole" in figures else pd.Series("", index=names.index)
    return {s: (role if pd.notna(role) else "") for s, role in zip(names, roles_)}


SAID_AFTER = 160  # how far after a quote a language that names speakers after it is read for one


def _nearest_speaker(
    text: str, start: int, speakers: dict[str, str], end: int | None = None, after: bool = False
) -> dict:
    """The speaker a quote is said by: in a language that names them after the quote ("…," said Maria
    Lopez), the first named within its line and ``SAID_AFTER`` code points after it; else the nearest named
    before it."""
    if after and end is not None:
        line_end = text.find("\n", end)
        window = text[end : min(end + SAID_AFTER, line_end if line_end >= 0 else len(text))]
        following = {name: window.find(name) for name in speakers if window.find(name) >= 0}
        if following:
            name = min(following, key=lambda n: following[n])
            return {"speaker": name, "speaker_role": speakers[name] or None, "speaker_at": end + following[name]}
    before = {name: text.rfind(name, 0, start) for name in speakers}
    name = max((n for n in before if before[n] >= 0), key=lambda n: before[n], default=None)
    if name is None:
        return {"speaker": None, "speaker_role": None, "speaker_at": None}
    return {"speaker": name, "speaker_role": speakers[name] or None, "speaker_at": before[name]}
