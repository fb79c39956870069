"""A table past Excel's row limit (1,048,575 data rows a sheet): numbered sheets, said on About, and proven
equal to the CSV like any sheet (#23)."""

from __future__ import annotations

import json

from conftest import run_cli

ROWS = 1_048_577  # two rows past one sheet


def test_a_table_of_1_048_577_rows_spans_two_sheets_said_on_about_and_verified(tmp_path, capsys):
    from python_calamine import CalamineWorkbook

    package = tmp_path / "big"
    package.mkdir()
    (package / "t.csv").write_text("n\n" + "".join(f"{i}\n" for i in range(ROWS)), encoding="utf-8")
    declared = {
        "name": "big",
        "title": "Big",
        "id": "urn:uuid:00000000-0000-4000-8000-000000000077",
        "version": "1.0.0",
        "created": "2026-01-01T00:00:00Z",
        "licenses": [{"name": "CC0-1.0"}],
        "contributors": [{"title": "A maker"}],
        "resources": [{"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "n", "type": "integer"}]}}],
    }
    (package / "datapackage.json").write_text(json.dumps(declared), encoding="utf-8")
    code, out, err = run_cli(capsys, "build", str(package))
    assert (code, out) == (0, "built: dist/big-1.0.0\n"), err  # the build proves every sheet equal to the CSV
    book = CalamineWorkbook.from_path(str(package / "dist" / "big-1.0.0" / "big-1.0.0.xlsx"))
    assert book.sheet_names == ["About", "t", "t_2", "Fields"]
    first, second = (book.get_sheet_by_name(name).to_python() for name in ("t", "t_2"))
    assert (len(first), first[1], first[-1]) == (1_048_576, [0.0], [1_048_574.0])
    assert second == [["n"], [1_048_575.0], [1_048_576.0]]
    about = dict(book.get_sheet_by_name("About").to_python()[1:])
    assert about["table t"] == "1048577 rows, split over the sheets t, t_2"


def test_a_sheet_past_what_a_zip_holds_without_zip64_is_written_with_it_and_dated_anew(tmp_path, monkeypatch):
    """A sheet of more than 2 GiB of XML (1M rows of long distinct text) needs ZIP64, which xlsxwriter refuses
    unless asked: the limit is lowered here, so that a small sheet stands for the large one."""
    import zipfile
    from datetime import UTC, datetime

    import pandas as pd
    from python_calamine import CalamineWorkbook

    from pubkit.formats import workbook
    from pubkit.standard.resources import Table

    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1000)
    table = Table("t", "t.csv", {"fields": [{"name": "text", "type": "string"}]}, "", {"name": "t"})
    frame = pd.DataFrame({"text": pd.array([f"row {i} " * 20 for i in range(200)], dtype="string[pyarrow]")})
    about = [("title", "T"), ("created", "2026-01-01T00:00:00Z")]
    first, redated = tmp_path / "first.xlsx", tmp_path / "redated.xlsx"
    workbook.write_xlsx([(table, frame, frame)], about, first, datetime(2026, 1, 1, tzinfo=UTC))
    later = [("title", "T"), ("created", "2026-02-01T00:00:00Z")]
    workbook.redated(first, later, redated, datetime(2026, 2, 1, tzinfo=UTC))
    whole = tmp_path / "whole.xlsx"
    workbook.write_xlsx([(table, frame, frame)], later, whole, datetime(2026, 2, 1, tzinfo=UTC))
    assert redated.read_bytes() == whole.read_bytes()
    rows = CalamineWorkbook.from_path(str(redated)).get_sheet_by_name("t").to_python()
    assert rows[0] == ["text"] and rows[1:] == [[text] for text in frame["text"]]
