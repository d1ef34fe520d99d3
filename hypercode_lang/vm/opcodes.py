"""Opcode numbers, operator tables and names for the disassembler.

An instruction is a tuple ``(opcode, arg)``; ``arg`` is an int, a constant, a name or a small
tuple for superinstructions. Jump targets are instruction indexes.
"""
from __future__ import annotations

_NAMES = """
LOAD_FAST LOAD_CONST STORE_FAST LOAD_FAST2 LOAD_FAST_CONST FOR_ITER_STORE FOR_ITER JUMP_BACK JUMP
POP_JUMP_IF_FALSE POP_JUMP_IF_TRUE JUMP_IF_FALSE_OR_POP JUMP_IF_TRUE_OR_POP
BIN_FC BIN_FF BINARY CMP_FC_JUMP CMP_FF_JUMP CMP_JUMP INC_FAST BIN_FC_STORE BIN_FF_STORE BINARY_STORE
LOAD_GLOBAL CALL RETURN_VALUE RETURN_FAST LOAD_DEREF STORE_DEREF CALL_KW CALL_METHOD
POP_TOP DUP_TOP ROT_TWO ROT_THREE BINARY_SUBSCR STORE_SUBSCR SUBSCR_FF SUBSCR_FC
GET_SLICE STORE_SLICE BUILD_LIST BUILD_TUPLE BUILD_DICT LIST_APPEND UNPACK INPLACE
UNARY_NEG UNARY_POS UNARY_NOT GET_ATTR GET_ITER MAKE_FUNCTION MAKE_CELL
SETUP_EXCEPT POP_BLOCK RAISE RERAISE EXC_MATCH FORMAT BUILD_STRING IMPORT ASSERT_FAIL
MATCH_SEQ MATCH_IS NOP
""".split()

OPNAMES = {i: n for i, n in enumerate(_NAMES)}
globals().update({n: i for i, n in enumerate(_NAMES)})

# Operators of BINARY / BIN_FC / BIN_FF / INPLACE (arithmetic first, then comparisons).
OPERATORS = ["add", "sub", "mul", "div", "floordiv", "mod", "pow",
             "lt", "le", "gt", "ge", "eq", "ne", "in", "notin"]
OPERATOR_INDEX = {n: i for i, n in enumerate(OPERATORS)}
SYMBOLS = ["+", "-", "*", "/", "//", "%", "**", "<", "<=", ">", ">=", "==", "!=", "in", "not in"]
FIRST_COMPARE = OPERATOR_INDEX["lt"]

#: Opcodes whose arg (or the last item of their tuple arg) is a jump target.
JUMPS = {FOR_ITER_STORE, FOR_ITER, JUMP_BACK, JUMP, POP_JUMP_IF_FALSE, POP_JUMP_IF_TRUE,  # noqa: F821
         JUMP_IF_FALSE_OR_POP, JUMP_IF_TRUE_OR_POP, CMP_FC_JUMP, CMP_FF_JUMP, CMP_JUMP,  # noqa: F821
         SETUP_EXCEPT}  # noqa: F821
