"""Hover text and signature help: what a name is, how to call it, and why a diagnostic is there.

`hover(document, line, col)` gives markdown (or None); `signature_help(document, line, col)`
gives the call being written and which argument the cursor is on.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir.formatter import ExpressionPrinter
from . import builtins as bi
from .document import Document, loc_contains
from .scopes import infer_type, kind_of

KIND_WORDS = {"function": "function", "parameter": "parameter", "variable": "variable", "module": "module",
              "builtin": "built-in function"}


@dataclass
class Hover:
    markdown: str
    loc: list | None


@dataclass
class SignatureInfo:
    label: str
    params: list[str]          # each parameter's label, as written inside `label`
    doc: str
    active_param: int


def def_signature(statement: dict) -> str:
    value = statement["def"]
    printer = ExpressionPrinter()
    parts = [p["name"] if p.get("default") is None else f"{p['name']}={printer(p['default'])}"
             for p in value["params"]]
    return f"{value['name']}({', '.join(parts)})"


def doc_comment(document: Document, statement: dict) -> str:
    """The block of `#` comment lines directly above a `def`, without the `#`s."""
    loc = statement.get("loc")
    if not loc:
        return ""
    found = []
    line = loc[0] - 1
    comments = document.comment_lines
    while line >= 1 and line in comments and document.line_text(line).lstrip().startswith("#"):
        found.append(comments[line][1].lstrip("#").strip())
        line -= 1
    return "\n".join(reversed(found)).strip()


def builtin_markdown(signature: bi.Signature, prefix: str = "") -> str:
    return (f"```hypercode\n{prefix}{signature.label}\n```\n{signature.doc}\n\n"
            f"Example:\n```hypercode\n{signature.example}\n```")


def symbol_markdown(document: Document, symbol) -> str:
    if symbol.is_builtin:
        return builtin_markdown(bi.FUNCTIONS[symbol.name])
    word = KIND_WORDS.get(symbol.kind, symbol.kind)
    if symbol.kind == "function" and symbol.node is not None:
        text = f"```hypercode\ndef {def_signature(symbol.node)}\n```\n({word})"
        comment = doc_comment(document, symbol.node)
        return text + (f"\n\n{comment}" if comment else "")
    detail = f"{symbol.name}"
    if symbol.kind == "variable" and symbol.scope is not None:
        known = infer_type({"var": symbol.name}, symbol.scope)
        if known:
            detail += f": {known}"
    where = "" if symbol.scope is None or symbol.scope.kind == "module" else f" in {symbol.scope.name}()"
    return f"```hypercode\n{detail}\n```\n({word}{where})"


def _module_member(document: Document, module: str, name: str, load) -> str | None:
    from .navigation import module_path, read_document
    path = module_path(document, module)
    other = (load or read_document)(path) if path else None
    symbol = other.analysis.module.symbols.get(name) if other is not None else None
    if symbol is None:
        return None
    return symbol_markdown(other, symbol) + f"\n\nfrom `{module}.hc`"


def attribute_markdown(document: Document, line: int, col: int, load=None) -> tuple[str, list] | None:
    found = document.attribute_at(line, col)
    if found is None:
        return None
    node, scope, name_loc = found
    name, receiver = node["attr"]["name"], node["attr"]["value"]
    receiver_type = infer_type(receiver, scope)
    if receiver_type == "module" and kind_of(receiver) == "var":
        if receiver["var"] == "math":
            if name in bi.MATH:
                return builtin_markdown(bi.MATH[name], "math."), name_loc
            if name in bi.MATH_CONSTANTS:
                return f"```hypercode\nmath.{name}\n```\n{bi.MATH_CONSTANTS[name]}", name_loc
            return None
        return _module_member(document, receiver["var"], name, load), name_loc
    signature = bi.method(receiver_type or "", name)
    if signature:
        return builtin_markdown(signature, f"{receiver_type}."), name_loc
    candidates = [t for t, methods in bi.METHODS.items() if name in methods]
    if candidates:
        return builtin_markdown(bi.METHODS[candidates[0]][name], f"{candidates[0]}."), name_loc
    return None


def hover(document: Document, line: int, col: int, load=None) -> Hover | None:
    """Markdown about the position. `load(path)` gives the Document of a sibling module (for
    `module.name`); by default the file is read."""
    parts = []
    loc = None
    occurrence = document.analysis.occurrence_at(line, col)
    if occurrence is not None and occurrence.symbol is not None:
        parts.append(symbol_markdown(document, occurrence.symbol))
        loc = occurrence.loc
    else:
        found = attribute_markdown(document, line, col, load)
        if found and found[0]:
            parts.append(found[0])
            loc = found[1]
    for diagnostic in document.diagnostics:
        if diagnostic.span.contains(line, col):
            parts.append(f"**{diagnostic.code} · {diagnostic.title}**: {diagnostic.why}")
            loc = loc or diagnostic.span.to_loc()
    if not parts:
        return None
    return Hover("\n\n---\n\n".join(parts), loc)


# ------------------------------------------------------------------ signature help

def _open_call(document: Document, line: int, col: int) -> tuple[int, int, int] | None:
    """(line, col of the '(', argument index) of the innermost call still open at the cursor."""
    depth = 0
    commas = 0
    for number in range(line, max(0, line - 20), -1):
        text = document.line_text(number)
        end = col - 1 if number == line else len(text)
        index = end - 1
        in_string = None
        chars = text[:end]
        # walk backwards; strings are skipped roughly (quotes toggle)
        while index >= 0:
            ch = chars[index]
            if in_string:
                if ch == in_string:
                    in_string = None
            elif ch in "\"'":
                in_string = ch
            elif ch in ")]}":
                depth += 1
            elif ch in "([{":
                if depth == 0:
                    if ch == "(":
                        return number, index + 1, commas
                    return None
                depth -= 1
            elif ch == "," and depth == 0:
                commas += 1
            index -= 1
    return None


def _callee(document: Document, line: int, col: int) -> str | None:
    text = document.line_text(line)[: col - 1].rstrip()
    end = len(text)
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_."):
        start -= 1
    name = text[start:end]
    return name or None


def signature_help(document: Document, line: int, col: int, load=None) -> SignatureInfo | None:
    """The call open at the position. `load(path)` gives a sibling module's Document (for
    `module.function(`); by default the file is read."""
    found = _open_call(document, line, col)
    if found is None:
        return None
    call_line, paren_col, active = found
    callee = _callee(document, call_line, paren_col)
    if not callee:
        return None
    scope = document.analysis.scope_at(line, col)
    if "." in callee:
        receiver, _, name = callee.rpartition(".")
        receiver_type = infer_type({"var": receiver}, scope) if receiver.isidentifier() else None
        if receiver == "math" and name in bi.MATH:
            signature = bi.MATH[name]
        elif receiver_type == "module":
            return _module_function(document, receiver, name, active, load)
        else:
            signature = bi.method(receiver_type or "", name)
        if signature is None:
            return None
        return _from_builtin(signature, active)
    symbol = scope.lookup(callee)
    if symbol is None:
        return None
    if symbol.is_builtin:
        return _from_builtin(bi.FUNCTIONS[callee], active)
    return _from_def(document, symbol, active)


def _from_def(document: Document, symbol, active: int) -> SignatureInfo | None:
    if symbol.kind != "function" or symbol.node is None:
        return None
    label = def_signature(symbol.node)
    inner = label[label.index("(") + 1:-1]
    params = [p.strip() for p in inner.split(", ")] if inner else []
    return SignatureInfo(label, params, doc_comment(document, symbol.node), min(active, max(0, len(params) - 1)))


def _module_function(document: Document, module: str, name: str, active: int, load) -> SignatureInfo | None:
    from .navigation import module_path, read_document
    path = module_path(document, module)
    other = (load or read_document)(path) if path else None
    symbol = other.analysis.module.symbols.get(name) if other is not None else None
    if symbol is None:
        return None
    found = _from_def(other, symbol, active)
    if found is not None:
        found.label = f"{module}.{found.label}"
    return found


def _from_builtin(signature: bi.Signature, active: int) -> SignatureInfo:
    label = signature.label
    inner = label[label.index("(") + 1:-1]
    params = [p.strip() for p in inner.split(", ")] if inner else []
    if bi.VARARGS in signature.params:
        active = min(active, signature.params.index(bi.VARARGS))
    return SignatureInfo(label, params, f"{signature.doc}\n\nExample: `{signature.example}`",
                         min(active, max(0, len(params) - 1)))


__all__ = ["Hover", "SignatureInfo", "hover", "signature_help", "def_signature", "doc_comment",
           "loc_contains"]
