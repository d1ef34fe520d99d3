"""Program analysis shared by the checker, the CLI and the language server: scopes, symbols,
references, light type facts, and what the tools know about built-ins."""

from .scopes import Analysis, Occurrence, Scope, Symbol, analyse, infer_type

__all__ = ["Analysis", "Occurrence", "Scope", "Symbol", "analyse", "infer_type"]
