"""Which top-level functions the JIT may compile (syntactic part, no LLVM).

A function is a candidate when its body uses only the numeric subset (see
`hypercode_lang/jit/__init__.py`), reads no global variable, and calls only
itself, other candidates, or a few pure built-ins. Types are not known here:
they are inferred per call signature later (`infer.py`).

What a name is (a local, a module name and how often the module binds it, a
built-in) comes from the scope analysis every other tool reads
(`hypercode_lang.scopes`); this module only decides what the JIT supports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..language.builtins import JIT_BUILTINS, JIT_MATH_FUNCTIONS, MATH_CONSTANTS
from ..scopes import Analysis, Scope, analyse

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


def _binding_counts(module: Scope) -> dict[str, int]:
    """How many statements bind each module-level name (0: none, so a built-in shows through)."""
    return {name: len(symbol.values) for name, symbol in module.symbols.items()}


# ---------------------------------------------------------------- per function


class _Checker:
    def __init__(self, info: FuncInfo, scope: Scope, top_bound: dict[str, int], math_ok: bool, defs: dict):
        self.info = info
        self.scope = scope  # the function's scope in the analysis
        self.top_bound = top_bound
        self.math_ok = math_ok
        self.defs = defs

    def run(self):
        info = self.info
        self._check_targets(info.body)
        self.stmts(info.body, loop_depth=0)

    def where(self, name: str) -> str | None:
        """"local", "module" or "builtin": where `name` read in this function comes from (None:
        bound nowhere)."""
        symbol = self.scope.lookup(name)
        if symbol is None:
            return None
        if symbol.is_builtin:
            return "builtin"
        return "local" if symbol.scope is self.scope else "module"

    def _check_targets(self, stmts):
        """The subset assigns to plain names only."""
        for stmt in stmts:
            k, v = kind(stmt)
            if k == "assign":
                if any(kind(t)[0] != "var" for t in v["targets"]):
                    raise NotJittable("assignment to something other than a name")
            elif k == "augassign":
                if kind(v["target"])[0] != "var":
                    raise NotJittable("augmented assignment to something other than a name")
            elif k == "for":
                if kind(v["target"])[0] != "var":
                    raise NotJittable("for target is not a name")
                self._check_targets(v.get("body") or [])
                self._check_targets(v.get("orelse") or [])
            elif k in ("if", "while"):
                self._check_targets(v.get("body") or [])
                self._check_targets(v.get("orelse") or [])

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
        return self.where(name) == "builtin"

    def _math(self, node):
        k, v = kind(node)
        return k == "var" and v == "math" and self.where("math") == "module" and self.math_ok

    def expr(self, node):
        k, v = kind(node)
        if k == "const":
            if isinstance(v, bool) or is_number_const(v):
                return
            raise NotJittable("constant that is not a number or bool")
        if k == "var":
            if self.where(v) != "local":
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
        elif fk == "var" and self.where(fv) != "local":
            if self.where(fv) == "module":
                target = self.defs.get(fv)
                if target is None or self.top_bound[fv] != 1:
                    raise NotJittable(f"calls {fv!r}, which is not a stable top-level function")
                if not target.required <= len(args) <= len(target.params):
                    raise NotJittable(f"wrong number of arguments for {fv!r}")
                self.info.callees.add(fv)
            elif self.where(fv) == "builtin" and fv in BUILTINS:
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


def analyse_program(program: dict, analysis: Analysis | None = None) -> ProgramInfo:
    """Which top-level functions are candidates, and why the others are not. `analysis` is
    `scopes.analyse(program)` when the caller has it already."""
    body = program.get("body") or []
    if analysis is None:
        analysis = analyse(program)
    function_scopes = {id(scope.node): scope for scope in analysis.module.children if scope.kind == "function"}
    top_bound = _binding_counts(analysis.module)
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
        scope = function_scopes[id(body[info.index])]
        info.locals = set(scope.symbols)
        try:
            _Checker(info, scope, top_bound, math_ok, defs).run()
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
