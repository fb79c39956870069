"""The command line: ``python -m pubkit check|build|release|diff|synth|coverage|readme [PACKAGE_DIR]``.

A thin layer: it calls the stage modules and turns their findings into one line
each. Exit codes: 0 success, 1 problems found in the data, 2 an internal error
(set PUBKIT_DEBUG=1 to see its traceback).
"""
from __future__ import annotations

import argparse
import os
import sys

from pubkit.findings import CheckFailed, PubkitError, render, to_json

REPORT_URL = "the project's issue tracker"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except CheckFailed as failed:
        print(to_json(failed.findings) if getattr(args, "json", False) else render(failed.findings))
        return 1
    except PubkitError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # an internal error: one line, never a traceback (PUBKIT_DEBUG=1 shows it)
        if os.environ.get("PUBKIT_DEBUG"):
            raise
        print(f"internal error: {type(err).__name__}: {err} (please report it to {REPORT_URL})", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pubkit", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for name, function, help_text in (
        ("check", _check, "validate the sources and verify dist/ against them"),
        ("build", _build, "validate, then write the release of the current version into dist/"),
        ("release", _release, "cut the current version as an immutable release (zip, index, changelog, citation)"),
        ("coverage", _coverage, "list every numeric mention of the archived documents and what accounts for it"),
        ("readme", _readme, "rewrite the README's generated sections (data dictionary, examples)"),
    ):
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("package", nargs="?", default=".", help="package directory (default: .)")
        command.set_defaults(command=function)
        if name == "check":
            command.add_argument("--json", action="store_true", help="print every finding as JSON")
            command.add_argument("--engine", choices=("fast", "frictionless"), default="fast",
                                 help="fast (default) checks column by column; frictionless also runs "
                                      "frictionless' row-by-row validation")
    synth = commands.add_parser("synth", help="write a synthetic copy of the package with N observations",
                                description="write a synthetic copy of the package with N observations")
    synth.add_argument("out", help="the folder to write (replaced if it exists)")
    synth.add_argument("--rows", type=int, required=True, help="number of observations")
    synth.add_argument("--defects", type=int, default=0, help="defects of every kind to seed (default 0)")
    synth.add_argument("--package", default=".", help="the package to copy (default: .)")
    synth.set_defaults(command=_synth)
    diff = commands.add_parser("diff", help="print what changed between two release folders",
                               description="print what changed between two release folders")
    diff.add_argument("old", help="the older release folder")
    diff.add_argument("new", help="the newer release folder")
    diff.set_defaults(command=_diff)
    return parser


def _synth(args) -> int:
    from pubkit import descriptor, synth

    out = synth.run(descriptor.run(args.package), args.out, args.rows, args.defects)
    print(f"wrote {out} with {args.rows} observations and {args.defects} defect(s) of each kind")
    return 0


def _release(args) -> int:
    from pubkit import release

    print(release.run(args.package))
    return 0


def _diff(args) -> int:
    from pathlib import Path

    from pubkit import diff

    for folder in (args.old, args.new):
        if not (Path(folder) / "datapackage.json").is_file():
            raise PubkitError(f"{folder} is not a release folder: it has no datapackage.json")
    print(diff.run(Path(args.old), Path(args.new)), end="")
    return 0


def _check(args) -> int:
    from pubkit import descriptor, validate, verify

    pkg = descriptor.run(args.package)
    findings = validate.run(pkg, engine=args.engine)
    if not findings:
        findings = verify.run(pkg)
    if findings:
        raise CheckFailed(findings)
    print(f"ok: {pkg.release_name}: sources valid, dist/ verified")
    return 0


def _build(args) -> int:
    from pubkit import build

    outcome = build.run(args.package)
    print(outcome)
    return 0


def _coverage(args) -> int:
    from pubkit import descriptor, provenance, read, validate

    pkg = descriptor.run(args.package)
    findings = validate.run(pkg)
    if findings:
        raise CheckFailed(findings)
    raws = {t.name: read.run(pkg, t) for t in pkg.tables}
    print("\n".join(provenance.coverage_report(pkg, raws, {n: read.frame(r) for n, r in raws.items()})))
    return 0


def _readme(args) -> int:
    from pathlib import Path

    from pubkit import descriptor, readme

    pkg = descriptor.run(args.package)
    path = Path(args.package) / "README.md"
    path.write_text(readme.refresh(path.read_text(encoding="utf-8"), pkg), encoding="utf-8")
    print(f"wrote the generated sections of {path}")
    return 0
