"""What the tools know about built-ins (spec §5): signatures for argument checks and signature
help, and a plain one-line description with an example for hover and completion."""

from __future__ import annotations

# The tables live in hypercode_lang/language/ (one source of truth for the checker, the VM, the
# tools and the editor grammars); this module keeps the names the IDE analysis has always used.
from ..language.builtins import (FUNCTIONS, MATH, MATH_CONSTANTS, ONE_ARGUMENT_NAMES,  # noqa: F401
                                 REQUIRED, VARARGS, Signature)
from ..language.errors import ERROR_KINDS  # noqa: F401
from ..language.keywords import KEYWORDS  # noqa: F401
from ..language.methods import METHODS, method  # noqa: F401
