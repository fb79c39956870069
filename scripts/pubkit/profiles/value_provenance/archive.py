"""1. The archive: each archived document's sha256 and text. Reads the archived files; writes nothing."""

from __future__ import annotations

import hashlib

import pandas as pd

from pubkit.base.findings import Finding, quoted
from pubkit.extensions import Context
from pubkit.profiles.value_provenance.catalogue import (
    ARCHIVE,
    DOCUMENT_SHA256,
    LANGUAGE,
    LANGUAGE_REQUIRED,
    known_languages,
    language_for,
)
from pubkit.profiles.value_provenance.declaration import Roles

# 1. The archive --------------------------------------------------------------------------------


def archived_texts(ctx: Context, r: Roles) -> tuple[dict, list[Finding]]:
    """document id -> (path, text, language) for every document whose archive is intact."""
    raw, docs = ctx.raws[r.documents], ctx.frames[r.documents]
    f = r.document_fields
    texts, findings = {}, []
    for line, doc in docs.iterrows():
        if doc[[f["id"], f["sha256"]]].isna().any():
            continue  # the empty cell is reported already
        path = doc[f["path"]]
        if pd.isna(path) or path not in ctx.pkg.source_paths():
            detail = f"{quoted(path)} is not listed in the sources of datapackage.json"
            findings.append(ARCHIVE.at(raw.table.path, line, f["path"], detail=detail))
            continue
        data = (ctx.pkg.root / path).read_bytes() if (ctx.pkg.root / path).is_file() else None
        if data is None:
            findings.append(ARCHIVE.at(raw.table.path, line, f["path"], detail=f"{quoted(path)} does not exist"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != doc[f["sha256"]]:
            findings.append(
                DOCUMENT_SHA256.at(
                    raw.table.path, line, f["sha256"], archive=path, actual=digest, recorded=doc[f["sha256"]]
                )
            )
            continue
        language = doc[f["language"]] if "language" in f and pd.notna(doc[f["language"]]) else r.language
        if language is None:
            detail = (
                f"{quoted(doc[f['id']])} has no language, and valueProvenance declares none: the profile reads its "
                f"figures with the language's parser; set valueProvenance.language, or a documents field named by "
                f"valueProvenance.documents.language, to one of: {known_languages()} (or register a parser for "
                "another: pubkit.extensions.register_language)"
            )
            findings.append(LANGUAGE_REQUIRED.at(raw.table.path, line, f.get("language"), detail=detail))
            continue
        parser = language_for(str(language))
        if parser is None:
            findings.append(
                LANGUAGE.at(raw.table.path, line, f.get("language"), language=quoted(language), known=known_languages())
            )
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            detail = f"{path} is not UTF-8 (byte {err.start} cannot be decoded): quotes and offsets need its text"
            findings.append(ARCHIVE.at(raw.table.path, line, f["path"], detail=detail))
            continue
        texts[doc[f["id"]]] = (path, text, parser)
    return texts, findings
