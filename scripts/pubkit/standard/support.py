"""What of the Data Package and Table Schema standards the toolkit reads: each property is implemented or refused.

Reads a resource descriptor and its schema; writes nothing. A standard property
that changes how a table is read and that the toolkit does not implement is
refused in one line that names it, never ignored. A property set to its default
(``"delimiter": ","``) changes nothing and is accepted. Metadata that does not
change the values (titles, descriptions, sources, licences) is carried as it is.
"""

from __future__ import annotations

import json

from pubkit.standard import categories

CSV_OPTIONS = {  # dialect property -> Python csv module option: read as frictionless reads them
    "delimiter": "delimiter",
    "quoteChar": "quotechar",
    "doubleQuote": "doublequote",
    "escapeChar": "escapechar",
    "skipInitialSpace": "skipinitialspace",
}
CSV_DEFAULTS = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "escapeChar": None, "skipInitialSpace": False}
LAYOUT = {"header": True, "headerRows": [1], "headerJoin": " ", "commentChar": None, "commentRows": []}  # read
LINE_TERMINATORS = ("\r\n", "\n", "\r")  # the reader takes any of them, in any mix
DIALECT_READ = {"caseSensitiveHeader", "lineTerminator", "nullSequence", "$schema", "profile", "csvddfVersion"}
DIALECT_READ |= {"sheet", "sheetName", "sheetNumber", "keyed"}  # a workbook's sheet; JSON rows as objects
ENCODINGS = ("utf-8", "utf8")
RESOURCE_METADATA = {
    "name",
    "path",
    "schema",
    "title",
    "description",
    "homepage",
    "sources",
    "licenses",
    "profile",
    "$schema",
    "type",
    "format",
    "mediatype",
    "encoding",
    "dialect",
    "bytes",
    "hash",
    "scheme",
    "compression",
}
FIELD_METADATA = {
    "name",
    "type",
    "format",
    "title",
    "description",
    "example",
    "constraints",
    "rdfType",
    "unit",
    "trueValues",
    "falseValues",
    "decimalChar",
    "groupChar",
    "bareNumber",
    "categories",
    "categoriesOrdered",
}
UNAPPLIED = {  # standard properties frictionless reads but does not apply: a note says so, rather than silence
    "nullSequence": "a cell that holds it is read as its text, as frictionless reads it",
    "caseSensitiveHeader": "labels are compared with their case, as frictionless 5.21 compares them",
}
APPLIED_BY_DEFAULT = {"caseSensitiveHeader": True}  # a value that asks for what the toolkit does anyway


def unapplied(dialect: dict) -> list[tuple[str, str]]:
    """The dialect's properties that are read and not applied (``UNAPPLIED``), each with why."""
    return [
        (key, why)
        for key, why in UNAPPLIED.items()
        if key in dialect and dialect[key] is not APPLIED_BY_DEFAULT.get(key, object())
    ]


SCHEMA_READ = {
    "fields",
    "primaryKey",
    "foreignKeys",
    "missingValues",
    "title",
    "description",
    "$schema",
    "profile",
    "name",
    "fieldsMatch",
}
FIELDS_MATCH = ("exact", "equal", "subset", "superset", "partial")
HASHES = ("md5", "sha1", "sha256", "sha512")
TABLE_FORMATS = ("csv", "tsv", "json", "jsonl", "ndjson", "xlsx", "parquet")
TABLE_MEDIATYPES = (
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/jsonl",
    "application/x-ndjson",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.apache.parquet",
)


def resource_problems(resource: dict, where: str) -> list[str]:
    """One line per property of ``resource`` (a resource descriptor) that the toolkit would have to ignore."""
    problems = integrity_problems(resource, where)
    if "data" in resource and "path" in resource:
        problems.append(f"{where} has both data and path: the standard allows one of them")
    return problems + _format_problems(resource, where)


def integrity_problems(resource: dict, where: str) -> list[str]:
    """``bytes`` is a whole number, and ``hash`` hex, or an algorithm the toolkit knows and hex."""
    problems = []
    if "bytes" in resource and (not isinstance(resource["bytes"], int) or isinstance(resource["bytes"], bool)):
        problems.append(f"{where}.bytes must be a whole number")
    if "hash" in resource:
        algorithm, _, digest = str(resource["hash"]).rpartition(":")
        if not isinstance(resource["hash"], str) or (algorithm or "md5") not in HASHES or not digest:
            problems.append(
                f"{where}.hash {_json(resource['hash'])} must be hex, or md5:, sha1:, sha256: or sha512: and hex"
            )
    return problems


def _format_problems(resource: dict, where: str) -> list[str]:
    problems = []
    fmt = resource.get("format")
    if fmt is not None and str(fmt).lower() not in TABLE_FORMATS:
        problems.append(
            f"{where}.format {_json(fmt)} is not read: tables are read from {', '.join(TABLE_FORMATS)} (refused)"
        )
    mediatype = resource.get("mediatype")
    if mediatype is not None and str(mediatype).lower() not in TABLE_MEDIATYPES:
        problems.append(
            f"{where}.mediatype {_json(mediatype)} is not read: tables are read from "
            f"{', '.join(TABLE_MEDIATYPES)} (refused)"
        )
    encoding = resource.get("encoding")
    if encoding is not None and _codec_problem(encoding):
        problems.append(f"{where}.encoding {_json(encoding)} {_codec_problem(encoding)} (refused)")
    if "compression" in resource and str(resource["compression"]).lower() not in ("gz", "zip"):
        problems.append(f"{where}.compression {_json(resource['compression'])} is not read: gz and zip are (refused)")
    if "compressionFormat" in resource:
        problems.append(f"{where}.compressionFormat is not read by this toolkit: gz and zip are read (refused)")
    return problems + _dialect_problems(resource.get("dialect"), f"{where}.dialect")


def _codec_problem(name) -> str | None:
    """Why ``name`` cannot decode a table's bytes into text, if it cannot."""
    import codecs

    try:
        info = codecs.lookup(str(name))
    except LookupError:
        return "is not an encoding Python knows"
    if not getattr(info, "_is_text_encoding", True):  # base64, hex, rot13, zlib: codecs, not text encodings
        return "is a codec that does not turn bytes into text, not a text encoding"
    return None


def _dialect_problems(dialect, where: str) -> list[str]:
    if dialect is None:
        return []
    if not isinstance(dialect, dict):
        return [f"{where} must be an object"]
    problems = []
    for key, value in dialect.items():
        if key in LAYOUT:
            if not _layout_ok(key, value):
                problems.append(f"{where}.{key} {_json(value)} is not a valid value for it")
        elif key in CSV_OPTIONS:
            if not _csv_option_ok(key, value):
                problems.append(f"{where}.{key} {_json(value)} is not a valid value for it")
        elif key == "lineTerminator":
            if value not in LINE_TERMINATORS:
                problems.append(f"{where}.lineTerminator {_json(value)} is not implemented (refused)")
        elif key == "caseSensitiveHeader":
            if value is not False and value is not True:
                problems.append(f"{where}.caseSensitiveHeader must be true or false")
        elif key not in DIALECT_READ:
            problems.append(f"{where}.{key} {_json(value)} is not implemented by this toolkit (refused)")
    return problems


def _layout_ok(key: str, value) -> bool:
    if key == "header":
        return isinstance(value, bool)
    if key in ("headerRows", "commentRows"):
        return isinstance(value, list) and all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in value)
    if key == "headerRows" and not value:
        return False
    return isinstance(value, str) and (key != "commentChar" or len(value) >= 1)


def _csv_option_ok(key: str, value) -> bool:
    if key in ("doubleQuote", "skipInitialSpace"):
        return isinstance(value, bool)
    if key == "escapeChar" and value is None:
        return True
    return isinstance(value, str) and len(value) == 1 and value not in "\r\n"


def schema_problems(schema: dict) -> list[str]:
    """One line per schema or field property that the toolkit would have to ignore."""
    problems = []
    if "fieldsMatch" in schema and schema["fieldsMatch"] not in FIELDS_MATCH:
        problems.append(
            f"the schema's fieldsMatch {_json(schema['fieldsMatch'])} must be one of {', '.join(FIELDS_MATCH)}"
        )
    for field in schema.get("fields", []):
        if not isinstance(field, dict):
            continue
        name, kind = _json(field.get("name")), field.get("type", "string")
        problems += [f"field {name}: {p}" for p in categories.problems(field)]
        if kind != "boolean":
            problems += [
                f"field {name}: {key} applies to booleans only" for key in ("trueValues", "falseValues") if key in field
            ]
    return problems


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)
