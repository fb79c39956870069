"""The README's snippets run as written, on the release in dist/."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, run_process

README = (ROOT / "README.md").read_text(encoding="utf-8")
SNIPPETS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def test_the_readme_starts_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, flags=re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.splitlines()] == ["make", "make test"]


@pytest.mark.parametrize("snippet", SNIPPETS, ids=["pandas", "polars", "duckdb"])
def test_snippet_runs_and_prints_observations(snippet):
    import sys

    from pubkit.releases import index

    assert f"dist/{index.load(ROOT)['releases'][-1]['folder']}/" in snippet  # the latest release, generated
    result = run_process(sys.executable, "-c", snippet, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "obs-0" in result.stdout


def test_the_sqlite_snippet_runs_and_prints_observations():
    from conftest import require_program

    require_program("sqlite3", "sqlite3")
    snippet = next(block for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S) if "sqlite3" in block)
    result = run_process("bash", "-c", snippet, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    header, first, *rest = result.stdout.splitlines()  # the labelled view: every name beside its id
    assert header.split("|")[:4] == ["observation_id", "indicator_id", "indicator_name_zh", "indicator_name_en"]
    assert first.startswith("obs-001|clusters_count|") and len(rest) == 4
