"""Helpers for the language-server tests: open, change and pull documents, build positions."""

from __future__ import annotations

import asyncio

from lsprotocol import types as t
from pytest_lsp import LanguageClient

SETTINGS = {"diagnostics": {"style": "friendly", "maxPerFile": 100}, "hints": {"enabled": True},
            "run": {"timeLimit": 10}}


#: Generous: the machine may be shared (a 10,000-line open takes ~1 s alone, far longer under load).
TIMEOUT = 60.0


async def wait_for(predicate, timeout: float = TIMEOUT):
    """Poll until predicate() is truthy (the server pushes diagnostics on its own schedule)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.02)


_counter = [0]


def new_uri(client: LanguageClient, stem: str = "doc") -> str:
    _counter[0] += 1
    return (client.workspace_root / f"{stem}_{_counter[0]}.hc").as_uri()


async def open_doc(client: LanguageClient, text: str, uri: str | None = None) -> str:
    """Open a document and wait for its first diagnostics (pushed, or pulled by a client that pulls)."""
    uri = uri or new_uri(client)
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        text_document=t.TextDocumentItem(uri=uri, language_id="hypercode", version=1, text=text)))
    client.opened[uri] = [1, text]
    if getattr(client, "pulls", False):
        await pull(client, uri)
    else:
        await wait_for(lambda: uri in client.diagnostics)
    return uri


async def shown(client: LanguageClient, uri: str) -> list[t.Diagnostic]:
    """The diagnostics the client shows now: the last pushed list, or a fresh pull."""
    if getattr(client, "pulls", False):
        return await pull(client, uri)
    return list(client.diagnostics.get(uri, []))


async def eventually(client: LanguageClient, uri: str, predicate, timeout: float = TIMEOUT) -> list[t.Diagnostic]:
    """Wait until predicate(diagnostics the client shows) holds; returns those diagnostics."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        current = await shown(client, uri)
        if predicate(current):
            return current
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for the server; last diagnostics: {current}")
        await asyncio.sleep(0.02)


async def pull(client: LanguageClient, uri: str) -> list[t.Diagnostic]:
    report = await client.text_document_diagnostic_async(
        t.DocumentDiagnosticParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    if getattr(client, "pulls", False):
        client.diagnostics[uri] = list(report.items)    # what a pulling client shows
    return list(report.items)


def change(client: LanguageClient, uri: str, edits: list[tuple[t.Range, str]] | None = None, text: str | None = None):
    state = client.opened[uri]
    state[0] += 1
    changes = ([t.TextDocumentContentChangeWholeDocument(text=text)] if text is not None else
               [t.TextDocumentContentChangePartial(range=r, text=s) for r, s in edits])
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=state[0]), content_changes=changes))


def pos(line: int, character: int) -> t.Position:
    return t.Position(line=line, character=character)


def rng(l1: int, c1: int, l2: int, c2: int) -> t.Range:
    return t.Range(start=pos(l1, c1), end=pos(l2, c2))


def doc_id(uri: str) -> t.TextDocumentIdentifier:
    return t.TextDocumentIdentifier(uri=uri)


def offset_of(text: str, position: t.Position, encoding: str = "utf-16") -> int:
    """Index into `text` of an LSP position in the given encoding."""
    lines = text.split("\n")
    line = min(position.line, len(lines) - 1)
    before = sum(len(x) + 1 for x in lines[:line])
    units = 0
    for index, ch in enumerate(lines[line]):
        if units >= position.character:
            return before + index
        if encoding == "utf-8":
            units += len(ch.encode("utf-8"))
        elif encoding == "utf-32":
            units += 1
        else:
            units += 2 if ord(ch) > 0xFFFF else 1
    return before + len(lines[line])


def apply_text_edits(text: str, edits, encoding: str = "utf-16") -> str:
    spans = sorted(((offset_of(text, e.range.start, encoding), offset_of(text, e.range.end, encoding), e.new_text)
                    for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


async def request_actions(client, uri: str, diagnostic: t.Diagnostic):
    return await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=t.CodeActionContext(diagnostics=[diagnostic])))


def command_of(action) -> t.Command | None:
    """The Command of a code action. lsprotocol's client-side hook turns any action that has a
    `command` into a bare Command whose `command` is the repr of ours; undo that here."""
    import ast
    if isinstance(action, t.CodeAction):
        return action.command
    if isinstance(action.command, str) and action.command.startswith("{"):
        raw = ast.literal_eval(action.command)
        return t.Command(title=raw["title"], command=raw["command"], arguments=raw.get("arguments"))
    return action


async def raw_request(client, method: str, params, msg_id: str | None = None):
    """Send a request exactly as given (no typing on the client side), e.g. malformed params."""
    import uuid
    from concurrent.futures import Future
    msg_id = msg_id or str(uuid.uuid4())
    future = Future()
    client.protocol._request_futures[msg_id] = future
    client.protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    return await asyncio.wrap_future(future)
