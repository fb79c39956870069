"""Read an English quantity as written: nearly 2.5 million, $3.2 billion, more than 40%, about 15,000 jobs,
up 7.4% year on year, 0.3 percentage points, €1.2bn. Reads a text, writes nothing.

``parse("$3.2 billion")`` gives ``Quantity(number=Fraction(16, 5), unit_mult=9, qualifier="exact",
unit_word="USD")``: the number as written, the power of ten of its scale word (SDMX ``UNIT_MULT``), the
qualifier in the profile's words, and what the figure is in (``%``, ``pp`` for percentage points, an ISO 4217
code, or the noun it counts). "up 7.4%" and "down 3%" are changes, signed; every number stays an exact
fraction: no float touches a stated figure. ``k``, ``m``, ``mn``, ``bn`` and ``tn`` are read as scales, as news
copy writes them ("2.5m passengers"): a stated text in metres is not a figure this parser reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from pubkit.extensions import Mention, QuantityError

QUALIFIERS = {
    "nearly": "nearly",
    "almost": "nearly",
    "about": "approx",
    "around": "approx",
    "roughly": "approx",
    "approximately": "approx",
    "some": "approx",
    "more than": "more_than",
    "over": "more_than",
    "above": "more_than",
    "at least": "at_least",
    "less than": "less_than",
    "under": "less_than",
    "fewer than": "less_than",
    "up to": "at_most",
    "at most": "at_most",
}
CHANGES = {"up": 1, "rose": 1, "grew": 1, "down": -1, "fell": -1}
SCALES = {
    "thousand": 3,
    "k": 3,
    "million": 6,
    "mn": 6,
    "m": 6,
    "billion": 9,
    "bn": 9,
    "trillion": 12,
    "tn": 12,
}
SYMBOLS = {"us$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY or CNY"}
CODES = ("USD", "EUR", "GBP", "JPY", "CNY", "CHF", "CAD", "AUD", "INR")
PERCENT = {"%": "%", "percent": "%", "per cent": "%", "percentage points": "pp", "percentage point": "pp", "pp": "pp"}
YEAR_ON_YEAR = r"(?:\s+(?:year[- ]on[- ]year|from a year earlier|on the year))"
FORECAST = re.compile(r"\b(expect\w*|forecast\w*|plan(?:s|ned)?|project(?:ed|ion|ions|s)?)\b", re.IGNORECASE)


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
PATTERN = re.compile(
    rf"(?:(?P<change>{_alternatives(CHANGES)})\s+(?:by\s+)?)?"
    rf"(?:(?P<qualifier>{_alternatives(QUALIFIERS)})\s+)?"
    rf"(?:(?P<symbol>{_alternatives(SYMBOLS)})\s?|(?P<code1>{_alternatives(CODES)})\s)?"
    rf"(?P<number>{NUMBER})"
    rf"(?:\s?(?P<scale>{_alternatives(SCALES)})\b)?"
    rf"(?:\s?(?P<percent>%)|\s(?P<percent_words>{_alternatives(w for w in PERCENT if w != '%')})|\s(?P<code2>{_alternatives(CODES)})"
    r"|\s(?P<noun>[a-z][a-z-]*))?"
    rf"(?P<yoy>{YEAR_ON_YEAR})?",
    re.IGNORECASE,
)
MENTION = re.compile(
    rf"(?:\b(?:{_alternatives(CHANGES)})\s+)?(?:\b(?:{_alternatives(QUALIFIERS)})\s+)?"
    rf"(?:(?:{_alternatives(SYMBOLS)})\s?)?(?:{NUMBER})"
    rf"(?:\s?(?:{_alternatives(SCALES)})\b)?(?:\s?%|\s(?:{_alternatives(w for w in PERCENT if w != '%')}))?"
    rf"{YEAR_ON_YEAR}?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    number: Fraction  # as written, before the scale word; negative for a fall ("down 3%")
    unit_mult: int  # power of ten of the scale word
    qualifier: str  # exact, approx, nearly, more_than, at_least, less_than, at_most
    unit_word: str  # "%", "pp", an ISO 4217 code ("JPY or CNY" for ¥), the noun counted, or ""
    change: bool = False  # "up 7.4%": a change, not a level

    @property
    def magnitude(self) -> Fraction:
        return self.number * 10**self.unit_mult

    def in_unit(self, unit: str) -> Fraction:
        """The value in a unit: ``percent``, ``percentage_points``, an ISO 4217 code, or a count of anything."""
        word = self.unit_word
        if unit == "percent" and word == "%":
            return self.magnitude
        if unit in ("percentage_points", "pp") and word == "pp":
            return self.magnitude
        if re.fullmatch(r"[A-Z]{3}", unit) and (word == unit or unit in word.split(" or ") or word == ""):
            return self.magnitude
        counted = unit not in ("percent", "percentage_points", "pp") and not re.fullmatch(r"[A-Z]{3}", unit)
        if counted and word not in ("%", "pp") and word not in CODES and " or " not in word:
            return self.magnitude  # a count: of what the noun says, or of what the indicator counts
        raise QuantityError(f"a figure in {word or 'no unit'} cannot be a value in {unit}")


def parse(text: str) -> Quantity:
    match = PATTERN.fullmatch(text.strip())
    if not match:
        raise QuantityError(f"{text!r} is not a quantity this parser reads")
    number = Fraction(match["number"].replace(",", ""))
    if match["change"]:
        number *= CHANGES[match["change"].lower()]
    unit_mult = SCALES[match["scale"].lower()] if match["scale"] else 0
    unit_word = (
        SYMBOLS.get((match["symbol"] or "").lower())
        or (match["code1"] or match["code2"] or "").upper()
        or ("%" if match["percent"] else "")
        or PERCENT.get((match["percent_words"] or "").lower(), "")
        or (match["noun"] or "").lower()
    )
    qualifier = QUALIFIERS[match["qualifier"].lower()] if match["qualifier"] else "exact"
    return Quantity(number, unit_mult, qualifier, unit_word, change=bool(match["change"]))


def mentions(text: str) -> list[Mention]:
    """Every number of ``text`` with its currency, scale and percent sign, as (start, end, text)."""
    return [Mention(m.start(), m.end(), m.group()) for m in MENTION.finditer(text)]


def forecast(clause: str) -> str | None:
    """The word that makes a figure expected (expect, forecast, plan, projected), if the clause has one."""
    found = FORECAST.search(clause)
    return found.group() if found else None


WORDS = ("expect", "forecast", "plan", "projected")  # as a message names them (FORECAST reads their forms)
