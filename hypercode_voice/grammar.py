"""The recogniser's JSGF grammar, generated from the command table and the document's names.

`command_grammar(names)` turns every pattern in `commands.COMMANDS` into one JSGF alternative;
slots become rules: `<number>` (number words, as `numbers.py` reads them), `<name>` (a name in
the file said as words — `total_price` is "total price" —, a new name from a vocabulary of
common programming words, or "spell" + letters), `<value>` (number, name, true/false/none).
`spell_grammar()` is spell mode: letters, NATO words, and the mode commands.

Words the recogniser's dictionary doesn't know are left out of the grammar (a name made of
them can still be spelled); `PRONUNCIATIONS` adds the few command words it lacks.
"""

from __future__ import annotations

from .commands import COMMANDS, MODE_COMMANDS, Command
from .numbers import TEENS, TENS, UNITS
from .patterns import CONNECTORS, OneOf, Optional, Slot, Word, leaves, literal_words, split_identifier
from .spelling import GRAMMAR_WORDS

# Command words missing from CMUdict, in its phone set: each way people (and espeak) say them.
PRONUNCIATIONS = {"dedent": ["D IY D EH N T", "D EH D AH N T"]}

# New names are made from these words (two at most: "total price", "user name"). Every word
# here costs recognition time and accuracy in every command that takes a new name, so the list is
# short; any other name can be typed or spelled, and once it is in the file it is heard whole.
VOCABULARY = sorted(set("""
age amount area average balance box count cost counter data depth distance height index item
items key length limit list message name number price radius rate result score size speed step
sum text total user value values volume width word words x y
""".split()))

PUBLIC = "command"
TWO_WORD_WEIGHT = 1           # against 3 for a one-word new name


def _jsgf_items(items, rules: dict) -> str:
    out = []
    for item in items:
        if isinstance(item, Word):
            out.append(item.text)
        elif isinstance(item, Slot):
            out.append(f"<{item.kind}>")
        elif isinstance(item, Optional):
            out.append(f"[ {_jsgf_items(item.items, rules)} ]")
        elif isinstance(item, OneOf):
            out.append("( " + " | ".join(_jsgf_items(choice, rules) for choice in item.choices) + " )")
    return " ".join(out)


def _slots(items) -> set[str]:
    return {item.kind for item in leaves(items) if isinstance(item, Slot)}


def number_rules() -> dict[str, str]:
    return {
        "digit": " | ".join(UNITS[1:]),
        "below_hundred": "zero | <digit> | " + " | ".join(TEENS) + " | ( " + " | ".join(TENS) + " ) [ <digit> ]",
        "below_thousand": "<below_hundred> | <digit> hundred [ [ and ] <below_hundred> ]",
        # Up to 999 by voice (line numbers, counts, small constants): "thousand" and "minus"
        # doubled the ways a stray sound could end a command. Bigger numbers can be typed.
        "number": "<below_thousand>",
    }


def name_phrases(names, known_word=lambda w: True) -> list[str]:
    """The document's names as spoken phrases, only those whose every word can be recognised."""
    phrases = set()
    for name in names:
        words = split_identifier(name)
        if words and len(words) <= 5 and all(w.isalpha() and known_word(w) for w in words):
            phrases.add(" ".join(words))
    return sorted(phrases)


# Answers to "Did you say …?": only in the grammar while the editor is asking. A one-word
# command elsewhere is the cheapest path for any sound the grammar can't place ("add parameter
# depth" heard as "no"), so it must not be on offer when it means nothing.
ANSWERS = frozenset({"confirm", "dismiss"})


def command_grammar(names=(), known_word=lambda w: True, commands: list[Command] | None = None,
                    asking: bool = False) -> str:
    """JSGF for command mode: every command, with the document's `names` (identifiers);
    "yes" and "no" only while `asking`.

    A slot for an existing name (`<name>`) hears only the file's names, so a command that needs
    one is left out while the file has none; new-name slots (`<new>`) also hear the vocabulary.
    Spelling is its own command ("spell t o t a l") and mode, not part of every name: each slot
    is copied into the recogniser's search graph wherever it is used, and keeping them small is
    what keeps recognition fast."""
    commands = commands or COMMANDS
    phrases = name_phrases(names, known_word)
    rules: dict[str, str] = {}
    alternatives = []
    needed = set()
    for index, command in enumerate(commands):
        slots = _slots(command.items)
        if command.name in ANSWERS and not asking:
            continue
        if "letters" in slots:
            continue        # spelling has its own mode: a run of letters would soak up any sound
        if not phrases and slots & {"name", "names"} and not _optional_only(command.items, {"name", "names"}):
            continue
        rules[f"c{index}"] = _jsgf_items(command.items, rules)
        alternatives.append(f"<c{index}>")
        needed |= slots
    if needed & {"number", "value", "values"}:
        rules.update(number_rules())
    if phrases:
        rules["name"] = " | ".join(phrases)
        rules["names"] = "<name> ( and <name> )*"
    if needed & {"new", "news"}:
        vocabulary = [w for w in VOCABULARY if known_word(w) and w not in CONNECTORS]
        rules["new_word"] = " | ".join(vocabulary)
        # A prior that a new name is one word rather than two (the matcher also prefers fewer
        # name words). Small next to acoustic scores: it breaks near-ties, no more.
        rules["new"] = ("/3/ <name> | " if phrases else "") + f"/3/ <new_word> | /{TWO_WORD_WEIGHT}/ <new_word> <new_word>"
        rules["news"] = "<new> ( and <new> )*"
    if needed & {"value", "values"}:
        rules["value"] = "<number> | " + ("<name> | " if phrases else "") + "true | false | none"
        rules["values"] = "<value> ( and <value> )*"
    if "letters" in needed:
        rules["letter"] = " | ".join(w for w in GRAMMAR_WORDS if known_word(w))
        rules["letters"] = "<letter>+"
    return _render(alternatives, rules)


def _optional_only(items, kinds) -> bool:
    """Whether every slot of `kinds` in the pattern sits inside an optional part."""
    for item in items:
        if isinstance(item, Slot) and item.kind in kinds:
            return False
        if isinstance(item, OneOf) and any(not _optional_only(c, kinds) for c in item.choices):
            return False
    return True


def spell_grammar(known_word=lambda w: True) -> str:
    """JSGF for spell mode: a run of letters, or a mode command to leave it."""
    rules = {f"m{i}": _jsgf_items(c.items, {}) for i, c in enumerate(MODE_COMMANDS)}
    rules["letter"] = " | ".join(w for w in GRAMMAR_WORDS + ["capital"] if known_word(w))
    rules["letters"] = "<letter>+"
    return _render(["<letters>"] + [f"<m{i}>" for i in range(len(MODE_COMMANDS))], rules)


def _render(alternatives: list[str], rules: dict[str, str]) -> str:
    lines = ["#JSGF V1.0;", "grammar hypercode;", f"public <{PUBLIC}> = " + " | ".join(alternatives) + ";"]
    lines += [f"<{name}> = {body};" for name, body in rules.items()]
    return "\n".join(lines) + "\n"


def grammar_words(grammar: str) -> set[str]:
    """Every word a grammar can say (tests use it to check the dictionary covers them)."""
    import re
    words = set()
    for line in grammar.splitlines()[2:]:
        body = line.split("=", 1)[1] if "=" in line else ""
        body = re.sub(r"<[a-z_0-9]+>", " ", body)
        words |= {w for w in re.findall(r"[a-z][a-z'.-]*", body)}
    return words


def fixed_words() -> set[str]:
    """Every word a grammar can say whatever the document: commands, numbers, the new-name
    vocabulary, spelling."""
    return grammar_words(command_grammar(asking=True)) | grammar_words(spell_grammar()) | all_literal_words()


def all_literal_words() -> set[str]:
    found = set()
    for command in COMMANDS:
        found |= literal_words(command.items)
    return found


__all__ = ["ANSWERS", "command_grammar", "spell_grammar", "name_phrases", "number_rules", "grammar_words",
           "VOCABULARY", "PRONUNCIATIONS", "all_literal_words", "fixed_words"]
