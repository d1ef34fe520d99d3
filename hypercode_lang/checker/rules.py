"""The rules every program keeps, however it arrived: from source through the parser, or as an
IR `.json` file (`hcvm run file.json`, the cache, tools). The grammar makes most of them true
for source already; IR can say anything the schema allows, so the same rules are checked on
the tree itself, by one walk shared by both paths (`check_program` runs it).

- every name (variables, defs, parameters, keywords of a call, attributes, imports, patterns,
  handlers) is an identifier and not a keyword (HC0001); an import is a plain name, never a
  path (HC1005);
- an attribute never starts with '_' (HC2006: nothing of that shape is reachable);
- a def's parameters are distinct, and none without a default follows one with (HC0001);
- `return` only inside a def, `break`/`continue` only inside a loop (HC1004).

The walk is iterative: it is safe on any depth (the depth limit itself is ir/tree.py's).
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, Span, catalogue
from ..ir.nodes import EXPRESSIONS, STATEMENTS
from ..ir.names import KEYWORDS, is_name  # noqa: F401  (KEYWORDS: re-exported)
from ..ir.tree import kind_of

def check_rules(program: dict) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    # (statement list, in_function, in_loop, loc of the enclosing node for nodes without one)
    blocks = [(program.get("body") or [], False, False, None)]
    # (node, loc of nearest enclosing node): one statement's at a time, so a big file never
    # holds every expression of the file here at once.
    expressions: list = []
    pop = expressions.pop
    while blocks:
        body, in_function, in_loop, outer = blocks.pop()
        for statement in body:
            _statement(statement, in_function, in_loop, outer, blocks, expressions, found)
            while expressions:
                expression, outer_loc = pop()
                # Plain names ({"var": name, "loc": …}) are half of all expressions, and constants
                # many of the rest: both are decided here.
                if type(expression) is dict and len(expression) == 2 and "loc" in expression:
                    name = expression.get("var")
                    if name is not None:
                        if not is_name(name):
                            _name(name, "name", expression["loc"] or outer_loc, outer_loc, found)
                        continue
                    if "const" in expression:
                        continue
                _expression(expression, outer_loc, expressions, found)
    found.sort(key=lambda d: (d.span.line, d.span.col, d.code))
    return found


def _span(loc, outer) -> Span:
    loc = loc if isinstance(loc, list) and len(loc) == 4 else outer
    return Span.from_loc(loc) if loc else Span(1, 1, 1, 1)


def _name(value, what: str, loc, outer, found: list) -> None:
    if not is_name(value):
        found.append(catalogue.diagnostic("HC0001", _span(loc, outer), detail=catalogue.ir_rule_detail(
            "not_a_name", name=value if isinstance(value, str) else repr(value), what=what)))


def _statement(statement: dict, in_function: bool, in_loop: bool, outer, blocks: list, expressions: list,
               found: list) -> None:
    kind = kind_of(statement)
    value = statement.get(kind)
    loc = statement.get("loc") or outer
    if kind == "return" and not in_function:
        span = Span(loc[0], loc[1], loc[0], loc[1] + len("return")) if loc else Span(1, 1, 1, 1)
        found.append(catalogue.diagnostic("HC1004", span, keyword="return"))
    elif kind in ("break", "continue") and not in_loop:
        found.append(catalogue.diagnostic("HC1004", _span(loc, outer), keyword=kind))
    if kind == "import":
        if not is_name(value):
            from ..modules import import_diagnostic
            found.append(import_diagnostic(value, "not_a_name", _span(loc, outer)))
        return
    if kind == "def":
        _name(value["name"], "function name", loc, outer, found)
        _params(value["params"], loc, found, expressions)
        blocks.append((value["body"], True, False, loc))
        return
    if kind in ("for", "while"):
        blocks.append((value["body"], in_function, True, loc))
        blocks.append((value["orelse"], in_function, in_loop, loc))
    elif kind == "if":
        blocks.append((value["body"], in_function, in_loop, loc))
        blocks.append((value["orelse"], in_function, in_loop, loc))
    elif kind == "try":
        for block in [value["body"], value.get("orelse") or [], value.get("finally") or []]:
            blocks.append((block, in_function, in_loop, loc))
        for handler in value["handlers"]:
            handler_loc = handler.get("loc") or loc
            if handler.get("kind") is not None:
                _name(handler["kind"], "error kind", handler_loc, outer, found)
            if handler.get("name") is not None:
                _name(handler["name"], "name", handler_loc, outer, found)
            blocks.append((handler["body"], in_function, in_loop, handler_loc))
    elif kind == "match":
        for case in value["cases"]:
            case_loc = case.get("loc") or loc
            expressions.append((case["pattern"], case_loc))
            if case.get("guard") is not None:
                expressions.append((case["guard"], case_loc))
            blocks.append((case["body"], in_function, in_loop, case_loc))
    # The expressions a statement holds directly (bodies were queued above).
    fields = STATEMENTS.get(kind)
    if isinstance(fields, dict) and isinstance(value, dict):
        for field, item in value.items():
            if field not in ("body", "orelse", "finally", "handlers", "cases", "op"):
                expressions.append((_read_by_target(item) if fields.get(field) in _TARGET else item, loc))
    elif value is not None:
        expressions.append((value, loc))


_TARGET = ("T", "T*")      # how ir/nodes.py declares a field that is assigned to


def _read_by_target(target):
    """What an assignment target reads, for the rules. An attribute as a target is already the
    parser's one HC0009 (and IR's schema refuses it), so only the value it belongs to is looked
    at: `x._y = 2` is one mistake, not also a private attribute."""
    if type(target) is list:
        return [_read_by_target(item) for item in target]
    if type(target) is not dict or "var" in target:
        return target
    attribute = target.get("attr")
    if type(attribute) is dict:
        return attribute.get("value")
    for kind in ("tuple", "list"):
        items = target.get(kind)
        if type(items) is list:
            return {**target, kind: _read_by_target(items)}
    return target


def _params(params: list, loc, found: list, expressions: list) -> None:
    seen: set = set()
    defaulted = False
    for param in params:
        param_loc = param.get("loc") or loc
        name = param["name"]
        _name(name, "parameter name", param_loc, loc, found)
        if name in seen:
            found.append(catalogue.diagnostic("HC0001", _span(param_loc, loc),
                                              detail=catalogue.ir_rule_detail("duplicate_param", name=name)))
        seen.add(name)
        if param["default"] is not None:
            defaulted = True
            expressions.append((param["default"], param_loc))
        elif defaulted:
            found.append(catalogue.diagnostic("HC0001", _span(param_loc, loc),
                                              detail=catalogue.ir_rule_detail("default_order", name=name)))
            defaulted = False  # once per def is enough


def _expression(item, outer, expressions: list, found: list) -> None:
    """Names inside expressions, targets and patterns (all share these node kinds)."""
    if isinstance(item, list):
        expressions.extend([(x, outer) for x in item])
        return
    if not isinstance(item, dict):
        return
    kind = ""
    for kind in item:           # kind_of, inline: this runs for every expression of the file
        if kind != "loc":
            break
    else:
        kind = ""
    value = item.get(kind)
    loc = item.get("loc") or outer
    if kind in ("var", "capture"):
        _name(value, "name", loc, outer, found)
        return
    if kind == "star":
        if value is not None:
            _name(value, "name", loc, outer, found)
        return
    if kind == "const":
        return
    if kind == "value":  # a pattern that compares with a dotted name's value
        expressions.append((value, loc))
        return
    if kind == "attr":
        name = value["name"]
        _name(name, "attribute name", loc, outer, found)
        if isinstance(name, str) and name.startswith("_") and is_name(name):
            found.append(catalogue.diagnostic("HC2006", _span(loc, outer), name=name, type="value",
                                              suggestion=None, module=None))
        expressions.append((value["value"], loc))
        return
    if kind == "as":
        _name(value["name"], "name", loc, outer, found)
        expressions.append((value["pattern"], loc))
        return
    if kind == "call":
        for keyword, argument in value["kwargs"].items():
            _name(keyword, "keyword argument", loc, outer, found)
            expressions.append((argument, loc))
        expressions.append((value["func"], loc))
        expressions.extend([(argument, loc) for argument in value["args"]])
        return
    if kind == "fstring":
        expressions.extend([(part["value"], loc) for part in value if isinstance(part, dict)])
        return
    if isinstance(EXPRESSIONS.get(kind), dict) and isinstance(value, dict):
        expressions.extend([(field, loc) for key, field in value.items() if key not in ("op", "ops")])
    elif isinstance(value, (list, dict)):  # lists of nodes, or a pattern's one child node
        expressions.append((value, loc))
