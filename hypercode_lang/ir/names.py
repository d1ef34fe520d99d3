"""What a name is (spec §1): a letter or '_', then letters, digits or '_', and not a keyword.
The grammar enforces this for source; checker/rules.py and modules.py check it on IR and on
import names. Kept tiny and dependency-free: the warm `hcvm run` path imports it."""

from __future__ import annotations

import re

# The grammar's keywords (grammar/hypercode.lark): none of them can be a name. A language fact
# (hypercode_lang/language/keywords.py; that module imports nothing, so the warm path stays small).
from ..language.keywords import HARD_KEYWORDS as KEYWORDS  # noqa: F401  (re-exported)

_IDENTIFIER = re.compile(r"[^\W\d]\w*\Z")


# Names already found to be names: a big file asks about the same few thousand names again and
# again (bounded, so a long session can't grow it without end).
_KNOWN_NAMES: set[str] = set()
_KNOWN_LIMIT = 1 << 16


def is_name(value) -> bool:
    if type(value) is str and value in _KNOWN_NAMES:
        return True
    if not (isinstance(value, str) and _IDENTIFIER.match(value) and value not in KEYWORDS):
        return False
    if type(value) is str and len(_KNOWN_NAMES) < _KNOWN_LIMIT:
        _KNOWN_NAMES.add(value)
    return True
