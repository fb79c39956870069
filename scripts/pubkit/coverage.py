"""Find every numeric mention in an archived text, and which of them nothing accounts for.

A mention is a number in Arabic or Chinese numerals together with its unit word:
2022-09-24 07:31, 2012-2021年, 近10万亿元, 1/4, 53%, 两个, 千亿级, 十八大. Every
mention must lie inside an observation's quote or a reviewed ignored span.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pubkit.quantity import CHINESE_NUMERAL

CLASSIFIERS = "个家项座所名位台件条批倍场次届地省市区级大"
MENTION = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2})?"  # a date, with its time
    r"|[0-9]{4}-[0-9]{4}年"  # a range of years
    rf"|[0-9]+(?:\.[0-9]+)?(?:/[0-9]+)?[多余]?[十百千]?(?:万亿|亿|万)?[多余]?(?:[%元年月日]|[{CLASSIFIERS}])?"
    rf"|(?:{CHINESE_NUMERAL}(?:万亿|亿|万)?|万亿|亿|万)[{CLASSIFIERS}]"
)
CONTEXT = 12


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str


def mentions(text: str) -> list[Mention]:
    return [Mention(m.start(), m.end(), m.group()) for m in MENTION.finditer(text)]


def uncovered(text: str, spans: list[tuple[int, int]]) -> list[Mention]:
    """The mentions that no (start, end) span wholly contains."""
    return [m for m in mentions(text) if not any(s <= m.start and m.end <= e for s, e in spans)]


def unused(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that contain no mention at all: stale entries of an ignore list."""
    found = mentions(text)
    return [(s, e) for s, e in spans if not any(s <= m.start and m.end <= e for m in found)]


def context(text: str, mention: Mention) -> str:
    before = text[max(0, mention.start - CONTEXT):mention.start]
    after = text[mention.end:mention.end + CONTEXT]
    return f"…{before}[{mention.text}]{after}…".replace("\n", "⏎")


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
