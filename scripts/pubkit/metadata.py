"""Metadata for people and catalogues: reads a built release's parts, returns text.

- ``jsonld``: a schema.org ``Dataset`` (``dataset.jsonld``) for search engines and catalogues;
- ``provenance_markdown``: ``PROVENANCE.md``, the build's provenance in words;
- ``citation_cff``: ``CITATION.cff`` (CFF 1.2.0) for the repository root.
"""
from __future__ import annotations

import json

import pandas as pd

SPDX = "https://spdx.org/licenses/{}.html"
MEDIA_TYPES = {".csv": "text/csv", ".parquet": "application/vnd.apache.parquet", ".json": "application/json",
               ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               ".txt": "text/plain", ".md": "text/markdown", ".jsonld": "application/ld+json"}


def jsonld(core: dict, typed: dict[str, pd.DataFrame], files: dict[str, tuple[int, str]]) -> dict:
    """``files`` maps each release path to (bytes, sha256)."""
    dataset = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": core.get("title", core["name"]),
        "alternateName": core["name"],
        "description": core.get("description", ""),
        "version": core["version"],
        "identifier": core.get("id", core["name"]),
        "dateCreated": core["created"],
        "keywords": core.get("keywords", []),
        "license": [SPDX.format(item["name"]) for item in core.get("licenses", []) if "name" in item],
        "creator": [{"@type": "Organization", "name": c.get("title", "")} for c in core.get("contributors", [])],
        "isBasedOn": [{"@type": "CreativeWork", "name": s.get("title", ""), "url": s.get("path", "")}
                      for s in core.get("sources", [])],
        "distribution": [
            {"@type": "DataDownload", "contentUrl": path, "encodingFormat": _media_type(path),
             "contentSize": f"{size} B", "sha256": digest}
            for path, (size, digest) in sorted(files.items())
        ],
    }
    if "observations" in typed and "indicators" in typed:
        dataset["temporalCoverage"] = temporal_coverage(typed["observations"])
        dataset["variableMeasured"] = [
            {"@type": "PropertyValue", "propertyID": row.indicator_id, "name": row.name_en,
             "alternateName": row.name_zh, "description": row.definition_en, "unitText": row.unit}
            for row in typed["indicators"].itertuples()
        ]
    if "areas" in typed and "observations" in typed:
        areas = typed["areas"].set_index("area_id")
        used = sorted(set(typed["observations"]["area_id"].dropna()))
        dataset["spatialCoverage"] = {
            "@type": "Place", "name": "China",
            "containsPlace": [{"@type": "Place", "name": f"{areas.loc[a, 'name_en']} ({areas.loc[a, 'name_zh']})",
                               "identifier": a} for a in used if a in areas.index],
        }
    return dataset


def temporal_coverage(observations: pd.DataFrame) -> str:
    """ISO 8601 interval from the earliest stated period start to the latest date stated."""
    starts = pd.concat([observations["period_start"], observations["reference_date"]]).dropna()
    ends = pd.concat([observations["period_end"], observations["reference_date"]]).dropna()
    return f"{starts.min().date().isoformat()}/{ends.max().date().isoformat()}"


def _media_type(path: str) -> str:
    return MEDIA_TYPES.get("." + path.rsplit(".", 1)[-1], "application/octet-stream")


def provenance_markdown(core: dict, provenance: dict, rows: dict[str, int], release_name: str) -> str:
    lines = [
        f"# Provenance of {release_name}", "",
        f"Built on {provenance['build_date']} (the `created` date recorded in the package, never the clock).", "",
        "## Source documents", "",
        *[f"- {s.get('title', '')}: `{s.get('path', '')}`" for s in core.get("sources", [])], "",
        "## Inputs (sha256)", "", "| file | sha256 |", "|---|---|",
        *[f"| `{path}` | `{digest.removeprefix('sha256:')}` |" for path, digest in provenance["inputs"].items()], "",
        "## How each table was produced", "",
        *[f"- `{name}`: {count} rows from `sources/{name}.csv`, written as `csv/{name}.csv`, "
          f"`parquet/{name}.parquet` and a sheet of the workbook." for name, count in rows.items()],
        *[f"- {step}." for step in provenance["steps"]], "",
        "## Tools", "", *[f"- {tool} {version}" for tool, version in provenance["tools"].items()], "",
        "## How to check this release", "",
        "- `sha256sum -c SHA256SUMS` in this folder proves that no file has changed;",
        "- `make check` in the repository proves that the release is exactly what its sources build;",
        "- `frictionless validate datapackage.json` validates the tables against their schemas.", "",
    ]
    return "\n".join(lines)


def citation_cff(core: dict, released: str) -> str:
    """CITATION.cff for the package's latest release (``released``: YYYY-MM-DD)."""
    authors = "".join(f"  - name: {json.dumps(c.get('title', ''), ensure_ascii=False)}\n" for c in core.get("contributors", []))
    licence = next((item["name"] for item in core.get("licenses", []) if "name" in item), "CC-BY-4.0")
    return (
        "# Generated by `make release` from datapackage.json; do not edit.\n"
        "cff-version: 1.2.0\n"
        'message: "If you use this data set, please cite it as below."\n'
        "type: dataset\n"
        f"title: {json.dumps(core.get('title', core['name']), ensure_ascii=False)}\n"
        f"version: {json.dumps(core['version'])}\n"
        f"date-released: {released}\n"
        f"license: {licence}\n"
        f"abstract: {json.dumps(core.get('description', ''), ensure_ascii=False)}\n"
        f"identifiers:\n  - type: other\n    value: {json.dumps(core.get('id', core['name']))}\n"
        f"keywords:\n{''.join(f'  - {json.dumps(k, ensure_ascii=False)}' + chr(10) for k in core.get('keywords', []))}"
        f"authors:\n{authors}"
    )
