"""Start a package from a folder of CSV files (``pubkit init``): reads the CSV files, writes a new package.

Writes ``datapackage.json``, a Table Schema per table in ``schemas/`` (fields and types inferred as
``frictionless describe`` infers them), ``CHANGELOG.md`` with ``## Unreleased``, a ``.gitignore`` for
``.build/``, and a ``README.md`` with the generated sections' markers. It never overwrites a file: a
folder that is a package already is refused, and a README, changelog or ``.gitignore`` that exists is kept.

A primary key is never inferred silently: a first column whose values are all there and all different is
proposed, in words, and written nowhere.
"""

from __future__ import annotations

import csv
import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from pubkit.base.findings import PubkitError
from pubkit.releases import readme as generated
from pubkit.standard import descriptor

SKIPPED = {"dist", "node_modules", "__pycache__"}  # and every folder whose name starts with a dot
SCHEMAS = "schemas"
NAME = re.compile(r"[^a-z0-9._-]+")
LICENCES = {  # the SPDX identifiers offered by name; any other is written as given
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODC-By-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "PDDL-1.0": "https://opendatacommons.org/licenses/pddl/1-0/",
}


@dataclass(frozen=True)
class Started:
    """What ``init`` wrote, what it kept as it was, and what it proposes without writing."""

    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)


def init(
    root: Path, name: str | None = None, title: str | None = None, licence: str | None = None, maintainers=()
) -> Started:
    root = Path(root)
    if not root.is_dir():
        raise PubkitError(f"{root}: no such folder: init starts a package in a folder of CSV files")
    for existing in (descriptor.DESCRIPTOR, "datapackage.yaml", "datapackage.yml"):
        if (root / existing).exists() or (root / existing).is_symlink():
            raise PubkitError(f"{existing} exists: this folder is a package already; nothing was written")
    tables = _csv_files(root)
    if not tables:
        raise PubkitError(f"{root}: holds no .csv file: put the tables in it, then run init again")
    names = _resource_names(tables)
    taken = [f"{SCHEMAS}/{n}.schema.json" for n in names if (root / SCHEMAS / f"{n}.schema.json").exists()]
    if taken:
        raise PubkitError(f"{taken[0]} exists: init never overwrites a file; nothing was written")
    folder = root / SCHEMAS
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise PubkitError(f"{SCHEMAS} is a link or a file: init writes the schemas in a folder of its own there")
    described = [_described(root, path, resource_name) for path, resource_name in zip(tables, names, strict=True)]
    proposals = [
        line
        for path, (resource, schema) in zip(tables, described, strict=True)
        for line in _key_proposal(root, path, resource["name"], schema)
    ]
    resources = [resource for resource, _ in described]
    package = _package(root, name, title, licence, maintainers, resources)
    started = Started(proposals=proposals)
    folder.mkdir(exist_ok=True)
    for resource, schema in described:
        _write_new(root, resource["schema"], json.dumps(schema, ensure_ascii=False, indent=2) + "\n", started)
    _write_new(root, descriptor.DESCRIPTOR, json.dumps(package, ensure_ascii=False, indent=2) + "\n", started)
    pkg = descriptor.load(root)
    _write_new(root, "CHANGELOG.md", _changelog(pkg), started)
    _write_new(root, ".gitignore", ".build/\n", started)
    _write_new(root, "README.md", _readme(pkg), started)
    return started


def _csv_files(root: Path) -> list[str]:
    """Every .csv file below ``root``, as sorted POSIX paths, outside dot-folders, dist/ and links."""
    found = []
    for path in sorted(root.rglob("*.csv")):
        relative = path.relative_to(root)
        if any(part.startswith(".") or part in SKIPPED for part in relative.parts[:-1]):
            continue
        if path.is_file() and not any(p.is_symlink() for p in [path, *path.parents][: len(relative.parts)]):
            found.append(relative.as_posix())
    return found


def _resource_names(paths: list[str]) -> list[str]:
    """A name per file, as the standard's pattern allows (lower case, digits, ``._-``), each its own."""
    names = []
    for path in paths:
        base = NAME.sub("_", Path(path).stem.lower()).strip("_") or "table"
        name, n = base, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.append(name)
    return names


def _described(root: Path, path: str, name: str) -> tuple[dict, dict]:
    """The resource and its Table Schema, as ``frictionless describe`` infers them."""
    from frictionless import describe

    inferred = describe(path, basepath=str(root)).to_descriptor()
    resource = {"name": name, "path": path, "schema": f"{SCHEMAS}/{name}.schema.json"}
    for key in ("format", "mediatype", "encoding", "dialect"):
        if key in inferred:
            resource[key] = inferred[key]
    return resource, inferred.get("schema", {"fields": []})


def _key_proposal(root: Path, path: str, name: str, schema: dict) -> list[str]:
    """A first column whose cells are all filled and all different may be the key: said, never written."""
    fields = schema.get("fields") or []
    if not fields:
        return []
    with (root / path).open(encoding="utf-8", errors="replace", newline="") as stream:
        rows = csv.reader(stream)
        next(rows, None)
        cells = [row[0] if row else "" for row in rows]
    if not cells or "" in cells or len(set(cells)) != len(cells):
        return []
    first = fields[0]["name"]
    return [
        f"{name}: {first} is filled and different in each of its {len(cells)} rows; if it identifies a row, "
        f'add "primaryKey": ["{first}"] to {SCHEMAS}/{name}.schema.json (init does not guess keys)'
    ]


def _package(root: Path, name, title, licence, maintainers, resources: list[dict]) -> dict:
    package: dict = {"$schema": "https://datapackage.org/profiles/2.0/datapackage.json"}
    package["name"] = NAME.sub("-", (name or root.resolve().name).lower()).strip("-") or "package"
    if title:
        package["title"] = title
    package["id"] = f"urn:uuid:{uuid.uuid4()}"  # the identity a release is cited by; a DOI can replace it
    if licence:
        package["licenses"] = [{"name": licence, **({"path": LICENCES[licence]} if licence in LICENCES else {})}]
    if maintainers:
        package["contributors"] = [{"title": m, "roles": ["author"]} for m in maintainers]
    package["resources"] = resources
    return package


def _changelog(pkg) -> str:
    release = pkg.command("release")
    return (
        f"# Changelog\n\nEvery release of the data (written by `{release}`).\n\n## Unreleased\n\n"
        f"What changed and why, in your words: `{release}` moves it into the next release's entry.\n"
    )


def _readme(pkg) -> str:
    command = pkg.command("readme")
    marker = lambda section: (  # noqa: E731
        f"{generated.START.format(name=section, command=command)}\n{generated.END.format(name=section)}"
    )
    text = (
        f"# {pkg.descriptor.get('title', pkg.name)}\n\n"
        "What this data is, where it comes from, and how it was made.\n\n"
        f"## Latest release\n\n{marker('latest')}\n\n## Data dictionary\n\n{marker('dictionary')}\n"
    )
    return generated.refresh(text, pkg)


def _write_new(root: Path, relpath: str, text: str, started: Started) -> None:
    """Write a file that does not exist; one that does is kept, and said to be."""
    path = root / relpath
    try:
        with path.open("x", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except FileExistsError:
        started.kept.append(relpath)
        return
    started.written.append(relpath)
