"""Finding numeric mentions in archived text, and the ones nothing accounts for."""

from __future__ import annotations

import pytest

from conftest import run_cli
from pubkit.profiles.mentions_zh import context, mentions, uncovered, unused


@pytest.mark.parametrize(
    "text, found",
    [
        ("证券时报 2022-09-24 07:31", ["2022-09-24 07:31"]),
        ("2012-2021年,增速达到6.7%", ["2012-2021年", "6.7%"]),
        ("产值近10万亿元,集聚了规上企业2.5万家", ["10万亿元", "2.5万家"]),
        ("贡献了全国1/4的工业增加值", ["1/4"]),
        ("两个万亿级产业集群以及五个千亿级产业集群", ["两个", "万亿级", "五个", "千亿级"]),
        ("今年实施重大项目100多个", ["100多个"]),
        ("上千家专精特新", ["千家"]),
        ("党的十八大以来", ["十八大"]),
        ("加快培育形成一批", ["一批"]),
        ("一体化发展,新一代信息技术,进一步", []),
    ],
)
def test_mentions(text, found):
    assert [m.text for m in mentions(text)] == found


def test_uncovered_and_unused():
    text = "近10万亿元,2.5万家,中部六省"
    assert [m.text for m in uncovered(text, [(0, 6)])] == ["2.5万家", "六省"]
    assert uncovered(text, [(0, 6), (7, 12), (13, 17)]) == []
    assert unused(text, [(0, 6), (6, 7)]) == [(6, 7)]


def test_context_marks_the_mention():
    text = "重点培育的25个先进制造业集群"
    assert context(text, mentions(text)[0]) == "…重点培育的[25个]先进制造业集群…"


def test_the_archived_document_is_fully_covered(capsys):
    # The real package: every mention is in a quote or on the reviewed ignore list.
    code, out, _ = run_cli(capsys, "check", ".")
    assert "(coverage)" not in out and code == 0


def test_the_coverage_report_accounts_for_every_mention(capsys):
    code, out, _ = run_cli(capsys, "coverage", ".")
    lines = out.splitlines()
    assert code == 0 and lines[-1] == "65 numeric mention(s), 0 uncovered"
    assert lines[0] == (
        'sources/documents/stcn-2022-09-24-miit-manufacturing-clusters.txt:1: offset 4: "25个" '
        "…工信部:[25个]集群主导产业产值近10万… -> ignored: restatement"
    )
    assert any(line.endswith("-> obs-013") and '"2000亿元"' in line for line in lines)
