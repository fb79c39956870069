"""Profiles: optional checks and outputs a package opts into with a property of its descriptor.

Reads each profile's JSON Schema (shipped beside this file); writes nothing.
Each profile is an extension (``pubkit.extensions``) like any package module; the core finds it by name
(``pubkit.standard.plugins.PROFILES``) and asks its ``descriptor_problems`` hook what is wrong with its declaration.
"""

from __future__ import annotations

import json
from importlib import resources

SCHEMAS = {"valueProvenance": "value-provenance.schema.json"}


def schema(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath(SCHEMAS[name]).read_text(encoding="utf-8"))


def problems(name: str, descriptor: dict) -> list[str]:
    """What is wrong with the profile ``name`` as the descriptor declares it, one line per problem."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema(name))
    found = []
    for error in sorted(validator.iter_errors(descriptor[name]), key=lambda e: list(e.absolute_path)):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        found.append(f"{name}{where}: {error.message}")
    return found
