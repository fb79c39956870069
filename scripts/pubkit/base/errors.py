"""The catalogue of findings: every kind of problem the toolkit reports, as data. Reads and writes nothing.

Each entry has a ``code`` (frictionless' error type where frictionless has the same
error, the toolkit's own otherwise), a ``title`` (shown in parentheses after every
message, so a user can grep for it), a message ``template`` and what to ``do`` about
it. ``ENTRY.at(path, line, field, cell, **params)`` makes a ``Finding``.

Profiles and a package's own modules add entries of their own (a module-level
``ERRORS`` list); ``catalogue()`` lists them all, and the README's table of
messages is generated from it (``pubkit readme``).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from pubkit.base.findings import Finding


@dataclass(frozen=True)
class ErrorType:
    code: str
    title: str  # may hold {placeholders}, filled like the template's
    template: str
    do: str

    def at(
        self, path: str, line: int | None = None, field: str | None = None, cell: str | None = None, /, **params
    ) -> Finding:
        """A finding of this kind; ``params`` fill the template and the title."""
        return Finding(
            path, line, field, self.template.format(**params), self.title.format(**params), cell, type=self.code
        )

    @property
    def placeholders(self) -> set[str]:
        return {
            name for text in (self.title, self.template) for _, name, _, _ in string.Formatter().parse(text) if name
        }


E = ErrorType
# The sources: structure, encoding, header (frictionless' codes) --------------------------------
ENCODING = E("encoding-error", "encoding", "{detail}", "save the file as UTF-8 without a byte-order mark")
CSV_SYNTAX = E("format-error", "csv", "the CSV cannot be parsed: {detail}", "close the quote the message points at")
FORMAT = E("format-error", "format", "the file {detail}", "save the file again in the format its resource declares")
COMPRESSION = E(
    "compression-error", "compression", "{detail}", "save the file again, compressed whole, or uncompressed"
)
EMPTY_FILE = E("source-error", "header", "the file is empty: it needs a header row", "write the header row")
NO_ROWS = E("no-rows", "no rows", "the file has a header but no rows", "add the rows, or remove the resource")
BLANK_LABEL = E(
    "blank-label", "blank label", "a column has no name in the header", "name the column as the schema does"
)
DUPLICATE_LABEL = E(
    "duplicate-label", "duplicate label", "this column name appears twice in the header", "delete or rename the copy"
)
MISSING_LABEL = E(
    "missing-label", "missing label", "the header lacks this column of the schema", "add the column, in schema order"
)
EXTRA_LABEL = E(
    "extra-label",
    "extra label",
    "the header has a column the schema does not define",
    "delete the column, or define it in the schema",
)
UNMATCHED_HEADER = E(
    "unmatched-header",
    "unmatched header",
    "no label of the header is a field of the schema ({fields}); fieldsMatch is partial",
    "name the columns as the schema names its fields",
)
AMBIGUOUS_LABELS = E(
    "error",
    "ambiguous labels",
    "{label} names more than one column, and fieldsMatch {mode} pairs columns with fields by name",
    "give each column its own name",
)
INCORRECT_LABEL = E(
    "incorrect-label",
    "incorrect label",
    "the header says {label} where the schema has {field}; expected {fields}",
    "rename or reorder the columns as the schema lists them",
)
BLANK_ROW = E("blank-row", "blank row", "the row is blank; delete it", "delete the empty line")
EXTRA_CELL = E(
    "extra-cell",
    "extra cell",
    "the row has more cells than the header's {count}: cell {number} is extra",
    "remove the surplus cell or comma",
)
MISSING_CELL = E(
    "missing-cell", "missing cell", "the row has fewer cells than the header's {count}", "add the missing cells"
)
BYTE_COUNT = E(
    "byte-count",
    "byte count",
    "has {actual} bytes, but the descriptor declares {declared}",
    "the file is not the one described: restore it, or correct bytes in the descriptor",
)
HASH_COUNT = E(
    "hash-count",
    "hash count",
    "has {algorithm} {actual}, but the descriptor declares {declared}",
    "the file is not the one described: restore it, or correct hash in the descriptor",
)
# Cells: types and constraints -------------------------------------------------------------------
NUMBER_PRECISION = E(
    "number-precision",
    "number precision",
    "{value} is more than a number field holds exactly (a 64-bit float: 15 significant digits, magnitudes "
    "up to about 1e308 and down to about 1e-308): it would be published as {published}",
    "make the field an integer (whole numbers of any size are held exactly) or a string, or write fewer digits",
)
TYPE = E(
    "type-error",
    "type {type}",
    "{value} is not {a} {type}{hint}",
    "type the value as the message says; full-width digits, thousands separators and % signs are never rewritten for you",
)
REQUIRED = E("constraint-error", "constraint required", "is empty, but a value is required", "fill in the cell")
ENUM = E("constraint-error", "constraint enum", "{value} is not one of: {enum}{hint}", "use one of the listed codes")
CATEGORY = E(
    "constraint-error",
    "constraint categories",
    "{value} is not one of the field's categories: {categories}",
    "use one of the categories, or add it to them",
)
PATTERN = E(
    "constraint-error", "constraint pattern", "{value} does not match the pattern {pattern}{hint}", "fix the value"
)
MINIMUM = E("constraint-error", "constraint minimum", "{value} is less than the minimum {limit}{hint}", "fix the value")
MAXIMUM = E("constraint-error", "constraint maximum", "{value} is more than the maximum {limit}{hint}", "fix the value")
EXCLUSIVE_MINIMUM = E(
    "constraint-error",
    "constraint exclusiveMinimum",
    "{value} is not more than the exclusive minimum {limit}{hint}",
    "fix the value",
)
EXCLUSIVE_MAXIMUM = E(
    "constraint-error",
    "constraint exclusiveMaximum",
    "{value} is not less than the exclusive maximum {limit}{hint}",
    "fix the value",
)
LENGTH = E(
    "constraint-error",
    "constraint {constraint}",
    "{value} has {length} characters, outside the {constraint} {limit}",
    "shorten or complete the text",
)
PATTERN_TOO_SLOW = E(
    "pattern-too-slow",
    "pattern too slow",
    "the pattern {pattern} did not finish on this value within {seconds} seconds: it backtracks",
    "write the pattern without nested repetition, such as (a+)+",
)
UNIQUE = E(
    "unique-error", "constraint unique", "{key} repeats {first}", "give the row its own value, or delete the copy"
)
PRIMARY_KEY = E("primary-key", "primary key", "{key} repeats {first}", "give the row its own key, or delete the copy")
EMPTY_PRIMARY_KEY = E(
    "primary-key",
    "empty primary key",
    "every cell of the primary key is empty",
    "fill in the key, or delete the row",
)
FOREIGN_KEY = E(
    "foreign-key",
    "foreign key",
    "{value} is not found in {parent}.{parent_field}",
    "use a key the other table has, or add that row to it",
)
CONTROL_CHARACTER = E(
    "control-character",
    "control character",
    "{value} contains a control character or a noncharacter (U+FFFE, U+FFFF), which Excel cannot store",
    "delete the invisible character",
)
LONG_CELL = E(
    "long-cell",
    "long cell",
    "holds {length} characters, more than the {limit} a workbook cell can hold",
    "shorten the text, or split it over fields",
)
# The descriptor and its schemas -----------------------------------------------------------------
DESCRIPTOR = E("package-error", "descriptor", "{detail}", "fix datapackage.json or the schema as the message says")
SCHEMA = E("schema-error", "schema", "{detail}", "fix the Table Schema as the message says")
FIELD = E("field-error", "field", "{detail}", "fix the field's definition as the message says (its type and format)")
JSON = E("package-error", "json", "{detail}", "fix the JSON syntax at the line and column given")
MISSING_FILE = E("scheme-error", "missing-file", "{detail}", "create the file, or fix the path")
UNSAFE_PATH = E(
    "unsafe-path",
    "unsafe-path",
    "{where} {target} {reason}; nothing was read",
    "use a relative path inside the package, without .. or links out",
)
EXTENSION_NOT_RUN = E(
    "extension-not-run",
    "extension not trusted",
    "declares the extension module {module}, which is code: it was not run; "
    "run `pubkit --trust-package-code check` if you trust this package",
    "pass --trust-package-code (make does, for this package)",
)
# dist/: releases -------------------------------------------------------------------------------
CHECKSUM = E("checksum", "checksum", "{detail}", "restore the release from git: released files never change")
RELEASE_INDEX = E("release-index", "release index", "{detail}", "restore dist/ from git: released files never change")
RELEASE_RECORDS = E(
    "release-records",
    "release records",
    "{detail}",
    "release again to finish an interrupted release; restore released records from git",
)
VIEW = E(
    "view",
    "view",
    "{detail}",
    "declare each view with name, from, join (resource, on: a foreign key of from, fields) and fields",
)
VERSION_BUMP = E(
    "version-bump",
    "version bump",
    "{detail}",
    "bump version in datapackage.json as SemVer asks: removed or reused keys need a major release, "
    "added rows or fields a minor one",
)
STALE = E("stale-release", "stale release", "{detail}", "build the current version again")
RELEASED = E(
    "released",
    "released",
    "is released, and the sources no longer build the same bytes ({why}): "
    "bump version in datapackage.json (now {version}), then run `{release}`",
    "bump the version in datapackage.json",
)
ALTERED = E(
    "release-altered",
    "release altered",
    "{files} differ from what these sources build with the toolkit that built them: the folder was changed "
    "after it was built; {remedy}",
    "restore the folder from git, or rebuild it",
)
SQLITE_REFUSED = E(
    "sqlite-error",
    "sqlite",
    "SQLite refuses the rows of {table}: {error}",
    "make the key's values distinct: SQLite has no NaN and holds it as the text NaN, so two NaNs in a key repeat",
)
FORMATS_AGREE = E(
    "formats-agree", "formats agree", "{detail}", "report it: the formats of a release disagree (a toolkit bug)"
)

TOOLKIT = [value for value in dict(globals()).values() if isinstance(value, ErrorType)]


def catalogue(modules=()) -> list[ErrorType]:
    """The toolkit's entries, then each extension's ``ERRORS``, in order."""
    entries = list(TOOLKIT)
    for module in modules:
        entries += [e for e in getattr(module, "ERRORS", []) if e not in entries]
    return entries


def markdown_table(entries: list[ErrorType]) -> str:
    """The README's table of messages: one row per entry."""
    lines = ["| code | shown as | message | what to do |", "|---|---|---|---|"]
    for entry in entries:
        template = entry.template.replace("|", "\\|")
        lines.append(f"| `{entry.code}` | `({entry.title})` | {template} | {entry.do} |")
    return "\n".join(lines) + "\n"
