"""The fixer: turns a diagnostic or a runtime fault into an edit, and offers it only after the
edited file passes `check` and the failing run (same stdin and env) no longer fails that way.

Candidates come first from the catalogue's quick fixes, then from small rewrites for runtime
faults (an off-by-one index, a missing key, a zero divisor, text that isn't a number, too many
values to unpack). Each is validated; the first that passes is offered. None passing is said plainly.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypercode_lang import api
from hypercode_lang.diagnostics import Span
from hypercode_lang.diagnostics.model import TextEdit
from hypercode_lang.ir.tree import find_node

from . import messages as m
from .common import (RUN_TIMEOUT, Source, expression_text, kind, result_edit, sandbox_run, says_when_partial,
                     span_range, validate_edits, value, walk_nodes, walk_statements)
from .explainer import _from_json

MAX_CANDIDATES = 8


@dataclass
class Candidate:
    title: str
    edits: list[TextEdit]
    safe: bool = True


class Fixer:
    role = "fixer"
    kinds = frozenset({"fix"})

    @says_when_partial
    def handle(self, task: dict, ctx) -> dict:
        payload = task["payload"]
        source = Source.from_payload(payload, names_from_rest=True)
        ctx.progress("finding the problem")
        target, failing_run = self._target(source, payload.get("diagnostic"))
        if target is None:
            if failing_run is not None and failing_run.status == "timeout":
                return _answer(m.FIX_RUN_TIMEOUT.format(seconds=int(RUN_TIMEOUT)))
            return _answer(m.FIX_NOTHING_WRONG_SELECTION if source.selection else m.FIX_NOTHING_WRONG)
        head = m.FIX_HEAD.format(title=target.title, line=target.span.line, message=target.message)
        candidates = list(self.candidates(source, target))[:MAX_CANDIDATES]
        for number, candidate in enumerate(candidates, 1):
            if ctx.cancelled():
                break
            ctx.progress(f"checking fix {number} of {len(candidates)}")
            verdict = validate_edits(source, candidate.edits, target=target, failing_run=failing_run)
            if not verdict.ok:
                continue
            lines = [head, m.FIX_OFFER.format(title=candidate.title)]
            other_errors = any(d.is_error for d in api.check(verdict.new_text, source.filename))
            lines.append(m.FIX_CHECKED_OTHER_ERRORS if other_errors else m.FIX_CHECKED)
            if failing_run is not None and verdict.new_run is not None:
                rerun = verdict.new_run
                if rerun.status == "success":
                    lines.append(m.FIX_RERUN)
                else:
                    lines.append(m.FIX_RERUN_OTHER.format(message=rerun.diagnostics[0].message
                                                          if rerun.diagnostics else rerun.stderr.strip()))
            if not candidate.safe:
                lines.append(m.FIX_NOT_SAFE)
            edits = [result_edit(source.uri, e) for e in candidate.edits]
            return {"markdown": "\n\n".join(lines), "edits": edits, "files": [],
                    "findings": [{"message": target.message, "code": target.code, "line": target.span.line,
                                  "range": span_range(target.span), "fix": candidate.title}]}
        lines = [head, m.FIX_NONE]
        if candidates:
            lines.append(m.FIX_NONE_TRIED.format(n=m.count(len(candidates), "fix", "fixes")))
        lines.append(m.DIAGNOSTIC_WHY.format(why=target.why))
        return _answer("\n\n".join(lines))

    # -------------------------------------------------------------- what is wrong
    @staticmethod
    def _target(source: Source, diagnostic: dict | None):
        """(diagnostic to fix, the failing run if the problem only shows when running)."""
        if diagnostic:
            rng = diagnostic.get("range") or {}
            for found in source.diagnostics:
                if found.code == diagnostic.get("code") and found.span.line == rng.get("line", found.span.line):
                    return found, None
            if diagnostic.get("code", "").startswith(("HC2", "HC1")):
                run = sandbox_run(source.text, source.filename, stdin=source.stdin, env=source.env)
                for found in run.diagnostics:
                    if found.code == diagnostic.get("code"):
                        return found, run
            return _from_json(diagnostic), None
        static = source.diagnostics_in_selection() if source.selection else source.errors
        static = [d for d in static if d.fixes or d.is_error]
        if static:
            return static[0], None
        if source.errors:
            return None, None  # problems elsewhere: the run can't happen, and the selection is fine
        run = sandbox_run(source.text, source.filename, stdin=source.stdin, env=source.env)
        faults = [d for d in run.diagnostics if d.is_error]
        if not faults:
            return None, run
        fault = faults[0]
        if source.selection:
            first, last = source.selection
            lines_hit = {fault.span.line} | {line for _, fn, line in fault.trace if fn == source.filename}
            if not any(first <= ln <= last for ln in lines_hit):
                return None, None
        return fault, run

    # -------------------------------------------------------------- candidate edits
    def candidates(self, source: Source, target):
        for fix in target.fixes:
            yield Candidate(fix.title, list(fix.edits), fix.safe)
        node = find_node(source.program, target.span.to_loc())
        maker = getattr(self, f"_{target.code.lower()}", None)
        if maker is not None:
            yield from maker(source, target, node)

    def _hc2003(self, source, target, node):
        """Index out of range: off-by-one shapes first, then a guard."""
        if node is None or kind(node) != "index":
            return
        v = value(node)
        seq, index = v["value"], v["index"]
        seq_text = expression_text(seq)
        if _is_len_of(index, seq):
            new = f"len({seq_text}) - 1"
            yield Candidate(m.FIX_TITLES["len_minus_one"].format(new=new), [_replace(index, new)], False)
        if kind(index) == "binop" and index["binop"]["op"] == "add" and index["binop"]["right"].get("const") == 1:
            new = expression_text(index["binop"]["left"])
            yield Candidate(m.FIX_TITLES["drop_plus_one"].format(new=f"{seq_text}[{new}]"), [_replace(index, new)], False)
        yield from _off_by_one_loops(source, seq)
        index_text = expression_text(index)
        if not any(kind(n) == "call" for n in walk_nodes(index)) and not _is_store_target(source.program, node):
            guard = (f"({seq_text}[{index_text}] if -len({seq_text}) <= {index_text} < len({seq_text}) "
                     f"else None)")
            yield Candidate(m.FIX_TITLES["guard_index"], [_replace(node, guard)], False)

    def _hc2004(self, source, target, node):
        """Missing key: `d[k]` read → `d.get(k)` (the catalogue's "did you mean" key comes first)."""
        if node is None or kind(node) != "index" or _is_store_target(source.program, node):
            return
        v = value(node)
        new = f"{expression_text(v['value'])}.get({expression_text(v['index'])})"
        yield Candidate(m.FIX_TITLES["get_key"].format(new=new), [_replace(node, new)], False)

    def _hc2005(self, source, target, node):
        """Division by zero: give 0 when the divisor is 0."""
        division = node if kind(node) == "binop" else None
        if division is None:
            division = _innermost(source.program, target.span, lambda n: kind(n) == "binop"
                                  and value(n)["op"] in ("div", "floordiv", "mod"))
        if division is None:
            return
        right = expression_text(value(division)["right"])
        new = f"({expression_text(division)} if {right} != 0 else 0)"
        yield Candidate(m.FIX_TITLES["guard_division"], [_replace(division, new)], False)

    def _hc2008(self, source, target, node):
        """A conversion of text that isn't a number: strip spaces, else fall back inside try/except."""
        call = node if kind(node) == "call" else _innermost(
            source.program, target.span, lambda n: kind(n) == "call" and kind(value(n)["func"]) == "var"
            and value(n)["func"]["var"] in ("int", "float"))
        if call is None or not value(call)["args"]:
            return
        func = value(call)["func"].get("var", "int")
        arg = value(call)["args"][0]
        shown = (target.params or {}).get("value", "")
        if shown[1:-1] != shown[1:-1].strip() or "\\n" in shown:
            new = f"{func}({expression_text(arg)}.strip())"
            yield Candidate(m.FIX_TITLES["strip_conversion"].format(new=new), [_replace(arg, f"{expression_text(arg)}.strip()")], True)
        statement = _statement_at(source.program, call)
        if statement is None or statement["loc"][0] != statement["loc"][2]:
            return
        line = statement["loc"][0]
        indent = source.line_text(line)[: statement["loc"][1] - 1]
        written = source.line_text(line)[statement["loc"][1] - 1: statement["loc"][3] - 1]
        fallback = "0.0" if func == "float" else "0"
        if kind(statement) == "assign" and kind(statement["assign"]["targets"][0]) == "var":
            name = statement["assign"]["targets"][0]["var"]
            handler = f"{name} = {fallback}"
        else:
            handler = f"print({_quote(m.CONVERSION_FALLBACK_MESSAGE)})"
        block = (f"try:\n{indent}    {written}\n{indent}except ValueError:\n{indent}    {handler}")
        span = Span(line, statement["loc"][1], line, statement["loc"][3])
        yield Candidate(m.FIX_TITLES["try_conversion"].format(fallback=m.code(handler if "print" in handler else fallback)),
                        [TextEdit(span, block)], False)

    def _hc2009(self, source, target, node):
        """Too many values to unpack: take only as many as there are names."""
        expected = (target.params or {}).get("expected")
        detail = (target.params or {}).get("detail", "")
        if not expected or "too many" not in detail:
            return
        statement = _innermost(source.program, target.span, lambda n: kind(n) == "assign"
                               and kind(n["assign"]["targets"][0]) in ("tuple", "list"), statements=True)
        if statement is None:
            return
        value_node = statement["assign"]["value"]
        new = f"{expression_text(value_node)}[:{expected}]"
        yield Candidate(m.FIX_TITLES["slice_unpack"].format(n=expected, new=new), [_replace(value_node, new)], False)


# ------------------------------------------------------------------ helpers

def _answer(markdown: str) -> dict:
    return {"markdown": markdown, "edits": [], "files": [], "findings": []}


def _replace(node: dict, text: str) -> TextEdit:
    return TextEdit(Span.from_loc(node["loc"]), text)


def _quote(text: str) -> str:
    from hypercode_lang.ir.formatter import quote
    return quote(text)


def _is_len_of(index: dict, seq: dict) -> bool:
    if kind(index) != "call":
        return False
    call = value(index)
    from .common import same_shape
    return (kind(call["func"]) == "var" and call["func"]["var"] == "len" and len(call["args"]) == 1
            and same_shape(call["args"][0]) == same_shape(seq))


def _off_by_one_loops(source: Source, seq: dict):
    """`range(len(xs) + 1)` → `range(len(xs))`, and `i <= len(xs)` → `i < len(xs)`."""
    for node in walk_nodes(source.program):
        k, v = kind(node), value(node)
        if k == "call" and kind(v["func"]) == "var" and v["func"]["var"] == "range" and v["args"]:
            last = v["args"][-1]
            if kind(last) == "binop" and last["binop"]["op"] == "add" and last["binop"]["right"].get("const") == 1 \
                    and _is_len_of(last["binop"]["left"], seq):
                new = expression_text(last["binop"]["left"])
                yield Candidate(m.FIX_TITLES["drop_plus_one"].format(new=new), [_replace(last, new)], False)
        elif k == "compare" and v["ops"] == ["le"] and _is_len_of(v["comparators"][0], seq):
            new = f"{expression_text(v['left'])} < {expression_text(v['comparators'][0])}"
            yield Candidate(m.FIX_TITLES["less_than"].format(new=new), [_replace(node, new)], False)


def _contains(loc, span: Span) -> bool:
    return (loc[0], loc[1]) <= (span.line, span.col) and (span.end_line, span.end_col) <= (loc[2], loc[3])


def _innermost(program: dict, span: Span, accept, statements: bool = False):
    """The smallest node that `accept`s and either holds `span` or lies inside it (the VM may
    point at a whole statement or at one expression in it); statements only, when asked."""
    best = None
    pool = (s for s, _, _ in walk_statements(program["body"])) if statements else walk_nodes(program)
    for node in pool:
        loc = node.get("loc")
        if not loc or not accept(node):
            continue
        if _contains(loc, span) or _contains(span.to_loc(), Span.from_loc(loc)):
            if best is None or _contains(best["loc"], Span.from_loc(loc)):
                best = node
    return best


def _statement_at(program: dict, node: dict):
    best = None
    span = Span.from_loc(node["loc"])
    for statement, _, _ in walk_statements(program["body"]):
        if kind(statement) in ("def", "if", "for", "while", "try", "match"):
            continue
        if statement.get("loc") and _contains(statement["loc"], span):
            best = statement
    return best


def _is_store_target(program: dict, node: dict) -> bool:
    for statement, _, _ in walk_statements(program["body"]):
        k = kind(statement)
        targets = statement[k]["targets"] if k == "assign" else [statement[k]["target"]] if k in ("augassign", "for") else []
        if any(t is node or t.get("loc") == node.get("loc") for t in targets):
            return True
    return False
