"""Which characters a regular expression's match can start with, and a lexer pattern built on that.

Lark's lexer is one regular expression `(?P<A>…)|(?P<B>…)|…`, tried in order at every token.
Python's `re` tries every alternative in turn, and each one opens a group before it looks at
the text, so the common tokens (names, newlines, brackets) pay for the dozens of terminals
listed before them. `dispatch_pattern` groups the terminals by the first character of the
text: each group is guarded by a cheap look-ahead at that character and holds, in Lark's order,
only the terminals that can start with it. Which terminal matches is therefore what Lark's own
order gives, at a fraction of the cost.

The first characters are read from the pattern's parse (`re._parser`, the module `re` itself
compiles with). Anything not understood counts as "any character", so a set is never too
small: a terminal can only be tried where it cannot match, never left out where it could.
"""

from __future__ import annotations

import re
from re import _constants as sre
from re import _parser as sre_parse

ASCII = tuple(chr(code) for code in range(128))
#: Stands for every character outside ASCII (terminals are told apart by ASCII characters).
BEYOND_ASCII = "\x80"
ANY_CHARACTER = frozenset(ASCII) | {BEYOND_ASCII}
_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D", sre.CATEGORY_SPACE: r"\s",
               sre.CATEGORY_NOT_SPACE: r"\S", sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.ASSERT, sre.ASSERT_NOT, sre.AT)
#: Characters that start tokens most often in Python-shaped code, most frequent first: the
#: order in which the groups are tried (any order gives the same tokens; this one is fastest).
USUAL_FIRST_CHARACTERS = "e\n()=rf1:,.'\"u[]+-*"


def first_characters(pattern: str, flags: int = 0) -> frozenset:
    """The characters (ASCII, or BEYOND_ASCII for any other) a match of `pattern` can start
    with. A pattern that can match the empty string can start with anything."""
    try:
        parsed = sre_parse.parse(pattern, flags)
    except re.error:
        return ANY_CHARACTER
    if parsed.state.flags & re.IGNORECASE:
        return ANY_CHARACTER
    characters, can_be_empty = _first_of_sequence(parsed)
    return ANY_CHARACTER if can_be_empty else frozenset(characters)


def _first_of_sequence(items) -> tuple[set, bool]:
    found: set = set()
    for op, argument in items:
        characters, can_be_empty = _first_of_item(op, argument)
        found |= characters
        if not can_be_empty:
            return found, False
    return found, True


def _first_of_item(op, argument) -> tuple[set, bool]:
    if op is sre.LITERAL:
        return {chr(argument) if argument < 128 else BEYOND_ASCII}, False
    if op is sre.NOT_LITERAL:
        return set(ANY_CHARACTER) - {chr(argument)}, False
    if op is sre.IN:
        return _class_members(argument), False
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, inner = argument
        if add_flags or del_flags:            # (?i:…) and the like: don't guess
            return set(ANY_CHARACTER), False
        return _first_of_sequence(inner)
    if op is sre.BRANCH:
        found, can_be_empty = set(), False
        for alternative in argument[1]:
            characters, empty = _first_of_sequence(alternative)
            found |= characters
            can_be_empty |= empty
        return found, can_be_empty
    if op in _REPEATS:
        least, _most, inner = argument
        characters, can_be_empty = _first_of_sequence(inner)
        return characters, can_be_empty or least == 0
    if op in _ZERO_WIDTH:
        return set(), True
    return set(ANY_CHARACTER), True             # ANY, back-references, …


def _class_members(items) -> set:
    """The ASCII members of a character class `[…]`, and BEYOND_ASCII when it may hold more."""
    tests, negated, beyond = [], False, False
    for op, argument in items:
        if op is sre.NEGATE:
            negated = beyond = True
        elif op is sre.LITERAL:
            tests.append(lambda c, code=argument: ord(c) == code)
            beyond |= argument >= 128
        elif op is sre.RANGE:
            tests.append(lambda c, low=argument[0], high=argument[1]: low <= ord(c) <= high)
            beyond |= argument[1] >= 128
        elif op is sre.CATEGORY and argument in _CATEGORIES:
            category = re.compile(_CATEGORIES[argument])
            tests.append(lambda c, category=category: category.match(c) is not None)
            beyond = True
        else:
            return set(ANY_CHARACTER)
    members = {c for c in ASCII if any(test(c) for test in tests) != negated}
    return members | {BEYOND_ASCII} if beyond else members


def dispatch_pattern(alternatives: list[tuple[str, str]], flags: int = 0) -> tuple[str, dict[str, str]]:
    """For Lark's alternatives `[(terminal name, regex), …]` in Lark's order: the source of an
    equivalent alternation grouped by first character, and the group name → terminal name map
    (a terminal appears once per group it can start; its groups are named `NAME__k`)."""
    firsts = [(name, regex, first_characters(regex, flags)) for name, regex in alternatives]
    by_terminals: dict[tuple, set] = {}
    for character in (*ASCII, BEYOND_ASCII):
        names = tuple(index for index, (_n, _r, first) in enumerate(firsts) if character in first)
        if names:
            by_terminals.setdefault(names, set()).add(character)

    def usual_first(group) -> tuple:
        _names, characters = group
        ranks = [USUAL_FIRST_CHARACTERS.index(c) for c in characters if c in USUAL_FIRST_CHARACTERS]
        return (min(ranks) if ranks else len(USUAL_FIRST_CHARACTERS), -len(characters))

    parts, terminal_of = [], {}
    for number, (indexes, characters) in enumerate(sorted(by_terminals.items(), key=usual_first)):
        members = []
        for index in indexes:
            name, regex, _first = firsts[index]
            group = f"{name}__{number}"
            terminal_of[group] = name
            members.append(f"(?P<{group}>{regex})")
        parts.append(f"(?={_character_class(characters)})(?:{'|'.join(members)})")
    return "|".join(parts), terminal_of


def _character_class(characters: set) -> str:
    ascii_part = "".join(re.escape(c) for c in sorted(characters) if c != BEYOND_ASCII)
    return "[" + ascii_part + ("\\x80-\\U0010ffff" if BEYOND_ASCII in characters else "") + "]"
