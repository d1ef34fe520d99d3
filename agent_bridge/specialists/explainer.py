"""The explainer: narrates code from the IR in plain words, and explains a diagnostic in terms of
this program's own names. With memory, it notices mistakes that recur and says so kindly."""

from __future__ import annotations

import time
from pathlib import Path

from hypercode_lang.diagnostics import CATALOGUE

from . import messages as m
from .common import Source, builtin_names, expression_text, function_at, kind, says_when_partial, value, walk_nodes

DAY = 24 * 3600
SIMPLE = ("const", "var")


class Narrator:
    """Sentences for statements and phrases for expressions, read straight off the IR."""

    def __init__(self, source: Source):
        self.source = source

    # -------------------------------------------------------------- expressions
    def phrase(self, node: dict) -> str:
        k, v = kind(node), value(node)
        if k == "const":
            return m.VALUE_NOTHING if v is None else m.code(expression_text(node))
        if k == "compare" and len(v["ops"]) == 1 and self._short(v["left"]) and self._short(v["comparators"][0]):
            return (f"{self.phrase(v['left'])} {m.COMPARE_WORDS[v['ops'][0]]} "
                    f"{self.phrase(v['comparators'][0])}")
        if k == "binop" and kind(v["left"]) in SIMPLE and kind(v["right"]) in SIMPLE:
            return f"{self.phrase(v['left'])} {m.BINARY_WORDS[v['op']]} {self.phrase(v['right'])}"
        if k == "boolop" and len(v["values"]) <= 3 and all(self._short(x) for x in v["values"]):
            word = f" {v['op']} "
            return word.join(self.phrase(x) for x in v["values"])
        if k == "unary" and v["op"] == "not" and self._short(v["operand"]):
            return f"not {self.phrase(v['operand'])}"
        return m.code(expression_text(node))

    def _short(self, node) -> bool:
        return kind(node) in SIMPLE or len(expression_text(node)) <= 24

    def args(self, call: dict) -> str:
        parts = [self.phrase(a) for a in call["args"]]
        parts += [f"{m.code(name)} = {self.phrase(arg)}" for name, arg in call["kwargs"].items()]
        return m.and_list(parts)

    # -------------------------------------------------------------- statements
    def sentences(self, body: list) -> list[str]:
        return [m.sentence(self.clause(s)) for s in body]

    def block(self, body: list) -> str:
        """A nested block as one clause ("it gives back n") or a list of steps."""
        if len(body) == 1 and kind(body[0]) not in ("if", "for", "while", "try", "match", "def"):
            return self.clause(body[0])
        steps = "\n".join(self._bullet(m.sentence(self.clause(s))) for s in body)
        return f"{m.STEPS}\n{steps}"

    @staticmethod
    def _bullet(text: str) -> str:
        """One markdown list item; the item's own later lines are indented under it."""
        first, *rest = text.split("\n")
        return "\n".join([f"  - {first}"] + [f"    {line}" for line in rest])

    def clause(self, statement: dict) -> str:
        k, v = kind(statement), value(statement)
        handler = getattr(self, f"s_{k}", None)
        return handler(v) if handler else m.code(self.source.code_of(statement["loc"]))

    def s_def(self, v) -> str:
        return m.DEFINES_INNER.format(name=m.code(v["name"]))

    def s_return(self, v) -> str:
        return m.GIVES_BACK_NOTHING if v is None else m.GIVES_BACK.format(value=self.phrase(v))

    def s_assign(self, v) -> str:
        target = v["targets"][0]
        if kind(target) in ("tuple", "list"):
            return m.SETS_MANY.format(value=self.phrase(v["value"]),
                                      targets=m.and_list([self.phrase(t) for t in value(target)]))
        template = m.SETS if kind(target) == "var" else m.SETS_ITEM
        return template.format(target=self.phrase(target), value=self.phrase(v["value"]))

    def s_augassign(self, v) -> str:
        return m.AUGMENT_WORDS[v["op"]].format(target=self.phrase(v["target"]), value=self.phrase(v["value"]))

    def s_expr(self, v) -> str:
        if kind(v) != "call":
            return m.EVALUATES.format(value=self.phrase(v))
        call = value(v)
        func = call["func"]
        if kind(func) == "var" and func["var"] == "print":
            return m.SHOWS.format(value=self.args(call)) if call["args"] else m.SHOWS_NOTHING
        if kind(func) == "var" and func["var"] == "input":
            return m.ASKS
        if kind(func) == "attr":
            attr = value(func)
            template = m.METHOD_CALL_ARGS if call["args"] else m.METHOD_CALL
            return template.format(method=m.code(attr["name"]), target=self.phrase(attr["value"]),
                                   args=self.args(call))
        if call["args"] or call["kwargs"]:
            return m.CALLS.format(func=self.phrase(func), args=self.args(call))
        return m.CALLS_NO_ARGS.format(func=self.phrase(func))

    def s_if(self, v) -> str:
        text = m.sentence(m.IF.format(test=self.phrase(v["test"]), then=self.block(v["body"])))
        orelse = v["orelse"]
        while len(orelse) == 1 and kind(orelse[0]) == "if":  # elif chain
            inner = value(orelse[0])
            text += "\n" + m.sentence(m.ELIF.format(test=self.phrase(inner["test"]), then=self.block(inner["body"])))
            orelse = inner["orelse"]
        if orelse:
            text += "\n" + m.sentence(m.ELSE.format(then=self.block(orelse)))
        return text

    def s_for(self, v) -> str:
        text = m.FOR.format(target=self.phrase(v["target"]), iter=self.phrase(v["iter"]), then=self.block(v["body"]))
        return m.sentence(text) + self._loop_else(v)

    def s_while(self, v) -> str:
        return m.sentence(m.WHILE.format(test=self.phrase(v["test"]), then=self.block(v["body"]))) + self._loop_else(v)

    def _loop_else(self, v) -> str:
        return "\n" + m.sentence(m.LOOP_ELSE.format(then=self.block(v["orelse"]))) if v["orelse"] else ""

    def s_break(self, v) -> str:
        return m.BREAK

    def s_continue(self, v) -> str:
        return m.CONTINUE

    def s_pass(self, v) -> str:
        return m.PASS

    def s_import(self, v) -> str:
        return m.IMPORT.format(name=m.code(v))

    def s_raise(self, v) -> str:
        return m.RAISE_AGAIN if v is None else m.RAISE.format(value=self.phrase(v))

    def s_assert(self, v) -> str:
        return m.ASSERT.format(test=self.phrase(v["test"]))

    def s_try(self, v) -> str:
        text = m.sentence(m.TRY.format(then=self.block(v["body"])))
        for handler in v["handlers"]:
            template = m.EXCEPT if handler.get("kind") not in (None, "Error", "Exception") else m.EXCEPT_ANY
            text += "\n" + m.sentence(template.format(kind=m.code(handler.get("kind") or ""),
                                                      then=self.block(handler["body"])))
        if v["finally"]:
            text += "\n" + m.sentence(m.FINALLY.format(then=self.block(v["finally"])))
        return text

    def s_match(self, v) -> str:
        from hypercode_lang.ir.formatter import ExpressionPrinter, pattern
        text = m.sentence(m.MATCH.format(subject=self.phrase(v["subject"])))
        for case in v["cases"]:
            shown = m.code(pattern(case["pattern"], ExpressionPrinter()))
            if case.get("guard"):
                line = m.CASE_GUARD.format(pattern=shown, guard=self.phrase(case["guard"]), then=self.block(case["body"]))
            else:
                line = m.CASE.format(pattern=shown, then=self.block(case["body"]))
            text += "\n" + m.sentence(line)
        return text

    # -------------------------------------------------------------- a function
    def function(self, statement: dict) -> str:
        v = value(statement)
        name = m.code(v["name"])
        params = v["params"]
        if not params:
            what = "no values"
        else:
            names = m.and_list([m.code(p["name"]) for p in params])
            what = f"{m.count(len(params), 'value')}, {names}"
        text = [m.sentence(m.FUNCTION_TAKES.format(name=name, what=what))]
        for p in params:
            if p.get("default") is not None:
                text.append(m.sentence(m.FUNCTION_DEFAULT.format(param=m.code(p["name"]),
                                                                 default=self.phrase(p["default"]))))
        body = [s for s in v["body"] if not _is_docstring(s)]
        if len(body) == 1 and kind(body[0]) == "pass":
            return " ".join(text[:1]) + " " + m.sentence(m.FUNCTION_EMPTY.format(name=name))
        text += self.sentences(body)
        return "\n".join(text)


def _is_docstring(statement: dict) -> bool:
    return kind(statement) == "expr" and kind(statement["expr"]) == "const" and isinstance(statement["expr"]["const"], str)


class Explainer:
    role = "explainer"
    kinds = frozenset({"explain"})

    @says_when_partial
    def handle(self, task: dict, ctx) -> dict:
        source = Source.from_payload(task["payload"], names_from_rest=True)
        ctx.progress("reading the code")
        diagnostic = task["payload"].get("diagnostic")
        targets = self._diagnostics(source, diagnostic)
        parts = []
        for found in targets:
            parts.append(self.explain_diagnostic(source, found, ctx))
        if not targets:
            parts.append(self.narrate(source))
            if not source.selection and source.errors:
                listed = m.and_list([m.FILE_PROBLEM.format(line=d.span.line, title=d.title.lower())
                                     for d in source.errors[:5]])
                parts.append(m.FILE_PROBLEMS.format(n=m.count(len(source.errors), "problem"), problems=listed))
        return {"markdown": "\n\n".join(p for p in parts if p), "edits": [], "files": [], "findings": []}

    # -------------------------------------------------------------- what to explain
    @staticmethod
    def _diagnostics(source: Source, diagnostic: dict | None) -> list:
        if diagnostic:
            rng = diagnostic.get("range") or {}
            line = rng.get("line")
            matches = [d for d in source.diagnostics if d.code == diagnostic.get("code")
                       and (line is None or d.span.line == line)]
            return matches[:1] or [_from_json(diagnostic)]
        return source.diagnostics_in_selection()[:3]

    # -------------------------------------------------------------- narration
    def narrate(self, source: Source) -> str:
        narrator = Narrator(source)
        program = source.program
        if source.selection:
            first, last = source.selection
            function = function_at(program, first, last)
            if function is not None and (function["loc"][0] == first
                                         or not _statements_in(function["def"]["body"], first, last)):
                return narrator.function(function)
            body = function["def"]["body"] if function else program["body"]
            chosen = _statements_in(body, first, last)
            if not chosen:
                return m.NOTHING_SELECTED
            intro = m.LINE_INTRO if first == last else m.SELECTION_INTRO
            return intro.format(first=first, last=last) + "\n\n" + "\n".join(narrator.sentences(chosen))
        return self._file_overview(source, narrator)

    def _file_overview(self, source: Source, narrator: Narrator) -> str:
        name = m.code(Path(source.filename).name) if source.filename != "<input>" else m.THIS_PROGRAM
        defs = [s for s in source.program["body"] if kind(s) == "def"]
        rest = [s for s in source.program["body"] if kind(s) != "def" and not _is_docstring(s)]
        parts = []
        if defs:
            parts.append(m.FILE_SUMMARY.format(file=name, functions=m.and_list([m.code(d["def"]["name"]) for d in defs])))
            parts += [narrator.function(d) for d in defs]
        else:
            parts.append(m.FILE_NO_FUNCTIONS.format(file=name))
        if rest:
            parts.append(m.FILE_MAIN + "\n" + "\n".join(f"- {s}" for s in narrator.sentences(rest)))
        return "\n\n".join(parts)

    # -------------------------------------------------------------- diagnostics
    def explain_diagnostic(self, source: Source, diagnostic, ctx) -> str:
        line = diagnostic.span.line
        lines = [m.DIAGNOSTIC_HEAD.format(title=diagnostic.title, line=line, message=diagnostic.message)]
        written = source.line_text(line).strip()
        if written:
            lines.append(m.DIAGNOSTIC_LINE.format(line_code=m.code(written)))
        lines += self._names_detail(source, diagnostic)
        lines.append(m.DIAGNOSTIC_WHY.format(why=diagnostic.why))
        if diagnostic.fixes:
            title = diagnostic.fixes[0].title
            lines.append(m.DIAGNOSTIC_FIX.format(fix=title[:1].lower() + title[1:]))
        else:
            lines.append(m.DIAGNOSTIC_NO_FIX)
        recurring = self._remember(source, diagnostic, ctx)
        if recurring:
            lines.append(recurring)
        lines.append(m.DIAGNOSTIC_MORE.format(code=diagnostic.code))
        return "\n\n".join(lines)

    def _names_detail(self, source: Source, diagnostic) -> list[str]:
        """Sentences in this program's own names: where the suggested name is set, and so on."""
        if diagnostic.code != "HC1001":
            return []
        params = diagnostic.params or {}
        name, suggestion = params.get("name") or _mistake_token(source, diagnostic), params.get("suggestion")
        out = []
        if name:
            out.append(m.UNKNOWN_NAME_DETAIL.format(name=m.code(name)))
            later = _assigned_lines(source.program, name)
            later = [ln for ln in later if ln > diagnostic.span.line]
            if later:
                out.append(m.UNKNOWN_NAME_LATER.format(name=m.code(name), line=later[0]))
        if suggestion:
            suggestion = suggestion.strip("'")
            defined = [ln for ln in _assigned_lines(source.program, suggestion) if ln <= diagnostic.span.line]
            if defined:
                where = m.UNKNOWN_NAME_DEFINED_AT.format(line=defined[0])
                out.append(m.UNKNOWN_NAME_SUGGEST.format(suggestion=m.code(suggestion), where=where))
            elif suggestion in builtin_names():
                out.append(m.UNKNOWN_NAME_SUGGEST.format(suggestion=m.code(suggestion), where=m.UNKNOWN_NAME_BUILTIN))
        return out

    def _remember(self, source: Source, diagnostic, ctx) -> str | None:
        """Note this mistake in the person's memory; if it recurs today, say so kindly."""
        memory = getattr(ctx, "memory", None)
        if memory is None:
            return None
        token = _mistake_token(source, diagnostic)
        keyword = f"mistake:{diagnostic.code}:{token}"
        occurrence = f"{source.uri}:{diagnostic.span.line}:{source.line_text(diagnostic.span.line).strip()}"
        try:
            earlier = memory.search(keyword, kind="short", limit=100)
            now = time.time()
            seen = {r.get("metadata", {}).get("occurrence") for r in earlier
                    if keyword in (r.get("keywords") or ()) and now - _created(r) < DAY}
            seen.discard(None)
            if occurrence not in seen:
                memory.write("short", f"{diagnostic.title}: {token}", keywords=(keyword, diagnostic.code),
                             metadata={"occurrence": occurrence, "code": diagnostic.code}, ttl=DAY)
                seen.add(occurrence)
        except Exception:  # noqa: BLE001 - memory helps, but an explanation never fails because of it
            return None
        times = len(seen)
        if times < 2:
            return None
        what = m.code(token) if token else f"“{diagnostic.title.lower()}”"
        return m.RECURRING.format(nth=m.ordinal(times), what=what)


def _created(record: dict) -> float:
    created = record.get("created", 0)
    if isinstance(created, str):
        from datetime import datetime
        try:
            return datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return 0.0
    return float(created or 0)


def _mistake_token(source: Source, diagnostic) -> str:
    """What the person wrote at the diagnostic, e.g. `retrun` (empty when nothing was written)."""
    span = diagnostic.span
    if span.line == span.end_line and span.end_col > span.col:
        return source.line_text(span.line)[span.col - 1:span.end_col - 1].strip()
    return ""


def _statements_in(body: list, first: int, last: int) -> list:
    return [s for s in body if s.get("loc") and s["loc"][2] >= first and s["loc"][0] <= last]


def _assigned_lines(program: dict, name: str) -> list[int]:
    """Lines where `name` gets a value: assignments, loop targets, parameters and defs."""
    found = []
    for node in walk_nodes(program):
        k, v = kind(node), value(node)
        if k == "def" and v["name"] == name:
            found.append(node["loc"][0])
        elif k == "def":
            found += [p["loc"][0] for p in v["params"] if p["name"] == name and p.get("loc")]
        elif k in ("assign", "for", "augassign"):
            targets = v["targets"] if k == "assign" else [v["target"]]
            for target in targets:
                for inner in walk_nodes(target):
                    if kind(inner) == "var" and inner["var"] == name and inner.get("loc"):
                        found.append(inner["loc"][0])
    return sorted(set(found))


def _from_json(data: dict):
    """A diagnostic the editor sent (spec §8 JSON) when the text no longer produces it."""
    from hypercode_lang.diagnostics import Span
    from hypercode_lang.diagnostics.model import Diagnostic, Fix, TextEdit
    rng = data.get("range") or {}
    span = Span(rng.get("line", 1), rng.get("col", 1), rng.get("end_line", rng.get("line", 1)),
                rng.get("end_col", rng.get("col", 1)))
    entry = CATALOGUE.get(data.get("code", ""))
    fixes = tuple(Fix(f.get("title", ""), tuple(TextEdit(Span(e["range"]["line"], e["range"]["col"],
                                                              e["range"]["end_line"], e["range"]["end_col"]),
                                                         e.get("new_text", "")) for e in f.get("edits", [])))
                  for f in data.get("fixes", []))
    return Diagnostic(code=data.get("code", "HC0001"), severity=data.get("severity", "error"),
                      title=data.get("title") or (entry.title if entry else ""), message=data.get("message", ""),
                      span=span, why=data.get("why") or (entry.why if entry else ""), fixes=fixes)
