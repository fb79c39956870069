"""Datasette's ``metadata.json`` for a release's SQLite database: reads the release's package properties and
its tables' schemas, returns a dict.

Datasette shows it beside the data: the package's title, description, licence and source; each table's title
and description; each column's description, with its unit where the field declares one; and, for each table
a foreign key points to, the column that names a row (``label_column``), so that a foreign key shows a name
and not only an id. Nothing here reads a row.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from pubkit.standard import categories
from pubkit.standard.descriptor import Table

SPDX = "https://spdx.org/licenses/{}.html"
LABELS = ("title", "name", "label")  # a row's name, in the order a field is preferred as it


def metadata(core: dict, tables: list[Table], database_file: str) -> dict:
    """``metadata.json``: the package's properties at the top, the database's tables under its name."""
    referenced = {_parent(table, key) for table in tables for key in table.schema.get("foreignKeys", [])}
    database = {
        "title": core.get("title", core["name"]),
        **({"description": core["description"]} if core.get("description") else {}),
        "tables": {table.name: _table(table, table.name in referenced) for table in tables},
    }
    return {**_about(core), "databases": {PurePosixPath(database_file).stem: database}}


def _about(core: dict) -> dict:
    about: dict = {"title": core.get("title", core["name"])}
    if core.get("description"):
        about["description"] = core["description"]
    licence = next((item for item in core.get("licenses", []) if isinstance(item, dict)), None)
    if licence:
        about["license"] = licence.get("title") or licence.get("name") or licence.get("path")
        url = licence.get("path") or (SPDX.format(licence["name"]) if licence.get("name") else None)
        about.update({"license_url": url} if url else {})
    source = next((item for item in core.get("sources", []) if isinstance(item, dict)), None)
    if source:
        about["source"] = source.get("title") or source.get("path", "")
        about.update({"source_url": source["path"]} if "://" in str(source.get("path", "")) else {})
    if core.get("homepage"):
        about.update({"about": "Home page", "about_url": core["homepage"]})
    return about


def _table(table: Table, referenced: bool) -> dict:
    described = {"title": table.title}
    if table.description:
        described["description"] = table.description
    described["columns"] = {field["name"]: _column(field) for field in table.fields}
    label = label_column(table) if referenced else None
    return {**described, **({"label_column": label} if label else {})}


def _column(field: dict) -> str:
    words = categories.described_field(field.get("description") or field.get("title") or field["name"], field)
    unit = field.get("unit")
    return f"{words} Unit: {unit}." if isinstance(unit, str) and unit else words


def label_column(table: Table) -> str | None:
    """The field that names a row: the first named title, name or label, else the first whose name begins so,
    an English one (``name_en``) first, as the pages that show it are in English; a key field never, since
    Datasette shows the key beside its label."""
    key = table.schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    names = [f["name"] for f in table.fields if f["name"] not in key and f.get("type", "string") == "string"]
    exact = [n for n in names if n.lower() in LABELS]
    starting = sorted((n for n in names if n.lower().startswith(LABELS)), key=lambda n: not n.endswith("_en"))
    return (exact or starting or [None])[0]


def _parent(table: Table, key: dict) -> str:
    reference = key.get("reference", {}) if isinstance(key, dict) else {}
    return reference.get("resource") or table.name
