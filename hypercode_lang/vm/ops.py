"""Checked operator implementations: Python's semantics plus the run's size limit.

``make_operators(limit)`` returns two lists indexed like ``opcodes.OPERATORS``: ``ops`` for any
operands, ``int_ops`` used when both operands are ``int`` (cheaper). The augmented forms (``+=``
...) grow lists in place, like Python.
"""
from __future__ import annotations

import operator

from .builtins import check_spec, size_fault

# ~ decimal digits * log2(10): an int of max_size digits has about this many bits per digit.
_BITS_PER_DIGIT = 3.3219280948873626


def make_operators(limit):
    max_bits = int(limit * _BITS_PER_DIGIT) + 1
    seqs = (str, list, tuple)

    def add(a, b):
        ta = type(a)
        if ta is str or ta is list or ta is tuple:
            if type(b) is ta and len(a) + len(b) > limit:
                raise size_fault(ta.__name__, limit)
        return a + b

    def mul_check(a, b):
        ta = type(a)
        tb = type(b)
        if ta is int and tb is int:
            if a.bit_length() + b.bit_length() > max_bits:
                raise size_fault("int", limit)
        elif ta in seqs and (tb is int or tb is bool):
            if b > 0 and len(a) * b > limit:
                raise size_fault(ta.__name__, limit)
        elif tb in seqs and (ta is int or ta is bool):
            if a > 0 and len(b) * a > limit:
                raise size_fault(tb.__name__, limit)

    def mul(a, b):
        mul_check(a, b)
        return a * b

    def int_mul(a, b):
        if (a > 0xFFFFFFFF or a < -0xFFFFFFFF or b > 0xFFFFFFFF or b < -0xFFFFFFFF) and \
                a.bit_length() + b.bit_length() > max_bits:
            raise size_fault("int", limit)
        return a * b

    def mod(a, b):
        if type(a) is str:
            check_spec(a, limit)
        return a % b

    def pow_check(a, b):
        ta = type(a)
        if (ta is int or ta is bool) and type(b) in (int, bool) and b > 0:
            if a not in (0, 1, -1) and (abs(a).bit_length() - 1) * b > max_bits:
                raise size_fault("int", limit)

    def pow_(a, b):
        pow_check(a, b)
        return a ** b

    def contains(a, b):
        return a in b

    def not_contains(a, b):
        return a not in b

    ops = [add, operator.sub, mul, operator.truediv, operator.floordiv, mod, pow_,
           operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
           contains, not_contains]
    int_ops = [operator.add, operator.sub, int_mul, operator.truediv, operator.floordiv,
               operator.mod, pow_] + ops[7:]

    # Augmented forms: the same checks, but Python's in-place operators (so lists grow in place
    # and error messages say "+=").
    def iadd(a, b):
        ta = type(a)
        if ta is list:
            n = len(b) if type(b) in (list, tuple, str, range, dict) else None
            if n is None:
                b = list(b)
                n = len(b)
            if len(a) + n > limit:
                raise size_fault("list", limit)
        elif ta is str or ta is tuple:
            if type(b) is ta and len(a) + len(b) > limit:
                raise size_fault(ta.__name__, limit)
        return operator.iadd(a, b)

    def imul(a, b):
        mul_check(a, b)
        return operator.imul(a, b)

    def int_imul(a, b):
        if (a > 0xFFFFFFFF or a < -0xFFFFFFFF or b > 0xFFFFFFFF or b < -0xFFFFFFFF) and \
                a.bit_length() + b.bit_length() > max_bits:
            raise size_fault("int", limit)
        return a * b

    def imod(a, b):
        if type(a) is str:
            check_spec(a, limit)
        return operator.imod(a, b)

    def ipow(a, b):
        pow_check(a, b)
        return operator.ipow(a, b)

    ops = ops + [iadd, operator.isub, imul, operator.itruediv, operator.ifloordiv, imod, ipow]
    int_ops = int_ops + [operator.iadd, operator.isub, int_imul, operator.itruediv, operator.ifloordiv,
                         operator.imod, ipow]
    return ops, int_ops
