"""Every voice command, on small documents: the edit it makes (which passes `check` where the
code around it does), or the action it asks of the editor, or the calm reason it can't."""

import pytest

import hypercode_lang as hc
from hypercode_voice import commands
from hypercode_voice.commands import Context, apply_edits, execute

URI = "file:///t.hc"

PROGRAM = """\
total_price = 5


def area(width):
    return width


print(total_price)
"""


def do(said: str, document: str, line: int = 1, col: int = 1):
    """(new text, command message) for saying `said` with the cursor at (line, col), 1-based."""
    message = execute(said, document, URI, {"line": line - 1, "character": col - 1})
    assert message["type"] == "command", message
    ctx = Context(document)
    ctx.line, ctx.col = line, col
    outcome = commands.run(commands.parse(said, ctx.names), ctx)
    return apply_edits(document, outcome.edits), message


def refused(said: str, document: str, line: int = 1, col: int = 1) -> str:
    message = execute(said, document, URI, {"line": line - 1, "character": col - 1})
    assert message["type"] == "error", message
    return message["message"]


def errors(text: str):
    return [d for d in hc.check(text, "t.hc") if d.severity == "error"]


def passes_check(text: str) -> None:
    assert errors(text) == [], text


def test_every_command_has_a_test_here():
    import inspect
    source = inspect.getsource(inspect.getmodule(test_every_command_has_a_test_here))
    for command in commands.COMMANDS:
        assert f'"{command.name}"' in source or f"'{command.name}'" in source, command.name


# ------------------------------------------------------------------ navigation

def test_go_to_line():
    _, message = do("go to line five", PROGRAM)
    assert message["name"] == "go_to_line"
    assert message["action"] == {"kind": "move", "position": {"line": 4, "character": 4}}
    assert "no line 50" in refused("go to line fifty", PROGRAM)


def test_go_to_function():
    _, message = do("go to function area", PROGRAM)
    assert message["name"] == "go_to_function"
    assert message["action"]["position"] == {"line": 3, "character": 4}
    assert refused("go to function volume", PROGRAM) == "There is no function called 'volume' in this file."


BROKEN = "x = 1\nprint(y)\nprint(z)\n"


def test_next_and_previous_error():
    _, message = do("next error", BROKEN, 1, 1)
    assert message["name"] == "next_error"
    assert message["action"]["position"] == {"line": 1, "character": 6}
    _, message = do("next error", BROKEN, 2, 7)
    assert message["action"]["position"] == {"line": 2, "character": 6}
    _, message = do("previous error", BROKEN, 3, 7)
    assert message["name"] == "previous_error"
    assert message["action"]["position"] == {"line": 1, "character": 6}
    assert refused("next error", PROGRAM) == "There are no problems in this file."


def test_top_and_end_of_file():
    _, message = do("top of file", PROGRAM, 5, 3)
    assert (message["name"], message["action"]["position"]) == ("top_of_file", {"line": 0, "character": 0})
    _, message = do("end of file", "a = 1\nb = 2", 1, 1)
    assert (message["name"], message["action"]["position"]) == ("end_of_file", {"line": 1, "character": 5})


# ------------------------------------------------------------------ editing

def test_new_line_keeps_the_indentation():
    text, message = do("new line", PROGRAM, 4, 1)
    assert message["name"] == "new_line"
    assert text.splitlines()[4] == "    "
    assert message["action"]["position"] == {"line": 4, "character": 4}


def test_delete_line_and_lines():
    text, message = do("delete line", "a = 1\nb = 2\nc = 3\n", 2)
    assert (message["name"], text) == ("delete_line", "a = 1\nc = 3\n")
    text, message = do("delete two lines", "a = 1\nb = 2\nc = 3\n", 1)
    assert (message["name"], text) == ("delete_lines", "c = 3\n")
    text, _ = do("delete line", "a = 1\nb = 2", 2)
    assert text == "a = 1"


def test_indent_and_dedent():
    text, message = do("indent", "if True:\npass\n", 2)
    assert (message["name"], text) == ("indent", "if True:\n    pass\n")
    passes_check(text)
    text, message = do("dedent", "x = 1\n    y = 2\n", 2)
    assert (message["name"], text) == ("dedent", "x = 1\ny = 2\n")


def test_comment_line_toggles():
    text, message = do("comment line", PROGRAM, 5)
    assert message["name"] == "comment_line"
    assert text.splitlines()[4] == "    # return width"
    text, _ = do("comment line", text, 5)
    assert text == PROGRAM


def test_select_function():
    _, message = do("select function area", PROGRAM)
    assert message["name"] == "select_function"
    assert message["action"] == {"kind": "select", "position": {"line": 3, "character": 0},
                                 "end": {"line": 4, "character": 16}}


def test_scratch_that_and_redo_are_editor_actions():
    for said in ("scratch that", "undo that"):
        text, message = do(said, PROGRAM)
        assert (message["name"], message["action"], message["edit"], text) == \
            ("scratch_that", {"kind": "undo"}, None, PROGRAM)
    _, message = do("redo", PROGRAM)
    assert (message["name"], message["action"]) == ("redo", {"kind": "redo"})


def test_spell_types_letters():
    text, message = do("spell t o t a l", "x = \n", 1, 5)
    assert (message["name"], text) == ("spell", "x = total\n")


# ------------------------------------------------------------------ structure

def test_define_function_after_the_statement_at_the_cursor():
    text, message = do("define function volume with width and height and depth", PROGRAM, 1)
    assert message["name"] == "define_function"
    assert "total_price = 5\n\ndef volume(width, height, depth):\n    pass\n\n\ndef area" in text
    passes_check(text)
    assert message["action"]["position"] == {"line": 3, "character": 4}


def test_define_function_on_a_blank_line():
    text, _ = do("define function area", "x = 1\n", 2)
    assert text == "x = 1\n\ndef area():\n    pass\n"
    passes_check(text)
    text, _ = do("define function area with width", "", 1)
    assert text == "def area(width):\n    pass\n"


def test_add_parameter():
    text, message = do("add parameter depth", PROGRAM, 5)
    assert message["name"] == "add_parameter"
    assert "def area(width, depth):" in text
    passes_check(text)
    text, _ = do("add parameter depth", "def f():\n    pass\n", 1)
    assert text.startswith("def f(depth):")
    assert "already has a parameter called 'width'" in refused("add parameter width", PROGRAM, 5)
    assert "isn't inside a function" in refused("add parameter depth", "x = 1\n", 1)


def test_return_replaces_a_placeholder_pass():
    text, message = do("return width", "def area(width):\n    pass\n", 2)
    assert (message["name"], text) == ("return", "def area(width):\n    return width\n")
    text, _ = do("return x", "def f():\n    x = 1\n", 2)
    assert text == "def f():\n    x = 1\n    return x\n"
    passes_check(text)


@pytest.mark.parametrize("said, name, line", [
    ("if total price is greater than ten", "if_greater", "if total_price > 10:"),
    ("if total price is less than ten", "if_less", "if total_price < 10:"),
    ("if total price equals one hundred and five", "if_equals", "if total_price == 105:"),
    ("while total price is less than fifty", "while_less", "while total_price < 50:"),
    ("for each item in total price", "for_each", "for item in total_price:"),
])
def test_blocks(said, name, line):
    document = "total_price = 5\n"
    text, message = do(said, document, 1)
    assert message["name"] == name
    assert text == f"total_price = 5\n{line}\n    pass\n"
    passes_check(text)
    assert message["action"]["position"] == {"line": 2, "character": 4}


def test_blocks_nest_inside_a_function():
    text, _ = do("if width is greater than zero", "def area(width):\n    pass\n", 2)
    assert text == "def area(width):\n    if width > 0:\n        pass\n"
    passes_check(text)


def test_call_set_print_pass():
    text, message = do("call area with total price", PROGRAM, 8)
    assert message["name"] == "call"
    assert text.splitlines()[8] == "area(total_price)"
    passes_check(text)
    text, message = do("set count to twelve", PROGRAM, 1)
    assert (message["name"], text.splitlines()[1]) == ("set", "count = 12")
    passes_check(text)
    text, _ = do("set count to total price", PROGRAM, 1)
    assert text.splitlines()[1] == "count = total_price"
    text, message = do("print total price", PROGRAM, 1)
    assert (message["name"], text.splitlines()[1]) == ("print", "print(total_price)")
    text, message = do("insert pass", "def f():\n", 1)
    assert (message["name"], text) == ("insert_pass", "def f():\n    pass\n")
    passes_check(text)


def test_insert_else():
    document = "x = 1\nif x > 0:\n    print(x)\nprint(2)\n"
    text, message = do("insert else", document, 3)
    assert message["name"] == "insert_else"
    assert text == "x = 1\nif x > 0:\n    print(x)\nelse:\n    pass\nprint(2)\n"
    passes_check(text)
    assert refused("insert else", text, 3) == "This 'if' already has an 'else'."
    chain = "x = 1\nif x > 0:\n    pass\nelif x < 0:\n    pass\n"
    text, _ = do("insert else", chain, 5)
    assert text.endswith("elif x < 0:\n    pass\nelse:\n    pass\n")
    assert "no 'if'" in refused("insert else", "x = 1\n", 1)


# ------------------------------------------------------------------ refactor

def test_rename_changes_every_use():
    text, message = do("rename total price to cost", PROGRAM, 1)
    assert message["name"] == "rename"
    assert text == PROGRAM.replace("total_price", "cost")
    passes_check(text)
    assert message["description"] == "Rename total_price to cost (2 places)"


def test_rename_refuses_a_collision_like_a_typed_rename():
    document = "width = 1\nheight = 2\nprint(width + height)\n"
    problem = refused("rename width to height", document)
    assert "height" in problem
    assert refused("rename volume to size", document) == "There is no name 'volume' in this file to rename."


# ------------------------------------------------------------------ actions and modes

@pytest.mark.parametrize("said, name, kind", [
    ("run program", "run", "run"), ("check program", "check", "check"),
    ("command mode", "command_mode", "mode"), ("spell mode", "spell_mode", "mode"),
    ("dictation mode", "dictation_mode", "mode"), ("stop listening", "stop_listening", "stop"),
    ("yes", "confirm", "confirm"), ("no", "dismiss", "dismiss"),
])
def test_actions(said, name, kind):
    text, message = do(said, PROGRAM)
    assert (message["name"], message["action"]["kind"], message["edit"], text) == (name, kind, None, PROGRAM)


def test_explain_and_fix_error():
    document = "message = 'hi'\nprint(mesage)\n"
    _, message = do("explain error", document, 2)
    assert message["name"] == "explain_error"
    assert message["action"]["kind"] == "explain" and message["action"]["code"] == "HC1001"
    text, message = do("fix error", document, 2)
    assert message["name"] == "fix_error"
    assert text == "message = 'hi'\nprint(message)\n"
    assert refused("explain error", PROGRAM) == "There are no problems in this file."


def test_format_file():
    text, message = do("format file", "x=1\nprint( x )\n")
    assert (message["name"], text) == ("format_file", "x = 1\nprint(x)\n")
    assert "syntax errors" in refused("format file", "x = (\n")


def test_read_line():
    _, message = do("read line", PROGRAM, 5)
    assert (message["name"], message["action"]) == ("read_line", {"kind": "speak", "text": "return width"})


def test_not_understood_offers_suggestions():
    message = execute("make me a sandwich", PROGRAM, URI)
    assert message["type"] == "not_understood"
    assert message["suggestions"]


def test_positions_are_utf16():
    document = "s = '😀'\nprint(s)\n"
    _, message = do("end of file", "s = '😀'", 1)
    assert message["action"]["position"] == {"line": 0, "character": 8}
    text, message = do("comment line", document, 1)
    assert text.startswith("# s = ")
