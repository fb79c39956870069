"""Profiles: optional checks and outputs a package opts into with a property of its descriptor.

Reads each profile's JSON Schema (shipped beside this file); writes nothing.
Each profile is an extension (``pubkit.extensions``) like any package module.
"""

from __future__ import annotations

import json
from importlib import resources

SCHEMAS = {"valueProvenance": "value-provenance.schema.json"}


def schema(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath(SCHEMAS[name]).read_text(encoding="utf-8"))


def problems(descriptor: dict) -> list[str]:
    """What is wrong with each profile the descriptor declares, one line per problem."""
    import jsonschema

    found = []
    for name in SCHEMAS:
        if name not in descriptor:
            continue
        validator = jsonschema.Draft202012Validator(schema(name))
        for error in sorted(validator.iter_errors(descriptor[name]), key=lambda e: list(e.absolute_path)):
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            found.append(f"{name}{where}: {error.message}")
    return found
