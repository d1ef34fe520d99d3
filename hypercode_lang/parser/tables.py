"""The Lark LALR tables, shipped in the package as plain JSON (`grammar/parser_tables.json`).

Building the LALR automaton from the grammar takes a few hundred milliseconds; loading it from
this file takes a few tens. Lark's own cache and `Lark.save` are pickle files, and unpickling a
file is running it, so HyperCode never reads one: the tables are Lark's `memo_serialize` data
(dicts, lists, tuples, strings, numbers) written as JSON with tuples and non-string keys tagged.
The file records the SHA-256 of the grammar it was built from; when they differ (the grammar
was edited and the tables not regenerated) the parser is built from the grammar instead.

Regenerate with `python -m hypercode_lang.parser.tables`; tests/test_parser.py fails when the
shipped file is stale.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

GRAMMAR = Path(__file__).resolve().parent.parent / "grammar" / "hypercode.lark"
TABLES = GRAMMAR.with_name("parser_tables.json")
# Options given to Lark when the tables are loaded, not stored with them.
RUNTIME_OPTIONS = ("postlex", "transformer", "lexer_callbacks")


def grammar_digest() -> str:
    return hashlib.sha256(GRAMMAR.read_bytes()).hexdigest()


# Tags for what JSON lacks. Lark's own keys never start with a NUL, so tags can't collide.
TUPLE, KEYED = "\u0000tuple", "\u0000keyed"


def _encode(value):
    if isinstance(value, dict):
        if all(isinstance(key, str) and not key.startswith("\u0000") for key in value):
            return {key: _encode(item) for key, item in value.items()}
        return {KEYED: [[_encode(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, tuple):
        return {TUPLE: [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"parser tables hold a {type(value).__name__}, which JSON can't carry")


def _untag(obj: dict):
    """json's object_hook: runs in C order, innermost first, so decoding is one pass."""
    if len(obj) == 1:
        if TUPLE in obj:
            return tuple(obj[TUPLE])
        if KEYED in obj:
            return {(tuple(k) if isinstance(k, list) else k): v for k, v in obj[KEYED]}
    return obj


def serialise(lark) -> str:
    """JSON text for a built LALR `Lark` instance."""
    from lark.grammar import Rule
    from lark.lexer import TerminalDef
    data, memo = lark.memo_serialize([TerminalDef, Rule])
    data = dict(data)
    data["options"] = {k: v for k, v in data["options"].items() if k not in RUNTIME_OPTIONS}
    return json.dumps({"grammar_sha256": grammar_digest(), "data": _encode(data), "memo": _encode(memo)},
                      separators=(",", ":"), sort_keys=True) + "\n"


def load(**runtime_options):
    """A `Lark` rebuilt from the shipped tables, or None if they are missing or stale."""
    from lark import Lark
    try:
        shipped = json.loads(TABLES.read_text(encoding="utf-8"), object_hook=_untag)
    except (OSError, ValueError):
        return None
    if not isinstance(shipped, dict) or shipped.get("grammar_sha256") != grammar_digest():
        return None
    return Lark._load_from_dict(shipped["data"], shipped["memo"], **runtime_options)


def build(**options):
    from lark import Lark
    return Lark(GRAMMAR.read_text(encoding="utf-8"), **options)


def lark_options() -> dict:
    """The options every HyperCode parser is built with (engine.py adds the runtime ones)."""
    return dict(parser="lalr", lexer="basic", maybe_placeholders=True, start=["file_input", "fstring_field"])


def regenerate() -> Path:
    from .engine import Indenter
    TABLES.write_text(serialise(build(postlex=Indenter(), **lark_options())), encoding="utf-8")
    return TABLES


if __name__ == "__main__":
    print(f"wrote {regenerate()}")
