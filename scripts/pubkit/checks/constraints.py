"""Constraints, keys and row rules, with pandera: reads typed frames, writes nothing.

Each table's pandera schema comes from its Table Schema (``tableschema``); the rules
of ``rules`` and of every extension run as pandera checks on the same pass. Each
failure becomes one finding in the user's words.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from pubkit.base import errors
from pubkit.base.findings import Finding
from pubkit.checks import keys, rules, structure
from pubkit.extensions import Rule
from pubkit.standard import fieldtypes, read, tableschema


def findings(
    pkg, raws: dict[str, read.RawTable], frames: dict[str, pd.DataFrame], extra: list[Rule], keyed: bool = True
) -> list[Finding]:
    """Every table's constraints and keys, the core rules, and the ``extra`` rules of extensions;
    ``keyed=False``: all but the primary key (``streamed`` checks it across a table's parts)."""
    found = []
    for name in raws:  # ``frames`` may hold more: the parents a part's foreign keys read (``streamed``)
        frame = frames[name]
        table_rules = rules.for_table(pkg, name, frames) + [r for r in extra if r.table == name]
        checks = [pa.Check(_vectorised(rule, frames), error=rule.key) for rule in table_rules]
        absent = frozenset(f for f in raws[name].table.field_names if raws[name].position(f) is None)
        schema = tableschema.pandera_schema(raws[name].table, checks, absent)
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as failed:
            found += _translated(raws[name], frame, failed.failure_cases, {r.key: r for r in table_rules})
        found += keys.primary_key_findings(raws[name], frame) if keyed else []
        found += keys.unique_key_findings(raws[name], frame)
        found += keys.category_findings(raws[name], frame)
        found += reference_findings(raws[name], frame)
    return found


def reference_findings(raw: read.RawTable, frame: pd.DataFrame) -> list[Finding]:
    """The constraints pandera does not run (``tableschema.by_pandera``), by frictionless' own cell reader.

    Each distinct cell is read once; a row whose cell failed its type is reported as that.
    """
    found = []
    for field in raw.table.fields:
        referred = [c for c in field.get("constraints", {}) if not tableschema.by_pandera(field, c)]
        if not referred or raw.position(field["name"]) is None:
            continue
        text = raw.text(field["name"])
        typed_ok = frame[field["name"]].notna()
        if "pattern" in referred:  # never through frictionless' re, which can backtrack for ever
            referred.remove("pattern")
            found += pattern_findings(raw, field, text[typed_ok.to_numpy()])
        if not referred:
            continue
        read_cell = _cell_reader(
            raw.table, {**field, "constraints": {k: v for k, v in field["constraints"].items() if k != "pattern"}}
        )
        broken = {cell: [c for c in read_cell(cell)[1] or {} if c in referred] for cell in text[typed_ok].unique()}
        for line, cell in text[typed_ok.to_numpy()].items():
            for constraint in broken.get(cell, []):
                found.append(structure.constraint_error(raw.table.path, int(line), field, constraint, cell))
    return found


PATTERN_SECONDS = 2.0  # the time a pattern that RE2 cannot run may take, over all of a column's distinct values


def pattern_findings(raw: read.RawTable, field: dict, text: pd.Series) -> list[Finding]:
    """A pattern RE2 cannot run as Python's re does, run by the ``regex`` module (re's syntax and semantics)
    once per distinct value, within ``PATTERN_SECONDS``: a pattern that backtracks past it is a finding, not a hang."""
    import time

    import regex

    pattern = field["constraints"]["pattern"]
    compiled = regex.compile(f"(?:{pattern})\\Z", regex.VERSION0)
    deadline = time.monotonic() + PATTERN_SECONDS
    failing = set()
    for cell in text.dropna().unique():
        try:
            if compiled.match(cell, timeout=max(deadline - time.monotonic(), 0.001)) is None:
                failing.add(cell)
        except TimeoutError:
            line = int(text.index[(text == cell).to_numpy()][0])
            return [
                errors.PATTERN_TOO_SLOW.at(
                    raw.table.path, line, field["name"], cell, pattern=pattern, seconds=PATTERN_SECONDS
                )
            ]
    return [
        structure.constraint_error(raw.table.path, int(line), field, "pattern", cell)
        for line, cell in text.items()
        if cell in failing
    ]


def _cell_reader(table, field: dict):
    import frictionless

    described = {**fieldtypes.reading_part(field), "constraints": field.get("constraints", {})}
    described["missingValues"] = table.missing_values(field)
    return frictionless.Field.from_descriptor(described).create_cell_reader()


def _vectorised(rule: Rule, frames: dict[str, pd.DataFrame]):
    return lambda frame: rule.passes(frames).fillna(True).astype(bool)


def _translated(raw: read.RawTable, frame: pd.DataFrame, cases: pd.DataFrame, by_key: dict) -> list[Finding]:
    table = raw.table
    is_rule = cases["check"].isin(list(by_key))
    # Constraints first: where a rule and a constraint flag the same cell, the constraint is the news.
    first_lines: dict[str, pd.Series] = {}  # per column, computed once
    unique = cases.loc[cases["check"] == "field_uniqueness", "column"].unique()
    nan = {c: set(frame.index[keys.nan_rows(frame, [c])].tolist()) for c in unique}  # NaN repeats nothing
    found = [
        _column_finding(raw, frame, case.check, case.column, int(case.index), first_lines)
        for case in cases[~is_rule].drop_duplicates(["check", "index", "column"]).itertuples()
        if not (case.check == "field_uniqueness" and case.index in nan[case.column])
    ]
    # A row-wise rule lists one case per column of a failing row (none for its empty cells): one finding a row.
    for case in cases[is_rule].drop_duplicates(["check", "index"]).itertuples():
        line, rule = int(case.index), by_key[case.check]
        if line not in frame.attrs["rows_with_bad_cells"]:
            message = rule.message(frame.loc[line])
            found.append(
                Finding(table.path, line, rule.field, message, rule.name, raw.cell(line, rule.field), type=rule.code)
            )
    return found


def _column_finding(
    raw: read.RawTable, frame: pd.DataFrame, check: str, column: str, line: int, first_lines: dict
) -> Finding:
    table = raw.table
    cell = raw.cell(line, column)
    field = table.field(column)
    if check == "not_nullable" and cell:
        return structure.type_error(table.path, line, field, cell)
    if check == "field_uniqueness":
        if column not in first_lines:
            first_lines[column] = keys.first_lines(frame, [column])
        first = int(first_lines[column][line])
        return structure.repeat_error(table.path, line, [column], [cell], raw.earlier(first, line), primary=False)
    constraint = {"not_nullable": "required"}.get(check, check)
    return structure.constraint_error(table.path, line, field, constraint, cell)
