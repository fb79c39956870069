"""The Chinese quantity parser, on every form in the document and the other forms it reads."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pubkit.profiles.quantity_zh import QuantityError, chinese_integer, parse

IN_THE_DOCUMENT = [
    # stated text, number, unit_mult, qualifier, unit word, magnitude
    ("25个", 25, 0, "exact", "个", 25),
    ("近10万亿元", 10, 12, "nearly", "元", 10**13),
    ("近10万亿", 10, 12, "nearly", "", 10**13),
    ("2.5万家", Fraction(5, 2), 4, "exact", "家", 25_000),
    ("6.2万亿元", Fraction(31, 5), 12, "exact", "元", 6_200_000_000_000),
    ("6.1%", Fraction(61, 10), 0, "exact", "%", Fraction(61, 10)),
    ("53%", 53, 0, "exact", "%", 53),
    ("6.7%", Fraction(67, 10), 0, "exact", "%", Fraction(67, 10)),
    ("17.84%", Fraction(1784, 100), 0, "exact", "%", Fraction(1784, 100)),
    ("19.21%", Fraction(1921, 100), 0, "exact", "%", Fraction(1921, 100)),
    ("100多个", 100, 0, "more_than", "个", 100),
    ("超2000亿元", 2000, 8, "more_than", "元", 200_000_000_000),
    ("1/4", Fraction(1, 4), 0, "exact", "/", Fraction(1, 4)),
    ("3.7%", Fraction(37, 10), 0, "exact", "%", Fraction(37, 10)),
    ("3家", 3, 0, "exact", "家", 3),
    ("5.7万家", Fraction(57, 10), 4, "exact", "家", 57_000),
    ("445个", 445, 0, "exact", "个", 445),
    ("近45%", 45, 0, "nearly", "%", 45),
    ("6个", 6, 0, "exact", "个", 6),
    ("两个", 2, 0, "exact", "个", 2),
    ("五个", 5, 0, "exact", "个", 5),
    ("22家", 22, 0, "exact", "家", 22),
    ("53家", 53, 0, "exact", "家", 53),
    ("近100家", 100, 0, "nearly", "家", 100),
    ("上千家", 1, 3, "at_least", "家", 1000),
]
OTHER_FORMS = [
    ("约3万元", 3, 4, "approx", "元", 30_000),
    ("50左右", 50, 0, "approx", "", 50),
    ("超过1000家", 1000, 0, "more_than", "家", 1000),
    ("逾300项", 300, 0, "more_than", "项", 300),
    ("1万余家", 1, 4, "more_than", "家", 10_000),
    ("接近5亿元", 5, 8, "nearly", "元", 500_000_000),
    ("不少于10个", 10, 0, "at_least", "个", 10),
    ("100家以上", 100, 0, "at_least", "家", 100),
    ("不到20%", 20, 0, "less_than", "%", 20),
    ("最多3个", 3, 0, "at_most", "个", 3),
    ("十个", 10, 0, "exact", "个", 10),
    ("二十二家", 22, 0, "exact", "家", 22),
    ("一百零五家", 105, 0, "exact", "家", 105),
    ("两千五百家", 2500, 0, "exact", "家", 2500),
    ("3千家", 3, 3, "exact", "家", 3000),
    ("千亿元", 1, 11, "exact", "元", 10**11),
    ("近百家", 1, 2, "nearly", "家", 100),
]


@pytest.mark.parametrize("text, number, unit_mult, qualifier, unit_word, magnitude", IN_THE_DOCUMENT + OTHER_FORMS)
def test_parse(text, number, unit_mult, qualifier, unit_word, magnitude):
    quantity = parse(text)
    assert (quantity.number, quantity.unit_mult, quantity.qualifier, quantity.unit_word) == (
        number,
        unit_mult,
        qualifier,
        unit_word,
    )
    assert quantity.magnitude == magnitude


@pytest.mark.parametrize(
    "text, unit, value",
    [
        ("1/4", "percent", 25),
        ("53%", "percent", 53),
        ("近10万亿元", "CNY", 10**13),
        ("5.7万家", "enterprises", 57_000),
        ("两个", "clusters", 2),
    ],
)
def test_in_unit(text, unit, value):
    assert parse(text).in_unit(unit) == value


@pytest.mark.parametrize(
    "text, unit, message",
    [
        ("53%", "CNY", "a figure in % cannot be a value in CNY"),
        ("2000亿元", "percent", "a figure in 元 cannot be a value in percent"),
        ("5家", "percent", "a figure in 家 cannot be a value in percent"),
    ],
)
def test_in_unit_refuses_a_unit_mismatch(text, unit, message):
    with pytest.raises(QuantityError) as caught:
        parse(text).in_unit(unit)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "text, message",
    [
        ("近6.7", None),
        ("十八大", "'十八大' is not a quantity this parser reads"),
        ("about 10", "'about 10' is not a quantity this parser reads"),
        ("近100多家", "'近100多家' has more than one qualifier"),
        ("1/0", "'1/0' divides by zero"),
        ("三四个", "'三四' has two digits in a row"),
        ("", "'' is not a quantity this parser reads"),
    ],
)
def test_parse_refuses(text, message):
    if message is None:  # a bare qualified number is a quantity with no unit word
        assert parse(text).unit_word == ""
        return
    with pytest.raises(QuantityError) as caught:
        parse(text)
    assert str(caught.value) == message


@given(
    st.integers(min_value=1, max_value=9999),
    st.sampled_from([("", 0), ("万", 4), ("亿", 8), ("万亿", 12)]),
    st.sampled_from(["元", "家", "个", "%"]),
)
def test_arabic_round_trip(n, magnitude, unit):
    word, power = magnitude
    assert parse(f"{n}{word}{unit}").magnitude == n * 10**power


@given(st.integers(min_value=1, max_value=9999))
def test_chinese_integer_round_trip(n):
    assert chinese_integer(to_chinese(n)) == n


def to_chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    out, zero = "", False
    for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // power % 10
        if d:
            out += ("零" if zero and out else "") + digits[d] + unit
            zero = False
        elif out:
            zero = True
    return out
