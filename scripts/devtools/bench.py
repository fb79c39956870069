"""Benchmarks: ``python -m devtools.bench [--rows N] [--out BENCHMARKS.md]``; not a test.

Reads this package, writes a synthetic package of N observations (``.build/bench``),
then times each step as a whole process (wall time and peak RSS) against a baseline
measured in the same run: ``frictionless validate`` for the check, bare openpyxl
write-only mode (lxml) for the workbook. Writes the table to BENCHMARKS.md and
prints the ratios last, one per line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

STEPS_MODULE = "devtools.bench_steps"
SEEDED = 5  # defects of each kind in the second synthetic package
REPEATS = 3  # runs of each check: each side's median, as the machine's load varies
TARGETS = {  # measure: (target, what bounds it when it is missed)
    "check_vs_frictionless_ratio": (
        0.1,
        "pyarrow's CSV parse takes about a fifth of our check and pandera's "
        "column checks most of the rest; frictionless' own time swings with "
        "the machine's load, so a noisy run can tip the ratio",
    ),
    "check_peak_rss_gb": (
        1.5,
        "the largest table is held whole in Arrow memory: its text once, and the typed columns beside it",
    ),
    "write_peak_rss_gb": (1.5, "each writer holds the whole table, typed and as text, while it writes"),
    "csv_plus_parquet_write_seconds": (
        5,
        "the CSV is built column-wise by pyarrow, then written; Parquet's zstd compression is most of the rest",
    ),
    "xlsx_vs_bare_openpyxl_ratio": (1.3, "openpyxl's own write-only speed"),
    "make_check_seconds": (5, "interpreter start and imports"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_ROWS", 1_000_000)))
    parser.add_argument("--out", default="BENCHMARKS.md")
    args = parser.parse_args(argv)
    root = Path.cwd()
    package, defective = root / ".build" / "bench", root / ".build" / "bench-defects"
    python, frictionless = sys.executable, str(Path(sys.executable).parent / "frictionless")
    steps = [  # (name, command, runs): the checks are short enough to run REPEATS times
        ("synth", [python, "-m", "devtools.synth", str(package), "--rows", str(args.rows)], 1),
        ("check (ours)", [python, "-m", "pubkit", "--trust-package-code", "check", str(package)], REPEATS),
        ("check (frictionless validate)", [frictionless, "validate", str(package / "datapackage.json")], REPEATS),
        ("write csv", [python, "-m", STEPS_MODULE, "csv", str(package)], 1),
        ("write parquet", [python, "-m", STEPS_MODULE, "parquet", str(package)], 1),
        ("write xlsx (ours)", [python, "-m", STEPS_MODULE, "xlsx", str(package)], 1),
        ("write xlsx (bare openpyxl)", [python, "-m", STEPS_MODULE, "bare-xlsx", str(package)], 1),
        ("make check (this package)", ["make", "-s", "check"], REPEATS),
        (
            f"synth ({SEEDED} defects of each kind)",
            [python, "-m", "devtools.synth", str(defective), "--rows", str(args.rows), "--defects", str(SEEDED)],
            1,
        ),
        (
            "check (ours, those defects)",
            [python, "-m", "pubkit", "--trust-package-code", "check", "--json", str(defective)],
            REPEATS,
        ),
    ]
    results = {}
    for name, command, runs in steps:
        print(f"==> {name}", file=sys.stderr, flush=True)
        results[name] = median_of(runs, command, root)
    ratios = _ratios(results)
    seeded = _seeded_summary(results["check (ours, those defects)"]["output"], defective / "expected-findings.json")
    Path(args.out).write_text(_markdown(args.rows, results, ratios, seeded), encoding="utf-8")
    for key, value in ratios.items():
        print(f"{key}={value:.3f}")
    return 0


def median_of(times: int, command: list[str], cwd: Path) -> dict:
    """The run of median wall time among ``times`` runs, with the highest peak RSS of them all."""
    runs = sorted((measure(command, cwd) for _ in range(times)), key=lambda r: r["wall"])
    return {**runs[len(runs) // 2], "rss_mb": max(r["rss_mb"] for r in runs)}


def measure(command: list[str], cwd: Path) -> dict:
    """Wall seconds, peak RSS (MB) and, for the write steps, the seconds spent writing."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    inner = [line.split("=", 1)[1] for line in output.splitlines() if line.startswith("write_seconds=")]
    return {
        "wall": wall,
        "rss_mb": usage.ru_maxrss / 1024,
        "exit": os.waitstatus_to_exitcode(status),
        "write": float(inner[0]) if inner else None,
        "output": output,
    }


def _ratios(results: dict) -> dict[str, float]:
    csv_parquet = results["write csv"]["write"] + results["write parquet"]["write"]
    return {
        "check_vs_frictionless_ratio": results["check (ours)"]["wall"]
        / results["check (frictionless validate)"]["wall"],
        "xlsx_vs_bare_openpyxl_ratio": results["write xlsx (ours)"]["write"]
        / results["write xlsx (bare openpyxl)"]["write"],
        "csv_plus_parquet_write_seconds": csv_parquet,
        "check_peak_rss_gb": results["check (ours)"]["rss_mb"] / 1024,
        "write_peak_rss_gb": max(results[f"write {kind}"]["rss_mb"] for kind in ("csv", "parquet", "xlsx (ours)"))
        / 1024,
        "make_check_seconds": results["make check (this package)"]["wall"],
    }


def _seeded_summary(output: str, expected_path: Path) -> str:
    """Whether the check found exactly the seeded defects, besides the missing release."""
    try:
        findings = json.loads(output)
        found = {(f["line"], f["fieldName"], f["title"]) for f in findings if f["title"] != "stale release"}
    except (ValueError, KeyError, TypeError):
        return "its output was not the JSON list of findings"
    expected = {(f["line"], f["field"], f["rule"]) for f in json.loads(expected_path.read_text(encoding="utf-8"))}
    missed, extra = len(expected - found), len(found - expected)
    verdict = "exactly these" if not (missed or extra) else f"{missed} of them missed and {extra} other finding(s)"
    return f"{len(expected)} seeded defects; our check found {verdict}"


def _markdown(rows: int, results: dict, ratios: dict, seeded: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`BENCH_ROWS={rows}`). Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.platform()}. Each step is one process; times are wall clock, "
        "on a shared machine: read the ratios, measured in the same run, rather than the seconds. "
        f"Each check is run {REPEATS} times and its median run shown (with the highest peak RSS of the {REPEATS}).",
        "",
        "| step | wall (s) | writing (s) | peak RSS (MB) | exit |",
        "|---|---|---|---|---|",
        *[
            f"| {name} | {r['wall']:.2f} | {_seconds(r['write'])} | {r['rss_mb']:.0f} | {r['exit']} |"
            for name, r in results.items()
        ],
        "",
        f"`check (ours)` exits {results['check (ours)']['exit']} on the synthetic package; what it reported: "
        f"{_summary(results['check (ours)']['output'])}. (The synthetic package has no `dist/`, so a clean one "
        "reports only the missing release.)",
        "",
        f"With defects: {seeded} (`check (ours, those defects)`, besides the missing release; ragged rows "
        "make pyarrow parse the file a second time, single-threaded, to number them).",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        *[f"| {key} | {ratios[key]:.3f} | ≤ {target} |" for key, (target, _) in TARGETS.items()],
        "",
        "## Targets missed, and what bounds them",
        "",
        *(
            [
                f"- `{key}` is {ratios[key]:.3g}, target ≤ {target}: {why}."
                for key, (target, why) in TARGETS.items()
                if ratios[key] > target
            ]
            or ["- none: every target is met."]
        ),
        "",
    ]
    return "\n".join(lines)


def _summary(output: str) -> str:
    lines = output.strip().splitlines()
    return "; ".join(line.strip() for line in lines[-3:]) if lines else "nothing"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    sys.exit(main())
