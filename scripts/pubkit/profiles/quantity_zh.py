"""Read a Chinese quantity as written: 近10万亿元, 2.5万家, 100多个, 1/4, 两个, 上千家.

``parse("近10万亿元")`` gives ``Quantity(number=10, unit_mult=12, qualifier="nearly",
unit_word="元")``; its ``magnitude`` is 10**13. Exact rational arithmetic throughout:
no float ever touches a stated figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from pubkit.extensions import QuantityError  # the interface's error, raised here

DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 1, "百": 2, "千": 3}
MAGNITUDES = {"万亿": 12, "亿": 8, "万": 4}
PREFIXES = {
    "接近": "nearly",
    "近": "nearly",
    "超过": "more_than",
    "超": "more_than",
    "逾": "more_than",
    "约": "approx",
    "不少于": "at_least",
    "上": "at_least",
    "不到": "less_than",
    "不足": "less_than",
    "不超过": "at_most",
    "最多": "at_most",
}
SUFFIXES = {"多": "more_than", "余": "more_than"}
POSTFIXES = {"左右": "approx", "以上": "at_least", "以下": "at_most"}
COUNTERS = "个家项座所名位台件条"
UNIT_WORDS = "%元" + COUNTERS
CHINESE_NUMERAL = "[零〇一二两三四五六七八九十百千]+"


def _alternatives(words) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


PATTERN = re.compile(
    rf"(?P<prefix>{_alternatives(PREFIXES)})?"
    rf"(?P<number>[0-9]+(?:\.[0-9]+)?(?:/[0-9]+)?|{CHINESE_NUMERAL})"
    rf"(?P<suffix1>[多余])?"
    rf"(?P<small>[十百千](?=[万亿]|[{UNIT_WORDS}]|$))?"
    rf"(?P<magnitude>{_alternatives(MAGNITUDES)})?"
    rf"(?P<suffix2>[多余])?"
    rf"(?P<unit>[{UNIT_WORDS}])?"
    rf"(?P<postfix>{_alternatives(POSTFIXES)})?"
)


CURRENCY_WORDS = {"元": "CNY"}  # a currency the text names, as its ISO 4217 code


@dataclass(frozen=True)
class Quantity:
    number: Fraction  # as written, before the magnitude word
    unit_mult: int  # power of ten of the magnitude word (SDMX UNIT_MULT)
    qualifier: str  # exact, approx, nearly, more_than, at_least, less_than, at_most
    unit_word: str  # "%", "元", a counter such as "家", "/" for a fraction, or ""

    @property
    def magnitude(self) -> Fraction:
        return self.number * 10**self.unit_mult

    def in_unit(self, unit: str) -> Fraction:
        """The value in a unit: ``percent``, an ISO 4217 code (元 is CNY), or a count of anything."""
        currency = re.fullmatch(r"[A-Z]{3}", unit) is not None
        if unit == "percent" and self.unit_word in ("%", "/"):
            return self.magnitude * (100 if self.unit_word == "/" else 1)
        if currency and (CURRENCY_WORDS.get(self.unit_word) == unit or self.unit_word == ""):
            return self.magnitude
        if unit != "percent" and not currency and (self.unit_word in COUNTERS or self.unit_word == ""):
            return self.magnitude
        raise QuantityError(f"a figure in {self.unit_word or 'no unit'} cannot be a value in {unit}")


def parse(text: str) -> Quantity:
    match = PATTERN.fullmatch(text)
    if not match:
        raise QuantityError(f"{text!r} is not a quantity this parser reads")
    number, unit_mult = _number(match["number"])
    qualifiers = [
        table[match[group]]
        for group, table in (("prefix", PREFIXES), ("suffix1", SUFFIXES), ("suffix2", SUFFIXES), ("postfix", POSTFIXES))
        if match[group]
    ]
    if len(qualifiers) > 1:
        raise QuantityError(f"{text!r} has more than one qualifier")
    unit_word = match["unit"] or ("/" if "/" in match["number"] else "")
    unit_mult += SMALL_UNITS.get(match["small"], 0) + MAGNITUDES.get(match["magnitude"], 0)
    return Quantity(number, unit_mult, (qualifiers or ["exact"])[0], unit_word)


def _number(text: str) -> tuple[Fraction, int]:
    """The number and, for a bare 百 or 千 (上千家: 'a thousand'), its power of ten."""
    if text[0].isdigit():
        if "/" in text:
            numerator, denominator = text.split("/")
            if int(denominator) == 0:
                raise QuantityError(f"{text!r} divides by zero")
            return Fraction(int(numerator), int(denominator)), 0
        return Fraction(text), 0
    if text in ("百", "千"):
        return Fraction(1), SMALL_UNITS[text]
    return Fraction(chinese_integer(text)), 0


def chinese_integer(text: str) -> int:
    """一 … 九千九百九十九, with 两 and 〇: 二十二 is 22, 十五 is 15, 一百零五 is 105."""
    total, digit = 0, None
    for char in text:
        if char in "零〇":  # a place-holder: 一百零五
            continue
        if char in DIGITS:
            if digit is not None:
                raise QuantityError(f"{text!r} has two digits in a row")
            digit = DIGITS[char]
        elif char in SMALL_UNITS:
            total += (1 if digit is None else digit) * 10 ** SMALL_UNITS[char]
            digit = None
        else:
            raise QuantityError(f"{text!r} is not a Chinese numeral")
    return total + (digit or 0)
