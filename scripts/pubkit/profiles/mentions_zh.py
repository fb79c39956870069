"""Find every numeric mention in an archived text, and which of them nothing accounts for.

A mention is a number in Arabic or Chinese numerals together with its unit word:
2022-09-24 07:31, 2012-2021年, 近10万亿元, 1/4, 53%, 两个, 千亿级, 十八大. Every
mention must lie inside an observation's quote or a reviewed ignored span.
"""

from __future__ import annotations

import bisect
import re

from pubkit.extensions import Mention
from pubkit.profiles.quantity_zh import CHINESE_NUMERAL

CLASSIFIERS = "个家项座所名位台件条批倍场次届地省市区级大"
MENTION = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2})?"  # a date, with its time
    r"|[0-9]{4}-[0-9]{4}年"  # a range of years
    rf"|[0-9]+(?:\.[0-9]+)?(?:/[0-9]+)?[多余]?[十百千]?(?:万亿|亿|万)?[多余]?(?:[%元年月日]|[{CLASSIFIERS}])?"
    rf"|(?:{CHINESE_NUMERAL}(?:万亿|亿|万)?|万亿|亿|万)[{CLASSIFIERS}]"
)
CONTEXT = 12


def mentions(text: str) -> list[Mention]:
    return [Mention(m.start(), m.end(), m.group()) for m in MENTION.finditer(text)]


def uncovered(text: str, spans: list[tuple[int, int]]) -> list[Mention]:
    """The mentions of ``text`` that no (start, end) span wholly contains."""
    return uncovered_of(mentions(text), spans)


def uncovered_of(found: list[Mention], spans: list[tuple[int, int]]) -> list[Mention]:
    """The mentions (in order of start) that no span wholly contains: one sweep over both, sorted."""
    ordered, reach, i, left = sorted(spans), -1, 0, []
    for mention in found:
        while i < len(ordered) and ordered[i][0] <= mention.start:
            reach = max(reach, ordered[i][1])
            i += 1
        if reach < mention.end:
            left.append(mention)
    return left


def unused(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that contain no mention of ``text`` at all: stale entries of an ignore list."""
    return unused_of(mentions(text), spans)


def unused_of(found: list[Mention], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that contain none of the mentions (in order of start): a binary search per span."""
    starts = [m.start for m in found]
    least_end = _suffix_min([m.end for m in found])
    return [(s, e) for s, e in spans if least_end[bisect.bisect_left(starts, s)] > e]


def _suffix_min(values: list[int]) -> list[float]:
    """``out[i]`` is the least of ``values[i:]`` (infinity past the end)."""
    out = [float("inf")] * (len(values) + 1)
    for i in range(len(values) - 1, -1, -1):
        out[i] = min(values[i], out[i + 1])
    return out


def accounted(found: list[Mention], accounts: list[tuple[int, int, str]]) -> list[tuple[Mention, list[str]]]:
    """Each mention with the labels of the (start, end, label) spans that contain it.

    A sweep: spans are taken in order of start, and kept while they can still reach a mention.
    """
    ordered, open_spans, i, out = sorted(accounts), [], 0, []
    for mention in found:
        while i < len(ordered) and ordered[i][0] <= mention.start:
            open_spans.append(ordered[i])
            i += 1
        open_spans = [s for s in open_spans if s[1] > mention.start]
        out.append((mention, [label for _, end, label in open_spans if mention.end <= end]))
    return out


def context(text: str, mention: Mention) -> str:
    before = text[max(0, mention.start - CONTEXT) : mention.start]
    after = text[mention.end : mention.end + CONTEXT]
    return f"…{before}[{mention.text}]{after}…".replace("\n", "⏎")


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
