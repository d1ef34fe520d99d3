"""Scopes and symbols: moved to `hypercode_lang/scopes.py`, below the checker, so the checker
needn't import the IDE analysis (the layering in ARCHITECTURE.md). The names stay reachable
here for the analysis modules and their users."""

from __future__ import annotations

from ..scopes import (BUILTIN_SYMBOLS, CONVERSIONS, LITERAL_TYPES, STATEMENT_BLOCKS, STR_RESULTS,  # noqa: F401
                      Analysis, Occurrence, Scope, Symbol, _inside, _Resolver, analyse, infer_type, kind_of,
                      statement_blocks)
