"""HyperCode: a Python-shaped language designed neurodivergent-first.

    import hypercode_lang as hc
    hc.parse(source)          # -> ParseResult(program IR, diagnostics)
    hc.check(source)          # -> [Diagnostic]
    hc.run(source, timeout=5) # -> ExecResult (stdout, stderr, exit_code, status, duration, diagnostics)
    hc.format_source(source)  # -> str, or None when the source has syntax errors

Imports are lazy so `hcvm` starts quickly.
"""

__version__ = "2.0.0"
__all__ = ["parse", "check", "run", "format_source", "ExecResult", "explain"]


def __getattr__(name):
    if name in ("parse", "check", "run", "format_source", "ExecResult"):
        from . import api
        return getattr(api, name)
    if name == "explain":
        from .diagnostics import explain
        return explain
    raise AttributeError(f"module 'hypercode_lang' has no attribute {name!r}")
