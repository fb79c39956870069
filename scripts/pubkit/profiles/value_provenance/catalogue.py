"""The profile's constants, the languages it reads, and its entries of the error catalogue. Reads and writes nothing."""

from __future__ import annotations

import re

from pubkit import extensions
from pubkit.base import errors
from pubkit.extensions import Language
from pubkit.profiles import mentions_zh, quantity_en, quantity_zh

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


def _forecast_zh(clause: str) -> str | None:
    return "预计" if "预计" in clause else None


LANGUAGES = {  # the parsers the toolkit ships, by BCP 47 tag; a package adds its own with register_language
    "zh-Hans": Language(quantity_zh.parse, mentions_zh.mentions, _forecast_zh, joiner="", forecast_words=("预计",)),
    "en": Language(
        quantity_en.parse,
        quantity_en.mentions,
        quantity_en.forecast,
        joiner=" ",
        forecast_words=quantity_en.WORDS,
        speaker_after=True,
    ),
}
ALIASES = {"zh": "zh-Hans", "zh-CN": "zh-Hans", "zh-SG": "zh-Hans"}


def language_for(tag: str) -> Language | None:
    """The parser for a BCP 47 tag: a registered one first, then a shipped one; ``en-GB`` falls back to ``en``."""
    for candidate in (tag, ALIASES.get(tag), tag.split("-")[0]):
        if candidate and candidate in extensions.LANGUAGES:
            return extensions.LANGUAGES[candidate]
        if candidate and candidate in LANGUAGES:
            return LANGUAGES[candidate]
    return None


def known_languages() -> str:
    return ", ".join(sorted({*LANGUAGES, *extensions.LANGUAGES}))


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
    "{language} is a language for which no quantity parser exists; parsers: {known}",
    "declare a language that has a parser, or register one with pubkit.extensions.register_language",
)
LANGUAGE_REQUIRED = E(
    "language-required",
    "language required",
    "{detail}",
    "declare the documents' language: valueProvenance.language, or a language field of the documents",
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
    "mark a figure its clause calls expected F, and no other",
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
