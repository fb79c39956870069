"""A plain package at any size: writes OUT_DIR with one table of N rows of ten short cells, keyed by its first.

``python -m devtools.plain OUT --rows N`` (from ``scripts/``), ready to build and release. No extension, no document, no value
provenance: a table as a statistics office publishes one, which ``check`` reads a part at a time
(``checks.streamed``). Odd columns hold text (``v12``), even ones integers; pyarrow writes it, in a
second a million rows.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

COLUMNS = 10
RELEASABLE = {  # what a release needs besides the table
    "title": "A plain table",
    "id": "urn:uuid:8c3b4a52-5f0e-4a8e-9d51-1b2f3c4d5e6f",
    "version": "1.0.0",
    "created": "2026-01-01T00:00:00Z",
    "licenses": [{"name": "CC0-1.0"}],
}


def write(folder: Path, rows: int) -> Path:
    import numpy as np
    import pyarrow
    import pyarrow.compute as pc

    from pubkit.standard import csvscan

    folder = Path(folder)
    (folder / "data").mkdir(parents=True)
    numbers = np.random.default_rng(0).integers(0, 1000, size=(rows, COLUMNS - 1))
    cells = [pyarrow.array(np.arange(rows)).cast(pyarrow.string())]
    for j in range(1, COLUMNS):
        column = pyarrow.array(numbers[:, j - 1]).cast(pyarrow.string())
        cells.append(pc.binary_join_element_wise("v", column, "") if j % 2 else column)
    lines = pc.binary_join_element_wise(pc.binary_join_element_wise(*cells, ","), "", "\n")
    header = ",".join(["id", *(f"c{j}" for j in range(1, COLUMNS))]) + "\n"
    with (folder / "data" / "t.csv").open("wb") as out:
        out.write(header.encode())
        for chunk in lines.chunks if isinstance(lines, pyarrow.ChunkedArray) else [lines]:
            out.write(csvscan.text_bytes(chunk))
    fields = [{"name": "id", "type": "integer"}]
    fields += [{"name": f"c{j}", "type": "string" if j % 2 else "integer"} for j in range(1, COLUMNS)]
    resource = {"name": "t", "path": "data/t.csv", "schema": {"fields": fields, "primaryKey": ["id"]}}
    described = {"name": "t", **RELEASABLE, "resources": [resource]}
    (folder / "datapackage.json").write_text(json.dumps(described), encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.plain", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, required=True)
    args = parser.parse_args(argv)
    write(args.out, args.rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
