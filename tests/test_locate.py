"""Curating a figure: ``pubkit locate`` finds a quote's every occurrence, and offset findings know offsets."""

from __future__ import annotations

import json

from conftest import ROOT, run_cli

QUOTE = "重点培育的25个先进制造业集群"
DOCUMENT = "stcn-2022-09-24-miit-manufacturing-clusters"
ARCHIVE = f"sources/documents/{DOCUMENT}.txt"


def test_locate_lists_every_occurrence_with_offsets_speaker_figures_and_rows_to_paste(capsys):
    code, out, err = run_cli(capsys, "locate", QUOTE, str(ROOT))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:8] == [
        f"{ARCHIVE}:8:40: code points 266–281 (end exclusive) of {DOCUMENT}",
        f"  …资源加速向优势集群汇聚。[{QUOTE}]主导产业产值近10万亿元…",
        "  speaker: no speaker named before it",
        "  25个: 25 (unit_mult 0, exact, status A)",
        f"{ARCHIVE}:22:108: code points 1068–1083 (end exclusive) of {DOCUMENT}",
        f"  …总额占全国比重近45%。[{QUOTE}]主导产业产值近10万亿元…",
        "  speaker: 工业和信息化部规划司司长王伟 (named at offset 976)",
        "  25个: 25 (unit_mult 0, exact, status A)",
    ]
    assert lines[10:] == [
        f",,,,,,,,,0,exact,,,A,25个,{DOCUMENT},{QUOTE},266,281,,,",
        f",,,,,,,,,0,exact,,,A,25个,{DOCUMENT},{QUOTE},1068,1083,王伟,工业和信息化部规划司司长,",
    ]


def test_locate_as_json(capsys):
    code, out, _ = run_cli(capsys, "locate", "--json", "预计", str(ROOT))
    found = json.loads(out)
    assert code == 0 and [(f["start"], f["end"]) for f in found] == [
        (i, i + 2) for i in _all(ROOT.joinpath(ARCHIVE).read_text(encoding="utf-8"), "预计")
    ]
    assert set(found[0]) == {
        "document",
        "path",
        "quote",
        "start",
        "end",
        "line",
        "column",
        "context",
        "speaker",
        "speaker_role",
        "speaker_at",
        "joiner",
        "mentions",
        "row",
    }


def test_locate_of_text_nowhere_is_one_line(capsys):
    assert run_cli(capsys, "locate", "不存在的文字", str(ROOT)) == (
        1,
        "",
        'error: "不存在的文字" occurs in no archived document\n',
    )


def _all(text: str, needle: str) -> list[int]:
    places, at = [], text.find(needle)
    while at >= 0:
        places.append(at)
        at = text.find(needle, at + 1)
    return places


def _set_offsets(package, start: int, end: int) -> None:
    observations = package / "sources" / "observations.csv"
    text = observations.read_text(encoding="utf-8")
    observations.write_text(text.replace(f",{QUOTE},1068,1083,", f",{QUOTE},{start},{end},", 1), encoding="utf-8")


def test_a_quote_that_occurs_twice_is_listed_at_every_place_with_its_speaker(package, capsys):
    _set_offsets(package, 1069, 1084)
    code, out, _ = run_cli(capsys, "check", str(package))
    assert code == 1 and out.splitlines()[0].endswith(
        "not the quote; the quote is at 266–281 (no speaker named before it), 1068–1083 (after 王伟) (quote)"
    )


def test_offsets_counted_in_bytes_are_named_as_such(package, capsys):
    text = ROOT.joinpath(ARCHIVE).read_text(encoding="utf-8")
    start = len(text[:1068].encode("utf-8"))
    _set_offsets(package, start, start + len(QUOTE.encode("utf-8")))
    code, out, _ = run_cli(capsys, "check", str(package))
    assert code == 1 and out.splitlines()[0] == (
        f"sources/observations.csv:2: quote: quote_end {start + len(QUOTE.encode())} is past the end of the archived text "
        "(2482 code points: offsets count code points, not bytes); the quote is at 266–281 (no speaker named "
        f"before it), 1068–1083 (after 王伟); {start} counts bytes: in code points the quote starts at 1068 (quote)"
    )
