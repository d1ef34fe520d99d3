"""The reviewer: comments with positions on naming, length and nesting, dead code, shadowed
built-ins, unused results and repeated code. Each comment is one idea with one suggestion."""

from __future__ import annotations

import re
from pathlib import Path

from . import messages as m
from .common import (Source, builtin_names, child_blocks, expression_text, kind, loc_range, same_shape,
                     says_when_partial, value, walk_nodes, walk_statements)

LONG_FUNCTION_LINES = 30
DEEP_NESTING = 4            # blocks inside a function (or the file) before it reads as deep
REPEAT_MIN_LINES = 3        # a repeated run of statements must cover at least this many lines
NEW_VALUE_METHODS = {"upper", "lower", "strip", "lstrip", "rstrip", "replace", "title", "split", "join",
                     "startswith", "endswith", "find", "count", "isdigit", "isalpha", "copy", "get", "keys",
                     "values", "items", "index"}
NEW_VALUE_FUNCTIONS = {"len", "abs", "min", "max", "sum", "round", "sorted", "reversed", "str", "int", "float",
                       "bool", "list", "tuple", "dict", "type", "any", "all", "enumerate", "zip", "range"}
CAMEL = re.compile(r"^[a-z]+[A-Z]")


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Reviewer:
    role = "reviewer"
    kinds = frozenset({"review"})

    @says_when_partial
    def handle(self, task: dict, ctx) -> dict:
        source = Source.from_payload(task["payload"])
        ctx.progress("reading the file")
        comments = review(source)
        if source.selection:
            first, last = source.selection
            comments = [c for c in comments if first <= c["line"] <= last]
        name = m.code(Path(source.filename).name) if source.filename != "<input>" else m.THIS_PROGRAM.lower()
        if not comments:
            return {"markdown": m.REVIEW_CLEAN.format(file=name), "edits": [], "files": [], "findings": []}
        lines = [m.REVIEW_HEAD.format(file=name, n=m.count(len(comments), "suggestion"))]
        lines += [f"- " + m.REVIEW_LINE.format(line=c["line"], message=c["message"], suggestion=c["suggestion"])
                  for c in comments]
        return {"markdown": "\n".join(lines), "edits": [], "files": [], "findings": comments}


def review(source: Source) -> list[dict]:
    """Every comment, sorted by position."""
    program = source.program
    comments: list[dict] = []

    def say(rule: str, loc, **words) -> None:
        message, suggestion = m.REVIEW[rule]
        comments.append({"rule": rule, "line": loc[0], "range": loc_range(loc),
                         "message": m.sentence(message.format(**words)),
                         "suggestion": m.sentence(suggestion.format(**words))})

    _names(program, say)
    _shape(program, say)
    _dead_code(program["body"], say)
    _unused_results(program, say)
    _repeats(program, say)
    _risky(program, say)
    unique = {(c["rule"], c["line"], c["message"]): c for c in comments}
    return sorted(unique.values(), key=lambda c: (c["line"], c["range"]["start"]["character"], c["rule"]))


# ------------------------------------------------------------------ the checks

def _bound_names(program: dict):
    """(name, loc, what) for every name the program binds: defs, parameters, assignments, loop targets."""
    for statement, _, _ in walk_statements(program["body"]):
        k, v = kind(statement), value(statement)
        if k == "def":
            header = statement["loc"]
            yield v["name"], [header[0], header[1], header[0], header[1] + 4 + len(v["name"])], "function"
            for p in v["params"]:
                yield p["name"], p.get("loc") or header, "parameter"
        elif k in ("assign", "for"):
            targets = v["targets"] if k == "assign" else [v["target"]]
            for target in targets:
                for node in walk_nodes(target):
                    if kind(node) == "var":
                        yield node["var"], node["loc"], "loop" if k == "for" else "variable"


def _names(program: dict, say) -> None:
    builtins = builtin_names()
    seen: set[str] = set()
    for name, loc, what in _bound_names(program):
        if name in seen:
            continue
        seen.add(name)
        if name in builtins:
            say("shadowed_builtin", loc, name=m.code(name),
                example=m.code(m.BUILTIN_RENAMES.get(name, f"my_{name}")))
        elif len(name) == 1 and name not in m.SHORT_NAME_FINE and what != "loop":
            say("short_name", loc, name=m.code(name), example=m.code("total" if what == "variable" else "value"))
        elif what == "function" and len(name) == 1:
            say("short_name", loc, name=m.code(name), example=m.code("compute"))
        elif CAMEL.match(name):
            say("camel_case", loc, name=m.code(name), example=m.code(snake(name)))


def _nesting(body: list, depth: int = 0, function: dict | None = None):
    """(statement, blocks deep inside its function or the file, enclosing def). An `elif` is
    written at its `if`'s level, so it doesn't count as one more block."""
    for statement in body:
        yield statement, depth, function
        if kind(statement) == "def":
            yield from _nesting(statement["def"]["body"], 1, statement)
            continue
        for block in child_blocks(statement):
            is_elif = (kind(statement) == "if" and block is statement["if"]["orelse"]
                       and len(block) == 1 and kind(block[0]) == "if")
            yield from _nesting(block, depth if is_elif else depth + 1, function)


def _shape(program: dict, say) -> None:
    reported: set[int] = set()
    for statement, depth, function in _nesting(program["body"]):
        if kind(statement) == "def":
            loc = statement["loc"]
            length = loc[2] - loc[0] + 1
            if length > LONG_FUNCTION_LINES:
                say("long_function", [loc[0], loc[1], loc[0], loc[1] + 3], name=m.code(statement["def"]["name"]),
                    lines=length)
        if depth >= DEEP_NESTING and not child_blocks(statement) and id(function) not in reported:
            reported.add(id(function))   # once per function: the advice is the same
            say("deep_nesting", statement["loc"], depth=depth)


def _dead_code(body: list, say) -> None:
    for index, statement in enumerate(body):
        k = kind(statement)
        if k in ("return", "break", "continue", "raise") and index + 1 < len(body):
            after = m.code({"return": "return", "break": "break", "continue": "continue", "raise": "raise"}[k])
            say("dead_code", body[index + 1]["loc"], after=after)
            break
    for statement in body:
        for block in child_blocks(statement):
            _dead_code(block, say)


def _unused_results(program: dict, say) -> None:
    for statement, _, _ in walk_statements(program["body"]):
        if kind(statement) != "expr":
            continue
        node = statement["expr"]
        k = kind(node)
        if k == "const" and isinstance(node["const"], str):
            continue  # a docstring
        if k == "call":
            func = node["call"]["func"]
            if kind(func) == "attr" and func["attr"]["name"] in NEW_VALUE_METHODS and func["attr"]["name"] not in ("pop",):
                target = expression_text(func["attr"]["value"])
                example = f"{target} = {expression_text(node)}" if kind(func["attr"]["value"]) == "var" \
                    else f"result = {expression_text(node)}"
                say("unused_result", node["loc"], expr=m.code(expression_text(node)), example=m.code(example))
            elif kind(func) == "var" and func["var"] in NEW_VALUE_FUNCTIONS:
                say("unused_result", node["loc"], expr=m.code(expression_text(node)),
                    example=m.code(f"result = {expression_text(node)}"))
        elif k in ("binop", "compare", "var", "boolop", "unary", "index", "const"):
            say("unused_value", node["loc"], expr=m.code(expression_text(node)))


def _repeats(program: dict, say) -> None:
    """Runs of statements (covering REPEAT_MIN_LINES or more) written twice the same way."""
    blocks = [program["body"]] + [b for s, _, _ in walk_statements(program["body"]) for b in child_blocks(s)]
    first_seen: dict[str, list] = {}
    reported_lines: set[int] = set()
    for block in blocks:
        for size in range(min(len(block), 6), 0, -1):
            for start in range(len(block) - size + 1):
                run = block[start:start + size]
                first_line, last_line = run[0]["loc"][0], run[-1]["loc"][2]
                if last_line - first_line + 1 < REPEAT_MIN_LINES or first_line in reported_lines:
                    continue
                key = "|".join(same_shape(s) for s in run)
                earlier = first_seen.get(key)
                if earlier is None:
                    first_seen[key] = [first_line, last_line]
                elif earlier[1] < first_line:
                    say("repeated_code", run[0]["loc"], first=first_line, last=last_line,
                        other_first=earlier[0], other_last=earlier[1])
                    reported_lines.update(range(first_line, last_line + 1))


def _risky(program: dict, say) -> None:
    for statement, _, _ in walk_statements(program["body"]):
        k, v = kind(statement), value(statement)
        if k == "try":
            for handler in v["handlers"]:
                if handler.get("kind") in (None, "Error", "Exception") and all(kind(s) == "pass" for s in handler["body"]):
                    say("catch_all", handler.get("loc") or statement["loc"])
        if k in ("if", "while"):
            test = v["test"]
            if kind(test) == "compare" and len(test["compare"]["ops"]) == 1 and test["compare"]["ops"][0] in ("eq",):
                right = test["compare"]["comparators"][0]
                if kind(right) == "const" and right["const"] is True:
                    say("compare_bool", test["loc"], value=m.code("True"),
                        example=m.code(expression_text(test["compare"]["left"])))
                elif kind(right) == "const" and right["const"] is False:
                    say("compare_bool", test["loc"], value=m.code("False"),
                        example=m.code("not " + expression_text(test["compare"]["left"])))
