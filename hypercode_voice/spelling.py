"""Spelling a name letter by letter: "spell t o t a l" or NATO words ("tango oscar tango …").

Letters are recognised as words: the recogniser's dictionary spells the letter names
("a", "b", "see"…) differently from how people write them, so the spoken forms each letter may
come back as are listed here, plus "underscore", "space" and the digits.
"""

from __future__ import annotations

from .numbers import UNITS

NATO = {
    "alpha": "a", "alfa": "a", "bravo": "b", "charlie": "c", "delta": "d", "echo": "e",
    "foxtrot": "f", "golf": "g", "hotel": "h", "india": "i", "juliet": "j", "kilo": "k",
    "lima": "l", "mike": "m", "november": "n", "oscar": "o", "papa": "p", "quebec": "q",
    "romeo": "r", "sierra": "s", "tango": "t", "uniform": "u", "victor": "v", "whiskey": "w",
    "x-ray": "x", "xray": "x", "yankee": "y", "zulu": "z",
}
# Letter names as a recogniser writes them (pocketsphinx's dictionary has "a." style entries
# under these plain words) and as people type them.
LETTER_NAMES = {chr(c): chr(c) for c in range(ord("a"), ord("z") + 1)}
LETTER_NAMES.update({"bee": "b", "see": "c", "dee": "d", "gee": "g", "jay": "j", "kay": "k",
                     "pea": "p", "pee": "p", "cue": "q", "queue": "q", "are": "r", "tee": "t",
                     "you": "u", "vee": "v", "ex": "x", "why": "y", "zee": "z", "zed": "z"})
SYMBOLS = {"underscore": "_", "space": " ", "dash": "-"}
DIGITS = {word: str(value) for value, word in enumerate(UNITS)}

SPELLING = {**LETTER_NAMES, **NATO, **SYMBOLS, **DIGITS}
# The words the grammar offers for spelling: one spoken form per letter keeps it small.
GRAMMAR_LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
GRAMMAR_WORDS = GRAMMAR_LETTERS + sorted(k for k in NATO if k not in ("alfa", "xray", "x-ray")) + \
    sorted(SYMBOLS) + list(UNITS)


def spell(words: list[str]) -> str | None:
    """'t o t a l' → 'total'; 'tango oscar' → 'to'; 'capital a' → 'A'. None when a word isn't a letter."""
    out = []
    upper = False
    for word in (w.lower() for w in words):
        if word in ("capital", "cap", "upper"):
            upper = True
            continue
        letter = SPELLING.get(word)
        if letter is None and len(word) == 2 and word.endswith(".") and word[0].isalpha():
            letter = word[0]            # a recogniser's "t." spelling of a letter name
        if letter is None:
            return None
        out.append(letter.upper() if upper else letter)
        upper = False
    return "".join(out) or None


def is_spelling_word(word: str) -> bool:
    return word.lower() in SPELLING or word.lower() in ("capital", "cap", "upper")


__all__ = ["spell", "is_spelling_word", "NATO", "SPELLING", "GRAMMAR_WORDS"]
