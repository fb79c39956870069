"""A synthetic package at any size: reads this package, writes OUT_DIR with N observations.

``python -m devtools.synth OUT --rows N [--defects K] [--package DIR]`` (from ``scripts/``).

The copy keeps this package's schemas, documents, areas and indicators; its
observations table repeats the real rows under new ids, so every key, quote and
offset stays valid. ``defects`` seeds that many defects of every kind the checker
knows at recorded rows, and ``expected-findings.json`` lists what a check must find.
``--distinct-quotes`` widens each generated row's quote by a different span of the archived
text around it (the same clause, so every rule still holds), so that no two quotes are equal:
what is per distinct quote then costs per row. ``--duplicates F`` gives that fraction of the
generated rows the id of an earlier row, each a finding.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
from pathlib import Path

from pubkit.base.findings import PubkitError
from pubkit.standard import descriptor
from pubkit.standard.descriptor import DataPackage

OBSERVATIONS = "sources/observations.csv"
KINDS = (
    "type",
    "enum",
    "minimum",
    "pattern",
    "duplicate key",
    "foreign key",
    "blank row",
    "extra cell",
    "missing cell",
)


def write(
    pkg: DataPackage,
    out: Path,
    rows: int,
    defects: int = 0,
    seed: int = 0,
    distinct_quotes: bool = False,
    duplicates: float = 0.0,
) -> Path:
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PubkitError(f"{out} exists and is not an empty folder: synth writes only into a new or empty one")
    # Load
    header, *originals = _read(pkg.root / OBSERVATIONS)
    # Process
    plan = _plan(originals, header, rows, defects, random.Random(seed))
    plan.update(_duplicates(len(originals), rows, duplicates, random.Random(seed + 1), set(plan)))
    spans = _distinct_spans(pkg, header, originals) if distinct_quotes else None
    # Save
    shutil.copytree(pkg.root / "schemas", out / "schemas")
    shutil.copytree(pkg.root / "sources", out / "sources")
    shutil.copyfile(pkg.root / "datapackage.json", out / "datapackage.json")
    for module in pkg.descriptor.get("pubkit:extensions", []):  # the package's own rules come along
        (out / module).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pkg.root / module, out / module)
    expected = _write(out / OBSERVATIONS, header, originals, rows, plan, spans)
    (out / "expected-findings.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    return out


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def _plan(originals: list[list[str]], header: list[str], rows: int, defects: int, rng: random.Random) -> dict[int, str]:
    """Which generated row (0-based, after the originals) gets which defect."""
    exact = header.index("value_qualifier")
    candidates = [i for i in range(len(originals), rows) if originals[i % len(originals)][exact] == "exact"]
    chosen = rng.sample(candidates, min(len(candidates), defects * len(KINDS)))
    return {row: KINDS[n % len(KINDS)] for n, row in enumerate(sorted(chosen, key=lambda _: rng.random()))}


def _duplicates(originals: int, rows: int, fraction: float, rng: random.Random, taken: set[int]) -> dict[int, str]:
    """``fraction`` of the generated rows, each to repeat the id of the row before it."""
    candidates = [n for n in range(originals + 1, rows) if n not in taken]
    return dict.fromkeys(rng.sample(candidates, int(len(candidates) * fraction)), "duplicate key")


def _distinct_spans(pkg: DataPackage, header: list[str], originals: list[list[str]]) -> tuple[str, list]:
    """For each original row, every (start, end) of the archived text that holds its quote and stays
    within the quote's clause and the text: quotes no two generated rows share."""
    from pubkit.profiles.value_provenance import claims

    col = {name: i for i, name in enumerate(header)}
    text = (pkg.root / pkg.source_paths()[0]).read_text(encoding="utf-8")
    spans = []
    for row in originals:
        start, end, stated = int(row[col["quote_start"]]), int(row[col["quote_end"]]), row[col["stated_text"]]
        clause = claims._clause(text[start:end], stated)
        low = max(0, start - 200)
        options = [
            (a, b)
            for a in range(low, start + 1)
            for b in range(end, min(len(text), end + 200) + 1)
            if text[a:b].find(stated) == start - a + text[start:end].find(stated)
            and claims._clause(text[a:b], stated) == clause
        ]
        spans.append(random.Random(len(spans)).sample(options, len(options)))
    return text, spans


def _write(
    path: Path,
    header: list[str],
    originals: list[list[str]],
    rows: int,
    plan: dict[int, str],
    spans: tuple[str, list[list[tuple[int, int]]]] | None = None,
) -> list[dict]:
    col = {name: i for i, name in enumerate(header)}
    expected, line = [], 1
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        for n in range(rows):
            row = list(originals[n % len(originals)])
            if n >= len(originals):
                row[0] = f"obs-{n + 1:07d}"
                if spans:
                    _widen(row, col, spans[0], spans[1][n % len(originals)], n // len(originals))
            kind = plan.get(n)
            if kind == "blank row":
                line += 1
                stream.write("\n")
                expected.append({"line": line, "field": None, "rule": "blank row"})
                expected.append({"line": line, "field": header[0], "rule": "empty primary key"})  # as frictionless
            elif kind:
                row, finding = _break(row, kind, col, n)
                expected.append({"line": line + 1, **finding})
                if (
                    kind == "duplicate key"
                ):  # a repeated primary key also breaks its unique constraint, as frictionless says
                    expected.append({"line": line + 1, "field": finding["field"], "rule": "primary key"})
            line += 1
            writer.writerow(row)
    return expected


def _widen(row: list[str], col: dict[str, int], text: str, options: list[tuple[int, int]], turn: int) -> None:
    """The quote of one generated row: the original's, widened by its ``turn``-th span of ``text``."""
    start, end = options[turn % len(options)]
    row[col["quote_start"]], row[col["quote_end"]], row[col["quote"]] = str(start), str(end), text[start:end]


def _break(row: list[str], kind: str, col: dict[str, int], n: int) -> tuple[list[str], dict]:
    if kind == "type":
        row[col["value"]] = "n/a"
        return row, {"field": "value", "rule": "type number"}
    if kind == "enum":
        row[col["value_qualifier"]] = "roughly"
        return row, {"field": "value_qualifier", "rule": "constraint enum"}
    if kind == "minimum":
        row[col["unit_mult"]] = "-1"
        return row, {"field": "unit_mult", "rule": "constraint minimum"}
    if kind == "pattern":
        row[0] = f"OBS_{n}"
        return row, {"field": "observation_id", "rule": "constraint pattern"}
    if kind == "duplicate key":
        row[0] = f"obs-{n:07d}"  # the id of the row before
        return row, {"field": "observation_id", "rule": "constraint unique"}
    if kind == "foreign key":
        row[col["area_id"]] = "atlantis"
        return row, {"field": "area_id", "rule": "foreign key"}
    if kind == "extra cell":
        return [*row, "surplus"], {"field": None, "rule": "extra cell"}
    return row[:-1], {"field": row and "note", "rule": "missing cell"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.synth", description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the folder to write: new, or empty")
    parser.add_argument("--rows", type=int, required=True, help="number of observations")
    parser.add_argument("--defects", type=int, default=0, help="defects of every kind to seed (default 0)")
    parser.add_argument("--package", default=".", help="the package to copy (default: .)")
    parser.add_argument("--distinct-quotes", action="store_true", help="no two observations share a quote")
    parser.add_argument("--duplicates", type=float, default=0.0, help="fraction of rows that repeat an id")
    args = parser.parse_args(argv)
    pkg = descriptor.load(args.package, trusted=True)
    write(pkg, args.out, args.rows, args.defects, distinct_quotes=args.distinct_quotes, duplicates=args.duplicates)
    print(f"wrote {args.out} with {args.rows} observations and {args.defects} defect(s) of each kind")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
