"""What a name is (spec §1): a letter or '_', then letters, digits or '_', and not a keyword.
The grammar enforces this for source; checker/rules.py and modules.py check it on IR and on
import names. Kept tiny and dependency-free: the warm `hcvm run` path imports it."""

from __future__ import annotations

import re

# The grammar's keywords (grammar/hypercode.lark): none of them can be a name. A language fact
# (hypercode_lang/language/keywords.py; that module imports nothing, so the warm path stays small).
from ..language.keywords import HARD_KEYWORDS as KEYWORDS  # noqa: F401  (re-exported)

_IDENTIFIER = re.compile(r"[^\W\d]\w*\Z")


def is_name(value) -> bool:
    return isinstance(value, str) and bool(_IDENTIFIER.match(value)) and value not in KEYWORDS
