"""The extension interface: what a profile, or a package's own module, implements to add to the core.

Reads nothing and writes nothing: it defines the types an extension receives and returns, and one
Protocol per hook, which mypy checks an extension against. The core calls extensions through this
interface (``pubkit.standard.plugins`` finds and calls them); it never imports one.

An extension is a Python module that defines any of these functions (each optional):

- ``row_rules(ctx) -> list[Rule]``: vectorised rules over the rows of a table
  (``Rule.table`` names it); each failing row is one finding;
- ``check(ctx) -> list[Finding]``: whole-package checks (archives, quotes, coverage);
- ``jsonld(dataset, ctx) -> dict``: the release's schema.org description, enriched;
- ``datasheet(ctx) -> Datasheet``: what the release's ``index.html`` adds for it;
- ``about(ctx) -> list[tuple[str, str]]``: rows the workbook's About sheet (and the database's
  ``_about``) adds, such as how to read a figure;
- ``readme_sections(ctx) -> dict[str, str]``: generated README sections by name.

A language's quantity parser, which the value-provenance profile uses to re-derive each quoted figure, is
a ``Language`` registered under its BCP 47 tag with ``register_language`` (from a package's module, or a
module of its own): the toolkit ships ``en`` and ``zh-Hans``.

Two kinds of extension exist, through this same interface:

- *profiles* shipped with the toolkit, which a package opts into with a custom
  property of its descriptor (``valueProvenance``: see ``pubkit.profiles``);
- a package's own modules, named in ``pubkit:extensions`` (paths inside the
  package). They are code, so they run only when the caller trusts the package
  (``pubkit --trust-package-code``); otherwise ``check`` says that they were not run.

A minimal extension, a package module that refuses a negative population::

    from pubkit.extensions import Context, Rule

    def row_rules(ctx: Context) -> list[Rule]:
        return [Rule("countries", "population sign", "population",
                     passes=lambda frames: frames["countries"]["population"].fillna(0) >= 0,
                     message=lambda row: f"population {row['population']} is negative",
                     code="constraint-error")]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pandas as pd

    from pubkit.base.findings import Finding
    from pubkit.standard.descriptor import DataPackage
    from pubkit.standard.read import RawTable

HOOKS = ("row_rules", "check", "jsonld", "datasheet", "about", "readme_sections")

Frames = dict[str, "pd.DataFrame"]


@dataclass(frozen=True)
class Rule:
    """A vectorised rule over one table's rows: ``passes`` gives one boolean per row."""

    table: str
    name: str  # shown in parentheses after the message: its catalogue entry's title
    field: str  # the column a person should look at
    passes: Callable[[Frames], pd.Series]
    message: Callable[[pd.Series], str]  # the entry's template, filled for a failing row
    code: str  # its catalogue entry's code

    @property
    def key(self) -> str:
        """Unique within a table: several rules share a name (one foreign key per field)."""
        return f"{self.name} [{self.field}]"


@dataclass(frozen=True)
class Context:
    """What an extension sees: the package, each table's raw text and its typed frame."""

    pkg: DataPackage
    raws: dict[str, RawTable] = field(default_factory=dict)
    frames: Frames = field(default_factory=dict)


@dataclass(frozen=True)
class Datasheet:
    """What an extension adds to the datasheet: cell links, and sections after the tables."""

    cell_links: dict[tuple[str, str], pd.Series] = field(
        default_factory=dict
    )  # (table, field) -> a cell's HTML per row
    row_ids: dict[str, pd.Series] = field(default_factory=dict)  # table -> each row's anchor
    priority: dict[str, list[str]] = field(default_factory=dict)  # table -> the fields a narrow screen shows
    sections: list[tuple[str, str, str]] = field(default_factory=list)  # (anchor, heading, html)
    style: str = ""
    script: str = ""


class RowRulesHook(Protocol):
    def row_rules(self, ctx: Context) -> list[Rule]: ...


class CheckHook(Protocol):
    def check(self, ctx: Context) -> list[Finding]: ...


class JsonldHook(Protocol):
    def jsonld(self, dataset: dict[str, Any], ctx: Context) -> dict[str, Any]: ...


class DatasheetHook(Protocol):
    def datasheet(self, ctx: Context) -> Datasheet: ...


class AboutHook(Protocol):
    def about(self, ctx: Context) -> list[tuple[str, str]]: ...


class ReadmeSectionsHook(Protocol):
    def readme_sections(self, ctx: Context) -> dict[str, str]: ...


class DescriptorProblemsHook(Protocol):
    """A profile's own: what is wrong with its declaration in the descriptor, one line each."""

    def descriptor_problems(self, descriptor: dict[str, Any]) -> list[str]: ...


# An extension is a module that implements any of these hooks; each is optional, and the core calls only
# those a module defines (``pubkit.standard.plugins.call``). mypy checks a module against the hooks it
# claims by assignment (``tests/typing/extensions_conform.py``, in ``make lint``):
#
#     hooks: RowRulesHook = my_module
Extension = (
    RowRulesHook | CheckHook | JsonldHook | DatasheetHook | AboutHook | ReadmeSectionsHook | DescriptorProblemsHook
)


class QuantityError(ValueError):
    """A text that is not a quantity the language's parser reads; its message says why, in one line."""


class Quantity(Protocol):
    """A figure as a parser reads it: the number as written, the power of ten of its scale word, its
    qualifier (exact, approx, nearly, more_than, at_least, less_than, at_most), and its value in a unit."""

    @property
    def number(self) -> Any: ...  # a fractions.Fraction: no float ever touches a stated figure

    @property
    def unit_mult(self) -> int: ...

    @property
    def qualifier(self) -> str: ...

    @property
    def magnitude(self) -> Any: ...  # number * 10**unit_mult, a Fraction

    def in_unit(self, unit: str) -> Any:
        """The value in ``unit`` (``percent``, an ISO 4217 code, or a count of anything); raises
        ``QuantityError`` where the figure cannot be one (a percentage in USD)."""
        ...


@dataclass(frozen=True)
class Mention:
    """A number in a document, with its unit words: ``text`` spans code points ``start`` to ``end``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Language:
    """What the value-provenance profile needs of a document's language.

    - ``parse(text) -> Quantity``: read a stated figure, or raise ``QuantityError``;
    - ``mentions(text) -> list[Mention]``: every number of a document, which a quote or an ignored mention
      must account for;
    - ``forecast(clause) -> str | None``: the word that makes a figure expected (status F), if the clause of
      its quote has one;
    - ``joiner``: what the language writes between an office and a name ("chief executive Maria Lopez": " ").
    """

    parse: Callable[[str], Quantity]
    mentions: Callable[[str], list[Mention]]
    forecast: Callable[[str], str | None]
    joiner: str = " "
    forecast_words: tuple[str, ...] = ()  # what a message names as the expectation words
    speaker_after: bool = False  # the language names a speaker after the quote ("…," said Maria Lopez)


LANGUAGES: dict[str, Language] = {}  # the parsers registered beside the toolkit's own


def register_language(tag: str, language: Language) -> None:
    """Make ``language`` the parser of documents tagged ``tag`` (BCP 47, such as ``de`` or ``pt-BR``); a
    registered parser comes before a shipped one of the same tag."""
    LANGUAGES[tag] = language


def show(value: object) -> str:
    """A typed value as a message shows it: dates as ISO dates, whole numbers without .0, NA as empty."""
    import pandas as pd

    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return "empty"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
