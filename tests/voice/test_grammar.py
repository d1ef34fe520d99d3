"""The JSGF grammar comes from the command table and the document's names, and pocketsphinx
accepts it (every word in its dictionary)."""

import pytest

from hypercode_voice import commands, grammar
from hypercode_voice.patterns import Names, split_identifier


@pytest.mark.parametrize("identifier, words", [
    ("total_price", ["total", "price"]), ("totalPrice", ["total", "price"]), ("x2", ["x", "two"]),
    ("HTTPServer", ["http", "server"]), ("area", ["area"]),
])
def test_identifiers_split_into_words(identifier, words):
    assert split_identifier(identifier) == words


def test_every_command_is_in_the_grammar():
    text = grammar.command_grammar(["total_price", "width"], asking=True)
    for index, command in enumerate(commands.COMMANDS):
        spelled = "<letters>" in command.pattern     # spelling is spell mode's grammar
        assert (f"<c{index}>" in text.splitlines()[2]) != spelled, command.pattern
    assert "<letters>" in grammar.spell_grammar()
    assert "<name> = total price | width;" in text
    assert "<c29> = rename <name> to <new>;" in text


def test_names_of_the_document_become_phrases():
    text = grammar.command_grammar(["total_price", "unit_cost", "_private", "point3"])
    assert "<name> = point three | private | total price | unit cost;" in text
    assert Names(["_private"]).resolve(["private"]) == ("_private", True)
    assert Names(["point3"]).resolve(["point", "three"]) == ("point3", True)


def test_commands_that_need_an_existing_name_wait_for_one():
    empty = grammar.command_grammar([])
    public = empty.splitlines()[2]
    go_to_function = commands.COMMANDS.index(commands.BY_NAME["go_to_function"])
    define = commands.COMMANDS.index(commands.BY_NAME["define_function"])
    assert f"<c{go_to_function}>" not in public
    assert f"<c{define}>" in public
    assert "<name>" not in empty


def test_unknown_words_are_left_out():
    known = {"total", "price"}
    assert grammar.name_phrases(["total_price", "total_xqz"], lambda w: w in known) == ["total price"]


def test_pocketsphinx_accepts_the_grammars():
    from hypercode_voice.recognizer import Recognizer
    recognizer = Recognizer()
    known = lambda word: recognizer.decoder.lookup_word(word) is not None  # noqa: E731
    for text in (grammar.command_grammar(["total_price", "width", "area"], known),
                 grammar.command_grammar([], known), grammar.spell_grammar(known)):
        missing = {w for w in grammar.grammar_words(text) if not known(w)}
        assert not missing
        recognizer.decoder.add_jsgf_string(f"g{abs(hash(text))}", text)


def test_the_matcher_reads_what_the_grammar_says():
    names = Names(["total_price"])
    parsed = commands.parse("if total price is greater than one hundred and five", names)
    assert (parsed.command.name, parsed.args) == ("if_greater", {"name": "total_price", "value": 105})
    parsed = commands.parse("define function area with width and height", names)
    assert parsed.args == {"name": "area", "names": ["width", "height"]}
    assert commands.parse("please make me a sandwich", names) is None


def test_a_name_in_the_file_may_hold_connector_words():
    parsed = commands.parse("rename add to cart to checkout", Names(["add_to_cart"]))
    assert parsed.args == {"old": "add_to_cart", "new": "checkout"}


def test_help_list_comes_from_the_table():
    listed = commands.help_list()
    assert len(listed) == len(commands.COMMANDS)
    assert {"say": "go to line NUMBER", "group": "navigation", "does": "Move the cursor to a line.",
            "name": "go_to_line"} in listed


def test_docs_hold_the_generated_command_list():
    from pathlib import Path
    from hypercode_voice.__main__ import commands_markdown
    docs = (Path(__file__).resolve().parents[2] / "docs" / "voice.md").read_text(encoding="utf-8")
    assert commands_markdown() in docs, "run: python -m hypercode_voice commands, and paste it into docs/voice.md"


def test_yes_and_no_are_heard_only_while_asking():
    answers = [f"<c{commands.COMMANDS.index(commands.BY_NAME[name])}>" for name in ("confirm", "dismiss")]
    public = grammar.command_grammar(["width"]).splitlines()[2]
    asking = grammar.command_grammar(["width"], asking=True).splitlines()[2]
    assert not any(a in public.replace(";", " ").split() for a in answers)
    assert all(a in asking.replace(";", " ").split() for a in answers)


def test_a_new_name_is_one_word_more_often_than_two():
    rule = next(line for line in grammar.command_grammar(["width"]).splitlines() if line.startswith("<new> ="))
    assert rule == "<new> = /3/ <name> | /3/ <new_word> | /1/ <new_word> <new_word>;"


@pytest.mark.parametrize("word, readings, extra", [
    ("explain", ["IH K S P L EY N"], ["EH K S P L EY N"]),
    ("expected", ["IH K S P EH K T AH D", "IH K S P EH K T IH D"], ["EH K S P EH K T AH D", "EH K S P EH K T IH D"]),
    ("exact", ["IH G Z AE K T", "EH G Z AE K T"], []),          # the dictionary has both already
    ("extra", ["EH K S T R AH"], []),                            # a full vowel stays as it is
    ("fix", ["F IH K S"], []),
])
def test_a_reduced_ex_prefix_also_gets_its_full_vowel(word, readings, extra):
    from hypercode_voice.readings import extra_readings
    assert extra_readings(word, readings) == extra


def test_the_dictionarys_readings_stay_first():
    from hypercode_voice.recognizer import Recognizer, _readings
    recognizer = Recognizer()
    assert _readings(recognizer.decoder, "explain") == ["IH K S P L EY N", "EH K S P L EY N"]
    assert _readings(recognizer.decoder, "dedent") == grammar.PRONUNCIATIONS["dedent"]
    # A name's words get theirs when a grammar with the name is compiled.
    recognizer.set_document(["expected_total"])
    recognizer.prepare()
    assert _readings(recognizer.decoder, "expected")[:2] == ["IH K S P EH K T AH D", "IH K S P EH K T IH D"]
    assert _readings(recognizer.decoder, "expected")[2:] == ["EH K S P EH K T AH D", "EH K S P EH K T IH D"]
