"""Golden tests: every diagnostic code of spec §8, rendered friendly and as JSON, exactly.

Each `tests/golden/NAME.hc` is a small program whose first diagnostic is the code in its name.
Beside it, `NAME.txt` holds the friendly rendering of every diagnostic and `NAME.json` the JSON.
Applying the first quick fix must make that diagnostic go away. Files whose names don't start
with a code (e.g. `notes_latin1.hc`) are modules the cases import. Cases run with the golden
folder as the current folder, so `import` finds those modules and filenames stay relative.

To re-generate after an intended wording change:  UPDATE_GOLDEN=1 pytest tests/test_golden_diagnostics.py
(then read the diff: the words are the product).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

import pytest

import hypercode_lang as hc
from hypercode_lang.diagnostics import CATALOGUE, apply_edits
from hypercode_lang.diagnostics.render import render_all

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.hc") if p.is_file() and re.match(r"HC\d{4}(_\w+)?$", p.stem))
TIMEOUT = 1.0


def diagnose(name: str, source: str):
    """All diagnostics for a case: static ones, or the runtime one if the program passes check."""
    filename = f"{name}.hc"
    with contextlib.chdir(GOLDEN):
        diagnostics = hc.check(source, filename)
        if not any(d.is_error for d in diagnostics):
            result = hc.run(source, filename=filename, timeout=TIMEOUT)
            diagnostics = result.diagnostics
    return diagnostics


def code_of(name: str) -> str:
    return name.split("_")[0]


def test_every_code_has_a_golden_case():
    covered = {code_of(name) for name in CASES}
    assert covered == set(CATALOGUE), f"missing golden cases for {sorted(set(CATALOGUE) - covered)}"


@pytest.mark.parametrize("name", CASES)
def test_golden_rendering(name):
    source = (GOLDEN / f"{name}.hc").read_text()
    diagnostics = diagnose(name, source)
    assert diagnostics, "expected at least one diagnostic"
    assert diagnostics[0].code == code_of(name)
    text = render_all(diagnostics, {f"{name}.hc": source}, style="friendly")
    data = [d.to_json() for d in diagnostics]
    txt_path, json_path = GOLDEN / f"{name}.txt", GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        txt_path.write_text(text)
        json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    assert text == txt_path.read_text()
    assert data == json.loads(json_path.read_text())


@pytest.mark.parametrize("name", CASES)
def test_plain_rendering_has_the_same_words(name):
    source = (GOLDEN / f"{name}.hc").read_text()
    diagnostics = diagnose(name, source)
    friendly = render_all(diagnostics, {f"{name}.hc": source}, style="friendly")
    plain = render_all(diagnostics, {f"{name}.hc": source}, style="plain")
    assert "✖" not in plain and "│" not in plain and "\033" not in plain
    for d in diagnostics:
        assert d.message in plain and d.message in friendly
        assert d.why in plain


# These cases need a person's decision (which value? which argument? is the loop meant to end?),
# so they offer no automatic fix; every other case must offer one that works.
NO_AUTOMATIC_FIX = {"HC0001", "HC0009", "HC0010", "HC1005", "HC1002", "HC1004", "HC2002", "HC2003", "HC2005", "HC2007", "HC2008",
                    "HC2009", "HC2010", "HC3001", "HC3002"}


@pytest.mark.parametrize("name", CASES)
def test_first_fix_removes_the_diagnostic(name):
    source = (GOLDEN / f"{name}.hc").read_text()
    first = diagnose(name, source)[0]
    if name in NO_AUTOMATIC_FIX:
        assert first.fixes == ()
        return
    assert first.fixes, f"{name} should offer a quick fix"
    fixed = apply_edits(source, first.fixes[0].edits)
    after = diagnose(name, fixed)
    same = [d for d in after if d.code == first.code and d.span.line == first.span.line]
    assert not same, f"after applying {first.fixes[0].title!r}:\n{fixed}"


def test_suggestions_and_fix_edits_in_json():
    # From the produced diagnostics, not the stored file (that one is checked against these above).
    data = diagnose("HC1001", (GOLDEN / "HC1001.hc").read_text())[0].to_json()
    assert data["message"].endswith("Did you mean 'message'?")
    assert data["fixes"][0]["edits"] == [
        {"range": {"line": 2, "col": 7, "end_line": 2, "end_col": 13}, "new_text": "message"}]
    assert set(data) >= {"code", "severity", "message", "range", "fixes", "why"}


def test_runtime_errors_carry_a_call_trace():
    diagnostics = diagnose("HC2010", (GOLDEN / "HC2010.hc").read_text())
    trace = diagnostics[0].trace
    assert [frame[0] for frame in trace] == ["<module>", "check_age"]
    assert diagnostics[0].span.line == 3


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_explains_itself(code):
    text = hc.explain(code)
    assert text.startswith(code) and len(text) > 150
