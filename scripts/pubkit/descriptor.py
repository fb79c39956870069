"""Load a data package: reads ``datapackage.json`` and the Table Schemas it names.

Nothing outside the package root is ever read: absolute paths, URLs and paths that
climb out with ``..`` are refused before any file is opened.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pubkit.findings import CheckFailed, Finding, quoted

DESCRIPTOR = "datapackage.json"
FIELD_TYPES = ("string", "number", "integer", "boolean", "date", "datetime")


@dataclass(frozen=True)
class Table:
    """One tabular resource: a CSV file and its Table Schema."""

    name: str
    path: str  # relative to the package root, POSIX style
    schema: dict
    schema_path: str

    @property
    def fields(self) -> list[dict]:
        return self.schema["fields"]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    def field(self, name: str) -> dict:
        return next(f for f in self.fields if f["name"] == name)


@dataclass(frozen=True)
class DataPackage:
    root: Path
    descriptor: dict
    tables: tuple[Table, ...]

    @property
    def name(self) -> str:
        return self.descriptor["name"]

    @property
    def version(self) -> str:
        return self.descriptor["version"]

    @property
    def release_name(self) -> str:
        return f"{self.name}-{self.version}"

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def source_paths(self) -> list[str]:
        """Archived source documents named in the descriptor's ``sources``."""
        return [s["path"] for s in self.descriptor.get("sources", []) if "path" in s]


def run(root: Path | str = ".") -> DataPackage:
    """Load and vet the package at ``root``; raise ``CheckFailed`` with every problem found."""
    root = Path(root).resolve()
    descriptor = load_json(root, DESCRIPTOR)
    problems: list[Finding] = []
    for key in ("name", "version", "created", "resources"):
        if key not in descriptor:
            problems.append(_problem(DESCRIPTOR, f"the required property {quoted(key)} is missing"))
    for i, source in enumerate(descriptor.get("sources", [])):
        if "path" in source:
            problems += _unsafe(root, source["path"], f"sources[{i}].path")
    tables = []
    for i, resource in enumerate(descriptor.get("resources", [])):
        table, found = _load_table(root, resource, i)
        problems += found
        if table:
            tables.append(table)
    if problems:
        raise CheckFailed(problems)
    return DataPackage(root, descriptor, tuple(tables))


def load_json(root: Path, relpath: str) -> dict:
    """Parse a JSON file of the package; invalid JSON is reported with its line and column."""
    path = root / relpath
    if not path.is_file():
        raise CheckFailed([_problem(relpath, "the file does not exist", "missing-file")])
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as err:
        raise CheckFailed([_problem(relpath, f"is not valid UTF-8 (byte {err.start})", "json")]) from None
    except json.JSONDecodeError as err:
        finding = Finding(relpath, err.lineno, None, f"invalid JSON at column {err.colno}: {err.msg}", "json")
        raise CheckFailed([finding]) from None


def _load_table(root: Path, resource: dict, i: int) -> tuple[Table | None, list[Finding]]:
    where = f"resources[{i}]"
    name, path, schema = resource.get("name"), resource.get("path"), resource.get("schema")
    if not (isinstance(name, str) and isinstance(path, str) and schema):
        return None, [_problem(DESCRIPTOR, f"{where} needs a name, a path and a schema")]
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
    if not problems and not (root / path).is_file():
        problems.append(_problem(DESCRIPTOR, f"{where}.path {quoted(path)} is listed but does not exist", "missing-file"))
    problems += _schema_problems(schema, schema_path)
    return (None if problems else Table(name, path, schema, schema_path)), problems


def _schema_problems(schema: dict, schema_path: str) -> list[Finding]:
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not fields:
        return [_problem(schema_path, "the schema has no list of fields")]
    problems = []
    for i, field in enumerate(fields):
        name = field.get("name") if isinstance(field, dict) else None
        if not isinstance(name, str):
            problems.append(_problem(schema_path, f"fields[{i}] has no name"))
        elif field.get("type", "string") not in FIELD_TYPES:
            problems.append(_problem(
                schema_path,
                f"field {quoted(name)} has the unknown type {quoted(field['type'])}; "
                f"use one of {', '.join(FIELD_TYPES)}",
            ))
    return problems


def _unsafe(root: Path, relpath: str, where: str) -> list[Finding]:
    """Refuse any path that could lead outside the package root."""
    pure = PurePosixPath(relpath)
    if "://" in relpath or pure.is_absolute() or relpath.startswith("\\") or ":" in pure.parts[0]:
        reason = "is not a relative path inside the package"
    elif ".." in pure.parts:
        reason = "climbs out of the package with .."
    elif not (root / relpath).resolve().is_relative_to(root):
        reason = "leads outside the package through a link"
    else:
        return []
    return [_problem(DESCRIPTOR, f"{where} {quoted(relpath)} {reason}; nothing was read", "unsafe-path")]


def _problem(path: str, message: str, rule: str = "descriptor") -> Finding:
    return Finding(path, None, None, message, rule)
