"""Locating a quote: what a maintainer needs to curate a figure (``pubkit locate``). Reads the archived texts."""

from __future__ import annotations

from pubkit.extensions import Context, QuantityError
from pubkit.profiles import mentions_zh
from pubkit.profiles.value_provenance.archive import archived_texts
from pubkit.profiles.value_provenance.catalogue import Language
from pubkit.profiles.value_provenance.claims import _clause, _nearest_speaker, _plain, _speakers
from pubkit.profiles.value_provenance.declaration import figures_frame, roles

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
                    **_nearest_speaker(text, start, speakers, end, language.speaker_after),
                    "joiner": language.joiner,
                    "mentions": _readings(needle, language),
                }
            )
            start = text.find(needle, start + 1)
    return found


def _readings(needle: str, language: Language) -> list[dict]:
    """What the parser reads in ``needle``: the whole of it where it is one figure with its qualifier
    ("up to €1.2bn"), else each numeric mention inside it."""
    whole = _reading(needle, needle, language)
    if "error" not in whole:
        return [whole]
    return [_reading(m.text, needle, language) for m in language.mentions(needle)]


def _reading(stated: str, quote: str, language: Language) -> dict:
    try:
        parsed = language.parse(stated)
    except QuantityError as err:
        return {"stated": stated, "error": str(err)}
    forecast = language.forecast(_clause(quote, stated)) is not None
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
        f"{occurrence['speaker_role'] + occurrence['joiner'] if occurrence['speaker_role'] else ''}"
        f"{occurrence['speaker']} (named at offset {occurrence['speaker_at']})"
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
