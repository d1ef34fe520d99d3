"""Keywords (spec §1): which words can never be names, which HyperCode itself uses, which open
a block and which start a statement. The parser's recovery, the scanner, `is_name`, completion,
rename and both editor grammars read these sets."""

from __future__ import annotations

#: Words HyperCode uses (the language reference's keyword list; completion offers these).
KEYWORDS: tuple[str, ...] = (
    "and", "as", "assert", "break", "case", "continue", "def", "elif", "else", "except", "False",
    "finally", "for", "if", "import", "in", "match", "None", "not", "or", "pass", "raise", "return",
    "True", "try", "while",
)

#: Python's words that HyperCode doesn't have (yet): reserved so code stays valid Python, and so
#: a program using one gets HC0009 ("not in HyperCode") rather than a confusing name error.
RESERVED: tuple[str, ...] = (
    "from", "global", "nonlocal", "del", "class", "with", "async", "await", "lambda", "yield", "is",
)

#: Hard keywords: none of them can be a name (variable, def, parameter, attribute, import).
HARD_KEYWORDS: frozenset[str] = frozenset(KEYWORDS) | frozenset(RESERVED)

#: The constant words (True, False, None): keywords that are values.
CONSTANTS: tuple[str, ...] = ("True", "False", "None")

#: Words whose line ends with ':' and opens an indented block.
BLOCK_KEYWORDS: frozenset[str] = frozenset(
    {"if", "elif", "else", "while", "for", "def", "try", "except", "finally", "match", "case"})

#: Clauses that continue the block statement above them rather than starting a new one.
CLAUSE_KEYWORDS: frozenset[str] = frozenset({"elif", "else", "except", "finally"})

#: Keywords that can start a statement (ordered: "did you mean" suggestions take the first tie).
STATEMENT_KEYWORDS: tuple[str, ...] = (
    "return", "else", "elif", "while", "for", "def", "import", "if", "pass", "break", "continue",
    "raise", "assert", "try", "except", "finally", "match", "case",
)

#: Words that start a statement as written by people, including Python's words HyperCode
#: refuses and `print`: a line beginning with one of these is not the continuation of a bracket
#: left open above it (the scanner's unclosed-bracket recovery).
STATEMENT_START_WORDS: frozenset[str] = frozenset(STATEMENT_KEYWORDS) | {"class", "with", "print"}

#: Keywords that steer control flow (the editor grammars colour them as `keyword.control`).
CONTROL_KEYWORDS: tuple[str, ...] = (
    "if", "elif", "else", "for", "while", "break", "continue", "return", "pass", "try", "except",
    "finally", "raise", "assert", "match", "case",
)

#: Keywords that are operators.
OPERATOR_KEYWORDS: tuple[str, ...] = ("and", "or", "not", "in")
