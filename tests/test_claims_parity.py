"""The value-provenance profile's fast paths give what their plain references give (hypothesis):
claims numbered by combined column codes as pandas' ``groupby(...).ngroup()`` numbers them, and a quote's
clause found by one greedy match as by listing every break before it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pubkit.profiles.value_provenance import claims
from pubkit.profiles.value_provenance.catalogue import CLAUSE_BREAK

texts = st.one_of(st.none(), st.sampled_from(["", "a", "b", "近10万亿", "a,b"]))
numbers = st.one_of(st.none(), st.sampled_from([0.0, 1.5, 2.0, float("nan"), 1e300]))
integers = st.one_of(st.none(), st.integers(-2, 2))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(texts, numbers, integers, texts), max_size=40))
def test_claim_ids_number_rows_as_groupby_ngroup(rows):
    frame = pd.DataFrame(
        {
            "quote": pd.array([r[0] for r in rows], dtype="string[pyarrow]"),
            "value": pd.array([np.nan if r[1] is None else r[1] for r in rows], dtype="float64"),
            "unitMultiplier": pd.array([r[2] for r in rows], dtype="Int64"),
            "status": pd.array([r[3] for r in rows], dtype="string[pyarrow]"),
        }
    )
    expected = frame.groupby(list(frame.columns), dropna=False, sort=False).ngroup().to_numpy()
    assert claims._claim_ids(frame).tolist() == expected.tolist()


def _clause_reference(quote: str, stated: str) -> str:
    at = quote.find(stated)
    starts = [m.end() for m in CLAUSE_BREAK.finditer(quote, 0, at)]
    end = CLAUSE_BREAK.search(quote, at + len(stated))
    return quote[(starts[-1] if starts else 0) : (end.start() if end else len(quote))]


pieces = st.sampled_from(["，", ",", "。", "、", "：", "增长", "10%", "a", "\n", " "])


@settings(max_examples=300, deadline=None)
@given(st.lists(pieces, max_size=12), st.lists(pieces, min_size=1, max_size=3), st.lists(pieces, max_size=12))
def test_clause_is_the_text_between_the_breaks_around_the_stated_text(before, stated, after):
    quote, stated_text = "".join(before + stated + after), "".join(stated)
    assert claims._clause(quote, stated_text) == _clause_reference(quote, stated_text)


def test_claims_rows_come_claim_by_claim_in_row_order():
    grouped = claims._Claims(np.array([0, 1, 0, 2, 1, 0]))
    assert grouped.count == 3
    assert grouped.firsts(range(0, 3)).tolist() == [0, 1, 3]
    assert [grouped.rows(g).tolist() for g in range(3)] == [[0, 2, 5], [1, 4], [3]]


def test_seen_starts_afresh_past_its_limit(monkeypatch):
    monkeypatch.setattr(claims, "SEEN_LIMIT", 2)
    seen = claims._Seen()
    seen["a"], seen["b"] = 1, 2
    seen["c"] = 3
    assert dict(seen) == {"c": 3}


def test_claims_are_taken_from_the_rows_they_span():
    frame = pd.DataFrame({"quote": pd.array(list("abcdef"), dtype="string[pyarrow]")})
    assert claims._taken(frame, np.array([1, 2, 3]))["quote"].tolist() == ["b", "c", "d"]
    assert claims._taken(frame, np.array([0, 2, 5]))["quote"].tolist() == ["a", "c", "f"]
    assert claims._rows(claims._taken(frame, np.array([4]))) == [{"quote": "e"}]


def _speakers_reference(figures: pd.DataFrame) -> dict:
    rows = figures.dropna(subset=["speaker"]).drop_duplicates("speaker")
    roles_ = rows["speakerRole"] if "speakerRole" in rows else pd.Series("", index=rows.index)
    return {s: (role if pd.notna(role) else "") for s, role in zip(rows["speaker"], roles_)}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(texts, texts), max_size=30), st.booleans())
def test_speakers_are_those_of_the_frame_in_order_of_first_appearance(rows, with_roles):
    frame = pd.DataFrame({"speaker": pd.array([r[0] for r in rows], dtype="string[pyarrow]")})
    if with_roles:
        frame["speakerRole"] = pd.array([r[1] for r in rows], dtype="string[pyarrow]")
    frame.index = pd.Index(range(2, 2 + len(rows)), name="line")  # rows are indexed by editor line
    found = claims._speakers(frame)
    assert found == _speakers_reference(frame)
    assert list(found) == list(_speakers_reference(frame))
