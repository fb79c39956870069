"""Check a package's sources: reads its tables and what its extensions read, writes nothing.

Each table is read once (``read``) and checked column by column: encoding, header,
blank and ragged rows and types (``structure``); constraints, keys and every row
rule with pandera (``constraints``). Then each extension's whole-package checks
run (``pubkit.extensions``: the value-provenance profile re-checks every figure
against its archived document). The findings include everything frictionless finds
(``tests/test_engines.py``), and ``engine="frictionless"`` adds frictionless' own
row-by-row validation (``engine_frictionless``). Every finding is kept; none stops the others.
"""

from __future__ import annotations

from dataclasses import replace

from pubkit.base import errors
from pubkit.base.findings import CheckFailed, Finding, dedupe
from pubkit.checks import constraints, engine_frictionless, identity, streamed, structure
from pubkit.extensions import Context
from pubkit.standard import plugins, read, views
from pubkit.standard.bulkcsv import NotPlain
from pubkit.standard.descriptor import DataPackage


def sources(pkg: DataPackage, engine: str = "fast") -> list[Finding]:
    """Every problem in the sources of ``pkg``, one finding per cell, sorted by file and line.

    The fast engine reads each table once and checks it column by column; it finds
    everything frictionless finds. ``engine="frictionless"`` also runs frictionless'
    own row-by-row validation, for anyone who wants its verdict too.
    """
    modules, found = plugins.load(pkg, pkg.trusted)
    common = found + declared_integrity(pkg) + identity.declaration_findings(pkg) + views.findings(pkg)
    made = streamed.plans(pkg) if engine == "fast" and not modules else None
    if made is not None:
        try:
            skeletons, findings = streamed.findings(pkg, made)
            return _ordered(findings + common, Context(pkg, skeletons))
        except NotPlain:  # pyarrow refused a part: the whole read says what the file holds
            pass
    ctx, findings = read_all(pkg)
    findings += common
    if engine == "frictionless":
        findings += engine_frictionless.findings_of(pkg, ctx.raws)
    for name, raw in ctx.raws.items():
        findings += structure.header_findings(raw) + structure.row_findings(raw)
        if name in ctx.frames:
            findings += structure.type_findings(raw, ctx.frames[name])
            findings += structure.precision_findings(raw, ctx.frames[name])
    # Extensions see only the tables whose header is the schema's: under a wrong header their
    # rules would read misplaced columns (the standard's checks, like frictionless', still run).
    aligned = Context(pkg, ctx.raws, {n: f for n, f in ctx.frames.items() if ctx.raws[n].header_ok})
    extra = [rule for rules in plugins.call(modules, "row_rules", aligned) for rule in rules]
    findings += constraints.findings(pkg, ctx.raws, ctx.frames, extra)
    for found in plugins.call(modules, "check", aligned):
        findings += found
    return _ordered(findings, ctx)


def _ordered(findings: list[Finding], ctx: Context) -> list[Finding]:
    columns = {raw.table.path: {label: i for i, label in enumerate(raw.header)} for raw in ctx.raws.values()}
    return sorted(_numbered(dedupe(findings), ctx), key=lambda f: _order(f, columns))


def _order(finding: Finding, columns: dict[str, dict[str, int]]) -> tuple:
    """By file and line, then by column as the file orders them (x2 before x10), then field and rule."""
    position = columns.get(finding.path, {}).get(finding.field, -1) if finding.field else -1
    return (finding.path, finding.line or 0, position, finding.field or "", finding.rule)


HASHES = ("md5", "sha1", "sha256", "sha512")


def declared_integrity(pkg: DataPackage) -> list[Finding]:
    """Each table's file, and each file resource, against the ``bytes`` and ``hash`` its resource declares
    (a bare hex hash is md5); each file read once, in blocks."""
    findings = []
    for table in pkg.tables:
        if table.inline is None:
            findings += _integrity(pkg.root, table.parts or [table.path], table.path, table.resource)
    for file in pkg.files:
        findings += _integrity(pkg.root, [file.path], file.path, file.resource)
    return findings


def _integrity(root, parts: list[str], shown: str, resource: dict) -> list[Finding]:
    import hashlib

    declared_bytes, declared_hash = resource.get("bytes"), resource.get("hash")
    if declared_bytes is None and declared_hash is None:
        return []
    algorithm, _, digest = declared_hash.rpartition(":") if isinstance(declared_hash, str) else ("", "", "")
    hashing, size = hashlib.new(algorithm or "md5"), 0
    for part in parts:
        with (root / part).open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                hashing.update(block)
                size += len(block)
    findings = []
    if declared_bytes is not None and declared_bytes != size:
        findings.append(errors.BYTE_COUNT.at(shown, actual=size, declared=declared_bytes))
    if isinstance(declared_hash, str) and hashing.hexdigest() != digest.lower():
        actual = hashing.hexdigest()
        findings.append(
            errors.HASH_COUNT.at(shown, algorithm=algorithm or "md5", actual=actual, declared=declared_hash)
        )
    return findings


def read_all(pkg: DataPackage) -> tuple[Context, list[Finding]]:
    """Every readable table, raw and (under a correct header) typed; what made the others unreadable."""
    raws, findings = {}, []
    for table in pkg.tables:
        try:
            raws[table.name] = read.raw_table(pkg, table)
        except CheckFailed as failed:
            findings += failed.findings
            continue
        if not len(raws[table.name]):
            findings.append(errors.NO_ROWS.at(table.path, 1))
    frames = {name: read.frame(raw) for name, raw in raws.items()}
    return Context(pkg, raws, frames), findings


def _numbered(findings: list[Finding], ctx: Context) -> list[Finding]:
    """Each finding in a table with its record number as frictionless counts it."""
    by_path = {raw.table.path: raw for raw in ctx.raws.values()}
    numbered = []
    for f in findings:
        raw = by_path.get(f.path)
        if raw is None or not f.line:
            numbered.append(f)
            continue
        path, line = raw.located(f.line)  # a multipart resource's finding names its part and line
        numbered.append(replace(f, path=path, line=line, row=raw.record_of_line(f.line)))
    return numbered
