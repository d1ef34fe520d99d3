"""Which top-level functions the JIT may compile (syntactic part, no LLVM).

A function is a candidate when its body uses only the numeric subset (see
`hypercode_lang/jit/__init__.py`), reads no global variable, and calls only
itself, other candidates, or a few pure built-ins. Types are not known here:
they are inferred per call signature later (`infer.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..language.builtins import JIT_BUILTINS, JIT_MATH_FUNCTIONS, MATH_CONSTANTS

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

ARITH_OPS = frozenset({"add", "sub", "mul", "div", "floordiv", "mod", "pow"})
COMPARE_OPS = frozenset({"eq", "ne", "lt", "le", "gt", "ge"})
# builtin name -> (min args, max args) the native code handles; math function -> arity
# (language facts: hypercode_lang/language/builtins.py)
BUILTINS = JIT_BUILTINS
MATH_FUNCS = JIT_MATH_FUNCTIONS
MATH_CONSTS = frozenset(MATH_CONSTANTS)


class NotJittable(Exception):
    """The function uses something outside the numeric subset."""


def kind(node):
    """Return (kind, payload) of an IR node: its one key that is not "loc"."""
    if not isinstance(node, dict):
        raise NotJittable("not an IR node")
    for key, value in node.items():
        if key != "loc":
            return key, value
    raise NotJittable("empty IR node")


def is_number_const(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return INT64_MIN <= value <= INT64_MAX
    return isinstance(value, float)


def is_int64_min_literal(node) -> bool:
    """`-9223372036854775808` parses as neg(2**63): the one int literal that needs its sign."""
    k, v = kind(node)
    if k != "unary" or v.get("op") != "neg":
        return False
    ok, ov = kind(v["operand"])
    return ok == "const" and type(ov) is int and ov == 2**63


def const_number(node):
    """The value of a numeric constant expression (`3`, `-2.5`), else NotJittable."""
    k, v = kind(node)
    if k == "const" and is_number_const(v):
        return v
    if is_int64_min_literal(node):
        return INT64_MIN
    if k == "unary" and v["op"] in ("neg", "pos"):
        inner = const_number(v["operand"])
        value = -inner if v["op"] == "neg" else inner
        if is_number_const(value):
            return value
    raise NotJittable("default is not a numeric constant")


@dataclass
class FuncInfo:
    name: str
    index: int  # position in the program's top-level body
    params: list[str]
    defaults: list  # one per param: None (required) or an int/float
    body: list
    locals: set[str] = field(default_factory=set)
    callees: set[str] = field(default_factory=set)
    jittable: bool = False
    reason: str = ""

    @property
    def required(self) -> int:
        return sum(1 for d in self.defaults if d is None)


@dataclass
class ProgramInfo:
    functions: dict[str, FuncInfo]
    math_ok: bool
    top_bound: dict[str, int]


# ---------------------------------------------------------------- top level


def _target_names(target, out):
    k, v = kind(target)
    if k == "var":
        out.append(v)
    elif k in ("tuple", "list"):
        for item in v:
            _target_names(item, out)


def _pattern_names(pattern, out):
    if not isinstance(pattern, dict):
        return
    for k, v in pattern.items():
        if k == "capture" and isinstance(v, str):
            out.append(v)
        elif k == "star" and isinstance(v, str):
            out.append(v)
        elif k == "as" and isinstance(v, dict):
            if isinstance(v.get("name"), str):
                out.append(v["name"])
            _pattern_names(v.get("pattern"), out)
        elif k in ("or", "sequence") and isinstance(v, list):
            for p in v:
                _pattern_names(p, out)


def _bindings(stmts, counts):
    """Count every binding of a name in the module scope (not inside defs)."""
    for stmt in stmts or []:
        k, v = kind(stmt)
        names: list[str] = []
        if k == "assign":
            for t in v["targets"]:
                _target_names(t, names)
        elif k == "augassign":
            _target_names(v["target"], names)
        elif k == "for":
            _target_names(v["target"], names)
            _bindings(v.get("body"), counts)
            _bindings(v.get("orelse"), counts)
        elif k == "def":
            names.append(v["name"])
        elif k == "import":
            names.append(v if isinstance(v, str) else str(v))
        elif k in ("if", "while"):
            _bindings(v.get("body"), counts)
            _bindings(v.get("orelse"), counts)
        elif k == "try":
            _bindings(v.get("body"), counts)
            for h in v.get("handlers") or []:
                if h.get("name"):
                    names.append(h["name"])
                _bindings(h.get("body"), counts)
            _bindings(v.get("orelse"), counts)
            _bindings(v.get("finally"), counts)
        elif k == "match":
            for case in v.get("cases") or []:
                _pattern_names(case.get("pattern"), names)
                _bindings(case.get("body"), counts)
        for n in names:
            counts[n] = counts.get(n, 0) + 1


# ---------------------------------------------------------------- per function


class _Checker:
    def __init__(self, info: FuncInfo, top_bound: dict[str, int], math_ok: bool, defs: dict):
        self.info = info
        self.top_bound = top_bound
        self.math_ok = math_ok
        self.defs = defs

    def run(self):
        info = self.info
        self._collect_locals(info.body)
        self.stmts(info.body, loop_depth=0)

    def _collect_locals(self, stmts):
        loc = self.info.locals
        for stmt in stmts:
            k, v = kind(stmt)
            if k == "assign":
                for t in v["targets"]:
                    if kind(t)[0] != "var":
                        raise NotJittable("assignment to something other than a name")
                    loc.add(kind(t)[1])
            elif k == "augassign":
                if kind(v["target"])[0] != "var":
                    raise NotJittable("augmented assignment to something other than a name")
                loc.add(kind(v["target"])[1])
            elif k == "for":
                if kind(v["target"])[0] != "var":
                    raise NotJittable("for target is not a name")
                loc.add(kind(v["target"])[1])
                self._collect_locals(v.get("body") or [])
                self._collect_locals(v.get("orelse") or [])
            elif k in ("if", "while"):
                self._collect_locals(v.get("body") or [])
                self._collect_locals(v.get("orelse") or [])

    def stmts(self, stmts, loop_depth):
        for stmt in stmts or []:
            self.stmt(stmt, loop_depth)

    def stmt(self, stmt, loop_depth):
        k, v = kind(stmt)
        if k == "expr":
            ek, ev = kind(v)
            if ek == "const" and isinstance(ev, str):
                return  # docstring
            self.expr(v)
        elif k == "assign":
            self.expr(v["value"])
        elif k == "augassign":
            if v["op"] not in ARITH_OPS:
                raise NotJittable(f"operator {v['op']}")
            self.expr(v["value"])
        elif k == "if":
            self.expr(v["test"])
            self.stmts(v.get("body"), loop_depth)
            self.stmts(v.get("orelse"), loop_depth)
        elif k == "while":
            self.expr(v["test"])
            self.stmts(v.get("body"), loop_depth + 1)
            self.stmts(v.get("orelse"), loop_depth)
        elif k == "for":
            ik, iv = kind(v["iter"])
            if ik != "call" or kind(iv["func"]) != ("var", "range"):
                raise NotJittable("for over something other than range()")
            if not self._builtin_visible("range"):
                raise NotJittable("range is shadowed")
            if iv.get("kwargs") or not 1 <= len(iv.get("args") or []) <= 3:
                raise NotJittable("range() arguments")
            for a in iv["args"]:
                self.expr(a)
            self.stmts(v.get("body"), loop_depth + 1)
            self.stmts(v.get("orelse"), loop_depth)
        elif k in ("break", "continue"):
            if loop_depth == 0:
                raise NotJittable(f"{k} outside a loop")
        elif k == "pass":
            pass
        elif k == "return":
            if v is not None:
                self.expr(v)
        else:
            raise NotJittable(f"statement {k}")

    def _builtin_visible(self, name):
        return name not in self.info.locals and self.top_bound.get(name, 0) == 0

    def _math(self, node):
        k, v = kind(node)
        return (
            k == "var" and v == "math" and "math" not in self.info.locals and self.math_ok
        )

    def expr(self, node):
        k, v = kind(node)
        if k == "const":
            if isinstance(v, bool) or is_number_const(v):
                return
            raise NotJittable("constant that is not a number or bool")
        if k == "var":
            if v not in self.info.locals:
                raise NotJittable(f"reads global name {v!r}")
            return
        if k == "binop":
            if v["op"] not in ARITH_OPS:
                raise NotJittable(f"operator {v['op']}")
            self.expr(v["left"])
            self.expr(v["right"])
            return
        if k == "unary":
            if is_int64_min_literal(node):
                return
            if v["op"] not in ("neg", "pos", "not"):
                raise NotJittable(f"unary {v['op']}")
            self.expr(v["operand"])
            return
        if k == "boolop":
            for item in v["values"]:
                self.expr(item)
            return
        if k == "compare":
            if any(op not in COMPARE_OPS for op in v["ops"]):
                raise NotJittable("comparison operator")
            if len(v["ops"]) != len(v["comparators"]) or not v["ops"]:
                raise NotJittable("malformed comparison")
            self.expr(v["left"])
            for c in v["comparators"]:
                self.expr(c)
            return
        if k == "ifexp":
            self.expr(v["test"])
            self.expr(v["body"])
            self.expr(v["orelse"])
            return
        if k == "attr":
            if self._math(v["value"]) and v["name"] in MATH_CONSTS:
                return
            raise NotJittable("attribute access")
        if k == "call":
            self.call(v)
            return
        raise NotJittable(f"expression {k}")

    def call(self, v):
        if v.get("kwargs"):
            raise NotJittable("keyword arguments")
        args = v.get("args") or []
        fk, fv = kind(v["func"])
        if fk == "attr" and self._math(fv["value"]) and fv["name"] in MATH_FUNCS:
            if len(args) != MATH_FUNCS[fv["name"]]:
                raise NotJittable("math function arity")
        elif fk == "var" and fv not in self.info.locals:
            if self.top_bound.get(fv, 0):
                target = self.defs.get(fv)
                if target is None or self.top_bound[fv] != 1:
                    raise NotJittable(f"calls {fv!r}, which is not a stable top-level function")
                if not target.required <= len(args) <= len(target.params):
                    raise NotJittable(f"wrong number of arguments for {fv!r}")
                self.info.callees.add(fv)
            elif fv in BUILTINS:
                lo, hi = BUILTINS[fv]
                if not lo <= len(args) <= hi:
                    raise NotJittable(f"{fv}() arity")
            else:
                raise NotJittable(f"calls {fv!r}")
        else:
            raise NotJittable("call of something that is not a known function")
        for a in args:
            self.expr(a)


def _defaults_trailing(defaults) -> bool:
    first = next((i for i, d in enumerate(defaults) if d is not None), len(defaults))
    return all(d is not None for d in defaults[first:])


def analyse_program(program: dict) -> ProgramInfo:
    body = program.get("body") or []
    top_bound: dict[str, int] = {}
    _bindings(body, top_bound)
    math_imported = any(kind(s) == ("import", "math") for s in body)
    math_ok = math_imported and top_bound.get("math", 0) == 1

    defs: dict[str, FuncInfo] = {}
    first_code = len(body)  # index of the first top-level statement that may run code
    for i, stmt in enumerate(body):
        k, v = kind(stmt)
        if k == "def":
            params, defaults = [], []
            ok = True
            for p in v.get("params") or []:
                params.append(p["name"])
                if p.get("default") is None:
                    defaults.append(None)
                else:
                    try:
                        defaults.append(const_number(p["default"]))
                    except NotJittable:
                        ok = False
                        defaults.append(None)
            info = FuncInfo(v["name"], i, params, defaults, v.get("body") or [])
            if not ok:
                info.reason = "a default value is not a numeric constant"
            elif not _defaults_trailing(defaults):
                info.reason = "a parameter without default follows one with a default"
            elif len(set(params)) != len(params):
                info.reason = "duplicate parameter"
            elif top_bound.get(info.name, 0) != 1:
                info.reason = "the name is bound more than once at top level"
            else:
                info.jittable = True
            defs[info.name] = info  # a later def of the same name wins (it is excluded anyway)
        elif k == "import" and v == "math":
            continue
        elif k == "expr" and kind(v)[0] == "const":
            continue
        else:
            first_code = min(first_code, i)

    for info in defs.values():
        if not info.jittable:
            continue
        info.locals = set(info.params)
        try:
            _Checker(info, top_bound, math_ok, defs).run()
        except NotJittable as exc:
            info.jittable = False
            info.reason = str(exc)
        except (KeyError, TypeError, AttributeError) as exc:  # malformed IR: stay out of the way
            info.jittable = False
            info.reason = f"unexpected IR shape: {exc!r}"

    # A callee must be JIT-able and certainly defined whenever the caller can run.
    changed = True
    while changed:
        changed = False
        for info in defs.values():
            if not info.jittable:
                continue
            for callee in info.callees:
                target = defs[callee]
                defined_first = target.index <= info.index or target.index < first_code
                if not target.jittable or not defined_first:
                    info.jittable = False
                    info.reason = f"calls {callee!r}, which the JIT cannot compile or may not exist yet"
                    changed = True
                    break
    return ProgramInfo(defs, math_ok, top_bound)
