"""HyperCode diagnostics and settings ⇄ LSP types. No analysis here: only translation."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types as t
from pygls.uris import from_fs_path
from hypercode_lang.diagnostics.pages import page_uri
from hypercode_lang.diagnostics.catalogue import editor_message as say

from .positions import UTF16, Positions

SEVERITY = {"error": t.DiagnosticSeverity.Error, "warning": t.DiagnosticSeverity.Warning,
            "hint": t.DiagnosticSeverity.Hint}


@dataclass
class Settings:
    style: str = "friendly"          # friendly | plain
    max_per_file: int = 100
    hints: bool = True
    time_limit: float = 10.0
    server_path: str | None = None

    def update(self, raw) -> None:
        """Take what is valid from a `hypercode` settings object; ignore the rest."""
        if not isinstance(raw, dict):
            return
        diagnostics = raw.get("diagnostics") if isinstance(raw.get("diagnostics"), dict) else {}
        if diagnostics.get("style") in ("friendly", "plain"):
            self.style = diagnostics["style"]
        if isinstance(diagnostics.get("maxPerFile"), int) and diagnostics["maxPerFile"] >= 0:
            self.max_per_file = diagnostics["maxPerFile"]
        hints = raw.get("hints") if isinstance(raw.get("hints"), dict) else {}
        if isinstance(hints.get("enabled"), bool):
            self.hints = hints["enabled"]
        run = raw.get("run") if isinstance(raw.get("run"), dict) else {}
        limit = run.get("timeLimit")
        if isinstance(limit, (int, float)) and not isinstance(limit, bool) and limit > 0:
            self.time_limit = float(limit)
        server = raw.get("server") if isinstance(raw.get("server"), dict) else {}
        if isinstance(server.get("path"), str):
            self.server_path = server["path"]


def shown(diagnostics, settings: Settings) -> list:
    """The diagnostics the settings let through, in order."""
    kept = [d for d in diagnostics if settings.hints or d.severity != "hint"]
    return kept[: settings.max_per_file]


def diagnostic(d, lines: list[str], settings: Settings, uri: str, positions: Positions = UTF16) -> t.Diagnostic:
    message = d.message
    if settings.style == "friendly":
        second = say("server.quick_fix", title=d.fixes[0].title) if d.fixes else d.why
        message = f"{message}\n{second}"
    related = []
    for r in d.related:
        target = from_fs_path(r.filename) if r.filename else uri
        related.append(t.DiagnosticRelatedInformation(
            location=t.Location(uri=target or uri, range=positions.span_range(lines, r.span)), message=r.message))
    return t.Diagnostic(
        range=positions.span_range(lines, d.span),
        message=message,
        severity=SEVERITY.get(d.severity, t.DiagnosticSeverity.Information),
        code=d.code,
        code_description=t.CodeDescription(href=page_uri(d.code)),
        source="hypercode",
        related_information=related or None,
        data={"why": d.why, "title": d.title, "fixes": [f.title for f in d.fixes]},
    )


def text_edits(edits, lines: list[str], positions: Positions = UTF16) -> list[t.TextEdit]:
    return [t.TextEdit(range=positions.span_range(lines, e.span), new_text=e.new_text) for e in edits]


def code_actions(d, lsp_diagnostic: t.Diagnostic, lines: list[str], uri: str,
                 positions: Positions = UTF16) -> list[t.CodeAction]:
    actions = []
    for fix in d.fixes:
        actions.append(t.CodeAction(
            title=fix.title,
            kind=t.CodeActionKind.QuickFix,
            diagnostics=[lsp_diagnostic],
            is_preferred=bool(fix.safe),
            edit=t.WorkspaceEdit(changes={uri: text_edits(fix.edits, lines, positions)}),
        ))
    actions.append(t.CodeAction(
        title=say("server.explain_action"),
        kind=t.CodeActionKind.QuickFix,
        diagnostics=[lsp_diagnostic],
        command=t.Command(title=f"Explain {d.code}", command="hypercode.explain", arguments=[d.code]),
    ))
    return actions


def ranges_overlap(a: t.Range, b: t.Range) -> bool:
    start_a, end_a = (a.start.line, a.start.character), (a.end.line, a.end.character)
    start_b, end_b = (b.start.line, b.start.character), (b.end.line, b.end.character)
    return start_a <= end_b and start_b <= end_a
