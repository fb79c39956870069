"""Load a data package: reads ``datapackage.json`` and the Table Schemas it names.

Nothing outside the package root is ever read: absolute paths, URLs and paths that
climb out with ``..`` are refused before any file is opened.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from pubkit.base.findings import CheckFailed, Finding, quoted
from pubkit.standard import schemacheck, support
from pubkit.standard.files import INFERRED, _field_list, is_url, load_json, load_yaml
from pubkit.standard.files import problem as _problem
from pubkit.standard.files import unsafe as _unsafe
from pubkit.standard.resources import (
    DETECTED,
    NAME,
    FileResource,
    Table,
    _control_characters,
    _load_table,
    is_file,
    load_file,
)

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


def _is_v2(descriptor: dict) -> bool:
    """Whether the package declares Data Package v2 (``$schema`` a 2.x profile), as frictionless decides it."""
    return str(descriptor.get("$schema", "")).startswith("https://datapackage.org/profiles/2")


@dataclass(frozen=True)
class DataPackage:
    root: Path
    descriptor: dict
    tables: tuple[Table, ...]
    trusted: bool = False  # whether the package's own extension modules may run
    descriptor_file: str = DESCRIPTOR  # or datapackage.yaml
    files: tuple[FileResource, ...] = ()  # the resources that are no tables: documents, images

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
    def database_file(self) -> str | None:
        """The release's SQLite file name: the package's name with ``_`` for ``.``, since a client that names a
        database by its file (Datasette) reads a dot as the start of a format (``/name.json``)."""
        return f"{self.name.replace('.', '_')}.sqlite" if self.name else None

    def command(self, verb: str) -> str:
        """The command that runs ``verb`` (build, check, release, readme) for this package, as a message names
        it: ``make release`` where its Makefile defines the target, else ``pubkit release``."""
        from pubkit.standard import commands

        return commands.command(self.root, verb, bool(self.descriptor.get("pubkit:extensions")))

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
            if t.resource.get(DETECTED):
                shown = {"\t": "tab", "|": "|", ";": ";"}.get(t.resource[DETECTED], t.resource[DETECTED])
                notes.append(
                    f"{t.path}: no delimiter is declared, and the file is {shown}-separated: it was read so, as "
                    f'frictionless detects it; declare "dialect": {{"delimiter": {json.dumps(t.resource[DETECTED])}}} '
                    "so that nothing depends on detection"
                )
            dialect = t.resource.get("dialect") if isinstance(t.resource.get("dialect"), dict) else {}
            notes += [f"{t.path}: dialect.{k} is not applied: {why}" for k, why in support.unapplied(dialect)]
            if t.fields_match != "exact":
                notes.append(
                    f"{t.path}: fieldsMatch {json.dumps(t.fields_match)} pairs columns with fields by name; a release "
                    "holds the schema's fields in the schema's order, and no column the schema does not define"
                )
            if any("categories" in f for f in t.fields) and not self.strict:
                notes.append(
                    f"{t.path}: categories are not enforced, as frictionless does not enforce them; "
                    '"pubkit:strict": true enforces them'
                )
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
    tables, files = [], []
    for i, resource in enumerate(descriptor.get("resources", [])):
        if is_file(resource):  # a document, an image: part of the package, but no table
            file, found = load_file(root, resource, i)
            problems += found + ([] if found else _release_clash(resource["path"], f"resources[{i}].path"))
            files += [file] if file else []
            continue
        table, found = _load_table(root, resource, i, descriptor.get(STRICT) is True, _is_v2(descriptor))
        problems += found
        if table:
            tables.append(table)
    names = {r.get("name") for r in descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("name"), str)}
    problems += schemacheck.reference_problems(tables, names)
    problems += schemacheck.version_problems(tables, standard_version(descriptor))
    if problems:
        raise CheckFailed(problems)
    return DataPackage(root, descriptor, tuple(tables), trusted, name, tuple(files))


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
    if any(
        isinstance(item, dict) and "name" not in item and "path" not in item for item in descriptor.get("licenses", [])
    ):
        problems.append(
            _problem(DESCRIPTOR, 'every item of "licenses" needs a "name" (such as CC-BY-4.0) or a "path" to its text')
        )
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


RELEASE_FILES = ("csv", "parquet", "datapackage.json", "README.md", "PROVENANCE.md", "SHA256SUMS", "index.html")
RELEASE_FILES += ("dataset.jsonld", "metadata.json")


def _release_clash(path: str, where: str) -> list[Finding]:
    """A file the release keeps at its path in the package, where the release writes a file of its own."""
    parts = PurePosixPath(path).parts
    if not parts or not _release_file(parts[0]):
        return []
    detail = (
        f"{where} {quoted(path)} would stand where a release writes its own {quoted(parts[0])}: a release keeps "
        "each file of the package at its path in the package; move it (into sources/, say)"
    )
    return [_problem(DESCRIPTOR, detail)]


def _release_file(name: str) -> bool:
    """Whether a release writes a file or folder of this name at its top (its workbook and database too)."""
    return name in RELEASE_FILES or name.endswith((".xlsx", ".sqlite", ".zip"))


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
    problems += [found for p in local for found in _release_clash(p, "sources")]
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
