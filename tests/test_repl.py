"""hcvm repl: one ongoing session, multi-line entries, errors that don't end the session."""

from __future__ import annotations

import subprocess
import sys

from hypercode_lang.repl import Session, needs_more


def session():
    out: list[str] = []
    return Session(out.append, lambda prompt: None), out


def test_names_persist_and_functions_see_later_globals():
    s, out = session()
    assert s.execute("x = 5\n") == (None, [])
    s.execute("def f():\n    return x * 2\n")
    assert s.execute("f()\n")[0] == "10"
    s.execute("x = 10\n")
    assert s.execute("f()\n")[0] == "20"


def test_expressions_are_echoed_like_python():
    s, out = session()
    assert s.execute("'hi'\n")[0] == "'hi'"
    assert s.execute("[1, 'a', None]\n")[0] == "[1, 'a', None]"
    assert s.execute("None\n")[0] is None
    assert s.execute("print('shown')\n")[0] is None
    assert "".join(out) == "shown\n"


def test_errors_are_diagnostics_and_the_session_goes_on():
    s, _ = session()
    s.execute("message = 'hi'\n")
    echo, diagnostics = s.execute("print(mesage)\n")
    assert diagnostics[0].code == "HC1001" and "Did you mean 'message'?" in diagnostics[0].message
    echo, diagnostics = s.execute("[1][5]\n")
    assert diagnostics[0].code == "HC2003"
    assert s.execute("message\n")[0] == "'hi'"


def test_runaway_entry_is_stopped():
    out: list[str] = []
    s = Session(out.append, lambda p: None, timeout=0.3)
    _, diagnostics = s.execute("while True:\n    pass\n")
    assert diagnostics[0].code == "HC3001"
    assert s.execute("1 + 1\n")[0] == "2"


def test_continuation_rules():
    assert needs_more("def f():")
    assert needs_more("def f():\n    return 1")
    assert not needs_more("def f():\n    return 1\n")
    assert needs_more("xs = [1,")
    assert not needs_more("xs = [1,\n2]")
    assert not needs_more("x = 1")


def test_repl_process_end_to_end():
    entries = "total = 0\nfor n in range(4):\n    total += n\n\ntotal\n"
    result = subprocess.run([sys.executable, "-m", "hypercode_lang", "repl"], input=entries, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0
    assert "6\n" in result.stdout and "Traceback" not in result.stderr
