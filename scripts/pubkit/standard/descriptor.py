"""Load a data package: reads ``datapackage.json`` and the Table Schemas it names.

Nothing outside the package root is ever read: absolute paths, URLs and paths that
climb out with ``..`` are refused before any file is opened.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from pubkit.base import errors
from pubkit.base.findings import CheckFailed, Finding, quoted
from pubkit.standard import schemacheck, support

DESCRIPTOR = "datapackage.json"
YAML_DESCRIPTORS = ("datapackage.yaml", "datapackage.yml")
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
    def fields(self) -> list[dict]:
        return self.schema["fields"]

    @property
    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    def field(self, name: str) -> dict:
        return next(f for f in self.fields if f["name"] == name)

    def missing_values(self, field: dict) -> list[str]:
        """The texts that mean an empty cell in ``field``: its own (Table Schema v2), else the schema's."""
        return field.get("missingValues", self.schema.get("missingValues", [""]))


@dataclass(frozen=True)
class DataPackage:
    root: Path
    descriptor: dict
    tables: tuple[Table, ...]
    trusted: bool = False  # whether the package's own extension modules may run
    descriptor_file: str = DESCRIPTOR  # or datapackage.yaml

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

    @property
    def notes(self) -> list[str]:
        """What the user should know that is no problem: schemas inferred for resources that declare none."""
        notes = [
            f"{t.path}: the resource {t.name} declares no schema; it was checked against the schema frictionless "
            f"infers: {_field_list(t.fields)}"
            for t in self.tables
            if t.resource.get(INFERRED)
        ]
        for t in self.tables:
            dialect = t.resource.get("dialect") if isinstance(t.resource.get("dialect"), dict) else {}
            notes += [
                f"{t.path}: dialect.{k} is not applied: {why}" for k, why in support.UNAPPLIED.items() if k in dialect
            ]
            if t.schema.get("uniqueKeys") and not self.strict:
                notes.append(
                    f"{t.path}: uniqueKeys are not enforced, as frictionless does not enforce them; "
                    '"pubkit:strict": true enforces them'
                )
        return notes

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
    name = descriptor_file(root)
    try:
        return _load(root, name, trusted)
    except CheckFailed as failed:  # findings about the descriptor name the file it is in
        raise CheckFailed([replace(f, path=name) if f.path == DESCRIPTOR else f for f in failed.findings]) from None


def standard_version(descriptor: dict) -> str:
    """``v1``, ``v2`` or ``unknown``, from ``$schema`` as frictionless resolves it (none is v1)."""
    profile = descriptor.get("$schema")
    if not profile:
        return "v1"
    match = re.fullmatch(r"https://datapackage\.org/profiles/(\d+)\.\d+/[a-z-]+\.json", str(profile))
    return {"1": "v1", "2": "v2"}.get(match.group(1), "unknown") if match else "unknown"


def descriptor_file(root: Path) -> str:
    """``datapackage.json``, or a YAML descriptor where the package has one and no JSON."""
    if not (root / DESCRIPTOR).exists():
        return next((n for n in YAML_DESCRIPTORS if (root / n).is_file()), DESCRIPTOR)
    return DESCRIPTOR


def _load(root: Path, name: str, trusted: bool) -> DataPackage:
    descriptor = load_yaml(root, name) if name in YAML_DESCRIPTORS else load_json(root, name)
    problems = _property_problems(descriptor)
    if problems:
        raise CheckFailed(problems)
    for i, source in enumerate(descriptor.get("sources", [])):
        if "path" in source and not is_url(source["path"]):
            unsafe = _unsafe(root, source["path"], f"sources[{i}].path")
            problems += unsafe
            if not unsafe and not (root / source["path"]).is_file():
                detail = f"sources[{i}].path {quoted(source['path'])} is listed but is no file of the package"
                problems.append(_problem(DESCRIPTOR, detail, "missing-file"))
    names = [r.get("name") for r in descriptor.get("resources", []) if isinstance(r, dict)]
    problems += [
        _problem(
            DESCRIPTOR, f"resources[{i}].name {quoted(n)} is the name of an earlier resource: names must be unique"
        )
        for i, n in enumerate(names)
        if isinstance(n, str) and n in names[:i]
    ]
    problems += _extension_problems(root, descriptor)
    tables = []
    for i, resource in enumerate(descriptor.get("resources", [])):
        table, found = _load_table(root, resource, i, descriptor.get(STRICT) is True)
        problems += found
        if table:
            tables.append(table)
    names = {r.get("name") for r in descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("name"), str)}
    problems += schemacheck.reference_problems(tables, names)
    problems += schemacheck.version_problems(tables, standard_version(descriptor))
    if problems:
        raise CheckFailed(problems)
    return DataPackage(root, descriptor, tuple(tables), trusted, name)


def _extension_problems(root: Path, descriptor: dict) -> list[Finding]:
    """The declared profiles against their JSON Schemas, and the package's own modules' paths."""
    from pubkit.standard import plugins

    problems = [_problem(DESCRIPTOR, message) for message in plugins.profile_problems(descriptor)]
    modules = descriptor.get(plugins.PROPERTY, [])
    if not (isinstance(modules, list) and all(isinstance(m, str) and m.endswith(".py") for m in modules)):
        return [*problems, _problem(DESCRIPTOR, f"{plugins.PROPERTY} must be a list of paths of .py files")]
    for i, relpath in enumerate(modules):
        where = f"{plugins.PROPERTY}[{i}]"
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
            created = datetime.fromisoformat(descriptor["created"].replace("Z", "+00:00"))
        except ValueError:
            detail = f"created {quoted(descriptor['created'])} is not an ISO 8601 date and time"
            problems.append(_problem(DESCRIPTOR, detail))
        else:
            if descriptor.get(STRICT) is True:  # what a release needs of its date, a strict check asks for
                problems += [_problem(DESCRIPTOR, p) for p in _release_date_problems(descriptor, created)]
    return problems


def release_problems(descriptor: dict) -> list[Finding]:
    """One finding per property a release needs and the descriptor lacks, saying what to add."""
    problems = [
        _problem(DESCRIPTOR, f"a release needs the property {quoted(key)}: {advice}")
        for key, advice in RELEASE_NEEDS.items()
        if not descriptor.get(key)
    ]
    local = [
        s["path"]
        for s in descriptor.get("sources", [])
        if isinstance(s, dict) and "path" in s and not is_url(s["path"])
    ]
    names = [PurePosixPath(p).name for p in local]
    problems += [
        _problem(
            DESCRIPTOR,
            f"sources {quoted(p)} and {quoted(local[names.index(n)])} share the file name {quoted(n)}: "
            "a release keeps archived documents by file name; rename one",
        )
        for i, (p, n) in enumerate(zip(local, names))
        if n in names[:i]
    ]
    try:
        created = datetime.fromisoformat(str(descriptor.get("created")).replace("Z", "+00:00"))
    except ValueError:
        return problems
    return problems + [_problem(DESCRIPTOR, p) for p in _release_date_problems(descriptor, created)]


def _release_date_problems(descriptor: dict, created: datetime) -> list[str]:
    """A release is dated by ``created``: it needs an offset (else builds depend on the clock's zone) and a
    year a zip file can hold."""
    if created.tzinfo is None:
        return [f"created {quoted(descriptor['created'])} has no UTC offset: add Z or +08:00, so that builds agree"]
    if not 1980 <= created.year <= 2107:
        return [f"created {quoted(descriptor['created'])} lies outside 1980–2107, which a zip file can date"]
    return []


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
    except RecursionError:
        raise CheckFailed([_problem(relpath, "is nested too deeply to be a descriptor", "json")]) from None


INFERRED = "pubkit:inferredSchema"  # set on a resource whose schema frictionless inferred


def _field_list(fields: list[dict]) -> str:
    return ", ".join(f"{f['name']} ({f.get('type', 'string')})" for f in fields)


def inferred_schema(root: Path, resource: dict) -> dict:
    """The Table Schema frictionless infers for a resource that declares none."""
    import frictionless

    described = {k: v for k, v in resource.items() if k in ("name", "path", "format", "encoding", "dialect")}
    inferred = frictionless.Resource(described, basepath=str(root))
    inferred.infer()
    return inferred.schema.to_descriptor()


def load_yaml(root: Path, relpath: str) -> dict:
    """Parse a YAML descriptor (the standard allows one); invalid YAML is reported with its line."""
    import yaml

    try:
        return yaml.safe_load((root / relpath).read_bytes().decode("utf-8"))
    except UnicodeDecodeError as err:
        raise CheckFailed([_problem(relpath, f"is not valid UTF-8 (byte {err.start})", "json")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        detail = f"invalid YAML: {getattr(err, 'problem', None) or err}"
        raise CheckFailed([_problem(relpath, detail, "json", line)]) from None


def is_url(path: str) -> bool:
    return path.lower().startswith(("http://", "https://"))


def _inline_table(resource: dict, where: str, strict: bool) -> tuple[Table | None, list[Finding]]:
    """A resource whose rows are inline ``data``: read as frictionless reads it, a row a record."""
    data, schema = resource["data"], resource.get("schema")
    if not (isinstance(data, list) and data and all(isinstance(r, list | dict) for r in data)):
        return None, [_problem(DESCRIPTOR, f"{where}.data must be a list of rows (lists, or objects)")]
    if not isinstance(schema, dict):
        return None, [_problem(DESCRIPTOR, f"{where} with inline data needs its schema inline")]
    schema = schemacheck.normalised(schema)
    problems = schemacheck.problems(schema, DESCRIPTOR)
    if problems:
        return None, problems
    return Table(resource["name"], f"{DESCRIPTOR}#{where}.data", schema, DESCRIPTOR, resource, strict), []


def _load_table(root: Path, resource: dict, i: int, strict: bool) -> tuple[Table | None, list[Finding]]:
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
        return _inline_table(resource, where, strict)
    if not isinstance(path, str):
        return None, [_problem(DESCRIPTOR, f"{where} needs a path to its file")]
    if schema is None and not is_url(path) and not _unsafe(root, path, where) and (root / path).is_file():
        schema = inferred_schema(root, resource)
        resource = {**resource, "schema": schema, INFERRED: True}
    if not schema:
        return None, [_problem(DESCRIPTOR, f"{where} needs a schema")]
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
    schema = schemacheck.normalised(schema)
    problems += [_problem(DESCRIPTOR, p) for p in support.resource_problems(resource, where)]
    problems += schemacheck.problems(schema, schema_path)
    if not problems:
        problems += [_problem(schema_path, f"{where}: {p}") for p in support.schema_problems(schema)]
    problems += [
        _problem(schema_path, f"{where} contains a control character, which no release format can store")
        for where in _control_characters(schema, "")
    ]
    table = Table(name, path, schema, schema_path, resource, strict) if not problems else None
    return table, problems


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
