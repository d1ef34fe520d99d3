"""IR → canonical HyperCode source (`hcvm fmt`).

Four-space indentation, double-quoted strings, minimal parentheses from operator precedence,
`elif` for an `else` holding only an `if`. Comments and (up to two) blank lines between
statements come back where they were, using the `loc`s and the program's `comments`.
The output always parses back to the same IR (locations aside), and formatting is idempotent.
"""

from __future__ import annotations

from .tree import kind_of, statement_blocks

BINARY_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "floordiv": "//", "mod": "%", "pow": "**"}
COMPARE_SYMBOLS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "in": "in",
                   "notin": "not in"}
UNARY_SYMBOLS = {"neg": "-", "pos": "+", "not": "not "}

# Precedence, low to high (Python's).
TUPLE, IFEXP, OR, AND, NOT, COMPARE, ARITH, TERM, UNARY, POWER, ATOM = range(11)
BINARY_PRECEDENCE = {"add": ARITH, "sub": ARITH, "mul": TERM, "div": TERM, "floordiv": TERM, "mod": TERM,
                     "pow": POWER}

INDENT = "    "


# ------------------------------------------------------------------ expressions

def quote(text: str, quote_char: str = '"') -> str:
    literal = repr(text)
    if literal[0] == quote_char:
        return literal
    body = literal[1:-1]
    if literal[0] == "'":
        body = body.replace("\\'", "'")
    else:
        body = body.replace('\\"', '"')
    return quote_char + body.replace(quote_char, "\\" + quote_char) + quote_char


def _fits_triple_quotes(text: str) -> bool:
    """A multi-line docstring reads best triple-quoted, when that spells it exactly. (The IR
    doesn't say how a string was written, so other strings keep the escaped one-line form.)"""
    return ("\n" in text and '"""' not in text and not text.endswith('"')
            and all(ch.isprintable() or ch in "\n\t" for ch in text))


def precedence(node: dict) -> int:
    kind = kind_of(node)
    if kind == "binop":
        return BINARY_PRECEDENCE[node["binop"]["op"]]
    if kind == "unary":
        return NOT if node["unary"]["op"] == "not" else UNARY
    if kind == "boolop":
        return OR if node["boolop"]["op"] == "or" else AND
    if kind == "compare":
        return COMPARE
    if kind == "ifexp":
        return IFEXP
    if kind == "const" and isinstance(node["const"], (int, float)) and not isinstance(node["const"], bool) \
            and (node["const"] < 0 or str(node["const"]).startswith("-")):
        return UNARY
    return ATOM


class ExpressionPrinter:
    def __init__(self, string_quote: str = '"', enclosing_quote: str | None = None):
        self.string_quote = string_quote
        # Inside an f-string field, a string must not contain the f-string's own quote unescaped.
        self.enclosing_quote = enclosing_quote

    def __call__(self, node: dict, context: int = TUPLE) -> str:
        text = getattr(self, "p_" + kind_of(node))(node[kind_of(node)])
        if precedence(node) < context:
            return f"({text})"
        return text

    def bare(self, node: dict) -> str:
        """A tuple may stand without parentheses here (assignment, return, for … in)."""
        if kind_of(node) == "tuple" and node["tuple"]:
            return self.items(node["tuple"], single_comma=True)
        return self(node)

    def items(self, items, single_comma=False) -> str:
        text = ", ".join(self(item, IFEXP) for item in items)
        return text + "," if single_comma and len(items) == 1 else text

    def p_const(self, value) -> str:
        if isinstance(value, str):
            text = quote(value, self.string_quote)
            if self.enclosing_quote:
                text = text[0] + text[1:-1].replace(self.enclosing_quote, "\\" + self.enclosing_quote) + text[-1]
            return text
        return repr(value)

    def p_var(self, name) -> str:
        return name

    def p_binop(self, data) -> str:
        op = data["op"]
        level = BINARY_PRECEDENCE[op]
        if op == "pow":  # right-associative; the right side may be a unary
            left = self(data["left"], level + 1)
            right = self(data["right"], UNARY)
        else:
            left = self(data["left"], level)
            right = self(data["right"], level + 1)
        return f"{left} {BINARY_SYMBOLS[op]} {right}"

    def p_unary(self, data) -> str:
        op = data["op"]
        operand = self(data["operand"], NOT if op == "not" else UNARY)
        if op != "not" and operand.startswith(("-", "+")):
            operand = f"({operand})"  # `- -x` would read as one token pair; keep it explicit
        return UNARY_SYMBOLS[op] + operand

    def p_boolop(self, data) -> str:
        level = OR if data["op"] == "or" else AND
        return f" {data['op']} ".join(self(v, level + 1) for v in data["values"])

    def p_compare(self, data) -> str:
        parts = [self(data["left"], COMPARE + 1)]
        for op, right in zip(data["ops"], data["comparators"]):
            parts.append(f"{COMPARE_SYMBOLS[op]} {self(right, COMPARE + 1)}")
        return " ".join(parts)

    def p_call(self, data) -> str:
        args = [self(a, IFEXP) for a in data["args"]]
        args += [f"{name}={self(value, IFEXP)}" for name, value in data["kwargs"].items()]
        return f"{self(data['func'], ATOM)}({', '.join(args)})"

    def p_attr(self, data) -> str:
        value = self(data["value"], ATOM)
        if kind_of(data["value"]) == "const" and isinstance(data["value"]["const"], int):
            value = f"({value})"
        return f"{value}.{data['name']}"

    def p_index(self, data) -> str:
        return f"{self(data['value'], ATOM)}[{self.bare(data['index'])}]"

    def p_slice(self, data) -> str:
        part = lambda n: "" if n is None else self(n, IFEXP)  # noqa: E731
        text = f"{part(data['lower'])}:{part(data['upper'])}"
        if data["step"] is not None:
            text += f":{part(data['step'])}"
        return f"{self(data['value'], ATOM)}[{text}]"

    def p_list(self, items) -> str:
        return f"[{self.items(items)}]"

    def p_tuple(self, items) -> str:
        return f"({self.items(items, single_comma=True)})"

    def p_dict(self, pairs) -> str:
        return "{" + ", ".join(f"{self(k, IFEXP)}: {self(v, IFEXP)}" for k, v in pairs) + "}"

    def p_ifexp(self, data) -> str:
        return f"{self(data['body'], OR)} if {self(data['test'], OR)} else {self(data['orelse'], IFEXP)}"

    def p_listcomp(self, data) -> str:
        text = f"[{self(data['elt'], IFEXP)} for {self.target(data['target'])} in {self(data['iter'], OR)}"
        for condition in data["ifs"]:
            text += f" if {self(condition, OR)}"
        return text + "]"

    def p_fstring(self, parts) -> str:
        inner = ExpressionPrinter("'" if self.string_quote == '"' else '"', self.string_quote)
        out = []
        for part in parts:
            if isinstance(part, str):
                body = quote(part, self.string_quote)[1:-1]
                out.append(body.replace("{", "{{").replace("}", "}}"))
            else:
                text = inner(part["value"], IFEXP)
                if text.startswith("{"):
                    text = " " + text  # `{{` would read as a literal brace
                if part.get("conv"):
                    text += "!" + part["conv"]
                if part.get("spec") is not None:
                    text += ":" + part["spec"]
                out.append("{" + text + "}")
        return f"f{self.string_quote}{''.join(out)}{self.string_quote}"

    def target(self, node: dict) -> str:
        if kind_of(node) == "tuple" and node["tuple"]:
            return ", ".join(self.target(t) if kind_of(t) != "tuple" else f"({self.target(t)})"
                             for t in node["tuple"]) + ("," if len(node["tuple"]) == 1 else "")
        if kind_of(node) == "list":
            return "[" + ", ".join(self.target(t) for t in node["list"]) + "]"
        return self(node, ATOM)


# ------------------------------------------------------------------ patterns

def pattern(node: dict, expr: ExpressionPrinter) -> str:
    kind = kind_of(node)
    value = node[kind]
    if kind == "const":
        return expr.p_const(value)
    if kind == "capture":
        return value
    if kind == "wildcard":
        return "_"
    if kind == "or":
        return " | ".join(pattern(p, expr) if kind_of(p) not in ("or", "as") else f"({pattern(p, expr)})"
                          for p in value)
    if kind == "sequence":
        return "[" + ", ".join(pattern(p, expr) for p in value) + "]"
    if kind == "star":
        return "*" + (value or "_")
    if kind == "value":
        return expr(value, ATOM)
    if kind == "as":
        inner = pattern(value["pattern"], expr)
        if kind_of(value["pattern"]) == "as":
            inner = f"({inner})"
        return f"{inner} as {value['name']}"
    raise ValueError(f"unknown pattern {kind}")


# ------------------------------------------------------------------ statements

def docstring(node: dict) -> str | None:
    value = node.get("const")
    if isinstance(value, str) and _fits_triple_quotes(value):
        return '"""' + value.replace("\\", "\\\\") + '"""'
    return None


class Formatter:
    def __init__(self, program: dict):
        self.expr = ExpressionPrinter()
        self.out: list[str] = []
        self.comments = sorted((tuple(c) for c in program.get("comments", [])), key=lambda c: (c[0], c[1]))
        self.next_comment = 0
        self.last_line = 0          # last source line accounted for
        self.code_lines = set()
        self.printed_trailing: set[int] = set()
        for statement in program["body"]:
            self._collect_code_lines(statement)

    def _collect_code_lines(self, statement: dict):
        loc = statement.get("loc")
        kind = kind_of(statement)
        if loc:
            if kind in ("if", "while", "for", "def", "match", "try"):
                self.code_lines.add(loc[0])
            else:
                self.code_lines.update(range(loc[0], loc[2] + 1))
        for block in statement_blocks(statement):
            for child in block:
                self._collect_code_lines(child)

    def run(self, body: list) -> str:
        self.block(body, 0)
        self.flush_comments(None, 0)
        text = "\n".join(self.out).rstrip("\n")
        return text + "\n" if text else ""

    # comments ---------------------------------------------------------
    def flush_comments(self, before_line: int | None, depth: int):
        """Emit own-line comments that come before `before_line` (all when None)."""
        while self.next_comment < len(self.comments):
            line, _col, text = self.comments[self.next_comment]
            if before_line is not None and line >= before_line:
                break
            if line in self.printed_trailing:
                self.next_comment += 1
                continue
            self.blank_lines(line, depth)
            self.out.append(INDENT * depth + text.rstrip())
            self.last_line = line
            self.next_comment += 1

    def trailing_comment(self, first: int, last: int) -> str:
        found = []
        for line, _col, text in self.comments[self.next_comment:]:
            if line > last:
                break
            if first <= line <= last and line not in self.printed_trailing:
                found.append(text.rstrip())
                self.printed_trailing.add(line)
        return ("  " + " ".join(found)) if found else ""

    def blank_lines(self, line: int, depth: int):
        if self.last_line and line - self.last_line > 1 and self.out:
            gap = line - self.last_line - 1
            self.out.extend([""] * min(gap, 2 if depth == 0 else 1))

    # statements ---------------------------------------------------------
    def block(self, body: list, depth: int):
        for statement in body:
            loc = statement.get("loc")
            if loc:
                self.flush_comments(loc[0], depth)
                self.blank_lines(loc[0], depth)
            self.statement(statement, depth)
            if loc:
                self.last_line = max(self.last_line, loc[2])

    def line(self, depth: int, text: str, loc_first: int | None = None, loc_last: int | None = None):
        comment = self.trailing_comment(loc_first, loc_last) if loc_first else ""
        self.out.append(INDENT * depth + text + comment)
        if loc_last:
            self.last_line = max(self.last_line, loc_last)

    def statement(self, node: dict, depth: int):
        kind = kind_of(node)
        value = node[kind]
        loc = node.get("loc")
        first, last = (loc[0], loc[2]) if loc else (None, None)
        e = self.expr
        simple = {
            "expr": lambda: e.bare(value) if kind_of(value) == "tuple" else docstring(value) or e(value),
            "assign": lambda: " = ".join([e.target(t) for t in value["targets"]] + [e.bare(value["value"])]),
            "augassign": lambda: f"{e.target(value['target'])} {BINARY_SYMBOLS[value['op']]}= {e.bare(value['value'])}",
            "break": lambda: "break",
            "continue": lambda: "continue",
            "pass": lambda: "pass",
            "return": lambda: "return" + ("" if value is None else " " + e.bare(value)),
            "import": lambda: f"import {value}",
            "raise": lambda: "raise" + ("" if value is None else " " + e(value)),
            "assert": lambda: f"assert {e(value['test'])}" + ("" if value["msg"] is None else f", {e(value['msg'])}"),
        }
        if kind in simple:
            self.line(depth, simple[kind](), first, last)
            return
        header_last = first
        if kind == "if":
            self.if_chain(node, depth, "if")
        elif kind == "while":
            self.line(depth, f"while {e(value['test'])}:", first, header_last)
            self.block(value["body"], depth + 1)
            self.else_block(value["orelse"], depth)
        elif kind == "for":
            self.line(depth, f"for {e.target(value['target'])} in {e.bare(value['iter'])}:", first, header_last)
            self.block(value["body"], depth + 1)
            self.else_block(value["orelse"], depth)
        elif kind == "def":
            params = ", ".join(p["name"] + ("" if p["default"] is None else "=" + e(p["default"], IFEXP))
                               for p in value["params"])
            self.line(depth, f"def {value['name']}({params}):", first, header_last)
            self.block(value["body"], depth + 1)
        elif kind == "match":
            self.line(depth, f"match {e.bare(value['subject'])}:", first, header_last)
            for case in value["cases"]:
                case_loc = case.get("loc")
                if case_loc:
                    self.flush_comments(case_loc[0], depth + 1)
                guard = "" if case.get("guard") is None else f" if {e(case['guard'])}"
                self.line(depth + 1, f"case {pattern(case['pattern'], e)}{guard}:",
                          case_loc[0] if case_loc else None, case_loc[0] if case_loc else None)
                self.block(case["body"], depth + 2)
        elif kind == "try":
            self.line(depth, "try:", first, header_last)
            self.block(value["body"], depth + 1)
            for handler in value["handlers"]:
                h_loc = handler.get("loc")
                if h_loc:
                    self.flush_comments(h_loc[0], depth)
                header = "except" + (f" {handler['kind']}" if handler["kind"] else "") + \
                         (f" as {handler['name']}" if handler.get("name") else "") + ":"
                self.line(depth, header, h_loc[0] if h_loc else None, h_loc[0] if h_loc else None)
                self.block(handler["body"], depth + 1)
            self.else_block(value.get("orelse") or [], depth)
            self.else_block(value.get("finally") or [], depth, "finally")
        else:
            raise ValueError(f"unknown statement {kind}")

    def if_chain(self, node: dict, depth: int, keyword: str):
        value = node["if"]
        loc = node.get("loc")
        self.line(depth, f"{keyword} {self.expr(value['test'])}:", loc[0] if loc else None, loc[0] if loc else None)
        self.block(value["body"], depth + 1)
        orelse = value["orelse"]
        if len(orelse) == 1 and kind_of(orelse[0]) == "if":
            inner_loc = orelse[0].get("loc")
            if inner_loc:
                self.flush_comments(inner_loc[0], depth)
            self.if_chain(orelse[0], depth, "elif")
        else:
            self.else_block(orelse, depth)

    def else_block(self, body: list, depth: int, keyword: str = "else"):
        if body:
            first = body[0].get("loc")
            if first:  # the header sits on the line above its first statement (comments aside)
                self.flush_comments(first[0] - 1, depth)
            self.line(depth, f"{keyword}:")
            if first:
                self.last_line = max(self.last_line, first[0] - 1)
            self.block(body, depth + 1)


def format_program(program: dict) -> str:
    return Formatter(program).run(program["body"])
