"""Parse tree → IR: one method per grammar rule, each building one IR node (spec §6).

Runs inline during the LALR parse (no tree is built), so a node's `loc` comes from its
children: tokens carry positions, built nodes carry their own `loc`.
Python features HyperCode lacks are turned into a HC0009 note plus a harmless placeholder, so
parsing continues and the rest of the file is still checked.
"""

from __future__ import annotations

import ast
from sys import intern

from lark import Token, Transformer

from ..diagnostics import Span, catalogue

BINOPS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "//": "floordiv", "%": "mod", "**": "pow"}
COMPARE_OPS = {"==": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge", "in": "in",
               "not in": "notin"}
UNARY_OPS = {"-": "neg", "+": "pos"}

# HC0009: what each missing feature is called and what to use instead.
UNSUPPORTED = catalogue.NOT_IN_HYPERCODE  # the words live in the catalogue


class Params(list):
    """A def's parameters; `annotation_loc` is where the first annotation among them is."""
    annotation_loc = None


class Marker(tuple):
    """Intermediate values that are not IR nodes (elif clauses, argument lists, …)."""


def loc_of(item) -> list[int] | None:
    exact = type(item)          # the two common cases first: this runs for almost every node
    if exact is dict:
        return item.get("loc")
    if exact is Token:
        return [item.line, item.column, item.end_line, item.end_column]
    if isinstance(item, Token):
        return [item.line, item.column, item.end_line, item.end_column]
    if isinstance(item, dict):
        return item.get("loc")
    if isinstance(item, Marker):
        return item[-1]
    if isinstance(item, list):
        locs = [loc_of(x) for x in item if x is not None]
        locs = [x for x in locs if x]
        if locs:
            return [locs[0][0], locs[0][1], locs[-1][2], locs[-1][3]]
    return None


def span(first, last) -> list[int]:
    a, b = loc_of(first), loc_of(last)
    a = a or b
    b = b or a
    return [a[0], a[1], b[2], b[3]]


def node(kind: str, value, loc) -> dict:
    return {kind: value, "loc": loc}


def as_list(block) -> list:
    return block if isinstance(block, list) else [block]


class IRBuilder(Transformer):
    """Inline transformer; `notes` collects diagnostics found while building (HC0009 etc.)."""

    def __init__(self, parse_fragment):
        super().__init__()
        self.notes: list = []
        # Parses the text of an f-string field: (text, line, col) -> expression IR.
        self.parse_fragment = parse_fragment

    # ------------------------------------------------------------ notes
    def note(self, code: str, loc, **params):
        self.notes.append(catalogue.diagnostic(code, Span.from_loc(loc), **params))

    def unsupported(self, what: str, loc, fixes=()):
        feature, instead = UNSUPPORTED[what]
        self.notes.append(catalogue.diagnostic("HC0009", Span.from_loc(loc), fixes=fixes,
                                               feature=feature, instead=instead))

    # ------------------------------------------------------------ program and statements
    def file_input(self, items):
        body = []
        for item in items:
            if isinstance(item, list):
                body.extend(item)
            elif isinstance(item, dict):
                body.append(item)
        return {"hypercode": 2, "body": body}

    def fstring_field(self, items):
        return items[0]

    def simple_stmt(self, items):
        return [item for item in items if isinstance(item, dict)]

    def suite(self, items):
        body = []
        for item in items:
            body.extend(as_list(item) if isinstance(item, (list, dict)) else [])
        return body

    def expr_stmt(self, items):
        return node("expr", items[0], loc_of(items[0]))

    def assign(self, items):
        *targets, value = items
        return node("assign", {"targets": [self.target(t) for t in targets], "value": value},
                    span(targets[0], value))

    def augassign(self, items):
        target, op, value = items
        return node("augassign", {"op": BINOPS[op[:-1]], "target": self.target(target), "value": value},
                    span(target, value))

    def target(self, expr: dict) -> dict:
        """Check that an expression can be assigned to (spec §3)."""
        kind = next(iter(expr))
        if kind in ("var", "index", "slice"):
            return expr
        if kind in ("tuple", "list"):
            return {**expr, kind: [self.target(item) for item in expr[kind]]}
        if kind == "attr":
            self.unsupported("attribute_assign", expr["loc"])
        else:
            self.note("HC0001", expr["loc"], detail=catalogue.syntax_detail("assign_target"))
        return expr

    def pass_(self, items):
        return node("pass", None, loc_of(items[0]))

    def break_(self, items):
        return node("break", None, loc_of(items[0]))

    def continue_(self, items):
        return node("continue", None, loc_of(items[0]))

    def return_(self, items):
        keyword, value = items
        return node("return", value, span(keyword, value or keyword))

    def raise_(self, items):
        keyword, value = items
        return node("raise", value, span(keyword, value or keyword))

    def assert_(self, items):
        keyword, test, msg = items
        return node("assert", {"test": test, "msg": msg}, span(keyword, msg or test))

    def import_(self, items):
        keyword, name = items
        return node("import", str(name), span(keyword, name))

    def if_(self, items):
        keyword, test, body, *rest = items
        else_body = rest[-1]
        elifs = rest[:-2]
        orelse = as_list(else_body) if else_body is not None else []
        for clause in reversed(elifs):
            _, c_keyword, c_test, c_body, _ = clause
            orelse = [node("if", {"test": c_test, "body": c_body, "orelse": orelse},
                           span(c_keyword, orelse[-1] if orelse else c_body[-1]))]
        last = orelse[-1] if orelse else body[-1]
        return node("if", {"test": test, "body": body, "orelse": orelse}, span(keyword, last))

    def elif_(self, items):
        keyword, test, body = items
        return Marker(("elif", keyword, test, body, span(keyword, body[-1])))

    def while_(self, items):
        keyword, test, body, _, orelse = items
        orelse = orelse or []
        return node("while", {"test": test, "body": body, "orelse": orelse},
                    span(keyword, (orelse or body)[-1]))

    def for_(self, items):
        keyword, target, _, iterable, body, _, orelse = items
        orelse = orelse or []
        return node("for", {"target": self.target(target), "iter": iterable, "body": body, "orelse": orelse},
                    span(keyword, (orelse or body)[-1]))

    def def_(self, items):
        keyword, name, params, arrow, returns, body = items
        # Annotations anywhere in the header are one mistake: one HC0009, at the first of them.
        annotation = getattr(params, "annotation_loc", None) or (span(arrow, returns) if arrow else None)
        if annotation:
            self.unsupported("annotation", annotation)
        return node("def", {"name": str(name), "params": list(params or []), "body": body},
                    span(keyword, body[-1]))

    def params(self, items):
        # Repeated names and a missing default after a default are checked by checker/rules.py,
        # which IR loaded from a file goes through too.
        params = Params()
        for name, default, loc, annotation_loc in items:
            params.annotation_loc = params.annotation_loc or annotation_loc
            params.append({"name": name, "default": default, "loc": loc})
        return params

    def param(self, items):
        name, colon, annotation, default = items
        return (str(name), default, loc_of(name), span(colon, annotation) if colon else None)

    def try_(self, items):
        keyword, body, *rest = items
        handlers = [h for h in rest[:-4] if isinstance(h, dict)]
        _, orelse, _, final = rest[-4:]
        orelse, final = orelse or [], final or []
        last = (final or orelse or handlers[-1]["body"])[-1]
        return node("try", {"body": body, "handlers": handlers, "orelse": orelse, "finally": final},
                    span(keyword, last))

    def try_finally(self, items):
        keyword, body, _, final = items
        return node("try", {"body": body, "handlers": [], "orelse": [], "finally": final},
                    span(keyword, final[-1]))

    def except_(self, items):
        keyword, kind, name, body = items
        return {"kind": str(kind) if kind is not None else None,
                "name": str(name) if name is not None else None,
                "body": body, "loc": span(keyword, body[-1])}

    def match(self, items):
        keyword, subject, *cases = items
        return node("match", {"subject": subject, "cases": cases}, span(keyword, cases[-1]["body"][-1]))

    def case(self, items):
        keyword, pattern, _, guard, body = items
        return {"pattern": pattern, "guard": guard, "body": body, "loc": span(keyword, body[-1])}

    # ------------------------------------------------------------ Python features HyperCode lacks
    def _unsupported_statement(self, what, items):
        loc = span(items[0], items[-1] if not isinstance(items[-1], list) else items[0])
        self.unsupported(what, loc)
        return node("pass", None, loc)

    def unsupported_global(self, items):
        return self._unsupported_statement("global", items)

    def unsupported_nonlocal(self, items):
        return self._unsupported_statement("nonlocal", items)

    def unsupported_del(self, items):
        return self._unsupported_statement("del", items)

    def unsupported_from_import(self, items):
        # `from m import a, b` still binds a and b (to None), so their uses raise nothing more.
        loc = span(items[0], items[-1])
        self.unsupported("from_import", loc)
        names = [item for item in items[3:] if isinstance(item, Token) and item.type == "NAME"]
        return node("assign", {"targets": [node("var", str(n), loc_of(n)) for n in names],
                               "value": node("const", None, loc)}, loc) if len(names) == 1 else \
            node("assign", {"targets": [node("tuple", [node("var", str(n), loc_of(n)) for n in names], loc)],
                            "value": node("tuple", [node("const", None, loc) for _ in names], loc)}, loc)

    def unsupported_annassign(self, items):
        target, colon, annotation, value = items
        self.unsupported("annotation", span(colon, annotation))
        # Still an assignment (of None when there is no value), so later uses of the name are fine.
        value = value if value is not None else node("const", None, loc_of(annotation))
        return node("assign", {"targets": [self.target(target)], "value": value}, span(target, value))

    def unsupported_bitaugassign(self, items):
        self.unsupported("bitaug", loc_of(items[1]))
        return node("pass", None, span(items[0], items[-1]))

    def _unsupported_block(self, what, keyword, body):
        self.unsupported(what, loc_of(keyword))
        # Keep the body's statements so names defined inside are still known to the checker.
        return node("if", {"test": node("const", True, loc_of(keyword)), "body": as_list(body), "orelse": []},
                    span(keyword, as_list(body)[-1]))

    def unsupported_class(self, items):
        return self._unsupported_block("class", items[0], items[-1])

    def unsupported_with(self, items):
        return self._unsupported_block("with", items[0], items[-1])

    def unsupported_async(self, items):
        return self._unsupported_block("async", items[0], items[-1])

    def unsupported_decorator(self, items):
        return self._unsupported_block("decorator", items[0], items[-1])

    # ------------------------------------------------------------ targets and patterns
    def target_tuple(self, items):
        return node("tuple", items, span(items[0], items[-1]))

    def open_sequence_pattern(self, items):
        return node("sequence", items, span(items[0], items[-1]))

    def as_pattern(self, items):
        pattern, name = items
        return node("as", {"pattern": pattern, "name": str(name)}, span(pattern, name))

    def or_pattern(self, items):
        return node("or", items, span(items[0], items[-1]))

    def literal_pattern(self, items):
        (value,) = items
        if isinstance(value, Token):  # None / True / False
            return node("const", {"None": None, "True": True, "False": False}[str(value)], loc_of(value))
        if "fstring" in value:
            self.note("HC0001", value["loc"], detail=catalogue.syntax_detail("case_fstring"))
            return node("wildcard", None, value["loc"])
        return node("const", value["const"], value["loc"])

    def signed_number(self, items):
        if len(items) == 1:
            return items[0]
        sign, number = items
        if sign == "+":
            self.note("HC0001", loc_of(sign), detail=catalogue.syntax_detail("case_plus"))
            return number
        return node("const", -number["const"], span(sign, number))

    def capture_pattern(self, items):
        (name,) = items
        if name == "_":
            return node("wildcard", None, loc_of(name))
        return node("capture", str(name), loc_of(name))

    def value_pattern(self, items):
        value = node("var", str(items[0]), loc_of(items[0]))
        for name in items[1:]:
            value = node("attr", {"value": value, "name": str(name)}, span(value, name))
        return node("value", value, value["loc"])

    def sequence_pattern(self, items):
        inner = [i for i in items[1:-1] if i is not None]
        flat = []
        for item in inner:
            flat.extend(item if isinstance(item, list) else [item])
        stars = [p for p in flat if "star" in p]
        if len(stars) > 1:
            self.note("HC0001", stars[1]["loc"], detail=catalogue.syntax_detail("case_two_stars"))
        return node("sequence", flat, span(items[0], items[-1]))

    def pattern_items(self, items):
        return list(items)

    def star_pattern(self, items):
        star, name = items
        return node("star", None if name == "_" else str(name), span(star, name))

    # ------------------------------------------------------------ expressions
    def tuple_display(self, items):
        return node("tuple", items, span(items[0], items[-1]))

    def ifexp(self, items):
        body, _, test, _, orelse = items
        return node("ifexp", {"test": test, "body": body, "orelse": orelse}, span(body, orelse))

    def unsupported_lambda(self, items):
        self.unsupported("lambda", loc_of(items[0]))
        return node("const", None, span(items[0], items[-1]))

    def unsupported_walrus(self, items):
        name, op, value = items
        self.unsupported("walrus", loc_of(op))
        return value

    def or_test(self, items):
        return self._boolop("or", items)

    def and_test(self, items):
        return self._boolop("and", items)

    def _boolop(self, op, items):
        values = items[::2]
        return node("boolop", {"op": op, "values": values}, span(values[0], values[-1]))

    def not_(self, items):
        keyword, operand = items
        return node("unary", {"op": "not", "operand": operand}, span(keyword, operand))

    def comparison(self, items):
        left, rest = items[0], items[1:]
        ops = []
        for op in rest[::2]:
            text = op[0]
            if text in ("is", "is not"):
                new_text = "==" if text == "is" else "!="
                fix = catalogue.replace_fix(catalogue.fix_title("use", new=new_text), Span.from_loc(op[1]), new_text)
                self.unsupported(text, op[1], fixes=[fix])
                text = new_text
            ops.append(COMPARE_OPS[text])
        return node("compare", {"left": left, "ops": ops, "comparators": rest[1::2]}, span(left, rest[-1]))

    def comp_op(self, items):
        text = " ".join(str(t) for t in items)
        return Marker((text, span(items[0], items[-1])))

    def unsupported_invert(self, items):
        self.unsupported("invert", loc_of(items[0]))
        return items[1]

    def unsupported_await(self, items):
        self.unsupported("await", loc_of(items[0]))
        return items[1]

    def arith(self, items):
        result = items[0]
        for op, right in zip(items[1::2], items[2::2]):
            result = node("binop", {"op": BINOPS[str(op)], "left": result, "right": right}, span(result, right))
        return result

    def unary(self, items):
        op, operand = items
        return node("unary", {"op": UNARY_OPS[str(op)], "operand": operand}, span(op, operand))

    def power(self, items):
        base, _, exponent = items
        return node("binop", {"op": "pow", "left": base, "right": exponent}, span(base, exponent))

    def call(self, items):
        func, arguments, rpar = items
        args, kwargs = (arguments[0], arguments[1]) if arguments else ([], {})
        return node("call", {"func": func, "args": args, "kwargs": kwargs}, span(func, rpar))

    def arguments(self, items):
        args, kwargs = [], {}
        for item in items:
            if isinstance(item, Marker):
                _, name, value, loc = item
                if name in kwargs:
                    self.note("HC0001", loc, detail=catalogue.syntax_detail("keyword_twice", name=name))
                kwargs[name] = value
            elif item is not None:
                if kwargs:
                    self.note("HC0001", item["loc"],
                              detail=catalogue.syntax_detail("positional_after_keyword"))
                args.append(item)
        return Marker((args, kwargs, loc_of(items)))

    def genexp_argument(self, items):
        elt, comp = items
        return Marker(([self._listcomp(elt, comp, span(elt, comp))], {}, span(elt, comp)))

    def keyword_argument(self, items):
        name, value = items
        return Marker(("kw", str(name), value, span(name, value)))

    def unsupported_star_arg(self, items):
        self.unsupported("star_arg", loc_of(items[0]))
        return items[1]

    def subscript(self, items):
        value, index, rsq = items
        if isinstance(index, Marker):
            lower, upper, step = index[:3]
            return node("slice", {"value": value, "lower": lower, "upper": upper, "step": step}, span(value, rsq))
        return node("index", {"value": value, "index": index}, span(value, rsq))

    def slice(self, items):
        lower, colon, upper, _, step = items
        return Marker((lower, upper, step, span(lower or colon, step or upper or colon)))

    def attr(self, items):
        value, name = items
        return node("attr", {"value": value, "name": intern(str(name))}, span(value, name))

    def var(self, items):
        # One string per distinct name, not per use: a big file names the same things often.
        # (The most frequent node of all, so built here directly.)
        token = items[0]
        return {"var": intern(token.value), "loc": [token.line, token.column, token.end_line, token.end_column]}

    def number(self, items):
        (token,) = items
        # int() and float() read the grammar's number terminals as Python's literals do, and
        # much faster than ast.literal_eval (which compiles its text).
        try:
            if token.type == "DEC_NUMBER":
                value = int(token.replace("_", ""))
            elif token.type == "FLOAT_NUMBER":
                value = float(token.replace("_", ""))
            else:
                value = int(token, 0)
        except ValueError:      # e.g. more digits than int() converts: as before
            value = ast.literal_eval(token.replace("_", "") if token[:2].lower() not in ("0x", "0o", "0b") else token)
        return node("const", value, loc_of(token))

    def const_none(self, items):
        return node("const", None, loc_of(items[0]))

    def const_true(self, items):
        return node("const", True, loc_of(items[0]))

    def const_false(self, items):
        return node("const", False, loc_of(items[0]))

    def empty_tuple(self, items):
        return node("tuple", [], span(items[0], items[-1]))

    def paren(self, items):
        lpar, inner, rpar = items
        if "tuple" in inner:
            return {**inner, "loc": span(lpar, rpar)}
        return inner

    def genexp(self, items):
        lpar, elt, comp, rpar = items
        return self._listcomp(elt, comp, span(lpar, rpar))

    def list(self, items):
        lsq, elements, rsq = items
        return node("list", elements or [], span(lsq, rsq))

    def list_items(self, items):
        return [item for item in items if item is not None]

    def listcomp(self, items):
        lsq, elt, comp, rsq = items
        return self._listcomp(elt, comp, span(lsq, rsq))

    def _listcomp(self, elt, comp, loc):
        _, target, iterable, ifs, _ = comp
        return node("listcomp", {"elt": elt, "target": target, "iter": iterable, "ifs": ifs}, loc)

    def comp_for(self, items):
        keyword, target, _, iterable, *ifs = items
        return Marker(("comp", self.target(target), iterable, list(ifs), span(keyword, ifs[-1] if ifs else iterable)))

    def unsupported_nested_comp(self, items):
        inner = items[-1]
        self.unsupported("nested_comp", loc_of(inner))
        _, target, iterable, ifs, loc = self.comp_for(items[:-1])
        _, inner_target, inner_iterable, inner_ifs, inner_loc = inner
        # The inner loop's names are bound too (one mistake, one diagnostic), and what it reads
        # is still checked: its iterable and conditions join the outer conditions.
        return Marker(("comp", node("tuple", [target, inner_target], span(target, inner_target)), iterable,
                       ifs + [inner_iterable] + inner_ifs, [loc[0], loc[1], inner_loc[2], inner_loc[3]]))

    def comp_if(self, items):
        return items[1]

    def dict(self, items):
        lbrace, pairs, rbrace = items
        return node("dict", pairs or [], span(lbrace, rbrace))

    def dict_items(self, items):
        return [item for item in items if item is not None]

    def dict_item(self, items):
        return [items[0], items[1]]

    def unsupported_set(self, items):
        self.unsupported("set", span(items[0], items[-1]))
        return node("list", [i for i in items[1:-1] if i is not None], span(items[0], items[-1]))

    def unsupported_dictcomp(self, items):
        self.unsupported("dictcomp", span(items[0], items[-1]))
        return node("dict", [], span(items[0], items[-1]))

    def unsupported_yield(self, items):
        self.unsupported("yield", loc_of(items[0]))
        return node("const", None, span(items[0], items[-1] or items[0]))

    # ------------------------------------------------------------ strings and f-strings
    def strings(self, tokens):
        parts: list = []
        for token in tokens:
            if token.type == "FSTRING":
                parts.extend(self._fstring_parts(token))
            else:
                parts.append(self._literal(token))
        loc = span(tokens[0], tokens[-1])
        if all(isinstance(p, str) for p in parts):
            return node("const", "".join(parts), loc)
        merged: list = []
        for part in parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            elif part != "":
                merged.append(part)
        return node("fstring", merged, loc)

    def _literal(self, token: Token) -> str:
        text = str(token)
        quote = text[:1]
        # The common string: no prefix, one quote, no escapes, plain ASCII, is its own body.
        if (quote == '"' or quote == "'") and text[1:2] != quote and "\\" not in text and text.isascii() \
                and "\x00" not in text:
            return text[1:-1]
        try:
            return ast.literal_eval(str(token))
        except (SyntaxError, ValueError):  # e.g. "\ue": a broken \u, \x or \N{…} escape
            self._bad_escape(token)
            text = str(token).lstrip("rRuU")
            quote = 3 if text[:3] in ('"""', "'''") else 1
            return text[quote:-quote]

    def _bad_escape(self, token: Token):
        self.note("HC0001", loc_of(token),
                  detail=catalogue.syntax_detail("bad_escape"))

    def _fstring_parts(self, token: Token) -> list:
        text = str(token)
        prefix_len = 1 + (text[1] in "rR" or text[0] in "rR")
        raw = "r" in text[:prefix_len].lower()
        quote = text[prefix_len:prefix_len + 3] if text[prefix_len:prefix_len + 3] in ('"""', "'''") else text[prefix_len]
        start, end = prefix_len + len(quote), len(text) - len(quote)
        parts: list = []
        literal = []
        i = start
        while i < end:
            ch = text[i]
            if ch == "{" and text[i + 1:i + 2] == "{":
                literal.append("{")
                i += 2
            elif ch == "}" and text[i + 1:i + 2] == "}":
                literal.append("}")
                i += 2
            elif ch == "{":
                if literal:
                    parts.append(self._decode("".join(literal), quote, raw, token))
                    literal = []
                close = self._field_end(text, i + 1, end)
                parts.append(self._field(token, text, i + 1, close))
                i = close + 1
            elif ch == "}":
                self.note("HC0001", self._position(token, text, i, i + 1),
                          detail=catalogue.syntax_detail("fstring_lone_brace"))
                i += 1
            elif ch == "\\" and not raw:
                literal.append(text[i:i + 2])
                i += 2
            else:
                literal.append(ch)
                i += 1
        if literal:
            parts.append(self._decode("".join(literal), quote, raw, token))
        return parts

    def _decode(self, body: str, quote: str, raw: bool, token: Token) -> str:
        if "\\" not in body and body.isascii() and "\x00" not in body:
            return body             # no escapes: the literal is its own text (as in _literal)
        q = '"""' if len(quote) == 3 else '"'
        body = body.replace('"', '\\"') if not raw else body
        try:
            return ast.literal_eval(("r" if raw else "") + q + body + q)
        except (SyntaxError, ValueError):
            self._bad_escape(token)
            return body

    @staticmethod
    def _field_end(text: str, i: int, end: int) -> int:
        """Index of the '}' closing the field that starts at i (brackets and strings nest)."""
        depth, quote = 0, None
        while i < end:
            ch = text[i]
            if quote:
                if ch == "\\":
                    i += 1
                elif ch == quote:
                    quote = None
            elif ch in "'\"":
                quote = ch
            elif ch in "([{":
                depth += 1
            elif ch in ")]":
                depth -= 1
            elif ch == "}":
                if depth == 0:
                    return i
                depth -= 1
            i += 1
        return end

    def _position(self, token: Token, text: str, start: int, stop: int) -> list[int]:
        def at(offset):
            before = text[:offset]
            line = token.line + before.count("\n")
            col = (offset - before.rfind("\n")) if "\n" in before else token.column + offset
            return line, col
        return [*at(start), *at(stop)]

    def _field(self, token: Token, text: str, start: int, close: int) -> dict:
        field = text[start:close]
        depth, quote, split_at, conv = 0, None, None, None
        escaped = False
        for j, ch in enumerate(field):
            if quote:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == quote:
                    quote = None
            elif ch in "'\"":
                quote = ch
            elif ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            elif depth == 0 and ch == ":":
                split_at = j
                break
        expr_text, spec = (field, None) if split_at is None else (field[:split_at], field[split_at + 1:])
        if len(expr_text) >= 2 and expr_text[-2] == "!" and expr_text[-1] in "rsa":
            conv, expr_text = expr_text[-1], expr_text[:-2]
        loc = self._position(token, text, start, close)
        if close >= len(text) - 1 and not text[close:close + 1] == "}":
            self.note("HC0001", loc, detail=catalogue.syntax_detail("fstring_unclosed_field"))
        if not expr_text.strip():
            self.note("HC0001", loc, detail=catalogue.syntax_detail("fstring_empty_field"))
            value = node("const", "", loc)
        else:
            value = self.parse_fragment(expr_text, loc[0], loc[1])
        return {"value": value, "spec": spec, "conv": conv}


# Lark calls rule methods by rule name; Python keywords need a trailing underscore.
for _keyword in ("pass", "break", "continue", "return", "raise", "assert", "import", "if", "elif",
                 "while", "for", "def", "try", "except"):
    setattr(IRBuilder, _keyword, getattr(IRBuilder, _keyword + "_"))
