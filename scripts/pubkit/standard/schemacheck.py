"""Vet a Table Schema before any table is read: reads a schema (a dict), writes nothing.

Field types, constraints and their values, keys and the fields they name, and
foreign keys' target tables. Keys are first brought to their list form
(``normalised``): the standard allows a string where a list of one is meant.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from pubkit.base import errors
from pubkit.base.findings import Finding, quoted
from pubkit.standard import fieldtypes

if TYPE_CHECKING:
    from pubkit.standard.descriptor import Table

TEXT_PROPERTIES = ("title", "description", "unit")


def _problem(path: str, message: str) -> Finding:
    return errors.DESCRIPTOR.at(path, detail=message)


def normalised(schema: dict) -> dict:
    """The schema with keys in their list form: a string ``primaryKey`` or key ``fields`` is a list of one; a
    foreign key whose ``reference`` omits ``resource`` refers to its own table, as v2 says (v1 wrote ``""``)."""
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
                    {
                        "reference": {
                            "resource": "",
                            **fk["reference"],
                            "fields": listed(fk["reference"].get("fields")),
                        }
                    }
                    if isinstance(fk.get("reference"), dict)
                    else {}
                ),
            }
            if isinstance(fk, dict)
            else fk
            for fk in keys
        ]
    return schema


def problems(schema: dict, schema_path: str, v2: bool = False) -> list[Finding]:
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not fields:
        return [_problem(schema_path, "the schema has no list of fields")]
    problems = []
    for i, field in enumerate(fields):
        name = field.get("name") if isinstance(field, dict) else None
        if not isinstance(name, str):
            problems.append(_problem(schema_path, f"fields[{i}] has no name"))
        elif field.get("type", "string") not in tuple(fieldtypes.TYPES):
            problems.append(
                _problem(
                    schema_path,
                    f"field {quoted(name)} has the unknown type {quoted(field['type'])}; "
                    f"use one of {', '.join(tuple(fieldtypes.TYPES))}",
                )
            )
        else:
            problems += [_problem(schema_path, f"field {quoted(name)}: {p}") for p in _constraint_problems(field)]
            problems += _format_problems(schema_path, name, field)
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
    problems += _missing_values_problems(schema.get("missingValues", [""]), schema_path, v2)
    keys = [schema.get("primaryKey", [])] + [
        fk.get("fields") if isinstance(fk, dict) else None for fk in _list(schema.get("foreignKeys", []))
    ]
    keys += _list(schema.get("uniqueKeys", []))
    for n, key in enumerate(keys):
        if not (isinstance(key, list) and (key or n == 0) and all(isinstance(k, str) and k in names for k in key)):
            problems.append(
                _problem(
                    schema_path, f"the key {json.dumps(key, ensure_ascii=False)} names fields the schema does not have"
                )
            )
    return problems


def _missing_values_problems(missing, schema_path: str, v2: bool) -> list[Finding]:
    """A list of texts; or, in a v2 package, of objects with a text ``value`` (and a text ``label``)."""
    objects = isinstance(missing, list) and missing and all(isinstance(m, dict) for m in missing)
    if objects and not v2:
        detail = "missing values in object form require Data Package v2 (a $schema of the 2.0 profile)"
        return [errors.SCHEMA.at(schema_path, detail=detail)]
    if objects and all(isinstance(m.get("value"), str) and isinstance(m.get("label", ""), str) for m in missing):
        return []
    if isinstance(missing, list) and all(isinstance(m, str) for m in missing):
        return []
    return [_problem(schema_path, "missingValues must be a list of texts, or (v2) of objects with a value and a label")]


def _format_problems(schema_path: str, name: str, field: dict) -> list[Finding]:
    """A field whose ``format`` (or other reading property) frictionless refuses is the finding frictionless
    reports, never an exception: ``%Y-%m-%d`` on a string field, say. Only a field with a format of its own is
    asked, so that a plain schema costs no import of frictionless."""
    if field.get("format", "default") in ("default", None):
        return []
    import frictionless

    try:
        frictionless.Field.from_descriptor(fieldtypes.reading_part(field))
    except frictionless.FrictionlessException as err:
        reasons = [r.message.removeprefix("Field is not valid: ") for r in getattr(err, "reasons", [])]
        note = "; ".join(reasons) or getattr(err.error, "note", "") or str(err)
        return [errors.FIELD.at(schema_path, None, name, detail=note)]
    return []


def _constraint_problems(field: dict) -> list[str]:
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        return ["constraints must be an object"]
    kind = field.get("type", "string")
    supported = (*fieldtypes.SUPPORTED_CONSTRAINTS.get(kind, ()), "unique")
    kinds = {"required": bool, "unique": bool, "enum": list, "minLength": int, "maxLength": int, "pattern": str}
    problems = []
    for name, value in constraints.items():
        if name not in supported:
            problems.append(f'constraint "{name}" is not supported by type "{kind}"')
        elif name in fieldtypes.BOUNDS:
            if not _readable_bound(field, value):
                problems.append(f"the constraint {name} {json.dumps(value, ensure_ascii=False)} is not a {kind}")
        elif not isinstance(value, kinds[name]) or (kinds[name] is int and isinstance(value, bool)):
            problems.append(
                f"the constraint {name} has the wrong kind of value {json.dumps(value, ensure_ascii=False)}"
            )
    if isinstance(constraints.get("pattern"), str):
        try:
            re.compile(constraints["pattern"])
        except re.error as err:
            problems.append(f"the pattern {quoted(constraints['pattern'])} is not a regular expression: {err}")
    return problems


def _readable_bound(field: dict, value) -> bool:
    """A bound frictionless can read as a value of the field's type (as it reads the bound)."""
    if field.get("type") in ("number", "integer", "year") and isinstance(value, int | float):
        return not isinstance(value, bool)
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return False
    return fieldtypes.reference_reader(field)(value) is not None


def version_problems(tables: list[Table], version: str) -> list[Finding]:
    """Table Schema v2's additions under a v1 package, as frictionless gates them."""
    if version != "v1":
        return []
    return [
        _problem(t.schema_path, f'field {quoted(f["name"])}: constraint "{name}" requires datapackage v2')
        for t in tables
        for f in t.fields
        for name in ("exclusiveMinimum", "exclusiveMaximum")
        if name in f.get("constraints", {})
    ]


def reference_problems(tables: list[Table], names: set) -> list[Finding]:
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
                continue
            target = table if parent == "" else next((t for t in tables if t.name == parent), None)
            wanted = reference["fields"]
            if target is not None and not (
                len(wanted) == len(fk.get("fields") or [])
                and all(isinstance(f, str) and f in target.field_names for f in wanted)
            ):
                detail = (
                    f"the foreign key {json.dumps(fk, ensure_ascii=False)} names fields {parent or table.name} does not "
                    "have, or not one for each of its own"
                )
                problems.append(_problem(table.schema_path, detail))
    return problems


def _list(value) -> list:
    return value if isinstance(value, list) else [value]
