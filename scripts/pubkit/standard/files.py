"""The package's own files: JSON and YAML descriptors and schemas, read with their line and column on error,
and paths refused when they would lead outside the package. Reads those files; writes nothing.
"""

from __future__ import annotations

import functools
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
    if path.stat().st_size > DESCRIPTOR_LIMIT:
        raise CheckFailed([problem(relpath, f"is larger than {DESCRIPTOR_LIMIT >> 20} MiB: no descriptor is", "json")])
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
    """Parse a YAML descriptor (the standard allows one); invalid YAML is reported with its line.

    Aliases are refused (a few hundred bytes of nested aliases expand past any memory), and so is a
    descriptor larger than ``DESCRIPTOR_LIMIT``. Dates and times, which YAML reads as such and JSON has not,
    are read as the standard means them: their ISO 8601 text. Any other value JSON lacks is refused, by name.
    """
    import yaml

    path = root / relpath
    try:
        if path.stat().st_size > DESCRIPTOR_LIMIT:
            raise CheckFailed(
                [problem(relpath, f"is larger than {DESCRIPTOR_LIMIT >> 20} MiB: no descriptor is", "json")]
            )
        loaded = yaml.load(path.read_bytes().decode("utf-8"), Loader=_no_alias_loader())
    except UnicodeDecodeError as err:
        raise CheckFailed([problem(relpath, f"is not valid UTF-8 (byte {err.start})", "json")]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        detail = f"invalid YAML: {getattr(err, 'problem', None) or err}"
        raise CheckFailed([problem(relpath, detail, "json", line)]) from None
    except RecursionError:
        raise CheckFailed([problem(relpath, "is nested too deeply to be a descriptor", "json")]) from None
    value, refused = _as_json(loaded, "")
    if refused:
        raise CheckFailed([problem(relpath, line, "json") for line in refused])
    return value


DESCRIPTOR_LIMIT = 64 << 20  # bytes: no descriptor is larger


@functools.cache
def _no_alias_loader():
    """PyYAML's safe loader, refusing aliases (made on first use: importing yaml is work)."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, f"an alias (*{event.anchor}) is not read: write the value out", event.start_mark
                )
            return super().compose_node(parent, index)

    return NoAliasLoader


def _as_json(value, where: str) -> tuple[object, list[str]]:
    """``value`` with YAML's dates and times as ISO 8601 text; what JSON cannot hold, one line each."""
    import datetime

    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat(), []
    if isinstance(value, dict):
        out, refused = {}, []
        for key, item in value.items():
            if not isinstance(key, str):
                refused.append(f"{where or 'the descriptor'}: the key {key!r} is not text, as JSON keys are (refused)")
                continue
            out[key], more = _as_json(item, f"{where}.{key}" if where else key)
            refused += more
        return out, refused
    if isinstance(value, list):
        pairs = [_as_json(item, f"{where}[{i}]") for i, item in enumerate(value)]
        return [v for v, _ in pairs], [line for _, lines in pairs for line in lines]
    if value is None or isinstance(value, str | bool | int | float):
        return value, []
    kind = type(value).__name__
    return None, [
        f"{where or 'the descriptor'}: a YAML {kind} value, which JSON and the standard do not have (refused)"
    ]


COMPRESSIONS = ("gz", "zip")  # as frictionless reads them: a gzip stream, or the first file of a zip archive
DECOMPRESSED_LIMIT = 2**31  # bytes a compressed table may expand to: past it, a bomb, refused


def compression(path: str, resource: dict | None = None) -> str | None:
    """``gz`` or ``zip`` where the resource declares it (``compression``) or its path ends so; else None."""
    declared = (resource or {}).get("compression")
    if isinstance(declared, str) and declared.lower() in COMPRESSIONS:
        return declared.lower()
    suffix = PurePosixPath(path).suffix.lower().lstrip(".")
    return suffix if suffix in COMPRESSIONS else None


def uncompressed_name(path: str) -> str:
    """The path without its compression suffix (``data.csv.gz`` is ``data.csv``), whose suffix is its format."""
    return path[: -len(PurePosixPath(path).suffix)] if compression(path) else path


def contents(path: Path, kind: str | None, limit: int = DECOMPRESSED_LIMIT, head: bool = False) -> bytes:
    """A file's bytes, decompressed where ``kind`` says it is compressed; ``ValueError`` for a broken or
    oversized archive, with why. With ``head``, its first ``limit`` bytes only."""
    if kind is None:
        with path.open("rb") as stream:
            return stream.read(limit) if head else stream.read()
    import gzip
    import zipfile

    try:
        if kind == "gz":
            with gzip.open(path, "rb") as stream:
                data = stream.read(limit + 1)
        else:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if not members:
                    raise ValueError("the zip archive holds no file")
                with archive.open(members[0]) as stream:
                    data = stream.read(limit + 1)
    except (OSError, EOFError, zipfile.BadZipFile, gzip.BadGzipFile) as err:
        raise ValueError(f"cannot be decompressed as {kind}: {err}") from None
    if len(data) > limit and head:
        return data[:limit]
    if len(data) > limit:
        raise ValueError(f"expands past {limit:,} bytes when decompressed (refused)")
    return data


def table_bytes(root: Path, path: str, resource: dict) -> bytes:
    """A table file's bytes, decompressed where it is compressed, as frictionless reads it; a broken archive is
    a ``compression-error``."""
    try:
        return contents(root / path, compression(path, resource))
    except ValueError as err:
        raise CheckFailed([errors.COMPRESSION.at(path, None, detail=str(err))]) from None


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
