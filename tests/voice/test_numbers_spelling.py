"""Number words and spelling: what the grammar lets people say, read back exactly."""

import pytest
from hypothesis import given, strategies as st

from hypercode_voice.numbers import number_words, parse_number
from hypercode_voice.spelling import spell


@pytest.mark.parametrize("words, value", [
    ("zero", 0), ("seven", 7), ("twelve", 12), ("twenty", 20), ("forty two", 42),
    ("one hundred", 100), ("one hundred and five", 105), ("one hundred five", 105),
    ("three hundred and twenty one", 321), ("two thousand", 2000),
    ("two thousand and five", 2005), ("twelve thousand three hundred and forty five", 12345),
    ("minus three", -3),
])
def test_number_words(words, value):
    assert parse_number(words.split()) == value


@pytest.mark.parametrize("words", ["", "hundred", "and five", "five six", "twenty twenty", "zero five",
                                   "one hundred and", "ten hundred", "total"])
def test_not_one_number(words):
    assert parse_number(words.split()) is None


@given(st.integers(min_value=-999_999, max_value=999_999))
def test_words_round_trip(value):
    assert parse_number(number_words(value).split()) == value


@pytest.mark.parametrize("words, text", [
    ("t o t a l", "total"),
    ("tango oscar tango alpha lima", "total"),
    ("capital a b", "Ab"),
    ("x underscore two", "x_2"),
    ("see dee", "cd"),
    ("t.", "t"),
])
def test_spelling(words, text):
    assert spell(words.split()) == text


def test_spelling_refuses_words():
    assert spell("t o t a l please".split()) is None
    assert spell([]) is None
