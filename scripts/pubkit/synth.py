"""A synthetic package at any size: reads this package, writes OUT_DIR with N observations.

The copy keeps this package's schemas, documents, areas and indicators; its
observations table repeats the real rows under new ids, so every key, quote and
offset stays valid. ``defects`` seeds that many defects of every kind the checker
knows at recorded rows, and ``expected-findings.json`` lists what a check must find.
"""
from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

from pubkit.descriptor import DataPackage

OBSERVATIONS = "sources/observations.csv"
KINDS = ("type", "enum", "minimum", "pattern", "duplicate key", "foreign key", "blank row", "extra cell", "missing cell")


def run(pkg: DataPackage, out: Path, rows: int, defects: int = 0, seed: int = 0) -> Path:
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    # Load
    header, *originals = _read(pkg.root / OBSERVATIONS)
    # Process
    plan = _plan(originals, header, rows, defects, random.Random(seed))
    # Save
    shutil.copytree(pkg.root / "schemas", out / "schemas")
    shutil.copytree(pkg.root / "sources", out / "sources")
    shutil.copyfile(pkg.root / "datapackage.json", out / "datapackage.json")
    expected = _write(out / OBSERVATIONS, header, originals, rows, plan)
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


def _write(path: Path, header: list[str], originals: list[list[str]], rows: int, plan: dict[int, str]) -> list[dict]:
    col = {name: i for i, name in enumerate(header)}
    expected, line = [], 1
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        for n in range(rows):
            row = list(originals[n % len(originals)])
            if n >= len(originals):
                row[0] = f"obs-{n + 1:07d}"
            kind = plan.get(n)
            if kind == "blank row":
                line += 1
                stream.write("\n")
                expected.append({"line": line, "field": None, "rule": "blank row"})
            elif kind:
                row, finding = _break(row, kind, col, n)
                expected.append({"line": line + 1, **finding})
            line += 1
            writer.writerow(row)
    return expected


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
        return row + ["surplus"], {"field": None, "rule": "extra cell"}
    return row[:-1], {"field": row and "note", "rule": "missing cell"}
