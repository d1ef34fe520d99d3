"""Talon-style phrase patterns: one small language for what can be said.

    go to line <number>
    define function <name> [with <names>]
    rename <name:old> to <name:new>
    (undo | scratch) that

Words match themselves; `[...]` is optional; `(a | b)` is one of; `<kind>` or `<kind:arg>` is a
slot filled from the words (kinds: number, name, names, value, values, letters). The same parsed
pattern gives the recogniser's JSGF rule (`grammar.py`) and the matcher below, so what the
grammar lets the recogniser hear, the matcher can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import NUMBER_WORDS, parse_number
from .spelling import spell

SLOT_KINDS = ("number", "name", "names", "new", "news", "value", "values", "letters")
# `name` is a name already in the file, `new` a name that may be new (a new function, parameter,
# variable): the grammar only lets the recogniser hear new words where a new name can go.
# Words that join the parts of a phrase: a new name never contains them (a name already in the
# file may, e.g. `add_to_cart`, and is then recognised whole).
CONNECTORS = frozenset({"with", "and", "to", "in", "is", "than", "equals", "greater", "less", "spell"})
MAX_NAME_WORDS = 5
VALUE_WORDS = {"true": True, "false": False, "none": None, "nothing": None}


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Slot:
    kind: str
    arg: str


@dataclass(frozen=True)
class Optional:
    items: tuple


@dataclass(frozen=True)
class OneOf:
    choices: tuple     # of tuples of items


_TOKEN = re.compile(r"<[a-z]+(?::[a-z_]+)?>|[\[\]()|]|[a-z][a-z'-]*")


def parse_pattern(pattern: str) -> tuple:
    tokens = _TOKEN.findall(pattern)
    if "".join(tokens) != re.sub(r"\s+", "", pattern):
        raise ValueError(f"bad voice pattern {pattern!r}")
    items, rest = _sequence(tokens, 0, pattern)
    if rest != len(tokens):
        raise ValueError(f"unbalanced voice pattern {pattern!r}")
    return tuple(items)


def _sequence(tokens, i, pattern):
    items = []
    while i < len(tokens) and tokens[i] not in ("]", ")", "|"):
        token = tokens[i]
        if token == "[":
            inner, i = _sequence(tokens, i + 1, pattern)
            if i >= len(tokens) or tokens[i] != "]":
                raise ValueError(f"unclosed [ in voice pattern {pattern!r}")
            items.append(Optional(tuple(inner)))
            i += 1
        elif token == "(":
            choices = []
            while True:
                inner, i = _sequence(tokens, i + 1, pattern)
                choices.append(tuple(inner))
                if i < len(tokens) and tokens[i] == "|":
                    continue
                break
            if i >= len(tokens) or tokens[i] != ")":
                raise ValueError(f"unclosed ( in voice pattern {pattern!r}")
            items.append(OneOf(tuple(choices)))
            i += 1
        elif token.startswith("<"):
            kind, _, arg = token[1:-1].partition(":")
            if kind not in SLOT_KINDS:
                raise ValueError(f"unknown slot <{kind}> in voice pattern {pattern!r}")
            items.append(Slot(kind, arg or kind))
            i += 1
        else:
            items.append(Word(token))
            i += 1
    return items, i


def leaves(items):
    """Every Word and Slot of a pattern, inside optional parts and choices too."""
    for item in items:
        if isinstance(item, Optional):
            yield from leaves(item.items)
        elif isinstance(item, OneOf):
            for choice in item.choices:
                yield from leaves(choice)
        else:
            yield item


def literal_words(items) -> set[str]:
    """Every fixed word a pattern can say (for the grammar's vocabulary and the connectors)."""
    return {item.text for item in leaves(items) if isinstance(item, Word)}


def example(items) -> str:
    """A readable form of a pattern: 'define function NAME [with NAME and …]'."""
    out = []
    for item in items:
        if isinstance(item, Word):
            out.append(item.text)
        elif isinstance(item, Slot):
            out.append({"names": "NAME [and NAME …]", "news": "NAME [and NAME …]", "new": "NAME",
                        "values": "VALUE [and VALUE …]",
                        "letters": "LETTERS"}.get(item.kind, (item.arg if item.arg != item.kind else item.kind).upper()))
        elif isinstance(item, Optional):
            out.append(f"[{example(item.items)}]")
        elif isinstance(item, OneOf):
            out.append("/".join(example(choice) for choice in item.choices))
    return " ".join(out)


# ---------------------------------------------------------------------------------- matching

class Names:
    """The document's names as words: ('total', 'price') → 'total_price'."""

    def __init__(self, identifiers=()):
        self.by_words: dict[tuple[str, ...], str] = {}
        for identifier in identifiers:
            words = tuple(split_identifier(identifier))
            if words:
                self.by_words.setdefault(words, identifier)

    def resolve(self, words: list[str]) -> tuple[str, bool]:
        """(identifier, known) for the spoken words of a name."""
        known = self.by_words.get(tuple(words))
        if known is not None:
            return known, True
        return "_".join(words), False

    def words(self) -> set[str]:
        return {word for words in self.by_words for word in words}


def split_identifier(identifier: str) -> list[str]:
    """`total_price` → ['total', 'price']; `totalPrice` → ['total', 'price']; `x2` → ['x', 'two']."""
    from .numbers import number_words
    words = []
    for part in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", identifier):
        if part.isdigit():
            words.extend(number_words(int(part)).split())
        else:
            words.append(part.lower())
    return words


@dataclass
class Match:
    args: dict
    known_names: int      # name slots filled with a name already in the document
    name_words: int       # words spent on names (fewer is the simpler reading)


def match(items, words: list[str], names: Names) -> list[Match]:
    """Every way the pattern reads all of `words`."""
    out = []
    for args, i, known, spent in _match(tuple(items), words, 0, names):
        if i == len(words):
            out.append(Match(args, known, spent))
    return out


def _match(items, words, i, names):
    if not items:
        yield {}, i, 0, 0
        return
    first, rest = items[0], items[1:]
    if isinstance(first, Word):
        if i < len(words) and words[i] == first.text:
            yield from _match(rest, words, i + 1, names)
        return
    if isinstance(first, Optional):
        yield from _match(first.items + rest, words, i, names)
        yield from _match(rest, words, i, names)
        return
    if isinstance(first, OneOf):
        for choice in first.choices:
            yield from _match(choice + rest, words, i, names)
        return
    for value, j, known, spent in _slot(first.kind, words, i, names):
        for args, k, known2, spent2 in _match(rest, words, j, names):
            merged = dict(args)
            merged[first.arg] = value
            yield merged, k, known + known2, spent + spent2


def _slot(kind, words, i, names):
    """(value, next index, known names, name words) for each way a slot reads words[i:]."""
    if kind == "number":
        for j in range(i + 1, min(len(words), i + 8) + 1):
            value = parse_number(words[i:j])
            if value is not None:
                yield value, j, 0, 0
    elif kind == "letters":
        for j in range(len(words), i, -1):
            text = spell(words[i:j])
            if text is not None:
                yield text, j, 0, 0
    elif kind in ("name", "new"):
        yield from _name(words, i, names)
    elif kind == "value":
        yield from _value(words, i, names)
    elif kind in ("names", "news", "values"):
        single = _value if kind == "values" else _name
        for value, j, known, spent in single(words, i, names):
            yield [value], j, known, spent
            if j < len(words) and words[j] == "and":
                for more, k, known2, spent2 in _slot(kind, words, j + 1, names):
                    yield [value] + more, k, known + known2, spent + spent2


def _name(words, i, names):
    if i < len(words) and words[i] == "spell":
        for j in range(len(words), i + 1, -1):
            text = spell(words[i + 1:j])
            if text is not None:
                yield text, j, 1, 1
        return
    for j in range(i + 1, min(len(words), i + MAX_NAME_WORDS) + 1):
        part = words[i:j]
        identifier, known = names.resolve(part)
        if not known and any(w in CONNECTORS or w in NUMBER_WORDS or not w.isalpha()
                             for w in part):
            continue
        if not identifier.isidentifier():
            continue
        yield identifier, j, int(known), len(part)


def _value(words, i, names):
    if i < len(words) and words[i] in VALUE_WORDS:
        yield VALUE_WORDS[words[i]], i + 1, 0, 0
    for value, j, known, spent in _slot("number", words, i, names):
        yield value, j, known, spent
    for identifier, j, known, spent in _name(words, i, names):
        yield Name(identifier), j, known, spent


class Name(str):
    """A value slot filled with a name (so it is written bare, not quoted)."""


def literal(value) -> str:
    """A value as HyperCode source."""
    if isinstance(value, Name):
        return str(value)
    if isinstance(value, str):
        return repr(value)
    return repr(value)


def normalise_words(text: str) -> list[str]:
    """A transcript as lower-case words: punctuation dropped, 'x-ray' kept, digits to words."""
    from .numbers import number_words
    words = []
    for word in re.findall(r"[a-zA-Z][a-zA-Z'-]*|\d+", text):
        if word.isdigit():
            words.extend(number_words(int(word)).split())
        else:
            words.append(word.lower().strip("'-"))
    return [w for w in words if w]


__all__ = ["parse_pattern", "match", "Names", "split_identifier", "normalise_words", "literal",
           "literal_words", "example", "Word", "Slot", "Optional", "OneOf", "Name"]
