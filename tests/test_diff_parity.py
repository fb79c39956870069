"""The release notes' Arrow path matches rows as the reference (a dict of every row) does (hypothesis)."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from pubkit.releases import diff

LABELS = ["id", "b", "c", "d"]
cells = st.one_of(
    st.sampled_from(["", "a", "b", "a,b", 'say "x"', "line\nbreak", "  ", "近10万亿"]), st.text(max_size=4)
)


def _folder(root: Path, name: str, header: list[str], rows: list[list[str]], key: list[str], raw: str) -> Path:
    folder = root / name
    (folder / "csv").mkdir(parents=True)
    with (folder / "csv" / "t.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        stream.write(raw)
    schema = {"fields": [{"name": n, "type": "string"} for n in header], **({"primaryKey": key} if key else {})}
    resource = {"name": "t", "path": "csv/t.csv", "schema": schema}
    (folder / "datapackage.json").write_text(json.dumps({"resources": [resource]}), encoding="utf-8")
    return folder


@st.composite
def releases(draw):
    header = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=4, unique=True))
    new_header = draw(
        st.one_of(st.just(header), st.lists(st.sampled_from(LABELS), min_size=1, max_size=4, unique=True))
    )
    key = draw(st.one_of(st.just([]), st.lists(st.sampled_from(header), min_size=1, max_size=2, unique=True)))
    rows = draw(st.lists(st.lists(cells, min_size=len(header), max_size=len(header)), max_size=8))
    kept = draw(st.lists(st.sampled_from(rows), max_size=8)) if rows else []
    fresh = draw(st.lists(st.lists(cells, min_size=len(new_header), max_size=len(new_header)), max_size=4))
    new_rows = [(row + [""] * len(new_header))[: len(new_header)] for row in kept] + fresh
    new_rows = draw(st.permutations(new_rows))
    raw = draw(st.sampled_from(["", "", "", "\r\n", "x\r\n", 'a,"b\r\n', "a,b,c,d,e\r\n", "\ufeff"]))
    limit = draw(st.sampled_from([None, 1, 3]))
    identity = draw(st.lists(st.sampled_from(LABELS), max_size=2, unique=True))
    return header, rows, new_header, new_rows, key, raw, limit, identity


@settings(max_examples=400, deadline=None)
@given(releases())
def test_the_notes_by_arrow_are_the_notes_of_the_reference(drawn):
    header, rows, new_header, new_rows, key, raw, limit, identity = drawn
    with tempfile.TemporaryDirectory() as scratch:
        old = _folder(Path(scratch), "old", header, rows, key, "")
        new = _folder(Path(scratch), "new", new_header, new_rows, key, raw)
        fast = diff.markdown(old, new, limit), diff.markdown(None, new, limit)
        schema, path = diff.tables(new)["t"]
        found = diff.found(schema, diff.tables(old)["t"][1], path, limit, identity)
        with mock.patch.object(diff, "_found_by_arrow", lambda *args: None):
            assert (diff.markdown(old, new, limit), diff.markdown(None, new, limit)) == fast
            assert diff.found(schema, diff.tables(old)["t"][1], path, limit, identity) == found


def test_the_arrow_path_is_taken_for_a_release_written_as_releases_are(tmp_path):
    old = _folder(tmp_path, "old", ["id", "b"], [["1", "x"], ["2", "y"]], ["id"], "")
    new = _folder(tmp_path, "new", ["id", "b"], [["1", "x"], ["2", "z"], ["3", "w"]], ["id"], "")
    with mock.patch.object(diff, "_rows", side_effect=AssertionError("the reference was used")):
        notes = diff.markdown(old, new)
    assert notes == (
        "Changes since old.\n\n### `t`\n\n1 added, 0 removed, 1 changed.\n\n- added `3`: b «w»\n"
        "- changed `2`: b: «y» → «z»\n"
    )


def test_a_label_longer_than_the_csv_modules_limit_is_compared_by_the_reference(tmp_path):
    long = "h" * 200_000
    old = _folder(tmp_path, "old", [long, "b"], [["1", "x"]], [long], "")
    new = _folder(tmp_path, "new", [long, "b"], [["1", "y"]], [long], "")
    assert (
        diff.markdown(old, new)
        == "Changes since old.\n\n### `t`\n\n0 added, 0 removed, 1 changed.\n\n- changed `1`: b: «x» → «y»\n"
    )
