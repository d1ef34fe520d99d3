"""The fast LALR driver (parser/driver.py) is Lark's parser run faster, never a second parser:
on every chunk of every program in the repository, and on generated near-programs, it gives
the same IR and the same notes as Lark itself, or refuses (NotHandled) exactly when Lark
raises; positions started at a chunk's own line equal Lark's moved there."""

import copy
import importlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import LarkError

from hypercode_lang.parser import parse, scanner
from hypercode_lang.parser.driver import NotHandled
from hypercode_lang.parser.engine import shift_locs

engine_module = importlib.import_module("hypercode_lang.parser.engine")  # the package's `engine` is the function
ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = sorted(p for p in ROOT.rglob("*.hc") if ".venv" not in p.parts and "node_modules" not in p.parts)


def both(text: str, start: str = "file_input", first_line: int = 1):
    """(driver's (IR, notes) or "refused", Lark's (IR, notes) or "raised")."""
    engine = engine_module.engine()
    with engine.lock:
        engine.builder.notes, engine.pending = [], []
        try:
            fast = (engine.fast.parse(text, start, first_line), list(engine.builder.notes))
        except NotHandled:
            fast = "refused"
        engine.builder.notes, engine.pending = [], []
        try:
            slow = (engine.lark.parse(text, start=start), list(engine.builder.notes))
        except (LarkError, AssertionError):
            slow = "raised"
        engine.builder.notes, engine.pending = [], []
    if slow != "raised" and first_line != 1:
        tree, notes = slow
        shift_locs(tree, first_line - 1)
        slow = (tree, [note.moved(first_line - 1) for note in notes])
    return fast, slow


def chunks_of(source: str):
    scanned = scanner.scan(source)
    lines = scanned.text_lines
    for chunk in scanned.chunks:
        yield "\n".join(lines[chunk.start - 1:chunk.end]) + "\n", chunk.start


def test_the_driver_is_in_use():
    assert engine_module.engine().fast is not None


def test_every_program_in_the_repository_parses_the_same():
    assert len(PROGRAMS) > 50
    compared = refused = 0
    for path in PROGRAMS:
        source = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        for text, first_line in chunks_of(source):
            fast, slow = both(text, first_line=first_line)
            assert fast == slow if slow != "raised" else fast == "refused", (path, first_line)
            compared += 1
            refused += fast == "refused"
    assert refused > 0 and compared > refused     # broken examples exist: both paths were run


TRICKY = ['print(f"{a is b) c}")\nx is y\n', "def f(n: int) -> int:\n    return n\n\nprint(f(1)\n",
          "if x\n    pass\nelse:\n  y = 1\n", 'xs = [1,\n      2]\nprint(xs[0] && xs[1])\n',
          "x = " + "(" * 120 + "1" + ")" * 120 + "\n", "x = 1" + " + 1" * 130 + "\n"]


def test_files_parse_as_with_lark_alone(monkeypatch):
    from hypercode_lang import parser as parser_module
    sources = [p.read_text(encoding="utf-8", errors="replace") for p in PROGRAMS[::3]] + TRICKY
    for source in sources:
        parser_module._chunk_cache.clear()
        with_driver = parse(source, "f.hc")
        monkeypatch.setattr(engine_module.engine(), "fast", None)
        parser_module._chunk_cache.clear()
        alone = parse(source, "f.hc")
        monkeypatch.undo()
        parser_module._chunk_cache.clear()
        assert with_driver.program == alone.program, source[:200]
        assert [(d.code, d.span, d.message) for d in with_driver.diagnostics] == \
            [(d.code, d.span, d.message) for d in alone.diagnostics], source[:200]


PIECES = ["x", "y2", " ", "  ", "\n", "\n    ", "\n        ", "(", ")", "[", "]", "{", "}", ":", ",", ".", "=",
          "==", "+", "-", "*", "**", "//", "%", "<", ">=", "!=", "1", "0x1F", "2.5e3", "1_000", '"s"', "'t'",
          'f"a{x}b"', 'f"{x!r:>4}"', '"""doc"""', "if ", "elif ", "else", "for ", " in ", "while ", "def ",
          "return", "pass", "import ", "not ", " and ", " or ", "lambda", "try", "except", "match ", "case ",
          "# note", "\\\n", "\t", "@deco", "is", "None", "True", "$", "?", "->", ";"]


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.integers(1, 400))
def test_near_programs_parse_the_same_or_both_refuse(pieces, first_line):
    text = "".join(pieces) + "\n"
    fast, slow = both(text, first_line=first_line)
    assert fast == slow if slow != "raised" else fast == "refused", text


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(PIECES[:40]), min_size=1, max_size=12))
def test_fstring_fields_parse_the_same(pieces):
    text = "(" + "".join(pieces).replace("\n", " ") + ")\n"
    fast, slow = both(text, start="fstring_field")
    assert fast == slow if slow != "raised" else fast == "refused", text


def test_chunks_are_built_at_their_own_line():
    engine = engine_module.engine()
    text = 'x is y\nprint(f"{a is b}")\n'
    program, notes = engine.parse_chunk(text, 7)
    field = program["body"][1]["expr"]["call"]["args"][0]["fstring"][0]["value"]
    assert program["body"][0]["loc"][0] == 7 and field["loc"][0] == 8
    # a note inside an f-string field points into the field (it used to land on the chunk's
    # first line, at the field's own column), and so does its fix
    assert [(n.code, n.span.line, n.span.col) for n in notes] == [("HC0009", 7, 3), ("HC0009", 8, 12)]
    assert notes[1].fixes[0].edits[0].span == notes[1].span
    at_one, notes_at_one = engine.parse_chunk(text, 1)
    shift_locs(at_one, 6)
    assert at_one == program and [n.moved(6) for n in notes_at_one] == notes


# ---------------------------------------------------------------- the lexer's first-character groups
from hypercode_lang.parser import first_characters as fc  # noqa: E402


def test_first_characters_of_each_kind_of_pattern():
    assert fc.first_characters(r"ab") == {"a"}
    assert fc.first_characters(r"[a-c_]x") == {"a", "b", "c", "_"}
    assert fc.first_characters(r"x?y") == {"x", "y"}                   # an optional start
    assert fc.first_characters(r"(?:0[xX]|\.\d)") == {"0", "."}
    assert fc.first_characters(r"(?!=)=") == {"="}                     # a look-ahead takes none
    assert fc.first_characters(r"é") == {fc.BEYOND_ASCII}
    digits = fc.first_characters(r"\d")
    assert digits == set("0123456789") | {fc.BEYOND_ASCII}             # str patterns: any digit
    names = fc.first_characters(r"[^\W\d]\w*")
    assert "_" in names and "a" in names and "1" not in names and fc.BEYOND_ASCII in names
    assert fc.first_characters(r"[^#]") == fc.ANY_CHARACTER - {"#"}
    # What can't be told, or could match nothing, may start anywhere.
    assert fc.first_characters(r"(a)\1") == {"a"}
    for unknown in (r"x*", r".y", r"(?i:ab)", r"(a)?\1", r"[unclosed"):
        assert fc.first_characters(unknown) == fc.ANY_CHARACTER


def _lark_tokens(pattern, text):
    return [(m.lastgroup, m.span(m.lastgroup)) for m in pattern.finditer(text)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("aZ_fFrRuUbxo019.e+-*/%=<>!:;,()[]{}~|&^@#\\'\"\n\t \x0cé٣")),
               max_size=60))
def test_the_grouped_lexer_finds_lark_s_tokens(text):
    """The driver's grouped alternation matches the same terminal over the same span as Lark's
    own alternation, at every token, on any text (including text no terminal matches). Blanks
    are left out on both sides: the driver takes them as a prefix of the next token."""
    engine = engine_module.engine()
    lexer = engine.lark.parser.lexer.lexer
    lark_pattern = lexer.scanner._mres[0]
    import re
    lark_own = re.compile(lark_pattern.pattern + r"|(?P<__DRIVER_OTHER>[\s\S])", lark_pattern.flags)
    ours = engine.fast.pattern
    kinds = engine.fast.kinds
    expected = [(kind, span) for kind, span in _lark_tokens(lark_own, text) if kind != "__IGNORE_0"]
    found = [(kinds[m.lastindex], m.span(m.lastindex)) for m in ours.finditer(text)]
    assert [token for token in found if token[0] != "__IGNORE_0"] == expected
