"""Number words ⇄ numbers: "twelve" → 12, "one hundred and five" → 105, "two thousand" → 2000.

The recogniser's grammar (`grammar.number_rule`) and this parser use the same word lists, so
whatever the grammar lets through, `parse_number` understands. Zero to 999,999.
"""

from __future__ import annotations

UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
SCALES = {"hundred": 100, "thousand": 1000}

_SMALL = {word: value for value, word in enumerate(UNITS)}
_SMALL.update({word: 10 + value for value, word in enumerate(TEENS)})
_TENS = {word: 20 + 10 * value for value, word in enumerate(TENS)}
NUMBER_WORDS = frozenset(_SMALL) | frozenset(_TENS) | frozenset(SCALES) | {"and", "minus"}


def _below_hundred(words: list[str], i: int) -> tuple[int, int] | None:
    """(value, next index) for 'seven', 'twenty', 'twenty one' at words[i]."""
    if i >= len(words):
        return None
    word = words[i]
    if word in _SMALL:
        return _SMALL[word], i + 1
    if word in _TENS:
        if i + 1 < len(words) and words[i + 1] in UNITS[1:]:
            return _TENS[word] + _SMALL[words[i + 1]], i + 2
        return _TENS[word], i + 1
    return None


def _below_thousand(words: list[str], i: int) -> tuple[int, int] | None:
    """'three hundred and five', 'three hundred', 'forty two'."""
    first = _below_hundred(words, i)
    if first is None:
        return None
    value, i = first
    if i < len(words) and words[i] == "hundred" and 1 <= value <= 9:
        value *= 100
        i += 1
        j = i + 1 if i < len(words) and words[i] == "and" else i
        rest = _below_hundred(words, j)
        if rest is not None and rest[0] > 0:
            value += rest[0]
            i = rest[1]
    return value, i


def parse_number(words: list[str]) -> int | None:
    """The number the words say, or None when they don't say exactly one number."""
    words = [w.lower() for w in words]
    negative = bool(words) and words[0] == "minus"
    if negative:
        words = words[1:]
    first = _below_thousand(words, 0)
    if first is None:
        return None
    value, i = first
    if i < len(words) and words[i] == "thousand" and value >= 1:
        value *= 1000
        i += 1
        j = i + 1 if i < len(words) and words[i] == "and" else i
        rest = _below_thousand(words, j)
        if rest is not None and rest[0] > 0:
            value += rest[0]
            i = rest[1]
    if i != len(words):
        return None
    if value != 0 and words[0] == "zero":
        return None
    return -value if negative else value


def number_words(value: int) -> str:
    """The words for a number, the way `parse_number` reads them back (used by tests and the bench)."""
    if value < 0:
        return "minus " + number_words(-value)
    if value < 10:
        return UNITS[value]
    if value < 20:
        return TEENS[value - 10]
    if value < 100:
        tens, unit = divmod(value, 10)
        return TENS[tens - 2] + (f" {UNITS[unit]}" if unit else "")
    if value < 1000:
        hundreds, rest = divmod(value, 100)
        return f"{UNITS[hundreds]} hundred" + (f" and {number_words(rest)}" if rest else "")
    thousands, rest = divmod(value, 1000)
    tail = ""
    if rest:
        tail = f" and {number_words(rest)}" if rest < 100 else f" {number_words(rest)}"
    return f"{number_words(thousands)} thousand{tail}"


__all__ = ["parse_number", "number_words", "NUMBER_WORDS", "UNITS", "TEENS", "TENS"]
