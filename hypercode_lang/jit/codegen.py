"""LLVM IR for solved specialisations (llvmlite.ir, imported lazily by native.py).

Every specialisation becomes an internal function
    {i64 payload, i8 tag} f(args..., i64 depth_left)
where tag is 0 int, 1 float (payload holds the bits), 2 None, 3 bool, 255 "fall back".
Any situation where the native result could differ from the VM's (overflow, division by
zero, a domain error, an unbound local, too deep, out of time) returns tag 255, which
every caller passes straight up. An external wrapper per specialisation
    i64 entry(args..., i64* out, i64 depth_left)
stores the payload and returns the tag, for ctypes.
"""

from __future__ import annotations

import llvmlite.ir as ir

from .eligibility import is_int64_min_literal, kind
from .infer import TAGS, Solver, Unsupported
from .runtime import TICK_RESET

I1 = ir.IntType(1)
I8 = ir.IntType(8)
I32 = ir.IntType(32)
I64 = ir.IntType(64)
F64 = ir.DoubleType()
RET = ir.LiteralStructType([I64, I8])
LLTYPE = {"int": I64, "float": F64, "bool": I1}
TAG = {name: i for i, name in enumerate(TAGS)}
FAIL = 255

TWO53 = 2**53
TWO63F = 9223372036854775808.0  # 2**63 as a double
INF = float("inf")


def ci(v):
    return ir.Constant(I64, v)


def cf(v):
    return ir.Constant(F64, v)


TRUE = ir.Constant(I1, 1)
FALSE = ir.Constant(I1, 0)


class ModuleGen:
    def __init__(self, solver: Solver, prefix: str):
        self.solver = solver
        self.prefix = prefix
        self.module = ir.Module(name=prefix)
        self.fns: dict[tuple, ir.Function] = {}
        self.entries: dict[tuple, str] = {}
        self._decls: dict[str, ir.Function] = {}
        for i, key in enumerate(solver.live_specs()):
            fnty = ir.FunctionType(RET, [LLTYPE[t] for t in key[1]] + [I64])
            fn = ir.Function(self.module, fnty, name=f"{prefix}_f{i}")
            fn.linkage = "internal"
            self.fns[key] = fn
        tick = ir.GlobalVariable(self.module, I64, "hcrt_tick")
        tick.linkage = "external"
        deadline = ir.GlobalVariable(self.module, I64, "hcrt_deadline")
        deadline.linkage = "external"
        self.tick_ptr = tick
        self.deadline_ptr = deadline
        self.timecheck = self._make_timecheck()

    # ---- runtime declarations
    def intrinsic(self, name, types):
        return self.module.declare_intrinsic(name, types)

    def extern(self, name, ret, args):
        fn = self._decls.get(name)
        if fn is None:
            fn = ir.Function(self.module, ir.FunctionType(ret, args), name=name)
            self._decls[name] = fn
        return fn

    def _make_timecheck(self):
        fn = ir.Function(self.module, ir.FunctionType(I1, []), name=f"{self.prefix}_timecheck")
        fn.linkage = "internal"
        b = ir.IRBuilder(fn.append_basic_block("entry"))
        deadline = b.load(self.deadline_ptr)
        none = b.icmp_signed("==", deadline, ci(0))
        with b.if_then(none):
            b.ret(FALSE)
        ts_ty = ir.LiteralStructType([I64, I64])
        ts = b.alloca(ts_ty)
        clock = self.extern("hcrt_clock_gettime", I32, [I32, ts_ty.as_pointer()])
        b.call(clock, [ir.Constant(I32, 1), ts])  # CLOCK_MONOTONIC, as time.monotonic()
        sec = b.load(b.gep(ts, [ir.Constant(I32, 0), ir.Constant(I32, 0)]))
        nsec = b.load(b.gep(ts, [ir.Constant(I32, 0), ir.Constant(I32, 1)]))
        now = b.add(b.mul(sec, ci(1_000_000_000)), nsec)
        b.ret(b.icmp_signed(">", now, deadline))
        return fn

    # ---- whole module
    def generate(self):
        for key, fn in self.fns.items():
            self.current = key
            FnGen(self, key, self.solver.infos[key], fn).generate()
            self._entry(key, fn)
        return str(self.module)

    def _entry(self, key, fn):
        name = f"{fn.name}_entry"
        argtys = [LLTYPE[t] for t in key[1]]
        fnty = ir.FunctionType(I64, argtys + [I64.as_pointer(), I64])
        entry = ir.Function(self.module, fnty, name=name)
        b = ir.IRBuilder(entry.append_basic_block("entry"))
        *args, out, depth = entry.args
        r = b.call(fn, list(args) + [depth])
        b.store(b.extract_value(r, 0), out)
        b.ret(b.zext(b.extract_value(r, 1), I64))
        self.entries[key] = name


class FnGen:
    def __init__(self, mg: ModuleGen, key, info, fn):
        self.mg = mg
        self.key = key
        self.info = info
        self.fn = fn
        self.func = mg.solver.prog.functions[key[0]]
        self.loops: list[tuple] = []

    # ---- blocks
    def new_block(self, name=""):
        return self.fn.append_basic_block(name)

    def goto(self, block):
        if not self.b.block.is_terminated:
            self.b.branch(block)
        self.b.position_at_end(block)

    def dead(self):
        """Continue emitting into a fresh unreachable block after a terminator."""
        self.b.position_at_end(self.new_block("dead"))

    def fail_if(self, cond):
        cont = self.new_block("ok")
        br = self.b.cbranch(cond, self.fail_bb, cont)
        br.set_weights([1, 1 << 20])
        self.b.position_at_end(cont)

    def fail_unless(self, cond):
        self.fail_if(self.b.not_(cond))

    def ret_value(self, payload, tag):
        r = ir.Constant(RET, ir.Undefined)
        r = self.b.insert_value(r, payload, 0)
        r = self.b.insert_value(r, ir.Constant(I8, tag), 1)
        self.b.ret(r)

    def tick(self):
        b = self.b
        t = b.sub(b.load(self.mg.tick_ptr), ci(1))
        b.store(t, self.mg.tick_ptr)
        slow = self.new_block("tick_slow")
        cont = self.new_block("tick_ok")
        b.cbranch(b.icmp_signed("<", t, ci(0)), slow, cont).set_weights([1, 1 << 16])
        b.position_at_end(slow)
        b.store(ci(TICK_RESET), self.mg.tick_ptr)
        late = b.call(self.mg.timecheck, [])
        b.cbranch(late, self.fail_bb, cont)
        b.position_at_end(cont)

    # ---- function
    def generate(self):
        fn = self.fn
        entry = fn.append_basic_block("entry")
        self.fail_bb = fn.append_basic_block("fail")
        self.b = ir.IRBuilder(self.fail_bb)
        self.ret_value(ci(0), FAIL)
        self.b = ir.IRBuilder(entry)
        b = self.b
        self.slots = {}
        for name, t in self.info.var_types.items():
            slot = b.alloca(LLTYPE[t], name=f"v_{len(self.slots)}")
            flag = b.alloca(I1, name=f"d_{len(self.slots)}")
            b.store(FALSE, flag)
            self.slots[name] = (slot, flag, t)
        for name, arg in zip(self.func.params, fn.args):
            slot, flag, _ = self.slots[name]
            b.store(arg, slot)
            b.store(TRUE, flag)
        self.depth = fn.args[-1]
        self.fail_if(b.icmp_signed("<=", self.depth, ci(0)))
        self.tick()
        self.stmts(self.func.body)
        if not self.b.block.is_terminated:
            if "none" in self.info.ret_tags:
                self.ret_value(ci(0), TAG["none"])
            else:
                self.b.branch(self.fail_bb)

    # ---- statements
    def stmts(self, stmts):
        for s in stmts or []:
            self.stmt(s)

    def store_var(self, name, value, t):
        slot, flag, vt = self.slots[name]
        if vt != t:
            raise Unsupported(f"{name!r} is {vt}, assigned {t}")
        self.b.store(value, slot)
        self.b.store(TRUE, flag)

    def stmt(self, s):
        k, v = kind(s)
        b = self.b
        if k == "expr":
            ek, ev = kind(v)
            if not (ek == "const" and isinstance(ev, str)):
                if ek == "call":
                    self.call(ev, want_value=False)
                else:
                    self.expr(v)
        elif k == "assign":
            value, t = self.expr(v["value"])
            for target in v["targets"]:
                self.store_var(kind(target)[1], value, t)
        elif k == "augassign":
            name = kind(v["target"])[1]
            cur = self.load_var(name)
            rhs = self.expr(v["value"])
            value, t = self.arith(v["op"], cur, rhs)
            self.store_var(name, value, t)
        elif k == "if":
            then_bb, else_bb, after = self.new_block("then"), self.new_block("else"), self.new_block("endif")
            b.cbranch(self.cond(v["test"]), then_bb, else_bb)
            b.position_at_end(then_bb)
            self.stmts(v.get("body"))
            if not self.b.block.is_terminated:
                self.b.branch(after)
            self.b.position_at_end(else_bb)
            self.stmts(v.get("orelse"))
            self.goto(after)
        elif k == "while":
            head, body, orelse, after = (self.new_block(n) for n in ("while", "body", "welse", "endwhile"))
            self.goto(head)
            self.tick()
            self.b.cbranch(self.cond(v["test"]), body, orelse)
            self.b.position_at_end(body)
            self.loops.append((head, after))
            self.stmts(v.get("body"))
            self.loops.pop()
            self.goto(head)
            self.b.position_at_end(orelse)
            self.stmts(v.get("orelse"))
            self.goto(after)
        elif k == "for":
            self.for_range(v)
        elif k == "break":
            self.b.branch(self.loops[-1][1])
            self.dead()
        elif k == "continue":
            self.b.branch(self.loops[-1][0])
            self.dead()
        elif k == "pass":
            pass
        elif k == "return":
            self.return_(v)
            self.dead()
        else:
            raise Unsupported(f"statement {k}")

    def for_range(self, v):
        b = self.b
        args = [self.int_value(a) for a in kind(v["iter"])[1]["args"]]
        if len(args) == 1:
            start, stop, step = ci(0), args[0], ci(1)
        elif len(args) == 2:
            start, stop, step = args[0], args[1], ci(1)
        else:
            start, stop, step = args
            self.fail_if(self.b.icmp_signed("==", step, ci(0)))  # ValueError in the VM
        cur = self.entry_alloca(I64)
        self.b.store(start, cur)
        head, body, incr, orelse, after = (
            self.new_block(n) for n in ("for", "forbody", "forincr", "forelse", "endfor")
        )
        self.goto(head)
        self.tick()
        b = self.b
        i = b.load(cur)
        up = b.icmp_signed(">", step, ci(0))
        more = b.select(up, b.icmp_signed("<", i, stop), b.icmp_signed(">", i, stop))
        b.cbranch(more, body, orelse)
        b.position_at_end(body)
        self.store_var(kind(v["target"])[1], i, "int")
        self.loops.append((incr, after))
        self.stmts(v.get("body"))
        self.loops.pop()
        self.goto(incr)
        b = self.b
        r = b.sadd_with_overflow(b.load(cur), step)
        b.store(b.extract_value(r, 0), cur)
        b.cbranch(b.extract_value(r, 1), orelse, head)  # past int64: the range is over
        b.position_at_end(orelse)
        self.stmts(v.get("orelse"))
        self.goto(after)

    def entry_alloca(self, ty):
        b = ir.IRBuilder(self.fn.entry_basic_block)
        b.position_at_start(self.fn.entry_basic_block)
        return b.alloca(ty)

    def return_(self, v):
        if v is None:
            self.ret_value(ci(0), TAG["none"])
            return
        k, payload = kind(v)
        if k == "call" and self.is_user_call(payload):
            r, t = self.user_call(payload)
            if t == "mixed":  # the callee's tag is only known at run time: pass it on
                self.b.ret(r)
                return
            value, t = self.unpack(r, t)
        else:
            value, t = self.expr(v)
        self.ret_typed(value, t)

    def ret_typed(self, value, t):
        b = self.b
        if t == "int":
            self.ret_value(value, TAG["int"])
        elif t == "float":
            self.ret_value(b.bitcast(value, I64), TAG["float"])
        elif t == "bool":
            self.ret_value(b.zext(value, I64), TAG["bool"])
        elif t == "none":
            self.ret_value(ci(0), TAG["none"])
        else:
            raise Unsupported(f"return of {t}")

    # ---- expressions
    def load_var(self, name):
        slot, flag, t = self.slots[name]
        self.fail_unless(self.b.load(flag))  # unbound local: the VM reports it
        return self.b.load(slot), t

    def int_value(self, e):
        value, t = self.expr(e)
        if t != "int":
            raise Unsupported("expected an int")
        return value

    def to_float(self, value, t):
        if t == "float":
            return value
        if t == "int":
            return self.b.sitofp(value, F64)
        raise Unsupported(f"{t} used as a number")

    def truthy(self, value, t):
        b = self.b
        if t == "bool":
            return value
        if t == "int":
            return b.icmp_signed("!=", value, ci(0))
        if t == "float":
            return b.fcmp_unordered("!=", value, cf(0.0))  # NaN is true
        raise Unsupported(f"truth value of {t}")

    def cond(self, e):
        k, v = kind(e)
        b = self.b
        if k == "unary" and v["op"] == "not":
            return b.not_(self.cond(v["operand"]))
        if k == "boolop":
            after = self.new_block("boolop")
            incoming = []
            for item in v["values"][:-1]:
                c = self.cond(item)
                nxt = self.new_block("boolop_next")
                incoming.append((c, self.b.block))
                if v["op"] == "and":
                    self.b.cbranch(c, nxt, after)
                else:
                    self.b.cbranch(c, after, nxt)
                self.b.position_at_end(nxt)
            c = self.cond(v["values"][-1])
            incoming.append((c, self.b.block))
            self.b.branch(after)
            self.b.position_at_end(after)
            phi = self.b.phi(I1)
            for val, blk in incoming:
                phi.add_incoming(val, blk)
            return phi
        value, t = self.expr(e)
        return self.truthy(value, t)

    def expr(self, e):
        k, v = kind(e)
        b = self.b
        if k == "const":
            if isinstance(v, bool):
                return ir.Constant(I1, int(v)), "bool"
            if isinstance(v, int):
                return ci(v), "int"
            if isinstance(v, float):
                return cf(v), "float"
            raise Unsupported("constant")
        if k == "var":
            return self.load_var(v)
        if k == "binop":
            left = self.expr(v["left"])
            right = self.expr(v["right"])
            return self.arith(v["op"], left, right)
        if k == "unary":
            if is_int64_min_literal(e):
                return ci(-(2**63)), "int"
            if v["op"] == "not":
                return b.not_(self.cond(v["operand"])), "bool"
            value, t = self.expr(v["operand"])
            if t not in ("int", "float"):
                raise Unsupported(f"unary {v['op']} of {t}")
            if v["op"] == "pos":
                return value, t
            if t == "float":
                return b.fneg(value), t
            return self.checked(b.ssub_with_overflow, ci(0), value), t
        if k == "boolop":
            return self.boolop_value(v)
        if k == "compare":
            return self.compare(v), "bool"
        if k == "ifexp":
            then_bb, else_bb, after = self.new_block("ift"), self.new_block("iff"), self.new_block("ifend")
            b.cbranch(self.cond(v["test"]), then_bb, else_bb)
            self.b.position_at_end(then_bb)
            a, ta = self.expr(v["body"])
            a_bb = self.b.block
            self.b.branch(after)
            self.b.position_at_end(else_bb)
            c, tc = self.expr(v["orelse"])
            c_bb = self.b.block
            self.b.branch(after)
            if ta != tc or ta not in LLTYPE:
                raise Unsupported("conditional expression with two types")
            self.b.position_at_end(after)
            phi = self.b.phi(LLTYPE[ta])
            phi.add_incoming(a, a_bb)
            phi.add_incoming(c, c_bb)
            return phi, ta
        if k == "attr":
            import math

            return cf({"pi": math.pi, "e": math.e, "inf": INF}[v["name"]]), "float"
        if k == "call":
            return self.call(v, want_value=True)
        raise Unsupported(f"expression {k}")

    def boolop_value(self, v):
        after = self.new_block("boolval")
        incoming = []
        types = set()
        for item in v["values"][:-1]:
            value, t = self.expr(item)
            types.add(t)
            c = self.truthy(value, t)
            nxt = self.new_block("boolval_next")
            incoming.append((value, self.b.block))
            if v["op"] == "and":  # the first false value, else the last
                self.b.cbranch(c, nxt, after)
            else:  # the first true value, else the last
                self.b.cbranch(c, after, nxt)
            self.b.position_at_end(nxt)
        value, t = self.expr(v["values"][-1])
        types.add(t)
        incoming.append((value, self.b.block))
        self.b.branch(after)
        if len(types) != 1 or t not in LLTYPE:
            raise Unsupported("and/or on values of different types")
        self.b.position_at_end(after)
        phi = self.b.phi(LLTYPE[t])
        for val, blk in incoming:
            phi.add_incoming(val, blk)
        return phi, t

    def compare(self, v):
        ops = v["ops"]
        left = self.expr(v["left"])
        if len(ops) == 1:
            return self.compare2(ops[0], left, self.expr(v["comparators"][0]))
        after = self.new_block("cmpend")
        incoming = []
        for i, (op, comp) in enumerate(zip(ops, v["comparators"])):
            right = self.expr(comp)
            c = self.compare2(op, left, right)
            incoming.append((c, self.b.block))
            if i == len(ops) - 1:
                self.b.branch(after)
            else:
                nxt = self.new_block("cmpnext")
                self.b.cbranch(c, nxt, after)
                self.b.position_at_end(nxt)
            left = right
        self.b.position_at_end(after)
        phi = self.b.phi(I1)
        for val, blk in incoming:
            phi.add_incoming(val, blk)
        return phi

    ICMP = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
    SWAP = {"eq": "eq", "ne": "ne", "lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}

    def compare2(self, op, left, right):
        b = self.b
        (a, ta), (c, tc) = left, right
        if ta == "bool" and tc == "bool":
            return b.icmp_unsigned(self.ICMP[op], a, c)
        if ta == "bool":
            a, ta = b.zext(a, I64), "int"
        if tc == "bool":
            c, tc = b.zext(c, I64), "int"
        if ta == "int" and tc == "int":
            return b.icmp_signed(self.ICMP[op], a, c)
        if ta == "float" and tc == "float":
            if op == "ne":
                return b.fcmp_unordered("!=", a, c)
            return b.fcmp_ordered(self.ICMP[op], a, c)
        if ta == "int" and tc == "float":
            return self.compare_int_float(op, a, c)
        if ta == "float" and tc == "int":
            return self.compare_int_float(self.SWAP[op], c, a)
        raise Unsupported(f"comparison of {ta} and {tc}")

    def compare_int_float(self, op, i, f):
        """Exact `i op f` (Python compares int and float by value, not via float(i))."""
        b = self.b
        d = b.sitofp(i, F64)
        lt = b.fcmp_ordered("<", d, f)
        gt = b.fcmp_ordered(">", d, f)
        eq = b.fcmp_ordered("==", d, f)
        big = b.fcmp_ordered(">=", f, cf(TWO63F))
        safe = b.select(b.and_(eq, b.not_(big)), f, cf(0.0))
        j = b.fptosi(safe, I64)
        c_eq = b.select(
            big,
            ci(-1),
            b.select(b.icmp_signed("<", i, j), ci(-1), b.select(b.icmp_signed(">", i, j), ci(1), ci(0))),
        )
        c = b.select(lt, ci(-1), b.select(gt, ci(1), c_eq))
        result = b.icmp_signed(self.ICMP[op], c, ci(0))
        nan = b.fcmp_unordered("uno", f, f)
        if op == "ne":
            return b.or_(result, nan)
        return b.and_(result, b.not_(nan))

    # ---- arithmetic
    def checked(self, fn, a, c):
        r = fn(a, c)
        self.fail_if(self.b.extract_value(r, 1))
        return self.b.extract_value(r, 0)

    def arith(self, op, left, right):
        b = self.b
        (a, ta), (c, tc) = left, right
        if ta not in ("int", "float") or tc not in ("int", "float"):
            raise Unsupported(f"{op} on {ta} and {tc}")
        if ta == "int" and tc == "int":
            if op == "add":
                return self.checked(b.sadd_with_overflow, a, c), "int"
            if op == "sub":
                return self.checked(b.ssub_with_overflow, a, c), "int"
            if op == "mul":
                return self.checked(b.smul_with_overflow, a, c), "int"
            if op == "floordiv":
                return self.int_floordiv(a, c), "int"
            if op == "mod":
                return self.int_mod(a, c), "int"
            if op == "pow":
                return self.int_pow(a, c), "int"
            if op == "div":
                # exact only while both fit in a double's 53-bit mantissa (CPython's fast path)
                for x in (a, c):
                    self.fail_if(b.icmp_unsigned(">", b.add(x, ci(TWO53)), ci(2 * TWO53)))
                self.fail_if(b.icmp_signed("==", c, ci(0)))
                return b.fdiv(b.sitofp(a, F64), b.sitofp(c, F64)), "float"
            raise Unsupported(op)
        x, y = self.to_float(a, ta), self.to_float(c, tc)
        if op == "add":
            return b.fadd(x, y), "float"
        if op == "sub":
            return b.fsub(x, y), "float"
        if op == "mul":
            return b.fmul(x, y), "float"
        if op == "div":
            self.fail_if(b.fcmp_ordered("==", y, cf(0.0)))
            return b.fdiv(x, y), "float"
        if op == "mod":
            return self.float_mod(x, y), "float"
        if op == "floordiv":
            return self.float_floordiv(x, y), "float"
        if op == "pow":
            return self.float_pow(x, y), "float"
        raise Unsupported(op)

    def int_floordiv(self, a, c):
        b = self.b
        self.fail_if(b.icmp_signed("==", c, ci(0)))
        self.fail_if(b.and_(b.icmp_signed("==", a, ci(-(2**63))), b.icmp_signed("==", c, ci(-1))))
        q = b.sdiv(a, c)
        r = b.srem(a, c)
        adjust = b.and_(b.icmp_signed("!=", r, ci(0)), b.icmp_signed("<", b.xor(r, c), ci(0)))
        return b.sub(q, b.zext(adjust, I64))

    def int_mod(self, a, c):
        b = self.b
        self.fail_if(b.icmp_signed("==", c, ci(0)))
        safe = b.select(b.icmp_signed("==", c, ci(-1)), ci(1), c)  # INT_MIN % -1 traps in C
        r = b.srem(a, safe)
        adjust = b.and_(b.icmp_signed("!=", r, ci(0)), b.icmp_signed("<", b.xor(r, c), ci(0)))
        return b.add(r, b.select(adjust, c, ci(0)))

    def int_pow(self, a, e):
        """Square-and-multiply; fails on a negative exponent (float result) or overflow."""
        b = self.b
        self.fail_if(b.icmp_signed("<", e, ci(0)))
        res_p, base_p, exp_p = self.entry_alloca(I64), self.entry_alloca(I64), self.entry_alloca(I64)
        b.store(ci(1), res_p)
        b.store(a, base_p)
        b.store(e, exp_p)
        head, body, mult, square, done = (self.new_block(n) for n in ("pow", "powbody", "powmul", "powsq", "powdone"))
        b.branch(head)
        b.position_at_end(head)
        b.cbranch(b.icmp_signed(">", b.load(exp_p), ci(0)), body, done)
        b.position_at_end(body)
        odd = b.trunc(b.load(exp_p), I1)
        b.cbranch(odd, mult, square)
        b.position_at_end(mult)
        b.store(self.checked(b.smul_with_overflow, b.load(res_p), b.load(base_p)), res_p)
        b.branch(square)
        b.position_at_end(square)
        rest = b.ashr(b.load(exp_p), ci(1))
        b.store(rest, exp_p)
        more = b.icmp_signed(">", rest, ci(0))
        sq = self.new_block("powsq2")
        b.cbranch(more, sq, head)
        b.position_at_end(sq)
        b.store(self.checked(b.smul_with_overflow, b.load(base_p), b.load(base_p)), base_p)
        b.branch(head)
        b.position_at_end(done)
        return b.load(res_p)

    def fcall(self, intrinsic, *args):
        fnty = ir.FunctionType(F64, [F64] * len(args))
        return self.b.call(self.mg.module.declare_intrinsic(intrinsic, [F64], fnty), list(args))

    def float_mod(self, vx, wx):
        """CPython float_rem."""
        b = self.b
        self.fail_if(b.fcmp_ordered("==", wx, cf(0.0)))
        mod = b.frem(vx, wx)
        nonzero = b.fcmp_unordered("!=", mod, cf(0.0))
        flip = b.xor(b.fcmp_ordered("<", wx, cf(0.0)), b.fcmp_ordered("<", mod, cf(0.0)))
        adjusted = b.select(b.and_(nonzero, flip), b.fadd(mod, wx), mod)
        return b.select(nonzero, adjusted, self.fcall("llvm.copysign", cf(0.0), wx))

    def float_floordiv(self, vx, wx):
        """CPython _float_div_mod, floor-division half."""
        b = self.b
        self.fail_if(b.fcmp_ordered("==", wx, cf(0.0)))
        mod = b.frem(vx, wx)
        div = b.fdiv(b.fsub(vx, mod), wx)
        nonzero = b.fcmp_unordered("!=", mod, cf(0.0))
        flip = b.xor(b.fcmp_ordered("<", wx, cf(0.0)), b.fcmp_ordered("<", mod, cf(0.0)))
        div = b.select(b.and_(nonzero, flip), b.fsub(div, cf(1.0)), div)
        floor = self.fcall("llvm.floor", div)
        floor = b.select(b.fcmp_ordered(">", b.fsub(div, floor), cf(0.5)), b.fadd(floor, cf(1.0)), floor)
        zero = self.fcall("llvm.copysign", cf(0.0), b.fdiv(vx, wx))
        return b.select(b.fcmp_unordered("!=", div, cf(0.0)), floor, zero)

    def finite(self, x):
        return self.b.fcmp_ordered("<", self.fcall("llvm.fabs", x), cf(INF))

    def libm(self, name, *args):
        fn = self.mg.extern(f"hcrt_{name}", F64, [F64] * len(args))
        return self.b.call(fn, list(args))

    def float_pow(self, x, y):
        """x ** y for floats; falls back on every special case CPython treats specially."""
        b = self.b
        self.fail_unless(b.and_(self.finite(x), self.finite(y)))
        self.fail_if(b.and_(b.fcmp_ordered("==", x, cf(0.0)), b.fcmp_ordered("<", y, cf(0.0))))
        non_integer = b.fcmp_unordered("!=", self.fcall("llvm.floor", y), y)
        self.fail_if(b.and_(b.fcmp_ordered("<", x, cf(0.0)), non_integer))  # complex result
        r = self.libm("pow", x, y)
        self.fail_unless(self.finite(r))  # OverflowError
        return r

    # ---- calls
    def is_user_call(self, v):
        fk, fv = kind(v["func"])
        return fk == "var" and bool(self.mg.solver.prog.top_bound.get(fv))

    def call(self, v, want_value=True):
        fk, fv = kind(v["func"])
        args = v.get("args") or []
        if fk == "attr":
            return self.math_call(fv["name"], args)
        if self.is_user_call(v):
            r, t = self.user_call(v)
            return self.unpack(r, t) if want_value else None
        return self.builtin_call(fv, args)

    def unpack(self, r, t):
        if t == "mixed":
            raise Unsupported("call result of several types used as a value")
        payload = self.b.extract_value(r, 0)
        if t == "int":
            return payload, t
        if t == "float":
            return self.b.bitcast(payload, F64), t
        if t == "bool":
            return self.b.trunc(payload, I1), t
        return None, "none"

    def user_call(self, v):
        name = kind(v["func"])[1]
        args = v.get("args") or []
        func = self.mg.solver.prog.functions[name]
        values, types = [], []
        for a in args:
            value, t = self.expr(a)
            if t not in ("int", "float"):
                raise Unsupported(f"{t} argument")
            values.append(value)
            types.append(t)
        for d in func.defaults[len(args):]:
            if isinstance(d, int):
                values.append(ci(d))
                types.append("int")
            else:
                values.append(cf(d))
                types.append("float")
        key = (name, tuple(types))
        fn = self.mg.fns.get(key)
        if fn is None:
            raise Unsupported(f"no specialisation {key}")
        r = self.b.call(fn, values + [self.b.sub(self.depth, ci(1))])
        self.fail_if(self.b.icmp_unsigned("==", self.b.extract_value(r, 1), ir.Constant(I8, FAIL)))
        tags = self.mg.solver.ret[key]
        t = next(iter(tags)) if len(tags) == 1 else "mixed"
        return r, t

    def builtin_call(self, name, args):
        b = self.b
        vals = [self.expr(a) for a in args]
        for _, t in vals:
            if t not in ("int", "float"):
                raise Unsupported(f"{name}() of {t}")
        if name == "abs":
            (x, t), = vals
            if t == "float":
                return self.fcall("llvm.fabs", x), t
            neg = self.checked(b.ssub_with_overflow, ci(0), x)
            return b.select(b.icmp_signed("<", x, ci(0)), neg, x), t
        if name == "float":
            (x, t), = vals
            return self.to_float(x, t), "float"
        if name == "int":
            (x, t), = vals
            if t == "int":
                return x, t
            return self.float_to_int(self.fcall("llvm.trunc", x)), "int"
        if name in ("min", "max"):
            types = {t for _, t in vals}
            if len(types) != 1:
                raise Unsupported(f"{name}() of mixed int and float")
            t = types.pop()
            op = "lt" if name == "min" else "gt"
            cur = vals[0]
            for item in vals[1:]:
                # Python keeps the first extreme: replace only when item is strictly better
                better = self.compare2(op, item, cur)
                cur = (b.select(better, item[0], cur[0]), t)
            return cur
        raise Unsupported(f"builtin {name}")

    def float_to_int(self, f):
        """An integral double to int64; fails on NaN, infinities and values past int64."""
        b = self.b
        ok = b.and_(b.fcmp_ordered(">=", f, cf(-TWO63F)), b.fcmp_ordered("<", f, cf(TWO63F)))
        self.fail_unless(ok)
        return b.fptosi(f, I64)

    def math_call(self, name, args):
        b = self.b
        vals = [self.expr(a) for a in args]
        for _, t in vals:
            if t not in ("int", "float"):
                raise Unsupported(f"math.{name}() of {t}")
        if name in ("floor", "ceil"):
            (x, t), = vals
            if t == "int":
                return x, "int"
            return self.float_to_int(self.fcall(f"llvm.{name}", x)), "int"
        xs = [self.to_float(x, t) for x, t in vals]
        if name == "pow":
            return self.float_pow(*xs), "float"
        (x,) = xs
        self.fail_unless(self.finite(x))
        if name == "sqrt":
            self.fail_if(b.fcmp_ordered("<", x, cf(0.0)))
            return self.fcall("llvm.sqrt", x), "float"
        if name == "log":
            self.fail_unless(b.fcmp_ordered(">", x, cf(0.0)))
        if name not in ("sin", "cos", "tan", "exp", "log"):
            raise Unsupported(f"math.{name}")
        r = self.libm(name, x)
        self.fail_unless(self.finite(r))
        return r, "float"
