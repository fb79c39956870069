"""Load a data package: reads ``datapackage.json`` and the Table Schemas it names.

Nothing outside the package root is ever read: absolute paths, URLs and paths that
climb out with ``..`` are refused before any file is opened.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from pubkit import errors, support
from pubkit.findings import CheckFailed, Finding, quoted

DESCRIPTOR = "datapackage.json"
FIELD_TYPES = ("string", "number", "integer", "boolean", "date", "datetime")
# Besides the standard's own, a release needs a title and an id: its citation names both.
REQUIRED = ("resources",)  # all the Data Package standard requires
STRICT = "pubkit:strict"  # a package's opt-in: what a release needs is required by check too, and versions are SemVer
RELEASE_NEEDS = {  # what a release needs, and what to add
    "name": 'add "name": a lower-case identifier such as "my-data"; it names the release folder',
    "title": 'add "title": the name people cite',
    "id": 'add "id": a DOI (https://doi.org/…) or a urn:uuid, cited with every release',
    "version": 'add "version": the release\'s version, such as "1.0.0"',
    "created": 'add "created": the build date, ISO 8601 with its offset, such as "2026-01-31T00:00:00Z"',
    "licenses": 'add "licenses": a list of objects with a "name" such as "CC-BY-4.0"',
}
PROPERTY_TYPES = {
    "$schema": str,
    "name": str,
    "id": str,
    "title": str,
    "description": str,
    "version": str,
    "created": str,
    "homepage": str,
    "licenses": list,
    "contributors": list,
    "sources": list,
    "keywords": list,
    "resources": list,
}
TEXT_PROPERTIES = ("title", "description", "unit")
SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?")
NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0, and so a workbook, cannot store


@dataclass(frozen=True)
class Table:
    """One tabular resource: a CSV file and its Table Schema."""

    name: str
    path: str  # relative to the package root, POSIX style
    schema: dict
    schema_path: str
    resource: dict = dataclasses.field(default_factory=dict, compare=False)  # the resource descriptor, as declared

    @property
    def case_sensitive_header(self) -> bool:
        dialect = self.resource.get("dialect")
        return not isinstance(dialect, dict) or dialect.get("caseSensitiveHeader", True) is not False

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
    trusted: bool = False  # whether the package's own extension modules may run

    @property
    def name(self) -> str | None:
        return self.descriptor.get("name")

    @property
    def version(self) -> str | None:
        return self.descriptor.get("version")

    @property
    def release_name(self) -> str | None:
        """``<name>-<version>``, the release folder's name; None where either is missing."""
        return f"{self.name}-{self.version}" if self.name and self.version else None

    @property
    def strict(self) -> bool:
        return self.descriptor.get(STRICT) is True

    def release_problems(self) -> list[Finding]:
        """What the descriptor lacks for a release: one finding per property, saying what to add."""
        return release_problems(self.descriptor)

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def source_paths(self) -> list[str]:
        """Archived source documents: the local paths of the descriptor's ``sources`` (a URL is a citation)."""
        return [s["path"] for s in self.descriptor.get("sources", []) if "path" in s and not is_url(s["path"])]


def load(root: Path | str = ".", trusted: bool = False) -> DataPackage:
    """Load and vet the package at ``root``; raise ``CheckFailed`` with every problem found.

    ``trusted`` lets the modules the package names in ``pubkit:extensions`` run.
    """
    root = Path(root).resolve()
    descriptor = load_json(root, DESCRIPTOR)
    problems = _property_problems(descriptor)
    if problems:
        raise CheckFailed(problems)
    for i, source in enumerate(descriptor.get("sources", [])):
        if "path" in source and not is_url(source["path"]):
            problems += _unsafe(root, source["path"], f"sources[{i}].path")
    problems += _extension_problems(root, descriptor)
    tables = []
    for i, resource in enumerate(descriptor.get("resources", [])):
        table, found = _load_table(root, resource, i)
        problems += found
        if table:
            tables.append(table)
    names = {r.get("name") for r in descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("name"), str)}
    problems += _reference_problems(tables, names)
    if problems:
        raise CheckFailed(problems)
    return DataPackage(root, descriptor, tuple(tables), trusted)


def _extension_problems(root: Path, descriptor: dict) -> list[Finding]:
    """The declared profiles against their JSON Schemas, and the package's own modules' paths."""
    from pubkit import extensions, profiles

    problems = [_problem(DESCRIPTOR, message) for message in profiles.problems(descriptor)]
    modules = descriptor.get(extensions.PROPERTY, [])
    if not (isinstance(modules, list) and all(isinstance(m, str) and m.endswith(".py") for m in modules)):
        return [*problems, _problem(DESCRIPTOR, f"{extensions.PROPERTY} must be a list of paths of .py files")]
    for i, relpath in enumerate(modules):
        where = f"{extensions.PROPERTY}[{i}]"
        unsafe = _unsafe(root, relpath, where)
        problems += unsafe
        if not unsafe and not (root / relpath).is_file():
            problems.append(_problem(DESCRIPTOR, f"{where} {quoted(relpath)} does not exist", "missing-file"))
    return problems


def _property_problems(descriptor) -> list[Finding]:
    """The properties this toolkit relies on, with the kind of value each needs."""
    if not isinstance(descriptor, dict):
        return [_problem(DESCRIPTOR, "the descriptor is not a JSON object")]
    problems = [
        _problem(DESCRIPTOR, f"the required property {quoted(key)} is missing")
        for key in REQUIRED
        if key not in descriptor
    ]
    if isinstance(descriptor.get("resources"), list) and not descriptor["resources"]:
        problems.append(_problem(DESCRIPTOR, '"resources" is empty: a data package needs at least one resource'))
    problems += [
        _problem(DESCRIPTOR, f"the property {quoted(key)} must be a {kind.__name__ if kind is str else 'list'}")
        for key, kind in PROPERTY_TYPES.items()
        if key in descriptor and not isinstance(descriptor[key], kind)
    ]
    problems += [
        _problem(DESCRIPTOR, f"{where} contains a control character, which no release format can store")
        for where in _control_characters(descriptor, "")
    ]
    if problems:
        return problems
    for key in ("licenses", "contributors", "sources"):
        if not all(
            isinstance(item, dict) and all(isinstance(v, str) or k == "roles" for k, v in item.items())
            for item in descriptor.get(key, [])
        ):
            problems.append(_problem(DESCRIPTOR, f"every item of {quoted(key)} must be an object of text properties"))
    if any(isinstance(item, dict) and "name" not in item for item in descriptor.get("licenses", [])):
        problems.append(_problem(DESCRIPTOR, 'every item of "licenses" needs a "name", such as CC-BY-4.0'))
    if not all(isinstance(k, str) for k in descriptor.get("keywords", [])):
        problems.append(_problem(DESCRIPTOR, "every keyword must be text"))
    if descriptor.get(STRICT, False) not in (True, False):
        problems.append(_problem(DESCRIPTOR, f"{STRICT} must be true or false"))
    if descriptor.get(STRICT) is True:  # what a release needs is required of the sources already
        problems += [
            _problem(DESCRIPTOR, f"the required property {quoted(key)} is missing")
            for key in RELEASE_NEEDS
            if key not in descriptor
        ]
        if "version" in descriptor and not SEMVER.fullmatch(descriptor["version"]):
            detail = f"version {quoted(descriptor['version'])} is not a semantic version such as 1.0.0"
            problems.append(_problem(DESCRIPTOR, detail))
    if "name" in descriptor and not NAME.fullmatch(descriptor["name"]):
        problems.append(
            _problem(DESCRIPTOR, f"name {quoted(descriptor['name'])} must be lower-case letters, digits, ., _ or -")
        )
    if "version" in descriptor and ("/" in descriptor["version"] or descriptor["version"] in (".", "..")):
        problems.append(_problem(DESCRIPTOR, f"version {quoted(descriptor['version'])} cannot name a release folder"))
    if "created" in descriptor:
        try:
            datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00"))
        except ValueError:
            detail = f"created {quoted(descriptor['created'])} is not an ISO 8601 date and time"
            problems.append(_problem(DESCRIPTOR, detail))
    return problems


def release_problems(descriptor: dict) -> list[Finding]:
    """One finding per property a release needs and the descriptor lacks, saying what to add."""
    return [
        _problem(DESCRIPTOR, f"a release needs the property {quoted(key)}: {advice}")
        for key, advice in RELEASE_NEEDS.items()
        if not descriptor.get(key)
    ]


def _control_characters(value, where: str) -> list[str]:
    """Where in a JSON value a string holds a control character."""
    if isinstance(value, str):
        return [where or "the descriptor"] if CONTROL.search(value) else []
    if isinstance(value, dict):
        return [w for k, v in value.items() for w in _control_characters(v, f"{where}.{k}" if where else str(k))]
    if isinstance(value, list):
        return [w for i, v in enumerate(value) for w in _control_characters(v, f"{where}[{i}]")]
    return []


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
        finding = _problem(relpath, f"invalid JSON at column {err.colno}: {err.msg}", "json", err.lineno)
        raise CheckFailed([finding]) from None


def is_url(path: str) -> bool:
    return path.lower().startswith(("http://", "https://"))


def normalised_schema(schema: dict) -> dict:
    """The schema with keys in their list form: a string ``primaryKey`` or key ``fields`` is a list of one."""
    if not isinstance(schema, dict):
        return schema

    def listed(value):
        return [value] if isinstance(value, str) else value

    schema = dict(schema)
    if "primaryKey" in schema:
        schema["primaryKey"] = listed(schema["primaryKey"])
    keys = schema.get("foreignKeys")
    if isinstance(keys, list):
        schema["foreignKeys"] = [
            {
                **fk,
                "fields": listed(fk.get("fields")),
                **(
                    {"reference": {**fk["reference"], "fields": listed(fk["reference"].get("fields"))}}
                    if isinstance(fk.get("reference"), dict)
                    else {}
                ),
            }
            if isinstance(fk, dict)
            else fk
            for fk in keys
        ]
    return schema


def _load_table(root: Path, resource: dict, i: int) -> tuple[Table | None, list[Finding]]:
    where = f"resources[{i}]"
    if not isinstance(resource, dict):
        return None, [_problem(DESCRIPTOR, f"{where} is not an object")]
    name, path, schema = resource.get("name"), resource.get("path"), resource.get("schema")
    if not (isinstance(name, str) and isinstance(path, str) and schema):
        return None, [_problem(DESCRIPTOR, f"{where} needs a name, a path and a schema")]
    if not NAME.fullmatch(name):
        detail = f"{where}.name {quoted(name)} must be lower-case letters, digits, ., _ or - (the standard's pattern)"
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
    if not problems and not (root / path).is_file():
        problems.append(
            _problem(DESCRIPTOR, f"{where}.path {quoted(path)} is listed but does not exist", "missing-file")
        )
    schema = normalised_schema(schema)
    problems += [_problem(DESCRIPTOR, p) for p in support.resource_problems(resource, where)]
    problems += _schema_problems(schema, schema_path)
    if not problems:
        problems += [_problem(schema_path, f"{where}: {p}") for p in support.schema_problems(schema)]
    problems += [
        _problem(schema_path, f"{where} contains a control character, which no release format can store")
        for where in _control_characters(schema, "")
    ]
    return (None if problems else Table(name, path, schema, schema_path, resource)), problems


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
            problems.append(
                _problem(
                    schema_path,
                    f"field {quoted(name)} has the unknown type {quoted(field['type'])}; "
                    f"use one of {', '.join(FIELD_TYPES)}",
                )
            )
        else:
            problems += [_problem(schema_path, f"field {quoted(name)}: {p}") for p in _constraint_problems(field)]
            problems += [
                _problem(schema_path, f"field {quoted(name)}: {key} must be text")
                for key in TEXT_PROPERTIES
                if key in field and not isinstance(field[key], str)
            ]
    if problems:
        return problems
    problems += [
        _problem(schema_path, f"the schema's {key} must be text")
        for key in TEXT_PROPERTIES
        if key in schema and not isinstance(schema[key], str)
    ]
    names = [f["name"] for f in fields]
    missing = schema.get("missingValues", [""])
    if not (isinstance(missing, list) and all(isinstance(m, str) for m in missing)):
        problems.append(_problem(schema_path, "missingValues must be a list of strings"))
    keys = [schema.get("primaryKey", [])] + [
        fk.get("fields") if isinstance(fk, dict) else None for fk in _list(schema.get("foreignKeys", []))
    ]
    for key in keys:
        if not (isinstance(key, list) and all(k in names for k in key)):
            problems.append(
                _problem(
                    schema_path, f"the key {json.dumps(key, ensure_ascii=False)} names fields the schema does not have"
                )
            )
    return problems


def _constraint_problems(field: dict) -> list[str]:
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        return ["constraints must be an object"]
    problems = []
    kinds = {"required": bool, "unique": bool, "enum": list, "minLength": int, "maxLength": int, "pattern": str}
    for name, value in constraints.items():
        expected = kinds.get(name, (int, float, str) if name in ("minimum", "maximum") else None)
        if expected is None:
            problems.append(f"the constraint {quoted(name)} is not one this toolkit checks")
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(
                f"the constraint {name} has the wrong kind of value {json.dumps(value, ensure_ascii=False)}"
            )
    if isinstance(constraints.get("pattern"), str):
        try:
            re.compile(constraints["pattern"])
        except re.error as err:
            problems.append(f"the pattern {quoted(constraints['pattern'])} is not a regular expression: {err}")
    return problems


def _reference_problems(tables: list[Table], names: set) -> list[Finding]:
    problems = []
    for table in tables:
        for fk in table.schema.get("foreignKeys", []):
            reference = fk.get("reference") if isinstance(fk, dict) else None
            parent = reference.get("resource") if isinstance(reference, dict) else None
            if not (
                isinstance(parent, str)
                and (parent == "" or parent in names)
                and isinstance(reference.get("fields"), list)
            ):
                problems.append(
                    _problem(
                        table.schema_path,
                        f"the foreign key {json.dumps(fk, ensure_ascii=False)} points to no table of the package",
                    )
                )
    return problems


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


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
    return [errors.UNSAFE_PATH.at(DESCRIPTOR, where=where, target=quoted(relpath), reason=reason)]


_ENTRIES = {"descriptor": errors.DESCRIPTOR, "missing-file": errors.MISSING_FILE, "json": errors.JSON}


def _problem(path: str, message: str, rule: str = "descriptor", line: int | None = None) -> Finding:
    return _ENTRIES[rule].at(path, line, detail=message)
