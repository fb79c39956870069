"""The package's own files: JSON and YAML descriptors and schemas, read with their line and column on error,
and paths refused when they would lead outside the package. Reads those files; writes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from pubkit.base import errors
from pubkit.base.findings import CheckFailed, Finding, quoted

DESCRIPTOR = "datapackage.json"


def load_json(root: Path, relpath: str) -> dict:
    """Parse a JSON file of the package; invalid JSON is reported with its line and column."""
    path = root / relpath
    if not path.is_file():
        raise CheckFailed([problem(relpath, "the file does not exist", "missing-file")])
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as err:
        raise CheckFailed([problem(relpath, f"is not valid UTF-8 (byte {err.start})", "json")]) from None
    except json.JSONDecodeError as err:
        finding = problem(relpath, f"invalid JSON at column {err.colno}: {err.msg}", "json", err.lineno)
        raise CheckFailed([finding]) from None
    except RecursionError:
        raise CheckFailed([problem(relpath, "is nested too deeply to be a descriptor", "json")]) from None


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
        raise CheckFailed([problem(relpath, f"is not valid UTF-8 (byte {err.start})", "json")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        detail = f"invalid YAML: {getattr(err, 'problem', None) or err}"
        raise CheckFailed([problem(relpath, detail, "json", line)]) from None


def is_url(path: str) -> bool:
    return path.lower().startswith(("http://", "https://"))


def unsafe(root: Path, relpath: str, where: str) -> list[Finding]:
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


def problem(path: str, message: str, rule: str = "descriptor", line: int | None = None) -> Finding:
    return _ENTRIES[rule].at(path, line, detail=message)
