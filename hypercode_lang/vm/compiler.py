"""IR (spec §6) -> Code: flat instruction lists with resolved variable slots and a line table.

Which name is a local, a cell, a free variable or a global is not decided here: the scope
analysis every other tool reads (``hypercode_lang.scopes``) says so, as one ``SlotPlan`` per
scope. Module globals live in one slot list per module, which is the module frame's own slot
list, so top-level code uses the same fast slot instructions as function bodies.
"""
from __future__ import annotations

from ..collector import collector_paused
from ..scopes import analyse, slot_plans
from . import opcodes as O

OPI = O.OPERATOR_INDEX
_CMP_OPS = O.COMPARES
_ADDS = (OPI["add"], OPI["iadd"])


class Code:
    """Compiled code of a module, a function or a list comprehension."""

    __slots__ = ("name", "filename", "instrs", "locs", "consts", "nparams", "param_names",
                 "varnames", "nlocals", "freevars", "is_module", "global_names", "loc", "name_locs",
                 "exports")

    def __init__(self, name, filename):
        self.name = name
        self.filename = filename
        self.instrs = []        # [(opcode, arg)]
        self.locs = []          # parallel: [line, col, end_line, end_col] per instruction
        self.consts = []        # every constant used (for the disassembler)
        self.nparams = 0
        self.param_names = ()
        self.varnames = []      # slot -> name (params, locals, then free variables)
        self.nlocals = 0        # params + locals (free variables follow)
        self.freevars = ()
        self.is_module = False
        self.global_names = []  # module code only: global slot -> name
        self.loc = None
        self.name_locs = {}     # CALL_VAR index -> span of the called name (for NameError)
        self.exports = ()       # module code only: names assigned at top level (``mod.name``)

    def __repr__(self):
        return f"<code {self.name} ({len(self.instrs)} instructions)>"


class CompileError(Exception):
    """The IR breaks the contract (the parser/checker should never let this happen)."""


def kind_of(node):
    for k in node:
        if k != "loc":
            return k
    raise CompileError(f"IR node without a kind: {node!r}")


# ---------------------------------------------------------------------------------------------
# Code generation


_NO = object()


class _Free:
    """Placeholder slot of a free variable until the function's locals are all known."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<free {self.name}>"


_TAKES_TWO_LOCALS = frozenset({O.BINARY, O.BINARY_SUBSCR, O.STORE_SUBSCR})


class Label:
    __slots__ = ("pos",)

    def __init__(self):
        self.pos = None


_FOLDABLE = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "floordiv": lambda a, b: a // b, "mod": lambda a, b: a % b,
}
_NUM = (int, float)


def _foldable_const(v):
    return type(v) in _NUM and (type(v) is float or abs(v) < 1 << 64)


class FunctionCompiler:
    def __init__(self, unit, plan, code):
        self.unit = unit
        self.plan = plan        # scopes.SlotPlan of the scope being compiled
        self.code = code
        self.instrs = code.instrs
        self.locs = code.locs
        self.slots = {}
        self.fblocks = []   # ("loop", continue_label, break_label, has_iter) | ("try",) | ("finally", body)
        self.barrier = -1   # an instruction index a label points at: no fusing across it
        self.ntemps = 0
        self.loc = None

    # -- slots
    def slot(self, name):
        s = self.slots.get(name)
        if s is None:
            s = len(self.code.varnames)
            self.slots[name] = s
            self.code.varnames.append(name)
        return s

    def temp(self):
        self.ntemps += 1
        return self.slot(f".t{self.ntemps}")

    def access(self, name):
        """("fast"|"deref"|"global", slot) for a name read or written in this scope.

        A free variable's slot is a _Free placeholder until the function's locals are known.
        """
        plan = self.plan
        if plan.kind == "module":
            return "fast", self.unit.global_slot(name)
        how = plan.access(name)
        if how == "global":
            return how, self.unit.global_slot(name)
        if how == "deref" and name in plan.frees:
            return how, _Free(name)
        return how, self.slots[name]

    def cell_source(self, name):
        """Where the cell of name lives in this frame (for a closure being made here)."""
        if name in self.plan.frees:
            return _Free(name)
        return self.slots[name]

    # -- emission
    def emit(self, op, arg=None, loc=None):
        ins = self.instrs
        n = len(ins)
        if (n >= 2 and n != self.barrier and n - 1 != self.barrier and ins[-1][0] == O.LOAD_FAST
                and ins[-2][0] == O.LOAD_FAST2 and op in _TAKES_TWO_LOCALS):
            # x y | z op  ->  x | y z op : the operator wants the two loads nearest to it
            x, y = ins[-2][1]
            ins[-2] = (O.LOAD_FAST, x)
            ins[-1] = (O.LOAD_FAST2, (y, ins[-1][1]))
        if op == O.LOAD_CONST and n and n != self.barrier and ins[-1][0] == O.LOAD_FAST2:
            # x y | c  ->  x | y c : a constant operand pairs with the load nearest to it
            x, y = ins[-1][1]
            ins[-1] = (O.LOAD_FAST, x)
            ins.append((O.LOAD_FAST_CONST, (y, arg)))
            self.locs.append(loc if loc is not None else self.loc)
            return n
        if n and n != self.barrier:
            pop, parg = ins[-1]
            fused = self.fuse(pop, parg, op, arg)
            if fused is not None:
                ins[-1] = fused
                # The fused instruction fails as its last part would: an operator or a call
                # (whose span encloses its argument) points at that part's span.
                if op == O.BINARY or op == O.BINARY_SUBSCR or op == O.STORE_SUBSCR or op == O.CALL_VAR:
                    self.locs[-1] = loc if loc is not None else self.loc
                return n - 1
        ins.append((op, arg))
        self.locs.append(loc if loc is not None else self.loc)
        return n

    def fuse(self, pop, parg, op, arg):
        ins = self.instrs
        if op == O.LOAD_FAST:
            if pop == O.LOAD_FAST:
                return O.LOAD_FAST2, (parg, arg)
        elif op == O.LOAD_CONST:
            if pop == O.LOAD_FAST:
                return O.LOAD_FAST_CONST, (parg, arg)
        elif op == O.BINARY:
            if pop == O.LOAD_FAST2:
                return O.BIN_FF, (arg, parg[0], parg[1])
            if pop == O.LOAD_FAST_CONST:
                return O.BIN_FC, (arg, parg[0], parg[1])
            if pop == O.LOAD_CONST:
                return O.BIN_C, (arg, parg)
        elif op == O.STORE_SUBSCR:
            if pop == O.LOAD_FAST2:
                if len(ins) >= 2 and ins[-2][0] == O.LOAD_CONST and self.barrier != len(ins) - 1:
                    # the stored value is a constant: take it too
                    value = ins[-2][1]
                    del ins[-1]
                    del self.locs[-1]
                    return O.STORE_SUBSCR_FFC, parg + (value,)
                return O.STORE_SUBSCR_FF, parg
        elif op == O.BINARY_SUBSCR:
            if pop == O.LOAD_FAST2:
                return O.SUBSCR_FF, parg
            if pop == O.LOAD_FAST_CONST:
                return O.SUBSCR_FC, parg
        elif op == O.POP_JUMP_IF_FALSE:
            if pop == O.LOAD_FAST:
                return O.JUMP_IF_FALSE_FAST, (parg, arg)
            if pop == O.BIN_FC and parg[0] in _CMP_OPS:
                return O.CMP_FC_JUMP, (parg[0], parg[1], parg[2], arg)
            if pop == O.BIN_FF and parg[0] in _CMP_OPS:
                return O.CMP_FF_JUMP, (parg[0], parg[1], parg[2], arg)
            if pop == O.BINARY and parg in _CMP_OPS:
                return O.CMP_JUMP, (parg, arg)
        elif op == O.STORE_FAST:
            if pop == O.BIN_FC:
                if parg[0] in _ADDS and parg[1] == arg and type(parg[2]) in _NUM:
                    return O.INC_FAST, (arg, parg[2], parg[0])
                return O.BIN_FC_STORE, parg + (arg,)
            if pop == O.BIN_FF:
                return O.BIN_FF_STORE, parg + (arg,)
            if pop == O.BINARY:
                return O.BINARY_STORE, (parg, arg)
        elif op == O.RETURN_VALUE:
            if pop == O.LOAD_FAST:
                return O.RETURN_FAST, parg
            if pop == O.BINARY:
                return O.BINARY_RETURN, parg
        elif op == O.CALL_VAR:
            if pop == O.BIN_FC and arg[1] == 1:
                return O.CALL_VAR_BIN, (arg[0], arg[2]) + parg
        return None

    def label(self):
        return Label()

    def bind(self, label):
        label.pos = len(self.instrs)
        self.barrier = label.pos

    def finish(self):
        ins = self.instrs
        for i, (op, arg) in enumerate(ins):
            if op in O.JUMPS:
                if isinstance(arg, tuple):
                    ins[i] = (op, tuple(x.pos if isinstance(x, Label) else x for x in arg))
                else:
                    ins[i] = (op, arg.pos)
        # the line table must be total
        last = self.code.loc or [1, 1, 1, 1]
        for i, loc in enumerate(self.locs):
            if loc is None:
                self.locs[i] = last
            else:
                last = loc

    def const(self, value, loc=None):
        consts = self.code.consts
        if not any(type(c) is type(value) and c == value for c in consts):
            consts.append(value)
        self.emit(O.LOAD_CONST, value, loc)

    # -- statements
    def body(self, stmts):
        for s in stmts or ():
            self.stmt(s)

    def stmt(self, s):
        k = kind_of(s)
        v = s[k]
        loc = s.get("loc")
        if loc is not None:
            self.loc = loc
        self.current_stmt = s
        compile_statement = getattr(self, "s_" + k, None)
        if compile_statement is None:
            raise CompileError(f"unknown statement kind {k!r}")
        compile_statement(v, loc)

    def s_expr(self, v, loc):
        self.expr(v)
        self.emit(O.POP_TOP, None, loc)

    def s_pass(self, v, loc):
        pass

    def s_assign(self, v, loc):
        self.expr(v["value"])
        targets = v["targets"]
        for i, t in enumerate(targets):
            if i < len(targets) - 1:
                self.emit(O.DUP_TOP, None, loc)
            self.store(t)

    def store(self, t):
        k = kind_of(t)
        v = t[k]
        loc = t.get("loc")
        if k == "var":
            how, slot = self.access(v)
            if how == "fast":
                self.emit(O.STORE_FAST, slot, loc)
            elif how == "deref":
                self.emit(O.STORE_DEREF, slot, loc)
            else:
                raise CompileError(f"cannot assign global {v!r} here")
        elif k in ("tuple", "list"):
            self.emit(O.UNPACK, len(v), loc)
            for x in v:
                self.store(x)
        elif k == "index":
            self.expr(v["value"])
            self.expr(v["index"])
            self.emit(O.STORE_SUBSCR, None, loc)
        elif k == "slice":
            self.expr(v["value"])
            self.slice_bounds(v)
            self.emit(O.STORE_SLICE, None, loc)
        else:
            raise CompileError(f"cannot assign to {k!r}")

    def s_augassign(self, v, loc):
        t = v["target"]
        k = kind_of(t)
        op = OPI["i" + v["op"]]
        if k == "var":
            self.load_name(t["var"], t.get("loc"))
            self.expr(v["value"])
            self.emit(O.BINARY, op, loc)
            self.store(t)
        elif k == "index":
            tv = t["index"]
            self.expr(tv["value"])
            self.expr(tv["index"])
            tc, ti = self.temp(), self.temp()
            self.emit(O.STORE_FAST, ti, loc)
            self.emit(O.STORE_FAST, tc, loc)
            self.emit(O.LOAD_FAST, tc, t.get("loc"))
            self.emit(O.LOAD_FAST, ti, t.get("loc"))
            self.emit(O.BINARY_SUBSCR, None, t.get("loc"))
            self.expr(v["value"])
            self.emit(O.BINARY, op, loc)
            self.emit(O.LOAD_FAST, tc, loc)
            self.emit(O.LOAD_FAST, ti, loc)
            self.emit(O.STORE_SUBSCR, None, loc)
        elif k == "slice":
            raise CompileError("augmented assignment to a slice")
        else:
            raise CompileError(f"cannot assign to {k!r}")

    def s_if(self, v, loc):
        orelse = v.get("orelse") or []
        end = self.label()
        els = self.label() if orelse else end
        self.cond_jump(v["test"], els)
        self.body(v.get("body"))
        if orelse:
            self.emit(O.JUMP, end)
            self.bind(els)
            self.body(orelse)
        self.bind(end)

    def cond_jump(self, test, target):
        """Jump to target when test is false."""
        k = kind_of(test)
        if k == "unary" and test["unary"]["op"] == "not":
            self.expr(test["unary"]["operand"])
            self.emit(O.POP_JUMP_IF_TRUE, target, test.get("loc"))
            return
        self.expr(test)
        self.emit(O.POP_JUMP_IF_FALSE, target, test.get("loc"))

    def s_while(self, v, loc):
        top, brk, cont = self.label(), self.label(), self.label()
        orelse = v.get("orelse") or []
        self.bind(top)
        self.bind(cont)
        else_l = self.label() if orelse else brk
        self.cond_jump(v["test"], else_l)
        self.fblocks.append(("loop", top, brk, False))
        self.body(v.get("body"))
        self.fblocks.pop()
        self.emit(O.JUMP_BACK, top, loc)
        if orelse:
            self.bind(else_l)
            self.body(orelse)
        self.bind(brk)

    def s_for(self, v, loc):
        self.expr(v["iter"])
        self.emit(O.GET_ITER, None, v["iter"].get("loc"))
        top, brk, done = self.label(), self.label(), self.label()
        self.bind(top)
        t = v["target"]
        fast = kind_of(t) == "var" and self.access(t["var"])[0] == "fast"
        if fast:
            slot = self.access(t["var"])[1]
            self.emit(O.FOR_ITER_STORE, (slot, done), t.get("loc"))
        else:
            self.emit(O.FOR_ITER, done, t.get("loc"))
            self.store(t)
        body = self.label()
        self.bind(body)
        self.fblocks.append(("loop", top, brk, True))
        self.body(v.get("body"))
        self.fblocks.pop()
        if fast:  # next item and jump back to the body in one instruction
            self.emit(O.FOR_BACK, (slot, body, done), loc)
        else:
            self.emit(O.JUMP_BACK, top, loc)
        self.bind(done)
        self.body(v.get("orelse"))
        self.bind(brk)

    def unwind_to_loop(self, loc):
        """Emit what leaving try blocks needs on the way to the innermost loop; return it."""
        for i in range(len(self.fblocks) - 1, -1, -1):
            fb = self.fblocks[i]
            if fb[0] == "loop":
                return fb
            self.unwind_one(fb, i, loc)
        raise CompileError("break/continue outside a loop")

    def unwind_one(self, fb, i, loc):
        if fb[0] == "try":
            self.emit(O.POP_BLOCK, None, loc)
        elif fb[0] == "finally":
            self.emit(O.POP_BLOCK, None, loc)
            saved = self.fblocks
            self.fblocks = saved[:i]
            self.body(fb[1])
            self.fblocks = saved
            self.loc = loc
        elif fb[0] == "handler":
            pass

    def s_break(self, v, loc):
        fb = self.unwind_to_loop(loc)
        if fb[3]:
            self.emit(O.POP_TOP, None, loc)   # the loop's iterator
        self.emit(O.JUMP, fb[2], loc)

    def s_continue(self, v, loc):
        fb = self.unwind_to_loop(loc)
        self.emit(O.JUMP_BACK, fb[1], loc)

    def s_return(self, v, loc):
        if self.plan.kind != "function":
            raise CompileError("return outside a function")
        if v is None:
            self.const(None, loc)
        else:
            self.expr(v)
        if any(fb[0] in ("try", "finally") for fb in self.fblocks):
            tmp = self.temp()
            self.emit(O.STORE_FAST, tmp, loc)
            for i in range(len(self.fblocks) - 1, -1, -1):
                self.unwind_one(self.fblocks[i], i, loc)
            self.emit(O.LOAD_FAST, tmp, loc)
        self.emit(O.RETURN_VALUE, None, loc)

    def s_def(self, v, loc):
        fplan = self.unit.plans[id(self.current_stmt)]
        ndef = 0
        for p in v["params"]:
            if p.get("default") is not None:
                self.expr(p["default"])
                ndef += 1
        code = self.unit.compile_function(fplan, v["name"], v.get("body") or [], loc)
        cells = tuple(self.cell_source(n) for n in fplan.frees)
        self.emit(O.MAKE_FUNCTION, (code, ndef, cells), loc)
        self.store({"var": v["name"], "loc": loc})

    def s_import(self, v, loc):
        self.emit(O.IMPORT, v, loc)
        self.store({"var": v, "loc": loc})

    def s_raise(self, v, loc):
        if v is None:
            for fb in reversed(self.fblocks):
                if fb[0] == "handler":
                    self.emit(O.LOAD_FAST, fb[1], loc)
                    self.emit(O.RAISE, 1, loc)
                    return
            self.emit(O.RAISE, 0, loc)
            return
        self.expr(v)
        self.emit(O.RAISE, 1, loc)

    def s_assert(self, v, loc):
        ok = self.label()
        self.cond_jump_true(v["test"], ok)
        if v.get("msg") is not None:
            self.expr(v["msg"])
            self.emit(O.ASSERT_FAIL, 1, loc)
        else:
            self.emit(O.ASSERT_FAIL, 0, loc)
        self.bind(ok)

    def cond_jump_true(self, test, target):
        self.expr(test)
        self.emit(O.POP_JUMP_IF_TRUE, target, test.get("loc"))

    def s_try(self, v, loc):
        fin = v.get("finally") or []
        handlers = v.get("handlers") or []
        orelse = v.get("orelse") or []
        if fin:
            fin_exc = self.label()
            self.emit(O.SETUP_EXCEPT, fin_exc, loc)
            self.fblocks.append(("finally", fin))
        if handlers:
            self.try_except(v.get("body") or [], handlers, orelse, loc)
        else:
            self.body(v.get("body"))
            self.body(orelse)
        if fin:
            self.fblocks.pop()
            self.emit(O.POP_BLOCK, None, loc)
            self.body(fin)
            after = self.label()
            self.emit(O.JUMP, after, loc)
            self.bind(fin_exc)
            tmp = self.temp()
            self.emit(O.STORE_FAST, tmp, loc)
            self.body(fin)
            self.emit(O.LOAD_FAST, tmp, loc)
            self.emit(O.RERAISE, None, loc)
            self.bind(after)

    def try_except(self, body, handlers, orelse, loc):
        h_label, done = self.label(), self.label()
        self.emit(O.SETUP_EXCEPT, h_label, loc)
        self.fblocks.append(("try",))
        self.body(body)
        self.fblocks.pop()
        self.emit(O.POP_BLOCK, None, loc)
        self.body(orelse)
        self.emit(O.JUMP, done, loc)
        self.bind(h_label)
        exc = self.temp()
        self.emit(O.STORE_FAST, exc, loc)
        for h in handlers:
            nxt = self.label()
            hloc = h.get("loc", loc)
            kind = h.get("kind")
            if kind is not None:
                self.emit(O.LOAD_FAST, exc, hloc)
                self.emit(O.EXC_MATCH, kind, hloc)
                self.emit(O.POP_JUMP_IF_FALSE, nxt, hloc)
            if h.get("name"):
                self.emit(O.LOAD_FAST, exc, hloc)
                self.store({"var": h["name"], "loc": hloc})
            self.fblocks.append(("handler", exc))
            self.body(h.get("body"))
            self.fblocks.pop()
            self.emit(O.JUMP, done, hloc)
            self.bind(nxt)
            if kind is None:
                break
        self.emit(O.LOAD_FAST, exc, loc)
        self.emit(O.RERAISE, None, loc)
        self.bind(done)

    def s_match(self, v, loc):
        self.expr(v["subject"])
        subj = self.temp()
        self.emit(O.STORE_FAST, subj, loc)
        end = self.label()
        for case in v["cases"]:
            nxt = self.label()
            self.pattern(case["pattern"], subj, nxt)
            if case.get("guard") is not None:
                self.cond_jump(case["guard"], nxt)
            self.body(case.get("body"))
            self.emit(O.JUMP, end, loc)
            self.bind(nxt)
        self.bind(end)

    def pattern(self, p, subj, fail):
        """Emit a test of the value in slot subj against p; jump to fail when it does not match."""
        k = kind_of(p)
        v = p[k]
        loc = p.get("loc")
        if k == "wildcard":
            return
        if k == "capture":
            self.emit(O.LOAD_FAST, subj, loc)
            self.store({"var": v, "loc": loc})
        elif k == "const":
            self.emit(O.LOAD_FAST, subj, loc)
            if v is None or v is True or v is False:
                self.emit(O.MATCH_IS, v, loc)
            else:
                self.const(v, loc)
                self.emit(O.BINARY, OPI["eq"], loc)
            self.emit(O.POP_JUMP_IF_FALSE, fail, loc)
        elif k == "value":
            self.emit(O.LOAD_FAST, subj, loc)
            self.expr(v)
            self.emit(O.BINARY, OPI["eq"], loc)
            self.emit(O.POP_JUMP_IF_FALSE, fail, loc)
        elif k == "as":
            self.pattern(v["pattern"], subj, fail)
            self.emit(O.LOAD_FAST, subj, loc)
            self.store({"var": v["name"], "loc": loc})
        elif k == "or":
            ok = self.label()
            for i, alt in enumerate(v):
                if i == len(v) - 1:
                    self.pattern(alt, subj, fail)
                else:
                    nxt = self.label()
                    self.pattern(alt, subj, nxt)
                    self.emit(O.JUMP, ok, loc)
                    self.bind(nxt)
            self.bind(ok)
        elif k == "sequence":
            star = [i for i, x in enumerate(v) if kind_of(x) == "star"]
            n = len(v) - len(star)
            self.emit(O.LOAD_FAST, subj, loc)
            self.emit(O.MATCH_SEQ, (n, bool(star)), loc)
            self.emit(O.POP_JUMP_IF_FALSE, fail, loc)
            si = star[0] if star else None
            for i, item in enumerate(v):
                ik = kind_of(item)
                if ik == "wildcard":
                    continue
                if ik == "star":
                    if not item["star"]:
                        continue
                    self.emit(O.LOAD_FAST, subj, loc)
                    self.const(si, loc)
                    after = len(v) - si - 1
                    self.const(-after if after else None, loc)
                    self.const(None, loc)
                    self.emit(O.GET_SLICE, None, loc)
                    self.emit(O.TO_LIST, None, loc)   # list(slice)
                    self.store({"var": item["star"], "loc": item.get("loc", loc)})
                    continue
                idx = i if si is None or i < si else i - len(v)
                self.emit(O.LOAD_FAST, subj, loc)
                self.const(idx, loc)
                self.emit(O.BINARY_SUBSCR, None, loc)
                t = self.temp()
                self.emit(O.STORE_FAST, t, loc)
                self.pattern(item, t, fail)
        else:
            raise CompileError(f"unknown pattern kind {k!r}")

    # -- expressions
    def load_name(self, name, loc):
        how, slot = self.access(name)
        if how == "fast":
            self.emit(O.LOAD_FAST, slot, loc)
        elif how == "deref":
            self.emit(O.LOAD_DEREF, slot, loc)
        else:
            self.emit(O.LOAD_GLOBAL, slot, loc)

    def fold(self, e):
        """The constant value of e if it is a foldable constant expression, else a sentinel."""
        k = kind_of(e)
        if k == "const":
            return e["const"]
        if k == "unary" and e["unary"]["op"] == "neg":
            x = self.fold(e["unary"]["operand"])
            if x is not _NO and type(x) in _NUM:
                return -x
        if k == "binop":
            op = e["binop"]["op"]
            a = self.fold(e["binop"]["left"])
            if a is _NO or not _foldable_const(a):
                return _NO
            b = self.fold(e["binop"]["right"])
            if b is _NO or not _foldable_const(b):
                return _NO
            if op == "pow":
                if type(a) is int and type(b) is int and 0 <= b <= 64 and abs(a) < 1 << 16:
                    return a ** b
                return _NO
            if op in ("div", "floordiv", "mod") and b == 0:
                return _NO
            f = _FOLDABLE.get(op)
            if f is not None:
                r = f(a, b)
                if type(r) is int and abs(r) >= 1 << 128:
                    return _NO
                return r
        return _NO

    def expr(self, e):
        k = kind_of(e)
        v = e[k]
        loc = e.get("loc") or self.loc
        if k in ("binop", "unary"):
            c = self.fold(e)
            if c is not _NO:
                self.const(c, loc)
                return
        compile_expression = getattr(self, "e_" + k, None)
        if compile_expression is None:
            raise CompileError(f"unknown expression kind {k!r}")
        compile_expression(v, loc, e)

    def e_const(self, v, loc, e):
        self.const(v, loc)

    def e_var(self, v, loc, e):
        self.load_name(v, loc)

    def e_binop(self, v, loc, e):
        self.expr(v["left"])
        self.expr(v["right"])
        self.emit(O.BINARY, OPI[v["op"]], loc)

    def e_unary(self, v, loc, e):
        self.expr(v["operand"])
        self.emit({"neg": O.UNARY_NEG, "pos": O.UNARY_POS, "not": O.UNARY_NOT}[v["op"]], None, loc)

    def e_boolop(self, v, loc, e):
        end = self.label()
        op = O.JUMP_IF_FALSE_OR_POP if v["op"] == "and" else O.JUMP_IF_TRUE_OR_POP
        vals = v["values"]
        for i, x in enumerate(vals):
            self.expr(x)
            if i < len(vals) - 1:
                self.emit(op, end, loc)
        self.bind(end)

    def e_compare(self, v, loc, e):
        ops = v["ops"]
        comps = v["comparators"]
        self.expr(v["left"])
        if len(ops) == 1:
            self.expr(comps[0])
            self.emit(O.BINARY, OPI[ops[0]], loc)
            return
        cleanup, end = self.label(), self.label()
        for i, (op, c) in enumerate(zip(ops, comps)):
            self.expr(c)
            if i < len(ops) - 1:
                self.emit(O.DUP_TOP, None, loc)
                self.emit(O.ROT_THREE, None, loc)
                self.emit(O.BINARY, OPI[op], loc)
                self.emit(O.JUMP_IF_FALSE_OR_POP, cleanup, loc)
            else:
                self.emit(O.BINARY, OPI[op], loc)
        self.emit(O.JUMP, end, loc)
        self.bind(cleanup)
        self.emit(O.ROT_TWO, None, loc)
        self.emit(O.POP_TOP, None, loc)
        self.bind(end)

    def e_call(self, v, loc, e):
        func = v["func"]
        args = v.get("args") or []
        kwargs = v.get("kwargs") or {}
        kwnames = tuple(kwargs) or None
        if kind_of(func) == "attr":
            self.expr(func["attr"]["value"])
            for a in args:
                self.expr(a)
            for a in kwargs.values():
                self.expr(a)
            self.emit(O.CALL_METHOD, (func["attr"]["name"], len(args), kwnames), loc)
            return
        if kind_of(func) == "var" and not kwnames:
            how, slot = self.access(func["var"])
            if how != "deref":
                # No HyperCode expression can rebind a name, so loading the function after its
                # arguments is indistinguishable from loading it first.
                for a in args:
                    self.expr(a)
                i = self.emit(O.CALL_VAR, (slot, len(args), how == "global"), loc)
                self.code.name_locs[i] = func.get("loc", loc)
                return
        self.expr(func)
        for a in args:
            self.expr(a)
        for a in kwargs.values():
            self.expr(a)
        if kwnames:
            self.emit(O.CALL_KW, (len(args), kwnames), loc)
        else:
            self.emit(O.CALL, len(args), loc)

    def e_attr(self, v, loc, e):
        self.expr(v["value"])
        self.emit(O.GET_ATTR, v["name"], loc)

    def e_index(self, v, loc, e):
        self.expr(v["value"])
        self.expr(v["index"])
        self.emit(O.BINARY_SUBSCR, None, loc)

    def slice_bounds(self, v):
        for f in ("lower", "upper", "step"):
            x = v.get(f)
            if x is None:
                self.const(None)
            else:
                self.expr(x)

    def e_slice(self, v, loc, e):
        self.expr(v["value"])
        self.slice_bounds(v)
        self.emit(O.GET_SLICE, None, loc)

    def e_list(self, v, loc, e):
        for x in v:
            self.expr(x)
        self.emit(O.BUILD_LIST, len(v), loc)

    def e_tuple(self, v, loc, e):
        if all(kind_of(x) == "const" for x in v):
            self.const(tuple(x["const"] for x in v), loc)
            return
        for x in v:
            self.expr(x)
        self.emit(O.BUILD_TUPLE, len(v), loc)

    def e_dict(self, v, loc, e):
        for kk, vv in v:
            self.expr(kk)
            self.expr(vv)
        self.emit(O.BUILD_DICT, len(v), loc)

    def e_ifexp(self, v, loc, e):
        els, end = self.label(), self.label()
        self.cond_jump(v["test"], els)
        self.expr(v["body"])
        self.emit(O.JUMP, end, loc)
        self.bind(els)
        self.expr(v["orelse"])
        self.bind(end)

    def e_fstring(self, v, loc, e):
        n = 0
        for part in v:
            if isinstance(part, str):
                if part:
                    self.const(part, loc)
                    n += 1
            else:
                self.expr(part["value"])
                self.emit(O.FORMAT, (part.get("spec") or "", part.get("conv")), part["value"].get("loc", loc))
                n += 1
        if n == 0:
            self.const("", loc)
        elif n > 1:
            self.emit(O.BUILD_STRING, n, loc)

    def e_listcomp(self, v, loc, e):
        cplan = self.unit.plans[id(e)]
        code = self.unit.compile_listcomp(cplan, v, loc)
        cells = tuple(self.cell_source(n) for n in cplan.frees)
        self.emit(O.MAKE_FUNCTION, (code, 0, cells), loc)
        self.expr(v["iter"])
        self.emit(O.GET_ITER, None, v["iter"].get("loc", loc))
        self.emit(O.CALL, 1, loc)


class Unit:
    """Compiles one module (one .hc file) into Code objects."""

    def __init__(self, program, filename, global_names=None):
        self.program = program
        self.filename = filename
        try:
            self.plans = slot_plans(analyse(program))
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            raise CompileError(f"malformed IR: {exc!r}") from None
        self.top = self.plans[id(program)]
        self.module_code = Code("<module>", filename)
        self.module_code.is_module = True
        self.gslots = {}
        if global_names is not None:
            # Continue an existing module (the REPL): same slots, new names appended in place.
            self.module_code.global_names = global_names
            self.gslots = {name: slot for slot, name in enumerate(global_names)}

    def global_slot(self, name):
        s = self.gslots.get(name)
        if s is None:
            s = len(self.module_code.global_names)
            self.gslots[name] = s
            self.module_code.global_names.append(name)
        return s

    def compile(self):
        code = self.module_code
        code.loc = [1, 1, 1, 1]
        fc = FunctionCompiler(self, self.top, code)
        fc.slots = self.gslots
        # the module's slot list *is* its global list
        fc.slot = self.global_slot
        for name in self.top.locals:
            self.global_slot(name)
        code.exports = self.top.locals
        body = self.program.get("body") or []
        fc.body(body)
        fc.loc = body[-1].get("loc") if body else [1, 1, 1, 1]
        fc.const(None)
        fc.emit(O.RETURN_VALUE)
        fc.finish()
        code.varnames = code.global_names
        code.nlocals = len(code.global_names)
        return code

    def _new_function(self, plan, name, loc):
        code = Code(name, self.filename)
        code.loc = loc
        code.global_names = self.module_code.global_names  # shared: names of the module's global slots
        fc = FunctionCompiler(self, plan, code)
        # A comprehension's code takes the iterator as its one parameter.
        params = (".0",) if plan.kind == "comprehension" else plan.params
        for p in params:
            fc.slot(p)
        code.nparams = len(params)
        code.param_names = tuple(params)
        for n in plan.locals:
            fc.slot(n)
        for n in sorted(plan.cells):
            fc.emit(O.MAKE_CELL, (fc.slots[n], n in params), loc)
        return code, fc

    def compile_function(self, plan, name, body, loc):
        code, fc = self._new_function(plan, name, loc)
        frees = list(plan.frees)
        fc.body(body)
        fc.loc = loc
        fc.const(None)
        fc.emit(O.RETURN_VALUE)
        self._place_frees(code, fc, frees)
        return code

    def _place_frees(self, code, fc, frees):
        """Allocate the free-variable slots after all locals and patch their uses."""
        fc.finish()
        code.nlocals = len(code.varnames)
        code.freevars = tuple(frees)
        # Uses of free variables were emitted with placeholder slots ("free", name); patch them.
        base = code.nlocals
        pos = {n: base + i for i, n in enumerate(frees)}
        for n in frees:
            code.varnames.append(n)
        ins = code.instrs
        for i, (op, arg) in enumerate(ins):
            if op in (O.LOAD_DEREF, O.STORE_DEREF) and isinstance(arg, _Free):
                ins[i] = (op, pos[arg.name])
            elif op == O.MAKE_FUNCTION:
                c, nd, cells = arg
                if any(isinstance(x, _Free) for x in cells):
                    ins[i] = (op, (c, nd, tuple(pos[x.name] if isinstance(x, _Free) else x for x in cells)))

    def compile_listcomp(self, plan, v, loc):
        code, fc = self._new_function(plan, "<listcomp>", loc)
        frees = list(plan.frees)
        fc.loc = loc
        fc.emit(O.BUILD_LIST, 0, loc)
        fc.emit(O.LOAD_FAST, fc.slots[".0"], loc)
        top, done = fc.label(), fc.label()
        fc.bind(top)
        t = v["target"]
        if kind_of(t) == "var" and fc.access(t["var"])[0] == "fast":
            fc.emit(O.FOR_ITER_STORE, (fc.access(t["var"])[1], done), t.get("loc", loc))
        else:
            fc.emit(O.FOR_ITER, done, t.get("loc", loc))
            fc.store(t)
        for c in v.get("ifs") or []:
            fc.cond_jump(c, top)
        fc.expr(v["elt"])
        fc.emit(O.LIST_APPEND, 2, loc)
        fc.emit(O.JUMP_BACK, top, loc)
        fc.bind(done)
        fc.emit(O.RETURN_VALUE, None, loc)
        self._place_frees(code, fc, frees)
        return code


def compile_program(program: dict, filename: str, global_names: list | None = None) -> Code:
    """Compile a program IR (``{"hypercode": 2, "body": [...]}``) into module Code.

    ``global_names`` continues a module compiled earlier (one REPL entry after another): the
    list is the earlier code's ``global_names``, and new names are appended to it in place."""
    if not isinstance(program, dict) or "body" not in program:
        raise CompileError("not a HyperCode program IR")
    with collector_paused():     # see collector.py: a third of a long program's compile time
        return Unit(program, filename, global_names).compile()


__all__ = ["Code", "CompileError", "compile_program"]
