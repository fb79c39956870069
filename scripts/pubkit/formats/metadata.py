"""Metadata for people and catalogues: reads a built release's parts, returns text.

- ``jsonld``: a schema.org ``Dataset`` (``dataset.jsonld``) for search engines and catalogues;
- ``provenance_markdown``: ``PROVENANCE.md``, the build's provenance in words;
- ``citation_cff``: ``CITATION.cff`` (CFF 1.2.0) for the repository root.
"""

from __future__ import annotations

import json
import re

SPDX = "https://spdx.org/licenses/{}.html"
MEDIA_TYPES = {
    ".csv": "text/csv",
    ".parquet": "application/vnd.apache.parquet",
    ".json": "application/json",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".jsonld": "application/ld+json",
    ".sqlite": "application/vnd.sqlite3",
    ".html": "text/html",
}
MEDIA_NAMES = {"SHA256SUMS": "text/plain"}
DOI = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:)?(10\.\d{4,9}/\S+)", re.IGNORECASE)


def doi(core: dict) -> str | None:
    """The package's DOI, where its ``id`` is one (``10.5281/zenodo.1``, ``doi:…`` or ``https://doi.org/…``)."""
    found = DOI.fullmatch(str(core.get("id", "")))
    return found.group(1) if found else None


def identifier(core: dict) -> str:
    """How to name the package in a citation: its DOI as a URL, else its ``id`` (else its name)."""
    found = doi(core)
    return f"https://doi.org/{found}" if found else str(core.get("id", core["name"]))


def jsonld(core: dict, files: dict[str, tuple[int, str]], named: dict[str, dict] | None = None) -> dict:
    """A schema.org ``Dataset``; ``files`` maps each release path to (bytes, sha256), ``named`` some of them to
    the name and description of what they hold. Extensions add terms."""
    named = named or {}
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": core.get("title", core["name"]),
        "alternateName": core["name"],
        "description": core.get("description", ""),
        "version": core["version"],
        "identifier": identifier(core),
        **({"url": core["homepage"]} if isinstance(core.get("homepage"), str) else {}),
        "dateCreated": core["created"],
        "datePublished": core["created"][:10],  # a release is published when it is cut, as `created` records
        "keywords": core.get("keywords", []),
        "license": [
            SPDX.format(item["name"]) if "name" in item else item["path"]
            for item in core.get("licenses", [])
            if "name" in item or "path" in item
        ],
        "creator": [_agent(c) for c in creators(core)],
        **({"publisher": [_agent(c) for c in publishers(core)]} if publishers(core) else {}),
        "isBasedOn": [
            {"@type": "CreativeWork", "name": s.get("title", ""), "url": s.get("path", "")}
            for s in core.get("sources", [])
        ],
        "distribution": [
            {
                "@type": "DataDownload",
                "contentUrl": path,
                "encodingFormat": media_type(path),
                "contentSize": f"{size} B",
                "sha256": digest,
                **named.get(path, {}),
            }
            for path, (size, digest) in sorted(files.items())
        ],
    }


def media_type(path: str) -> str:
    if path in MEDIA_NAMES:
        return MEDIA_NAMES[path]
    return MEDIA_TYPES.get("." + path.rsplit(".", 1)[-1], "application/octet-stream")


def release_readme(
    core: dict, tables: list[tuple[str, str, int]], names: tuple[str, str], citation: str, files: tuple = ()
) -> str:
    """The release's own ``README.md``: what each file is, how to load it, how to cite it, how to verify it.
    ``tables`` holds each table's (name, title, rows), ``names`` the release's name and its database's file
    name, ``files`` each file resource's (path, title); every path is relative to the release folder."""
    release_name, database = names
    sources = [(s["path"], s.get("title", "a source")) for s in core.get("sources", []) if _local(s.get("path"))]
    sources = [(path, f"{title}: archived byte for byte") for path, title in sources]
    sources += [(path, f"{title}: a file of the package, byte for byte") for path, title in files]
    first = tables[0][0] if tables else ""
    rows = [
        f"| `csv/{name}.csv`, `parquet/{name}.parquet` | {title}: {count:,} row{'s' if count != 1 else ''} |"
        for name, title, count in tables
    ]
    return "\n".join(
        [
            f"# {core.get('title', core['name'])}, release {core['version']}",
            "",
            *([core["description"], ""] if core.get("description") else []),
            "## Files",
            "",
            "| file | what it holds |",
            "|---|---|",
            *rows,
            f"| `{release_name}.xlsx` | every table as a sheet, with `About` and `Fields` |",
            f"| `{database}` | every table in SQLite, typed, with its keys, and `_about`; `metadata.json` describes it to "
            "Datasette |",
            *[f"| `{source}` | {said} |" for source, said in sources],
            "| `datapackage.json` | the release descriptor: every table's schema, and the build's provenance |",
            "| `PROVENANCE.md` | how the release was built, in words |",
            "| `dataset.jsonld` | its schema.org description |",
            "| `index.html` | the datasheet: open it in a browser |",
            "| `SHA256SUMS` | the sha256 of every file |",
            "",
            "## Loading it",
            "",
            "Paths are relative to this folder. The CSV is UTF-8, comma-separated, with a header row; the Parquet "
            "files hold each field's type.",
            "",
            "```python",
            "import pandas as pd",
            "",
            f'table = pd.read_parquet("parquet/{first}.parquet")',
            "```",
            "",
            f'In R: `arrow::read_parquet("parquet/{first}.parquet")`; in DuckDB: '
            f"`select * from 'parquet/{first}.parquet'`; in SQLite: `sqlite3 {database}`; in Datasette: "
            f"`datasette {database} --metadata metadata.json`.",
            "",
            "## Citing it",
            "",
            citation,
            "",
            "## Verifying it",
            "",
            "`sha256sum -c SHA256SUMS` in this folder proves that no file has changed since the release was built.",
            "",
        ]
    )


def _local(path) -> bool:
    return isinstance(path, str) and "://" not in path


def provenance_markdown(core: dict, provenance: dict, rows: dict[str, int], release_name: str) -> str:
    lines = [
        f"# Provenance of {release_name}",
        "",
        f"Built on {provenance['build_date']} (the `created` date recorded in the package, never the clock).",
        "",
        "## Source documents",
        "",
        *[f"- {s.get('title', '')}: `{s.get('path', '')}`" for s in core.get("sources", [])],
        "",
        "## Inputs (sha256)",
        "",
        "| file | sha256 |",
        "|---|---|",
        *[f"| `{path}` | `{digest.removeprefix('sha256:')}` |" for path, digest in provenance["inputs"].items()],
        "",
        "## How each table was produced",
        "",
        *[
            f"- `{name}`: {count} rows from `{path}`, written as `csv/{name}.csv`, "
            f"`parquet/{name}.parquet` and a sheet of the workbook."
            for (name, path), count in rows.items()
        ],
        *[f"- {step}." for step in provenance["steps"]],
        "",
        "## Tools",
        "",
        *_toolkit_lines(provenance),
        *[f"- {tool} {version}" for tool, version in provenance["tools"].items()],
        "",
        "## How to check this release",
        "",
        "- `sha256sum -c SHA256SUMS` in this folder proves that no file has changed;",
        "- `pubkit check` in the package's repository proves that the release is exactly what its sources build;",
        "- `frictionless validate datapackage.json` validates the tables against their schemas.",
        "",
    ]
    return "\n".join(lines)


AUTHOR_ROLES = {"author", "creator"}  # v1's role and v2's roles that a citation names


def creators(core: dict) -> list[dict]:
    """The contributors a citation names: those whose ``role`` (v1) or ``roles`` (v2) say author or
    creator, or every contributor where none does (v1's role defaults to contributor)."""
    named = [c for c in core.get("contributors", []) if isinstance(c, dict) and name_of(c)]
    return [c for c in named if AUTHOR_ROLES & set(_roles(c))] or named


def publishers(core: dict) -> list[dict]:
    return [c for c in core.get("contributors", []) if isinstance(c, dict) and name_of(c) and "publisher" in _roles(c)]


def _roles(contributor: dict) -> list[str]:
    roles = contributor.get("roles", contributor.get("role", []))
    roles = [roles] if isinstance(roles, str) else roles if isinstance(roles, list) else []
    return [r for r in roles if isinstance(r, str)]


def name_of(contributor: dict) -> str:
    """A contributor's name: its title, else its given and family names (v2), else its organization."""
    if isinstance(contributor.get("title"), str) and contributor["title"]:
        return contributor["title"]
    names = [contributor.get(k) for k in ("givenName", "familyName")]
    person = " ".join(n for n in names if isinstance(n, str) and n)
    return person or (contributor["organization"] if isinstance(contributor.get("organization"), str) else "")


def _person(contributor: dict) -> bool:
    return not contributor.get("title") and any(
        isinstance(contributor.get(k), str) for k in ("givenName", "familyName")
    )


def _agent(contributor: dict) -> dict:
    return {"@type": "Person" if _person(contributor) else "Organization", "name": name_of(contributor)}


def _cff_author(contributor: dict) -> str:
    if not _person(contributor):
        return f"  - name: {json.dumps(name_of(contributor), ensure_ascii=False)}\n"
    parts = [("given-names", "givenName"), ("family-names", "familyName")]
    lines = [f"{cff}: {json.dumps(contributor[key], ensure_ascii=False)}" for cff, key in parts if contributor.get(key)]
    return "  - " + "\n    ".join(lines) + "\n"


def zenodo_json(core: dict, released: str) -> str:
    """``.zenodo.json`` for the latest release: what a GitHub-Zenodo release deposits, from the same metadata."""
    licence = next((item["name"] for item in core.get("licenses", []) if "name" in item), None)
    deposit = {
        "upload_type": "dataset",
        "title": core.get("title", core["name"]),
        "creators": [{"name": name_of(c)} for c in creators(core)],
        "description": core.get("description", ""),
        "access_right": "open",
        **({"license": licence} if licence else {}),
        "version": core["version"],
        "publication_date": released,
        "keywords": [k for k in core.get("keywords", []) if isinstance(k, str)],
        **({"doi": doi(core)} if doi(core) else {}),
        **_zenodo_homepage(core),
    }
    return json.dumps(deposit, ensure_ascii=False, indent=2) + "\n"


def _zenodo_homepage(core: dict) -> dict:
    if not isinstance(core.get("homepage"), str):
        return {}
    return {"related_identifiers": [{"identifier": core["homepage"], "relation": "isDocumentedBy", "scheme": "url"}]}


def _cff_identifiers(core: dict) -> str:
    found = doi(core)
    if found:
        return f"doi: {json.dumps(found)}\nidentifiers:\n  - type: doi\n    value: {json.dumps(found)}\n"
    return f"identifiers:\n  - type: other\n    value: {json.dumps(core.get('id', core['name']))}\n"


def _toolkit_lines(provenance: dict) -> list[str]:
    toolkit, lock = provenance.get("toolkit") or {}, provenance.get("lock")
    code = str(toolkit.get("code", "")).removeprefix("sha256:")
    lines = [f"- {toolkit.get('name')} {toolkit.get('version')} (its code: sha256 `{code}`)"] if toolkit else []
    return lines + ([f"- `{lock['path']}`: sha256 `{lock['sha256']}`"] if lock else [])


def _cff_date(released: str) -> str:
    """A YYYY-MM-DD date as CFF reads one (a YAML date); anything else quoted, so that it stays one value."""
    return released if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", released) else json.dumps(released)


def citation_cff(core: dict, released: str, release: str = "pubkit release") -> str:
    """CITATION.cff for the package's latest release (``released``: YYYY-MM-DD)."""
    authors = "".join(_cff_author(c) for c in creators(core))
    licence = next((item["name"] for item in core.get("licenses", []) if "name" in item), None)
    text = next((item["path"] for item in core.get("licenses", []) if "path" in item), None)
    # CFF's license is an SPDX identifier: a licence known only by its text is given by URL, never invented
    licence_line = (
        f"license: {json.dumps(licence, ensure_ascii=False)}\n"
        if licence
        else (f"license-url: {json.dumps(text, ensure_ascii=False)}\n" if text else "")
    )
    return (
        f"# Generated by `{release}` from datapackage.json; do not edit.\n"
        "cff-version: 1.2.0\n"
        'message: "If you use this data set, please cite it as below."\n'
        "type: dataset\n"
        f"title: {json.dumps(core.get('title', core['name']), ensure_ascii=False)}\n"
        f"version: {json.dumps(core['version'])}\n"
        f"date-released: {_cff_date(released)}\n"
        + licence_line
        + f"abstract: {json.dumps(core.get('description', ''), ensure_ascii=False)}\n"
        + _cff_identifiers(core)
        + (
            f"url: {json.dumps(core['homepage'], ensure_ascii=False)}\n"
            if isinstance(core.get("homepage"), str)
            else ""
        )
        + f"keywords:\n{''.join(f'  - {json.dumps(k, ensure_ascii=False)}' + chr(10) for k in core.get('keywords', []))}"
        f"authors:\n{authors}"
    )
