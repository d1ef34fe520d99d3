"""A stand-in language server for developing hyperflow's front end.

Not HyperCode: a few regexes that mimic the real server's protocol shape
(diagnostic codes, quick fixes, the explain command, hypercode/run and
hypercode/explain). Use with:

    .venv/bin/hypercode-web --server-factory tests/web/stub_server.py:create_server

The browser tests use the real server (`lsp_server.server:create_server`).
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
import time

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer

KEYWORDS = set(
    "and as assert break case continue def elif else except False finally for if import in "
    "match None not or pass raise return True try while".split()
)
BUILTINS = set("print input len range str int float bool list tuple dict abs min max sum round sorted".split())
IDENT = re.compile(r"[A-Za-z_]\w*")


def _strip_strings(line: str) -> str:
    return re.sub(r"#.*$", "", re.sub(r"(\"[^\"]*\"|'[^']*')", lambda m: " " * len(m.group()), line))


def _defined(text: str) -> dict[str, t.Position]:
    names: dict[str, t.Position] = {}
    for n, line in enumerate(text.splitlines()):
        code = _strip_strings(line)
        for m in re.finditer(r"^\s*([A-Za-z_]\w*)\s*=(?!=)|\bdef\s+([A-Za-z_]\w*)|\bfor\s+([A-Za-z_]\w*)", code):
            name = m.group(1) or m.group(2) or m.group(3)
            names.setdefault(name, t.Position(n, m.start(m.lastindex)))
        for m in re.finditer(r"\bdef\s+\w+\(([^)]*)\)", code):
            for p in m.group(1).split(","):
                p = p.split("=")[0].strip()
                if p:
                    names.setdefault(p, t.Position(n, 0))
    return names


def _diagnostics(text: str) -> list[t.Diagnostic]:
    known = _defined(text)
    out = []
    for n, line in enumerate(text.splitlines()):
        code = _strip_strings(line)
        for m in IDENT.finditer(code):
            name = m.group()
            if name in KEYWORDS or name in BUILTINS or name in known:
                continue
            if m.start() > 0 and code[m.start() - 1] == ".":
                continue
            close = difflib.get_close_matches(name, list(known) + list(BUILTINS), n=1, cutoff=0.7)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            out.append(
                t.Diagnostic(
                    range=t.Range(t.Position(n, m.start()), t.Position(n, m.end())),
                    message=f"I don't know the name '{name}'.{hint}",
                    severity=t.DiagnosticSeverity.Error,
                    code="HC1001",
                    source="hypercode",
                    data={"suggestion": close[0] if close else None},
                )
            )
    return out


def create_server() -> LanguageServer:
    server = LanguageServer("hypercode-stub", "0.0")

    def publish(ls: LanguageServer, uri: str):
        doc = ls.workspace.get_text_document(uri)
        ls.text_document_publish_diagnostics(
            t.PublishDiagnosticsParams(uri=uri, diagnostics=_diagnostics(doc.source), version=doc.version)
        )

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls, params: t.DidOpenTextDocumentParams):
        publish(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls, params: t.DidChangeTextDocumentParams):
        publish(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION)
    def code_action(ls, params: t.CodeActionParams):
        actions = []
        for d in params.context.diagnostics:
            suggestion = (d.data or {}).get("suggestion")
            if suggestion:
                edit = t.WorkspaceEdit(changes={params.text_document.uri: [t.TextEdit(d.range, suggestion)]})
                actions.append(
                    t.CodeAction(
                        title=f"Change to '{suggestion}'",
                        kind=t.CodeActionKind.QuickFix,
                        diagnostics=[d],
                        edit=edit,
                        is_preferred=True,
                    )
                )
            actions.append(
                t.CodeAction(
                    title="Explain this error",
                    kind=t.CodeActionKind.QuickFix,
                    command=t.Command(title="Explain this error", command="hypercode.explain", arguments=[d.code]),
                )
            )
        return actions

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    def hover(ls, params: t.HoverParams):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        word = doc.word_at_position(params.position)
        if not word:
            return None
        return t.Hover(t.MarkupContent(t.MarkupKind.Markdown, f"```hypercode\n{word}\n```\nA name in your program."))

    @server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=["."]))
    def completion(ls, params: t.CompletionParams):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        names = sorted(set(_defined(doc.source)) | BUILTINS | KEYWORDS)
        return [t.CompletionItem(label=n) for n in names]

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    def definition(ls, params: t.DefinitionParams):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        pos = _defined(doc.source).get(doc.word_at_position(params.position))
        return t.Location(params.text_document.uri, t.Range(pos, pos)) if pos else None

    @server.feature(t.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls, params: t.DocumentFormattingParams):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        tidy = "\n".join(line.rstrip() for line in doc.source.splitlines()) + "\n"
        end = len(doc.lines)
        return [t.TextEdit(t.Range(t.Position(0, 0), t.Position(end, 0)), tidy)]

    @server.feature("hypercode/run")
    def run(ls, params):
        doc = ls.workspace.get_text_document(params.uri)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", doc.source], capture_output=True, text=True, timeout=10)
        diagnostics = []
        lines = re.findall(r"line (\d+)", proc.stderr)
        if proc.returncode and lines:
            n = int(lines[-1])
            diagnostics.append({
                "code": "HC2005", "severity": "error",
                "message": proc.stderr.strip().splitlines()[-1],
                "range": {"line": n, "col": 1, "end_line": n, "end_col": 1},
            })
        return {
            "stdout": proc.stdout,
            "stderr": proc.stderr,
            "exit_code": proc.returncode,
            "status": "success" if proc.returncode == 0 else "error",
            "duration": time.perf_counter() - start,
            "diagnostics": diagnostics,
        }

    @server.feature("hypercode/explain")
    def explain(ls, params):
        return {
            "code": params.code,
            "title": "Unknown name",
            "explanation": "The program used a name that was never given a value.\n\n"
            "**How to fix it:** check the spelling, or assign the name first:\n\n"
            "```\nmessage = \"hi\"\nprint(message)\n```\n\n- Names are case-sensitive.\n- `Message` and `message` differ.",
        }

    return server
