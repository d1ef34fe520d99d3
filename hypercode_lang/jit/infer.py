"""Type inference per call signature (no LLVM).

A *specialisation* is `(function name, tuple of argument types)`, each type `"int"` or
`"float"`. Every local gets one type for the whole body (`"int"`, `"float"` or `"bool"`);
a local that would hold two types makes the specialisation unsupported (the VM runs it).
Return types are sets of tags (`int float bool none`), solved as a fixed point over all
specialisations reachable from the one first called (recursion, mutual recursion).
"""

from __future__ import annotations

from .eligibility import ProgramInfo, is_int64_min_literal, is_number_const, kind

NUMERIC = ("int", "float")
TAGS = ("int", "float", "none", "bool")  # tag number = index
MAX_ROUNDS = 64


class Unsupported(Exception):
    """This specialisation cannot be compiled to give exactly the VM's result."""


def arith_type(op: str, lt, rt):
    """Result type of `lt op rt`, None if an operand type is still unknown."""
    if lt is None or rt is None:
        return None
    if lt not in NUMERIC or rt not in NUMERIC:
        raise Unsupported(f"{op} on {lt} and {rt}")
    if op == "div":
        return "float"
    if lt == "int" and rt == "int":
        return "int"
    return "float"


def value_type(t):
    if t is not None and t not in ("int", "float", "bool"):
        raise Unsupported(f"a {t} value is used")
    return t


class SpecInfo:
    def __init__(self, key):
        self.key = key
        self.var_types: dict[str, str | None] = {}
        self.ret_tags: frozenset = frozenset()
        self.callees: set = set()


class Solver:
    def __init__(self, prog: ProgramInfo):
        self.prog = prog
        self.ret: dict[tuple, frozenset] = {}
        self.failed: dict[tuple, str] = {}
        self.infos: dict[tuple, SpecInfo] = {}
        self.dirty = False

    def lookup(self, key):
        if key not in self.ret:
            self.ret[key] = frozenset()
            self.dirty = True
        return self.ret[key]

    def solve(self, root):
        self.lookup(root)
        for _ in range(MAX_ROUNDS):
            self.dirty = False
            for key in list(self.ret):
                if key in self.failed:
                    continue
                try:
                    info = _Analyser(self, key).run()
                except Unsupported as exc:
                    self.failed[key] = str(exc)
                    self.dirty = True
                    continue
                self.infos[key] = info
                tags = info.ret_tags | self.ret[key]
                if tags != self.ret[key]:
                    self.ret[key] = tags
                    self.dirty = True
            if not self.dirty:
                break
        else:
            self.failed[root] = "type inference did not settle"
        for key, info in self.infos.items():
            if key in self.failed:
                continue
            unknown = [n for n, t in info.var_types.items() if t is None]
            if unknown:
                self.failed[key] = f"cannot infer a type for {unknown[0]!r}"
            elif not self.ret[key]:
                self.failed[key] = "never returns"
        self.propagate_failures()

    def propagate_failures(self):
        changed = True
        while changed:
            changed = False
            for key, info in self.infos.items():
                if key not in self.failed and any(c in self.failed for c in info.callees):
                    self.failed[key] = "calls a function that cannot be compiled for these types"
                    changed = True

    def live_specs(self):
        return [k for k in self.ret if k not in self.failed]


def can_fall_off(stmts) -> bool:
    """Conservative: can control reach the end of this statement list?"""
    if not stmts:
        return True
    k, v = kind(stmts[-1])
    if k == "return":
        return False
    if k == "if":
        return can_fall_off(v.get("body")) or can_fall_off(v.get("orelse"))
    if k == "while":
        tk, tv = kind(v["test"])
        if tk == "const" and tv is True and not _has_break(v.get("body")):
            return False
    return True


def _has_break(stmts) -> bool:
    for s in stmts or []:
        k, v = kind(s)
        if k == "break":
            return True
        if k == "if" and (_has_break(v.get("body")) or _has_break(v.get("orelse"))):
            return True
        # breaks inside nested loops belong to those loops
    return False


class _Analyser:
    def __init__(self, solver: Solver, key):
        self.solver = solver
        self.key = key
        self.func = solver.prog.functions[key[0]]

    def run(self) -> SpecInfo:
        func = self.func
        info = SpecInfo(self.key)
        self.info = info
        for name in func.locals:
            info.var_types[name] = None
        for name, t in zip(func.params, self.key[1]):
            info.var_types[name] = t
        for _ in range(MAX_ROUNDS):
            self.changed = False
            self.tags = set()
            self.stmts(func.body)
            if not self.changed:
                break
        else:
            raise Unsupported("local types did not settle")
        if can_fall_off(func.body):
            self.tags.add("none")
        info.ret_tags = frozenset(self.tags)
        return info

    def join(self, name, t):
        if t is None:
            return
        value_type(t)
        cur = self.info.var_types.get(name)
        if cur is None:
            self.info.var_types[name] = t
            self.changed = True
        elif cur != t:
            raise Unsupported(f"{name!r} holds both {cur} and {t}")

    def stmts(self, stmts):
        for s in stmts or []:
            self.stmt(s)

    def stmt(self, s):
        k, v = kind(s)
        if k == "expr":
            ek, ev = kind(v)
            if not (ek == "const" and isinstance(ev, str)):
                self.expr(v)
        elif k == "assign":
            t = value_type(self.expr(v["value"]))
            for target in v["targets"]:
                self.join(kind(target)[1], t)
        elif k == "augassign":
            name = kind(v["target"])[1]
            t = arith_type(v["op"], self.info.var_types.get(name), self.expr(v["value"]))
            self.join(name, t)
        elif k in ("if", "while"):
            self.cond(v["test"])
            self.stmts(v.get("body"))
            self.stmts(v.get("orelse"))
        elif k == "for":
            for a in kind(v["iter"])[1]["args"]:
                t = self.expr(a)
                if t is not None and t != "int":
                    raise Unsupported("range() of a non-int")
            self.join(kind(v["target"])[1], "int")
            self.stmts(v.get("body"))
            self.stmts(v.get("orelse"))
        elif k == "return":
            if v is None:
                self.tags.add("none")
                return
            t = self.expr(v)
            if t == "mixed":
                self.tags |= self.call_tags(v)
            elif t is not None:
                self.tags.add(t)

    def cond(self, e):
        k, v = kind(e)
        if k == "boolop":
            for item in v["values"]:
                self.cond(item)
            return "bool"
        if k == "unary" and v["op"] == "not":
            self.cond(v["operand"])
            return "bool"
        value_type(self.expr(e))
        return "bool"

    def call_tags(self, e):
        k, v = kind(e)
        fk, fv = kind(v["func"])
        return self.solver.ret.get(self.callee_key(fv, v["args"]), frozenset())

    def callee_key(self, name, args):
        func = self.solver.prog.functions[name]
        types = []
        for a in args:
            t = value_type(self.expr(a))
            if t == "bool":
                raise Unsupported("bool argument")
            types.append(t)
        for d in func.defaults[len(args):]:
            types.append("int" if isinstance(d, int) else "float")
        if None in types:
            return None
        return (name, tuple(types))

    def expr(self, e):
        k, v = kind(e)
        if k == "const":
            if isinstance(v, bool):
                return "bool"
            if is_number_const(v):
                return "int" if isinstance(v, int) else "float"
            raise Unsupported("constant")
        if k == "var":
            return self.info.var_types.get(v)
        if k == "binop":
            lt = self.expr(v["left"])
            rt = self.expr(v["right"])
            return arith_type(v["op"], lt, rt)
        if k == "unary":
            if is_int64_min_literal(e):
                return "int"
            if v["op"] == "not":
                return self.cond(v["operand"])
            t = value_type(self.expr(v["operand"]))
            if t == "bool":
                raise Unsupported("arithmetic on a bool")
            return t
        if k == "boolop":
            ts = [value_type(self.expr(x)) for x in v["values"]]
            if None in ts:
                return None
            if len(set(ts)) != 1:
                raise Unsupported("and/or on values of different types")
            return ts[0]
        if k == "compare":
            for x in [v["left"], *v["comparators"]]:
                value_type(self.expr(x))
            return "bool"
        if k == "ifexp":
            self.cond(v["test"])
            a = value_type(self.expr(v["body"]))
            b = value_type(self.expr(v["orelse"]))
            if a is None or b is None:
                return None
            if a != b:
                raise Unsupported("conditional expression with two types")
            return a
        if k == "attr":
            return "float"  # math.pi / math.e / math.inf
        if k == "call":
            return self.call(v)
        raise Unsupported(f"expression {k}")

    def call(self, v):
        fk, fv = kind(v["func"])
        args = v.get("args") or []
        if fk == "attr":
            ts = [value_type(self.expr(a)) for a in args]
            if "bool" in ts:
                raise Unsupported("math function of a bool")
            if None in ts:
                return None
            return "int" if fv["name"] in ("floor", "ceil") else "float"
        if self.solver.prog.top_bound.get(fv):  # a top-level function (eligibility checked it)
            key = self.callee_key(fv, args)
            if key is None:
                return None
            self.info.callees.add(key)
            tags = self.solver.lookup(key)
            if not tags:
                return None
            if len(tags) > 1:
                return "mixed"
            return next(iter(tags))
        ts = [value_type(self.expr(a)) for a in args]
        if "bool" in ts:
            raise Unsupported(f"{fv}() of a bool")
        if None in ts:
            return None
        if fv == "abs":
            return ts[0]
        if fv == "int":
            return "int"
        if fv == "float":
            return "float"
        # min / max: Python returns one of the arguments, so they must share a type
        if len(set(ts)) != 1:
            raise Unsupported(f"{fv}() of mixed int and float")
        return ts[0]

