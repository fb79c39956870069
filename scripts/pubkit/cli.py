"""The command line: ``pubkit [--trust-package-code] COMMAND [PACKAGE_DIR]``.

A thin layer: it calls the stage modules and turns their findings into one line
each. Exit codes: 0 success, 1 problems found in the data, 2 an internal error
(set PUBKIT_DEBUG=1 to see its traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from pubkit import api
from pubkit.base.findings import CheckFailed, PubkitError, render, to_json

REPORT_URL = "the project's issue tracker"
COMMANDS = (
    ("init", "start a package from a folder of CSV files: a descriptor, schemas, a changelog and a README"),
    ("check", "validate the sources and verify dist/ against them"),
    ("build", "validate, then write the release of the current version into dist/"),
    ("release", "cut the current version as an immutable release (zip, index, changelog, citation)"),
    ("coverage", "list every numeric mention of the archived documents and what accounts for it"),
    ("readme", "rewrite the README's generated sections (data dictionary, examples, messages)"),
    ("locate", "print every occurrence of a text in the archived documents: offsets, speaker, figures, a row to paste"),
)


def main(argv: list[str] | None = None) -> int:
    """Run one command; with ``--json``, standard output is JSON whatever happens (a list of findings)."""
    args = _parser().parse_args(argv)
    as_json = getattr(args, "json", False)
    try:
        return args.command(args)
    except CheckFailed as failed:
        try:
            print(to_json(failed.findings) if as_json else render(failed.findings))
        except BrokenPipeError:  # the reader stopped early (| head): the exit code still says what was found
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except PubkitError as err:
        return _failed(f"error: {err}", "pubkit-error", str(err), as_json, 1)
    except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:  # the machine, not the data: a full disk, a read-only folder, a file in the way
        where = f"{err.filename}: " if err.filename else ""
        line = f"{where}{err.strerror or err}"
        return _failed(f"error: {line}", "os-error", line, as_json, 1)
    except Exception as err:  # an internal error: one line, never a traceback (PUBKIT_DEBUG=1 shows it)
        if os.environ.get("PUBKIT_DEBUG"):
            import traceback

            traceback.print_exc()
        first = str(err).splitlines()[0][:300] if str(err) else ""
        line = f"{type(err).__name__}: {first} (please report it to {REPORT_URL})"
        return _failed(f"internal error: {line}", "internal-error", line, as_json, 2)


def _failed(line: str, kind: str, message: str, as_json: bool, code: int) -> int:
    """The one line on standard error; with ``--json``, the same as a one-item list on standard output."""
    if not os.environ.get("PUBKIT_DEBUG") or code != 2:
        print(line, file=sys.stderr)
    if as_json:
        error = {"type": kind, "title": "error", "path": None, "line": None, "rowNumber": None}
        print(json.dumps([{**error, "fieldName": None, "cell": None, "message": message}], ensure_ascii=False))
    return code


def run() -> None:
    """The ``pubkit`` command: ``main``, and after an internal error an exit that prints nothing more.

    Objects left half-done by the error (a workbook's write-only generators) would print their
    own tracebacks while the interpreter shuts down; the one line said everything.
    """
    import signal

    # A terminated command unwinds as an interrupted one does: its staging and scratch folders go with it.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    if code == 2:
        os._exit(2)
    sys.exit(code)


def _parser() -> argparse.ArgumentParser:
    from pubkit.base import toolkit

    parser = argparse.ArgumentParser(
        prog="pubkit",
        description="Check a Data Package as the standard reads it, and publish it with provenance.",
        epilog="Exit codes: 0 success, 1 problems found (one line each), 2 an internal error "
        "(PUBKIT_DEBUG=1 shows its traceback).",
    )
    parser.add_argument("--version", action="version", version=f"pubkit {toolkit.version()} ({toolkit.DISTRIBUTION})")
    parser.add_argument(
        "--trust-package-code",
        action="store_true",
        help="run the Python modules the package names in pubkit:extensions (they are code: trust the package first)",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    for name, help_text in COMMANDS:
        command = commands.add_parser(name, help=help_text, description=help_text)
        if name == "init":
            command.add_argument("--name", help="the package's name (default: the folder's, lower case)")
            command.add_argument("--title", help="the package's title, the name people cite")
            command.add_argument("--licence", help="the data's licence, an SPDX identifier such as CC-BY-4.0")
            command.add_argument(
                "--maintainer", action="append", default=[], help="a maintainer's name (repeat for more)"
            )
        if name == "locate":
            command.add_argument("text", help="the text to find, as the document writes it")
            command.add_argument("--document", help="only in this document (its id)")
            command.add_argument("--json", action="store_true", help="print the occurrences and rows as JSON")
        command.add_argument("package", nargs="?", default=".", help="package directory (default: .)")
        command.set_defaults(command=globals()[f"_{name}"])
        if name == "check":
            command.add_argument("--json", action="store_true", help="print every finding as JSON")
            command.add_argument(
                "--engine",
                choices=("fast", "frictionless"),
                default="fast",
                help="fast (default) checks column by column; frictionless also runs frictionless' row-by-row validation",
            )
            command.add_argument(
                "--deep",
                action="store_true",
                help="prove dist/ in full: rebuild the current release and compare its bytes, compare every "
                "release's formats cell by cell, and read every file again",
            )
    diff = commands.add_parser(
        "diff",
        help="print what changed between two release folders",
        description="print what changed between two release folders",
    )
    diff.add_argument("old", help="the older release folder")
    diff.add_argument("new", help="the newer release folder")
    diff.set_defaults(command=_diff)
    return parser


def _init(args) -> int:
    asked = _asked if sys.stdin.isatty() and sys.stdout.isatty() else (lambda _question, given: given)
    started = api.init(
        args.package,
        name=args.name,
        title=asked("Title (the name people cite)", args.title),
        licence=asked("Licence (an SPDX identifier, such as CC-BY-4.0 or CC0-1.0)", args.licence),
        maintainers=args.maintainer or [m for m in [asked("Maintainer (a person or an organisation)", None)] if m],
    )
    print(f"wrote: {', '.join(started.written)}")
    for kept in started.kept:
        print(f"kept: {kept} exists, and init never overwrites a file")
    for proposal in started.proposals:
        print(f"proposed: {proposal}")
    print(
        f"next: `pubkit check {args.package}`, then `pubkit build {args.package}`: it lists what a release still needs"
    )
    return 0


def _asked(question: str, given: str | None) -> str | None:
    """On a terminal, what an option did not give, asked for; an empty answer leaves it out."""
    if given:
        return given
    return input(f"{question} (Enter to leave it out): ").strip() or None


def _release(args) -> int:
    print(api.release(args.package, trust_package_code=args.trust_package_code, progress=_progress()))
    return 0


def _diff(args) -> int:
    print(api.diff(args.old, args.new), end="")
    return 0


def _check(args) -> int:
    report = api.check(args.package, engine=args.engine, deep=args.deep, trust_package_code=args.trust_package_code)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    if report.findings:
        raise CheckFailed(report.findings)
    if args.json:
        print("[]")
    elif report.dist_verified:
        print(f"ok: {report.package}: sources valid, dist/ verified")
    else:
        print(f"ok: {report.package}: sources valid (no dist/ to verify)")
    return 0


def _build(args) -> int:
    print(api.build(args.package, trust_package_code=args.trust_package_code, progress=_progress()))
    return 0


def _progress():
    """On a terminal, a line on stderr before each long step of a build; elsewhere (logs, pipes, tests), none."""
    if not sys.stderr.isatty():
        return None
    return lambda line: print(f"... {line}", file=sys.stderr, flush=True)


def _coverage(args) -> int:
    print("\n".join(api.coverage(args.package, trust_package_code=args.trust_package_code)))
    return 0


def _locate(args) -> int:
    import csv
    import io
    import json

    found = api.locate(args.package, args.text, document=args.document, trust_package_code=args.trust_package_code)
    if args.json:
        rows = [{**o, "row": r} for o, r in zip(found.occurrences, found.rows, strict=True)]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    for text in found.texts:
        print(text)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(found.rows[0]))
    writer.writerows([list(row.values()) for row in found.rows])
    print(
        f"rows to paste into {found.table_path} (one per occurrence; "
        "fill in the id, the value in the figure's unit, and every field the quote does not give):"
    )
    print(out.getvalue(), end="")
    return 0


def _readme(args) -> int:
    path = api.readme(args.package, trust_package_code=args.trust_package_code)
    print(f"wrote the generated sections of {path}")
    return 0
