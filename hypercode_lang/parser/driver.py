"""A faster run of the same Lark LALR parser: lexer, indenter and parse loop in one function.

Lark's LALR parse of HyperCode spends most of its time in general machinery: a lexer object
per token, a post-lexer generator, a `Rule` hashed in Python for every reduction, and a chain
of wrapper objects per callback. This driver reads Lark's own tables once (the terminals'
compiled regular expression, the keyword table, the LALR states and the rule callbacks) and
runs them in one tight loop, so the grammar, the tables and the IR builder stay the single
source of truth.

Only a text that parses is handled here. At the first thing that isn't (a character no
terminal matches, a token no state expects, a dedent to an unknown column) the driver gives up
with `NotHandled` and the caller parses the text with Lark itself, which raises the exception
(with everything parser/recovery.py reads from it) exactly as before. tests/test_parser.py
checks that both give the same IR and notes on every program in the repository.
"""

from __future__ import annotations

from lark.lexer import Token, UnlessCallback
from lark.parse_tree_builder import ExpandSingleChild
from lark.parsers.lalr_analysis import Shift

_new_str = str.__new__


def _token(kind: str, value: str, start: int, line: int, column: int, end_line: int, end_column: int,
           end_pos: int) -> Token:
    """A lark Token, as `Token(...)` makes it, without its keyword-argument checks."""
    token = _new_str(Token, value)
    token.type = kind
    token.start_pos = start
    token.value = value
    token.line = line
    token.column = column
    token.end_line = end_line
    token.end_column = end_column
    token.end_pos = end_pos
    return token


def _borrow(kind: str, value: str, where: Token) -> Token:
    return _token(kind, value, where.start_pos, where.line, where.column, where.end_line, where.end_column,
                  where.end_pos)


#: Lark's pattern for the blanks the grammar ignores (`%ignore /[\t \f]+/`).
BLANKS = "[\t \x0c]+"


class NotHandled(Exception):
    """The text doesn't parse (or uses something this driver doesn't do): ask Lark itself."""


class FastLALR:
    """`parse(text, start)` gives what `lark.parse(text, start=start)` gives for text that
    parses, or raises NotHandled. Built from a Lark LALR instance with a basic lexer and a
    Python-style indenter as its post-lexer; raises NotHandled at build time otherwise."""

    def __init__(self, lark):
        frontend = lark.parser
        connector = frontend.lexer
        lexer = getattr(connector, "lexer", None)
        indenter = getattr(connector, "postlexer", None)
        if lexer is None or indenter is None or not hasattr(lexer, "scanner"):
            raise NotHandled("not a basic lexer with an indenter")
        scanner = lexer.scanner
        if len(scanner._mres) != 1:
            raise NotHandled("terminals split over several regular expressions")
        self.pattern = scanner._mres[0]
        self.ignore = frozenset(lexer.ignore_types)
        # Blanks between tokens are an ignored terminal of their own; no other terminal starts
        # with a blank, so matching them as a prefix of the next token gives the same tokens
        # with half the matches.
        if any(t.name in self.ignore and t.pattern.type == "re" and t.pattern.value == BLANKS
               for t in lexer.terminals):
            import re
            self.pattern = re.compile(BLANKS[:-1] + "*(?:" + self.pattern.pattern + ")", self.pattern.flags)
        self.multiline = frozenset(lexer.newline_types)
        # NAME tokens that are keywords: Lark's UnlessCallback full-matches the keyword strings.
        self.retype: dict[str, dict[str, str]] = {}
        for name, callback in lexer.callback.items():
            if not isinstance(callback, UnlessCallback):
                raise NotHandled(f"lexer callback for {name}")
            words = {}
            for terminal in callback.scanner.terminals:
                if terminal.pattern.type != "str" or terminal.pattern.flags:
                    raise NotHandled(f"keyword terminal {terminal.name}")
                words[terminal.pattern.value] = terminal.name
            self.retype[name] = words
        self.newline_type = indenter.NL_type
        self.indent_type, self.dedent_type = indenter.INDENT_type, indenter.DEDENT_type
        self.opens = frozenset(indenter.OPEN_PAREN_types)
        self.closes = frozenset(indenter.CLOSE_PAREN_types)
        self.tab_len = indenter.tab_len

        parser = frontend.parser.parser
        table = parser.parse_table
        callbacks = parser.callbacks
        if any(isinstance(key, str) for key in callbacks):
            raise NotHandled("terminal callbacks")
        # A reduction is (number of children, callback or None when it returns its one child
        # unchanged, the rule's name for the goto). Actions: a shift is the state number (>= 0),
        # a reduction is ~index into `self.rules`.
        rules: list[tuple] = []
        rule_index: dict = {}
        self.states: dict[int, dict[str, int]] = {}
        for state, actions in table.states.items():
            encoded = {}
            for symbol, (action, argument) in actions.items():
                if action is Shift:
                    encoded[symbol] = argument
                    continue
                index = rule_index.get(id(argument))
                if index is None:
                    callback = callbacks[argument]
                    size = len(argument.expansion)
                    if size == 1 and isinstance(callback, ExpandSingleChild):
                        callback = None
                    index = rule_index[id(argument)] = len(rules)
                    rules.append((size, callback, argument.origin.name))
                encoded[symbol] = ~index
            self.states[state] = encoded
        self.rules = rules
        self.unit_chains: dict[tuple[int, int, str], int] = {}
        self.start_states = dict(table.start_states)
        self.end_states = dict(table.end_states)

    def tokens(self, text: str, first_line: int = 1):
        """Lark's basic lexer followed by its indenter, for text that lexes: (type, token).
        Lines are counted from `first_line` (a chunk's place in its file)."""
        ignore, multiline, retype = self.ignore, self.multiline, self.retype
        newline_type, indent_type, dedent_type = self.newline_type, self.indent_type, self.dedent_type
        opens, closes, tab_len = self.opens, self.closes, self.tab_len
        line, line_start, pos = first_line, 0, 0
        paren_level = 0
        levels = [0]
        last = None
        for match in self.pattern.finditer(text):
            if match.start() != pos:
                raise NotHandled("unexpected character")
            kind = match.lastgroup
            start, pos = match.span(kind)
            value = match.group(kind)
            token_line, token_column = line, start - line_start + 1
            if kind in multiline and "\n" in value:
                line += value.count("\n")
                line_start = start + value.rindex("\n") + 1
            if kind in ignore:
                continue
            words = retype.get(kind)
            if words is not None:
                kind = words.get(value, kind)
            token = last = _token(kind, value, start, token_line, token_column, line, pos - line_start + 1, pos)
            if kind == newline_type:
                if paren_level > 0:
                    continue
                yield kind, token
                indent_text = value.rsplit("\n", 1)[1]
                indent = indent_text.count(" ") + indent_text.count("\t") * tab_len
                if indent > levels[-1]:
                    levels.append(indent)
                    yield indent_type, _borrow(indent_type, indent_text, token)
                else:
                    while indent < levels[-1]:
                        levels.pop()
                        yield dedent_type, _borrow(dedent_type, indent_text, token)
                    if indent != levels[-1]:
                        raise NotHandled("dedent to an unknown column")
                continue
            yield kind, token
            if kind in opens:
                paren_level += 1
            elif kind in closes:
                paren_level -= 1
        if pos != len(text):
            raise NotHandled("unexpected character")
        while len(levels) > 1:
            levels.pop()
            yield dedent_type, (_borrow(dedent_type, "", last) if last is not None
                                else Token(dedent_type, "", 0, 0, 0, 0, 0, 0))

    def parse(self, text: str, start: str, first_line: int = 1):
        states, rules, unit_chains = self.states, self.rules, self.unit_chains
        end_state = self.end_states[start]
        state_stack = [self.start_states[start]]
        value_stack: list = []
        push_state, push_value = state_stack.append, value_stack.append
        for kind, token in self.tokens(text, first_line):
            while True:
                top = state_stack[-1]
                action = states[top].get(kind)
                if action is None:
                    raise NotHandled("unexpected token")
                if action >= 0:
                    push_state(action)
                    push_value(token)
                    break
                size, callback, origin = rules[~action]
                if callback is None:
                    # `?rule` with one child: the value stays, only the top state changes, and
                    # a run of these depends on nothing but (state below, top, lookahead).
                    key = (state_stack[-2], top, kind)
                    landed = unit_chains.get(key)
                    if landed is None:
                        landed = unit_chains[key] = self._unit_chain(*key)
                    state_stack[-1] = landed
                elif size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                    push_value(callback(children))
                    push_state(states[state_stack[-1]][origin])
                else:
                    push_value(callback([]))
                    push_state(states[top][origin])
        kind = "$END"
        while True:
            action = states[state_stack[-1]].get(kind)
            if action is None or action >= 0:
                raise NotHandled("unexpected end of text")
            size, callback, origin = rules[~action]
            if callback is None:
                del state_stack[-1]
            elif size:
                children = value_stack[-size:]
                del state_stack[-size:]
                del value_stack[-size:]
                push_value(callback(children))
            else:
                push_value(callback([]))
            state = states[state_stack[-1]][origin]
            push_state(state)
            if state == end_state:
                return value_stack[-1]

    def _unit_chain(self, below: int, top: int, kind: str) -> int:
        """The top state after every value-keeping one-child reduction in a row from `top`
        (with `below` under it) on lookahead `kind`."""
        states, rules = self.states, self.rules
        while True:
            action = states[top].get(kind)
            if action is None or action >= 0:
                return top
            _size, callback, origin = rules[~action]
            if callback is not None:
                return top
            top = states[below][origin]
