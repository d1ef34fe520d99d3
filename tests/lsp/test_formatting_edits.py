"""`format_edits`: the fewest line edits that give `hcvm fmt`'s text, or only those in a range."""

import pytest

from hypercode_lang.analysis.formatting import format_edits
from hypercode_lang.api import format_source
from hypercode_lang.diagnostics import apply_edits


@pytest.mark.parametrize("source", ["x=1", "x=1\n", "x=1\ny=2", "\n\nx=1\n\n\n", "def f( a ):\n  return a\nprint(f(1))",
                                    "x = 1\n", "", "\n", "# c\nx=1 # d\n\n\n\ny=2\n", 'print("😀" ,1)\n'])
def test_edits_give_the_formatted_text(source):
    assert apply_edits(source, format_edits(source)) == format_source(source)


def test_range_takes_only_its_lines_and_errors_give_none():
    assert apply_edits("x=1\ny=2\nz=3\n", format_edits("x=1\ny=2\nz=3\n", 2, 2)) == "x=1\ny = 2\nz=3\n"
    assert format_edits("x = (\n") is None
