"""Opcode numbers, operator tables and names for the disassembler.

An instruction is a tuple ``(opcode, arg)``; ``arg`` is an int, a constant, a name or a small
tuple for superinstructions. Jump targets are instruction indexes.
"""
from __future__ import annotations

# Numbered by how often they run (the run loop dispatches in groups 0-7, 8-17, 18-27, 28-: hot
# ones are cheapest).
_NAMES = """
LOAD_FAST2 LOAD_CONST BINARY FOR_BACK BIN_FC CALL_VAR STORE_FAST LOAD_FAST
CMP_FC_JUMP CMP_FF_JUMP BIN_FF BIN_FF_STORE RETURN_VALUE RETURN_FAST CALL_METHOD STORE_SUBSCR_FF
CALL_VAR_BIN BINARY_RETURN
INC_FAST JUMP_BACK POP_JUMP_IF_FALSE JUMP_IF_FALSE_FAST STORE_SUBSCR_FFC POP_TOP BIN_C FOR_ITER_STORE
SUBSCR_FF BIN_FC_STORE
LOAD_GLOBAL CALL JUMP STORE_SUBSCR BINARY_SUBSCR SUBSCR_FC FORMAT BUILD_STRING GET_ITER CMP_JUMP
LOAD_FAST_CONST BINARY_STORE POP_JUMP_IF_TRUE JUMP_IF_FALSE_OR_POP JUMP_IF_TRUE_OR_POP FOR_ITER
LOAD_DEREF STORE_DEREF CALL_KW UNPACK GET_SLICE BUILD_LIST BUILD_TUPLE BUILD_DICT LIST_APPEND
DUP_TOP ROT_TWO ROT_THREE STORE_SLICE UNARY_NOT UNARY_NEG UNARY_POS GET_ATTR MAKE_FUNCTION MAKE_CELL
SETUP_EXCEPT POP_BLOCK RAISE RERAISE EXC_MATCH IMPORT ASSERT_FAIL MATCH_SEQ MATCH_IS NOP
""".split()

OPNAMES = {i: n for i, n in enumerate(_NAMES)}
globals().update({n: i for i, n in enumerate(_NAMES)})

# Operators of BINARY / BIN_C / BIN_FC / BIN_FF: arithmetic, comparisons, then the augmented
# (in-place) forms, which differ only for lists (``xs += ys`` extends xs, like Python).
OPERATORS = ["add", "sub", "mul", "div", "floordiv", "mod", "pow",
             "lt", "le", "gt", "ge", "eq", "ne", "in", "notin",
             "iadd", "isub", "imul", "idiv", "ifloordiv", "imod", "ipow"]
OPERATOR_INDEX = {n: i for i, n in enumerate(OPERATORS)}
SYMBOLS = ["+", "-", "*", "/", "//", "%", "**", "<", "<=", ">", ">=", "==", "!=", "in", "not in",
           "+=", "-=", "*=", "/=", "//=", "%=", "**="]
FIRST_COMPARE = OPERATOR_INDEX["lt"]
COMPARES = frozenset(range(FIRST_COMPARE, OPERATOR_INDEX["notin"] + 1))

#: Opcodes whose arg (or the last item of their tuple arg) is a jump target.
JUMPS = {FOR_BACK, JUMP_IF_FALSE_FAST, FOR_ITER_STORE, FOR_ITER, JUMP_BACK, JUMP, POP_JUMP_IF_FALSE, POP_JUMP_IF_TRUE,  # noqa: F821
         JUMP_IF_FALSE_OR_POP, JUMP_IF_TRUE_OR_POP, CMP_FC_JUMP, CMP_FF_JUMP, CMP_JUMP,  # noqa: F821
         SETUP_EXCEPT}  # noqa: F821
