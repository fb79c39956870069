"""One resource of the descriptor, read into a ``Table``: its path or inline rows, its schema (inline, or a
file of the package), its dialect. Reads the schema files; writes nothing.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pubkit.base.findings import CheckFailed, Finding, quoted
from pubkit.standard import schemacheck, support
from pubkit.standard.files import (
    DESCRIPTOR,
    INFERRED,
    compression,
    contents,
    inferred_schema,
    is_url,
    load_json,
    uncompressed_name,
)
from pubkit.standard.files import problem as _problem
from pubkit.standard.files import unsafe as _unsafe

NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0, and so a workbook, cannot store


def reserved(name: str) -> str | None:
    """Why a release format cannot hold a table of this name, if it cannot (SQLite's own names, and the
    database's ``_about``; SQLite compares names without case)."""
    if name.lower().startswith("sqlite_"):
        return "is reserved by the SQLite database of a release: SQLite keeps the names beginning sqlite_"
    if name.lower() == "_about":
        return "is reserved by the SQLite database of a release, whose _about table describes the release"
    return None


@dataclass(frozen=True)
class Table:
    """One tabular resource: a CSV file and its Table Schema."""

    name: str
    path: str  # relative to the package root, POSIX style
    schema: dict
    schema_path: str
    resource: dict = dataclasses.field(default_factory=dict, compare=False)  # the resource descriptor, as declared
    strict: bool = False  # the package opted into pubkit:strict: cells are read by the stricter rules

    @property
    def csv_options(self) -> dict:
        """The dialect's options for Python's csv module, as frictionless passes them; {} for the defaults."""
        dialect = self.resource.get("dialect")
        if not isinstance(dialect, dict):
            return {}
        options = {
            option: dialect[key]
            for key, option in support.CSV_OPTIONS.items()
            if key in dialect and dialect[key] != support.CSV_DEFAULTS[key]
        }
        return options

    @property
    def layout(self) -> dict:
        """The dialect's header and comment properties, where they differ from the defaults; {} otherwise."""
        dialect = self.resource.get("dialect")
        if not isinstance(dialect, dict):
            return {}
        layout = {k: dialect[k] for k in support.LAYOUT if k in dialect and dialect[k] != support.LAYOUT[k]}
        if "headerJoin" in layout and "headerRows" not in layout:
            layout["headerRows"] = [1]
        if layout.get("header") is False:
            layout.pop("headerRows", None)
            layout["names"] = self.field_names
        return layout

    @property
    def parts(self) -> list[str]:
        """The files of a multipart resource (``path`` a list), in order; [] for one file."""
        path = self.resource.get("path")
        return list(path) if isinstance(path, list) and len(path) > 1 else []

    @property
    def inline(self) -> list | None:
        """The rows of a resource given as inline ``data``; None for a file."""
        return self.resource.get("data") if "path" not in self.resource else None

    @property
    def title(self) -> str:
        """The resource's ``title``, where the standard (and ``frictionless describe``) puts it; else its
        schema's; else its name."""
        return self._described("title") or self.name

    @property
    def description(self) -> str:
        """The resource's ``description``; else its schema's; else ""."""
        return self._described("description") or ""

    def _described(self, key: str) -> str | None:
        for holder in (self.resource, self.schema):
            value = holder.get(key) if isinstance(holder, dict) else None
            if isinstance(value, str) and value.strip():
                return value
        return None

    @property
    def fields(self) -> list[dict]:
        return self.schema["fields"]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    def field(self, name: str) -> dict:
        return next(f for f in self.fields if f["name"] == name)

    @property
    def fields_match(self) -> str:
        """How header labels pair with fields (Table Schema v2): ``exact`` by position, the others by name."""
        return str(self.schema.get("fieldsMatch", "exact"))

    def missing_values(self, field: dict) -> list[str]:
        """The texts that mean an empty cell in ``field``: its own (Table Schema v2), else the schema's."""
        declared = field.get("missingValues", self.schema.get("missingValues", [""]))
        return [m["value"] if isinstance(m, dict) else m for m in declared]  # v2's {value, label} objects


def _control_characters(value, where: str) -> list[str]:
    """Where in a JSON value a string holds a control character."""
    if isinstance(value, str):
        return [where or "the descriptor"] if CONTROL.search(value) else []
    if isinstance(value, dict):
        return [w for k, v in value.items() for w in _control_characters(v, f"{where}.{k}" if where else str(k))]
    if isinstance(value, list):
        return [w for i, v in enumerate(value) for w in _control_characters(v, f"{where}[{i}]")]
    return []


def _inline_table(resource: dict, where: str, strict: bool, v2: bool = False) -> tuple[Table | None, list[Finding]]:
    """A resource whose rows are inline ``data``: read as frictionless reads it, a row a record."""
    data, schema = resource["data"], resource.get("schema")
    if not (isinstance(data, list) and data and all(isinstance(r, list | dict) for r in data)):
        return None, [_problem(DESCRIPTOR, f"{where}.data must be a list of rows (lists, or objects)")]
    if not isinstance(schema, dict):
        return None, [_problem(DESCRIPTOR, f"{where} with inline data needs its schema inline")]
    schema = schemacheck.normalised(schema)
    problems = schemacheck.problems(schema, DESCRIPTOR, v2)
    if problems:
        return None, problems
    return Table(resource["name"], f"{DESCRIPTOR}#{where}.data", schema, DESCRIPTOR, resource, strict), []


TABULAR = ("csv", "tsv")  # the formats of a file a resource without a schema is read as a table from


@dataclass(frozen=True)
class FileResource:
    """A resource that is not a table (a document, an image, a PDF): checked by its declared ``bytes`` and
    ``hash``, and shipped in a release at its path, as a file."""

    name: str
    path: str
    resource: dict


def is_file(resource) -> bool:
    """Whether ``resource`` is no table: no schema, no inline data, not declared ``type: table``, and a file
    whose format (declared, else its suffix) is none a table is read from."""
    if not isinstance(resource, dict) or {"schema", "data"} & resource.keys() or resource.get("type") == "table":
        return False
    path = resource.get("path")
    if not isinstance(path, str) or is_url(path) or str(resource.get("mediatype", "")).lower() == "text/csv":
        return False
    declared = resource.get("format") or (PurePosixPath(uncompressed_name(path)).suffix.lstrip(".") or "")
    return str(declared).lower() not in TABULAR


def load_file(root: Path, resource: dict, i: int) -> tuple[FileResource | None, list[Finding]]:
    """A file resource, vetted: its name, a safe path to a file of the package, and well-formed bytes and hash."""
    where, name, path = f"resources[{i}]", resource.get("name"), resource["path"]
    if not isinstance(name, str) or not NAME.fullmatch(name):
        detail = f"{where}.name {quoted(name)} must be lower-case letters, digits, ., _ or - (the standard's pattern)"
        return None, [_problem(DESCRIPTOR, detail)]
    problems = _unsafe(root, path, f"{where}.path")
    if not problems and not (root / path).is_file():
        detail = f"{where}.path {quoted(path)} is listed but does not exist"
        problems.append(_problem(DESCRIPTOR, detail, "missing-file"))
    problems += [_problem(DESCRIPTOR, p) for p in support.integrity_problems(resource, where)]
    return (None if problems else FileResource(name, path, resource)), problems


def _load_table(
    root: Path, resource: dict, i: int, strict: bool, v2: bool = False
) -> tuple[Table | None, list[Finding]]:
    where = f"resources[{i}]"
    if not isinstance(resource, dict):
        return None, [_problem(DESCRIPTOR, f"{where} is not an object")]
    name, path, schema = resource.get("name"), resource.get("path"), resource.get("schema")
    if "data" in resource and "path" in resource:
        return None, [_problem(DESCRIPTOR, p) for p in support.resource_problems(resource, where)]
    if isinstance(path, list):  # a multipart resource: its files read as one table
        if not (path and all(isinstance(p, str) for p in path)):
            return None, [_problem(DESCRIPTOR, f"{where}.path must be a path, or a list of paths")]
        parts = [f for i, p in enumerate(path) for f in _unsafe(root, p, f"{where}.path[{i}]")]
        parts += [
            _problem(DESCRIPTOR, f"{where}.path[{i}] {quoted(p)} is listed but does not exist", "missing-file")
            for i, p in enumerate(path)
            if not parts and not (root / p).is_file()
        ]
        if parts:
            return None, parts
        path = path[0]
    if not isinstance(name, str):
        return None, [_problem(DESCRIPTOR, f'{where}.name must be text, such as "prices"')]
    if "data" in resource:
        return _inline_table(resource, where, strict, v2)
    if not isinstance(path, str):
        return None, [_problem(DESCRIPTOR, f"{where} needs a path to its file")]
    if schema is None and not is_url(path) and not _unsafe(root, path, where) and (root / path).is_file():
        schema = inferred_schema(root, resource)
        resource = {**resource, "schema": schema, INFERRED: True}
    if not schema:
        return None, [_problem(DESCRIPTOR, f"{where} needs a schema")]
    if reserved(name):
        return None, [_problem(DESCRIPTOR, f"{where}.name {quoted(name)} {reserved(name)} (refused)")]
    if not NAME.fullmatch(name):
        detail = f"{where}.name {quoted(name)} must be lower-case letters, digits, ., _ or - (the standard's pattern)"
        return None, [_problem(DESCRIPTOR, detail)]
    if is_url(path):
        detail = f"{where}.path {quoted(path)} is remote: pubkit reads local files only, offline (refused)"
        return None, [_problem(DESCRIPTOR, detail)]
    problems = _unsafe(root, path, f"{where}.path")
    if isinstance(schema, str):
        problems += _unsafe(root, schema, f"{where}.schema")
        if problems:
            return None, problems
        try:
            schema_path, schema = schema, load_json(root, schema)
        except CheckFailed as failed:
            return None, failed.findings
    else:
        schema_path = DESCRIPTOR
    if not problems and not (root / path).is_file() and not isinstance(resource.get("path"), list):
        problems.append(
            _problem(DESCRIPTOR, f"{where}.path {quoted(path)} is listed but does not exist", "missing-file")
        )
    resource, found = _dialect_from_file(root, resource, where) if not problems else (resource, [])
    if found:
        return None, found
    schema = schemacheck.normalised(schema)
    problems += [_problem(DESCRIPTOR, p) for p in support.resource_problems(resource, where)]
    problems += schemacheck.problems(schema, schema_path, v2)
    if not problems:
        problems += [_problem(schema_path, f"{where}: {p}") for p in support.schema_problems(schema)]
    problems += [
        _problem(schema_path, f"{where} contains a control character, which no release format can store")
        for where in _control_characters(schema, "")
    ]
    if not problems:
        resource = _with_detected_delimiter(root, resource, path)
    table = Table(name, path, schema, schema_path, resource, strict) if not problems else None
    return table, problems


DIALECT_FILE = "pubkit:dialectFile"  # set on a resource whose dialect was read from its own file


def _dialect_from_file(root: Path, resource: dict, where: str) -> tuple[dict, list[Finding]]:
    """A dialect given as the path to its own JSON file, read into the resource as frictionless reads it."""
    dialect = resource.get("dialect")
    if not isinstance(dialect, str):
        return resource, []
    if is_url(dialect):
        detail = f"{where}.dialect {quoted(dialect)} is remote: pubkit reads local files only, offline (refused)"
        return resource, [_problem(DESCRIPTOR, detail)]
    unsafe = _unsafe(root, dialect, f"{where}.dialect")
    if unsafe:
        return resource, unsafe
    if not (root / dialect).is_file():
        detail = f"{where}.dialect {quoted(dialect)} names no file of the package, as a dialect given by path must"
        return resource, [_problem(DESCRIPTOR, detail)]
    try:
        return {**resource, "dialect": load_json(root, dialect), DIALECT_FILE: dialect}, []
    except CheckFailed as failed:
        return resource, failed.findings


DETECTED = "pubkit:detectedDelimiter"  # set on a resource whose delimiter was detected, as frictionless detects it
SAMPLE_LINES = 100  # what frictionless sniffs a CSV dialect from (its SAMPLE_SIZE)
DELIMITERS = ",\t;|"


def _with_detected_delimiter(root: Path, resource: dict, path: str) -> dict:
    """A CSV resource that declares no delimiter is read with the one frictionless detects (csv.Sniffer over
    its first 100 lines, from , tab ; and |): a semicolon file from a European spreadsheet gets frictionless'
    findings, not a header of one label. The resource then carries the detected delimiter, and a note says so."""
    dialect = resource.get("dialect")
    declared = isinstance(dialect, dict) and "delimiter" in dialect
    suffix = str(resource.get("format", Path(uncompressed_name(path)).suffix.lstrip("."))).lower()
    if declared or suffix not in ("csv", "tsv") or (dialect is not None and not isinstance(dialect, dict)):
        return resource
    if suffix == "tsv":  # tab-separated, as frictionless reads a .tsv file
        return {**resource, "dialect": {**(dialect or {}), "delimiter": "\t"}}
    import csv

    encoding = resource.get("encoding", "utf-8") if isinstance(resource.get("encoding"), str) else "utf-8"
    try:
        head = contents(root / path, compression(path, resource), limit=1 << 16, head=True)
        lines = head.decode(encoding, errors="replace").splitlines(keepends=True)[:SAMPLE_LINES]
        found = csv.Sniffer().sniff("".join(lines), DELIMITERS).delimiter
    except (csv.Error, OSError, LookupError, ValueError):
        return resource
    if found == ",":
        return resource
    return {**resource, "dialect": {**(dialect or {}), "delimiter": found}, DETECTED: found}


def inline_csv(rows: list, names: list[str]) -> bytes:
    """Inline ``data`` as CSV text: lists are rows (the first, the header); objects give their values by name."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    if isinstance(rows[0], dict):
        writer.writerow(names)
        rows = [[row.get(n) for n in names] if isinstance(row, dict) else row for row in rows]
    writer.writerows([[cell_text(c) for c in row] for row in rows])
    return out.getvalue().encode("utf-8")


def cell_text(value) -> str:
    """A native cell (inline data, JSON, Excel, Parquet) as text: ``true``, a JSON array, an ISO date."""
    import json

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
