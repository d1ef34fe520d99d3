"""Diagnostics: the catalogue of codes (the only place with diagnostic prose), the data model,
name suggestions, and the three renderings (friendly, plain, JSON).

The names below load on first use (PEP 562): a program that runs cleanly never needs the
catalogue, and `hcvm run`'s start-up time is part of the product (see bench/RESULTS.md)."""

from importlib import import_module

_HOME = {
    "CATALOGUE": "catalogue", "diagnostic": "catalogue", "entry": "catalogue", "explain": "catalogue",
    "Diagnostic": "model", "Fix": "model", "Related": "model", "Span": "model", "TextEdit": "model",
    "apply_edits": "model",
    "closest": "suggest", "edit_distance": "suggest",
}

__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_HOME))
