"""A faster run of the same Lark LALR parser: lexer, indenter and parse loop in one function.

Lark's LALR parse of HyperCode spends most of its time in general machinery: a lexer object
per token, a post-lexer generator, a `Rule` hashed in Python for every reduction, a chain of
wrapper objects per callback, and a `Tree` for every step of every repetition (`stmt+`, the
arguments of a call) that its parent takes apart again. This driver reads Lark's own tables
once (the terminals' compiled regular expression, the keyword table, the LALR states, and each
rule's callback chain) and runs them in one tight loop, so the grammar, the tables and the IR
builder stay the single source of truth:

- each rule's callback chain (which children to keep, which to splice in, whether one child is
  passed through) becomes one small function, generated from the chain itself;
- a repetition (a `_rule` or `__rule_star_N` that its parent always splices in) is a plain
  list instead of a `Tree`;
- a token that every rule leaves out (`,`, `=`, newlines, indents, …) is never built: no
  callback can see it.

Only a text that parses is handled here. At the first thing that isn't (a character no
terminal matches, a token no state expects, a dedent to an unknown column) the driver gives up
with `NotHandled` and the caller parses the text with Lark itself, which raises the exception
(with everything parser/recovery.py reads from it) exactly as before. tests/analysis/
test_parser_driver.py checks that both give the same IR and notes on every program in the
repository and on generated near-programs.
"""

from __future__ import annotations

import re
from functools import partial

from lark.lexer import Token, UnlessCallback
from lark.parse_tree_builder import ChildFilterLALR, ChildFilterLALR_NoPlaceholders, ExpandSingleChild
from lark.parsers.lalr_analysis import Shift

from .first_characters import dispatch_pattern

_new_str = str.__new__

#: Lark's pattern for the blanks the grammar ignores (`%ignore /[\t \f]+/`).
BLANKS = "[\t \x0c]+"
#: Matches any one character no terminal matches, so the lexer never skips text unseen.
_OTHER = "__DRIVER_OTHER"

# What the lexer does with each terminal (by its group in the terminals' regular expression).
_SKIP, _TOKEN, _WORD, _LEFT_OUT, _NEWLINE, _OPEN, _CLOSE, _OTHER_CHAR = range(8)


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
        parser = frontend.parser.parser
        self._read_rules(lark.rules, parser.parse_table, parser.callbacks)
        self._read_terminals(lexer, indenter)

    # ------------------------------------------------------------ build
    def _read_terminals(self, lexer, indenter) -> None:
        scanner = lexer.scanner
        if len(scanner._mres) != 1:
            raise NotHandled("terminals split over several regular expressions")
        pattern = scanner._mres[0]
        ignore = frozenset(lexer.ignore_types)
        alternatives, terminal_of = _by_first_character(pattern, lexer.terminals)
        source = alternatives + f"|(?P<{_OTHER}>[\\s\\S])"
        terminal_of[_OTHER] = _OTHER
        # Blanks between tokens are an ignored terminal of their own; no other terminal starts
        # with a blank, so matching them as a prefix of the next token gives the same tokens
        # with half the matches.
        if any(t.name in ignore and t.pattern.type == "re" and t.pattern.value == BLANKS
               for t in lexer.terminals):
            source = BLANKS[:-1] + "*(?:" + source + ")"
        self.pattern = re.compile(source, pattern.flags)
        groups = {group: terminal_of[group] for group in self.pattern.groupindex}
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
        if {self.newline_type, self.indent_type, self.dedent_type} - self.left_out:
            raise NotHandled("a rule keeps a newline or an indent")
        self.tab_len = indenter.tab_len
        multiline = frozenset(lexer.newline_types)
        self.multiline = frozenset(index for group, index in self.pattern.groupindex.items()
                                   if groups[group] in multiline)
        kinds: list = [None] * (self.pattern.groups + 1)
        classes: list = [_SKIP] * (self.pattern.groups + 1)
        for group, index in self.pattern.groupindex.items():
            name = kinds[index] = groups[group]
            if name == _OTHER:
                classes[index] = _OTHER_CHAR
            elif name in ignore:
                classes[index] = _SKIP
            elif name == self.newline_type:
                classes[index] = _NEWLINE
            elif name in indenter.OPEN_PAREN_types:
                classes[index] = _OPEN
            elif name in indenter.CLOSE_PAREN_types:
                classes[index] = _CLOSE
            elif name in self.retype:
                classes[index] = _WORD
            elif name in self.left_out and name not in multiline:
                classes[index] = _LEFT_OUT
            else:
                classes[index] = _TOKEN
        if any(name not in kinds or any(classes[index] != _WORD for index, kind in enumerate(kinds) if kind == name)
               for name in self.retype):
            raise NotHandled("keywords retyped from a terminal the lexer treats specially")
        self.keywords = [self.retype.get(name) for name in kinds]
        # An opening or closing bracket that some rule keeps is built as a token too.
        self.keep_brackets = frozenset(index for index, name in enumerate(kinds)
                                       if classes[index] in (_OPEN, _CLOSE) and name not in self.left_out)
        self.kinds, self.classes = kinds, classes

    def _read_rules(self, rules, table, callbacks) -> None:
        if any(isinstance(key, str) for key in callbacks):
            raise NotHandled("terminal callbacks")
        # Terminals no rule keeps: the callbacks never see them, so they are never built.
        kept, dropped = set(), set()
        for rule in rules:
            for symbol in rule.expansion:
                if symbol.is_term:
                    (dropped if symbol.filter_out and not rule.options.keep_all_tokens else kept).add(symbol.name)
        # A reduction is (number of children, callback or None when it returns its one child
        # unchanged, the rule's name for the goto). Actions: a shift is the state number (>= 0),
        # a reduction is ~index into `self.rules`.
        compiled = _Compiler()
        encoded_rules: list[tuple] = []
        rule_index: dict = {}
        self.states: dict | list = {}
        for state, actions in table.states.items():
            encoded = {}
            for symbol, (action, argument) in actions.items():
                if action is Shift:
                    encoded[symbol] = argument
                    continue
                index = rule_index.get(id(argument))
                if index is None:
                    callback = compiled.callback(argument, callbacks[argument])
                    if callback is None and argument.expansion[0].is_term:
                        kept.add(argument.expansion[0].name)    # passed up as the rule's value
                    index = rule_index[id(argument)] = len(encoded_rules)
                    encoded_rules.append((len(argument.expansion), callback, argument.origin.name))
                encoded[symbol] = ~index
            self.states[state] = encoded
        if sorted(self.states) != list(range(len(self.states))):
            raise NotHandled("LALR states not numbered 0..n-1")
        self.states = [self.states[number] for number in range(len(self.states))]   # a list is faster
        self.rules = encoded_rules
        self.left_out = frozenset(dropped - kept)
        self.unit_chains: dict[tuple[int, int, str], int] = {}
        self.start_states = dict(table.start_states)
        self.end_states = dict(table.end_states)

    # ------------------------------------------------------------ run
    def tokens(self, text: str, first_line: int = 1) -> tuple[list, list]:
        """Lark's basic lexer followed by its indenter, for text that lexes: the token types,
        and the tokens (None for one no rule keeps). Lines are counted from `first_line` (a
        chunk's place in its file)."""
        keywords, kinds, classes, multiline = self.keywords, self.kinds, self.classes, self.multiline
        newline_type, indent_type, dedent_type = self.newline_type, self.indent_type, self.dedent_type
        keep_brackets, tab_len = self.keep_brackets, self.tab_len
        types: list = []
        values: list = []
        add_type, add_value = types.append, values.append
        line, line_start = first_line, 0
        paren_level = 0
        levels = [0]
        for match in self.pattern.finditer(text):
            index = match.lastindex
            what = classes[index]
            if what == _WORD or what == _TOKEN:
                start, end = match.span(index)
                value = text[start:end]
                kind = keywords[index].get(value, kinds[index]) if what == _WORD else kinds[index]
                token_line, column = line, start - line_start + 1
                if index in multiline and "\n" in value:
                    line += value.count("\n")
                    line_start = start + value.rindex("\n") + 1
                add_type(kind)
                add_value(_token(kind, value, start, token_line, column, line, end - line_start + 1, end))
            elif what == _LEFT_OUT:
                add_type(kinds[index])
                add_value(None)
            elif what == _NEWLINE:
                start, end = match.span(index)
                value = text[start:end]
                newline_at = value.rfind("\n")
                if newline_at < 0:                  # a comment at the very end, no newline
                    raise NotHandled("comment without a newline")
                line += value.count("\n")
                line_start = start + newline_at + 1
                if paren_level > 0:
                    continue
                add_type(newline_type)
                add_value(None)
                indent_text = value[newline_at + 1:]
                indent = indent_text.count(" ") + indent_text.count("\t") * tab_len
                if indent > levels[-1]:
                    levels.append(indent)
                    add_type(indent_type)
                    add_value(None)
                elif indent < levels[-1]:
                    while indent < levels[-1]:
                        levels.pop()
                        add_type(dedent_type)
                        add_value(None)
                    if indent != levels[-1]:
                        raise NotHandled("dedent to an unknown column")
            elif what == _OPEN or what == _CLOSE:
                paren_level += 1 if what == _OPEN else -1
                start, end = match.span(index)
                kind = kinds[index]
                add_type(kind)
                if index in keep_brackets:
                    token_line, column = line, start - line_start + 1
                    add_value(_token(kind, text[start:end], start, token_line, column, line, end - line_start + 1, end))
                else:
                    add_value(None)
            elif what == _OTHER_CHAR:
                if match.group(index) not in " \t\x0c":
                    raise NotHandled("unexpected character")
            elif index in multiline:                        # an ignored terminal: count its lines
                start, end = match.span(index)
                value = text[start:end]
                if "\n" in value:
                    line += value.count("\n")
                    line_start = start + value.rindex("\n") + 1
        for _ in levels[1:]:
            add_type(dedent_type)
            add_value(None)
        return types, values

    def parse(self, text: str, start: str, first_line: int = 1):
        states, rules, unit_chains = self.states, self.rules, self.unit_chains
        end_state = self.end_states[start]
        state_stack = [self.start_states[start]]
        value_stack: list = []
        push_state, push_value = state_stack.append, value_stack.append
        types, values = self.tokens(text, first_line)
        for kind, token in zip(types, values):
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


def _by_first_character(pattern, terminals) -> tuple[str, dict[str, str]]:
    """Lark's alternation of terminals grouped by first character (parser/first_characters.py),
    with its group → terminal map; Lark's own alternation when it isn't the plain join of its
    terminals this expects."""
    regex_of = {terminal.name: terminal.pattern.to_regexp() for terminal in terminals}
    order = [name for name, _ in sorted(pattern.groupindex.items(), key=lambda item: item[1])
             if name in regex_of]
    alternatives = [(name, regex_of[name]) for name in order]
    if "|".join(f"(?P<{name}>{regex})" for name, regex in alternatives) != pattern.pattern:
        return pattern.pattern, {name: name for name in pattern.groupindex}
    return dispatch_pattern(alternatives, pattern.flags)


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


class _Compiler:
    """Each rule's Lark callback chain as one function of the reduction's children.

    A chain is at most: a child filter (keep some children, splice in the children of `_rule`
    ones, add None for absent optional parts), then ExpandSingleChild (one child left: that
    child), then the builder (an IRBuilder method, or Lark's default that makes a `Tree`).
    The generated source only ever holds numbers: callables are reached by index."""

    def __init__(self):
        self.targets: list = []

    def callback(self, rule, chain):
        parts, single, target = None, False, chain
        if isinstance(target, (ChildFilterLALR, ChildFilterLALR_NoPlaceholders)):
            parts = self._parts(target, len(rule.expansion))
            target = target.node_builder
        if isinstance(target, ExpandSingleChild):
            single, target = True, target.node_builder
        if isinstance(target, (ChildFilterLALR, ChildFilterLALR_NoPlaceholders, ExpandSingleChild)):
            raise NotHandled(f"callback chain of {rule.origin.name}")
        spliced = rule.origin.name.startswith("_")
        if spliced and (single or not _is_default(target)):
            raise NotHandled(f"repetition {rule.origin.name} with a builder")
        if parts is None:
            if any(not s.is_term and s.name.startswith("_") for s in rule.expansion):
                raise NotHandled(f"{rule.origin.name} splices without a filter")
            if single and len(rule.expansion) == 1:
                return None                       # the one child is the value
            if spliced:
                return _same_list
            if not single:
                return target
        source = ["def callback(c):"]
        if parts is None or parts == [("items", list(range(len(rule.expansion))))]:
            source.append("    f = c")        # every child, in order: the driver's list is fresh
        else:
            first, *rest = parts or [("items", [])]
            if first[0] == "splice":
                source.append(f"    f = c[{first[1]}]")
            else:
                source.append("    f = " + _items(first[1]))
            for what, argument in rest:
                source.append(f"    f += c[{argument}]" if what == "splice" else "    f += " + _items(argument))
        build = "f" if spliced else f"T[{len(self.targets)}](f)"
        if not spliced:
            self.targets.append(target)
        source.append(f"    return f[0] if len(f) == 1 else {build}" if single else f"    return {build}")
        namespace = {"T": self.targets}
        exec("\n".join(source), namespace)    # the source is numbers only; see _items
        return namespace["callback"]

    @staticmethod
    def _parts(child_filter, size: int) -> list:
        """[("items", [index or None, …]) | ("splice", index), …] in order."""
        parts: list = []

        def add_item(item):
            if parts and parts[-1][0] == "items":
                parts[-1][1].append(item)
            else:
                parts.append(("items", [item]))

        placeholders = isinstance(child_filter, ChildFilterLALR)
        for entry in child_filter.to_include:
            index, splice = entry[0], entry[1]
            if placeholders:
                for _ in range(entry[2]):
                    add_item(None)
            if not (isinstance(index, int) and 0 <= index < size):
                raise NotHandled("child filter index")
            if splice:
                parts.append(("splice", index))
            else:
                add_item(index)
        if placeholders:
            for _ in range(child_filter.append_none):
                add_item(None)
        return parts


def _items(items: list) -> str:
    return "[" + ", ".join("None" if i is None else f"c[{int(i)}]" for i in items) + "]"


def _same_list(children: list) -> list:
    return children


def _is_default(target) -> bool:
    """Lark's default callback (a `Tree` named after the rule), as `create_callback` makes it."""
    return isinstance(target, partial) and getattr(target.func, "__name__", "") == "default_callback"
