"""The tester: picks inputs by boundary analysis of how each parameter is used, runs the function
in the sandbox to record what it gives back, writes a runnable `test_<file>.hc` of asserts (checked
with a real run before it is offered), and reports the inputs that make it fail."""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypercode_lang import api

from . import messages as m
from .common import Source, function_at, functions, kind, loc_range, sandbox_run, says_when_partial, value, walk_nodes

RUN_SECONDS = 2.0
MAX_CASES = 16          # boundary cases per function
FUZZ_CASES = 6          # extra seeded random cases per function
MAX_TIMEOUTS = 2        # a function that keeps running past the limit: stop trying more inputs
RESULT_MARK = "\u241eHC-RESULT\u241e"
STR_METHODS = {"upper", "lower", "strip", "lstrip", "rstrip", "split", "join", "replace", "startswith",
               "endswith", "find", "isdigit", "isalpha", "title"}
LIST_METHODS = {"append", "extend", "insert", "pop", "remove", "index", "sort", "reverse", "copy", "clear"}
DICT_METHODS = {"get", "keys", "values", "items", "setdefault", "update"}
SEQUENCE_CALLS = {"len", "sum", "sorted", "reversed", "max", "min", "enumerate", "zip", "any", "all", "list"}


@dataclass
class ParamPlan:
    name: str
    values: list = field(default_factory=list)
    reasons: list = field(default_factory=list)

    def add(self, reason: str, *candidates) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        for candidate in candidates:
            if not any(type(candidate) is type(v) and candidate == v for v in self.values):
                self.values.append(candidate)


def literal(value) -> str:
    """A Python value as HyperCode source (the literal syntax is Python's)."""
    return repr(value)


def plan_inputs(function: dict) -> list[ParamPlan]:
    """Boundary values for each parameter, from how the body uses it."""
    params = function["def"]["params"]
    plans = {p["name"]: ParamPlan(p["name"]) for p in params}
    body = function["def"]["body"]

    def param(node):
        return node["var"] if kind(node) == "var" and node["var"] in plans else None

    for node in walk_nodes(body):
        k, v = kind(node), value(node)
        if k == "compare":
            sides = [v["left"], *v["comparators"]]
            for i, op in enumerate(v["ops"]):
                left, right = sides[i], sides[i + 1]
                for one, other in ((left, right), (right, left)):
                    name = param(one)
                    if name is None or kind(other) != "const":
                        continue
                    constant = other["const"]
                    if op in ("in", "notin") and one is left:
                        continue
                    if isinstance(constant, bool) or constant is None:
                        plans[name].add(m.REASON_COMPARED.format(value=literal(constant), values="True, False and None"),
                                        True, False)
                    elif isinstance(constant, (int, float)):
                        plans[name].add(m.REASON_COMPARED.format(value=literal(constant), values=f"{constant - 1}, "
                                        f"{constant} and {constant + 1}"), constant - 1, constant, constant + 1)
                    elif isinstance(constant, str):
                        plans[name].add(m.REASON_COMPARED.format(value=literal(constant), values="that text and empty text"),
                                        constant, "")
        elif k == "index":
            if param(v["index"]):
                plans[param(v["index"])].add(m.REASON_INDEX, 0, 1, -1)
            if param(v["value"]):
                if kind(v["index"]) == "const" and isinstance(v["index"]["const"], str):
                    plans[param(v["value"])].add(m.REASON_MAPPING, {}, {v["index"]["const"]: 1})
                else:
                    plans[param(v["value"])].add(m.REASON_SEQUENCE, [], [1], [3, 1, 2])
        elif k == "call":
            func = v["func"]
            if kind(func) == "var" and func["var"] in SEQUENCE_CALLS:
                for arg in v["args"][:1]:
                    if param(arg):
                        plans[param(arg)].add(m.REASON_SEQUENCE, [], [1], [3, 1, 2])
            if kind(func) == "var" and func["var"] == "range":
                for arg in v["args"]:
                    if param(arg):
                        plans[param(arg)].add(m.REASON_RANGE, 0, 1, 5)
            if kind(func) == "var" and func["var"] in ("int", "float") and v["args"] and param(v["args"][0]):
                plans[param(v["args"][0])].add(m.REASON_TEXT, "", "7", "abc")
            if kind(func) == "attr" and param(func["attr"]["value"]):
                name, method = param(func["attr"]["value"]), func["attr"]["name"]
                if method in STR_METHODS:
                    plans[name].add(m.REASON_TEXT, "", "a", "hello world")
                elif method in LIST_METHODS:
                    plans[name].add(m.REASON_SEQUENCE, [], [1], [3, 1, 2])
                elif method in DICT_METHODS:
                    plans[name].add(m.REASON_MAPPING, {}, {"a": 1})
        elif k == "for" and param(v["iter"]):
            plans[param(v["iter"])].add(m.REASON_SEQUENCE, [], [1], [3, 1, 2])
        elif k == "binop":
            for side in ("left", "right"):
                name = param(v[side])
                if name is None:
                    continue
                other = v["right" if side == "left" else "left"]
                if v["op"] == "add" and kind(other) == "const" and isinstance(other["const"], str):
                    plans[name].add(m.REASON_TEXT, "", "a", "hello world")
                elif side == "right" and v["op"] in ("div", "floordiv", "mod"):
                    plans[name].add(m.REASON_DIVISOR, 0, 1)
                else:
                    plans[name].add(m.REASON_NUMBER, 0, 1, -1)
    for p in params:
        plan = plans[p["name"]]
        default = p.get("default")
        if not plan.values and default is not None and kind(default) == "const":
            constant = default["const"]
            if isinstance(constant, (int, float)) and not isinstance(constant, bool):
                plan.add(m.REASON_NUMBER, constant, 0, 1, -1)
            elif isinstance(constant, str):
                plan.add(m.REASON_TEXT, constant, "", "a")
        if not plan.values:
            plan.add(m.REASON_DEFAULT, 0, 1, "a", [])
    return [plans[p["name"]] for p in params]


def cases_for(plans: list[ParamPlan], seed: str) -> tuple[list[tuple], list[tuple]]:
    """(boundary cases, fuzz cases): each boundary value once with the others at their first
    value, then a few seeded random mixes of the same shapes (used only to look for crashes)."""
    if not plans:
        return [()], []
    seen: set[str] = set()

    def fresh(case) -> bool:
        key = literal(list(case))
        if key in seen:
            return False
        seen.add(key)
        return True

    base = [plan.values[0] for plan in plans]
    boundary = [tuple(base)] if fresh(base) else []
    for i, plan in enumerate(plans):
        for candidate in plan.values:
            case = base[:i] + [candidate] + base[i + 1:]
            if fresh(case):
                boundary.append(tuple(case))
    chooser = random.Random(seed)
    fuzz = []
    for _ in range(FUZZ_CASES * 4):
        if len(fuzz) >= FUZZ_CASES:
            break
        case = [_fuzz(chooser, chooser.choice(plan.values)) for plan in plans]
        if fresh(case):
            fuzz.append(tuple(case))
    return boundary[:MAX_CASES], fuzz


def _fuzz(chooser: random.Random, like):
    """A random value of the same shape as `like`."""
    if isinstance(like, bool):
        return chooser.choice([True, False])
    if isinstance(like, int):
        return chooser.choice([chooser.randint(-20, 20), like + chooser.randint(-5, 5)])
    if isinstance(like, float):
        return round(chooser.uniform(-100, 100), 2)
    if isinstance(like, str):
        return "".join(chooser.choice("ab xyz09") for _ in range(chooser.randint(0, 6)))
    if isinstance(like, list):
        return [chooser.randint(-9, 9) for _ in range(chooser.randint(0, 5))]
    if isinstance(like, dict):
        return {k: chooser.randint(-9, 9) for k in list(like)[: chooser.randint(0, len(like))]}
    return like


# ------------------------------------------------------------------ running

def prelude(source: Source) -> str:
    """The file's definitions without its top-level actions: defs, imports and assignments
    (except those that read input), so calling a function runs only that function."""
    kept = []
    for statement in source.program["body"]:
        k = kind(statement)
        if k in ("def", "import") or (k == "assign" and not _reads_input(statement)):
            line, _, end_line, _ = statement["loc"]
            kept.append("\n".join(source.lines[line - 1:end_line]))
    return "\n".join(kept) + "\n"


def _reads_input(node) -> bool:
    return any(kind(n) == "call" and kind(n["call"]["func"]) == "var" and n["call"]["func"]["var"] == "input"
               for n in walk_nodes(node))


def _quiet_module(source: Source) -> bool:
    """True when importing the file only defines things (so a test can `import` it)."""
    stem = Path(source.filename).stem
    return stem.isidentifier() and source.filename != "<input>" and all(
        kind(s) in ("def", "import") or (kind(s) == "assign" and not _reads_input(s))
        or (kind(s) == "expr" and kind(s["expr"]) == "const") for s in source.program["body"])


@dataclass
class Outcome:
    call: str
    expected: str | None = None     # HyperCode literal of the value it gave back
    fault: object = None            # the diagnostic when it failed
    timed_out: bool = False


def record(source: Source, code_before: str, name: str, case: tuple) -> Outcome:
    call = f"{name}({', '.join(literal(v) for v in case)})"
    program = f"{code_before}\nprint({RESULT_MARK!r} + str([{call}]))\n"
    run = sandbox_run(program, source.filename, timeout=RUN_SECONDS)
    if run.status == "timeout":
        return Outcome(call, timed_out=True)
    if run.status != "success":
        fault = next((d for d in run.diagnostics if d.is_error), None)
        return Outcome(call, fault=fault)
    marked = [line for line in run.stdout.split("\n") if line.startswith(RESULT_MARK)]
    shown = marked[-1][len(RESULT_MARK):][1:-1] if marked else None
    if shown is None or not _literal_ok(shown):
        return Outcome(call)
    return Outcome(call, expected=shown)


def _literal_ok(text: str) -> bool:
    if "<" in text.replace("'<", "").replace('"<', "") or "inf" in text or "nan" in text:
        return False
    parsed = api.parse(f"value = {text}\n")
    return parsed.ok


class Tester:
    role = "tester"
    kinds = frozenset({"test"})

    @says_when_partial
    def handle(self, task: dict, ctx) -> dict:
        source = Source.from_payload(task["payload"], names_from_rest=True)
        if source.errors:
            return _answer(m.TEST_NOT_CHECKED)
        chosen = self._functions(source)
        if not chosen:
            return _answer(m.TEST_NO_FUNCTIONS)
        code_before = prelude(source)
        asserts, findings, why = [], [], []
        for function in chosen:
            name = function["def"]["name"]
            plans = plan_inputs(function)
            why += [m.TEST_WHY_INPUTS.format(param=f"{m.code(name)} · {m.code(p.name)}",
                                             reasons="; ".join(p.reasons)) for p in plans]
            boundary, fuzz = cases_for(plans, seed=f"{source.filename}:{name}")
            cases = boundary + fuzz
            timeouts = 0
            for number, case in enumerate(cases, 1):
                if ctx.cancelled() or timeouts >= MAX_TIMEOUTS:
                    break
                ctx.progress(f"running {name} with input {number} of {len(cases)}")
                outcome = record(source, code_before, name, case)
                if outcome.timed_out:
                    timeouts += 1
                    findings.append({"message": m.TEST_TIMEOUT.format(call=outcome.call, seconds=int(RUN_SECONDS)),
                                     "input": outcome.call, "range": loc_range(function["loc"]), "code": "HC3001"})
                elif outcome.fault is not None:
                    findings.append({"message": m.TEST_CRASH.format(call=outcome.call, code=outcome.fault.code,
                                                                    message=outcome.fault.message),
                                     "input": outcome.call, "range": loc_range(function["loc"]),
                                     "code": outcome.fault.code, "line": outcome.fault.span.line})
                elif outcome.expected is not None and number <= len(boundary):
                    asserts.append((outcome.call, outcome.expected))
        return self._report(source, chosen, code_before, asserts, findings, why)

    @staticmethod
    def _functions(source: Source) -> list[dict]:
        if source.selection:
            found = function_at(source.program, *source.selection)
            return [found] if found else []
        return [f for f in source.program["body"] if kind(f) == "def"] or functions(source.program)[:1]

    def _report(self, source, chosen, code_before, asserts, findings, why) -> dict:
        names = m.and_list([m.code(f["def"]["name"]) for f in chosen])
        lines = [m.TEST_HEAD.format(functions=names), "\n".join(f"- {w}" for w in why)]
        files = []
        if asserts:
            path, text, passed = self._write_test_file(source, code_before, asserts)
            files.append({"path": path, "text": text})
            template = m.TEST_WROTE if passed else m.TEST_WROTE_NOT_RUN
            lines.append(template.format(path=m.code(Path(path).name), n=m.count(len(asserts), "assert")))
        else:
            lines.append(m.TEST_NOTHING_RECORDED)
        if findings:
            lines.append(m.TEST_CRASHES_HEAD + "\n" + "\n".join(f"- {f['message']}" for f in findings))
        else:
            lines.append(m.TEST_NO_CRASHES)
        return {"markdown": "\n\n".join(lines), "edits": [], "files": files, "findings": findings}

    def _write_test_file(self, source: Source, code_before: str, asserts) -> tuple[str, str, bool]:
        """(path beside the program, text, whether it passed a real run); `import` when that is
        quiet, otherwise the definitions are copied in."""
        folder = Path(source.filename).parent if source.filename != "<input>" else Path.cwd()
        stem = Path(source.filename).stem if source.filename != "<input>" else "program"
        path = str(folder / f"test_{stem}.hc")
        header = m.TEST_FILE_HEADER.format(file=Path(source.filename).name)
        footer = m.TEST_FILE_FOOTER.format(n=len(asserts))
        variants = []
        if _quiet_module(source):
            body = "\n".join(f"assert {stem}.{call} == {expected}" for call, expected in asserts)
            variants.append(f"{header}import {stem}\n\n{body}\n{footer}")
        body = "\n".join(f"assert {call} == {expected}" for call, expected in asserts)
        variants.append(f"{header}{m.TEST_FILE_COPIED.format(file=Path(source.filename).name)}\n"
                        f"{code_before}\n{body}\n{footer}")
        for text in variants:
            if _passes_beside(source, stem, text):
                return path, text, True
        return path, variants[-1], False


def _passes_beside(source: Source, stem: str, test_text: str) -> bool:
    """Run the test file in a scratch folder beside a copy of the program, as `hcvm run` would."""
    with tempfile.TemporaryDirectory(prefix="hc-tester-") as scratch:
        (Path(scratch) / f"{stem}.hc").write_text(source.text, encoding="utf-8")
        test_path = Path(scratch) / f"test_{stem}.hc"
        test_path.write_text(test_text, encoding="utf-8")
        run = api.run(test_text, filename=str(test_path), timeout=RUN_SECONDS * 4)
        return run.status == "success"


def _answer(markdown: str) -> dict:
    return {"markdown": markdown, "edits": [], "files": [], "findings": []}
