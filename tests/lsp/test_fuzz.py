"""Random incremental edits keep the server alive, and its diagnostics always equal a fresh
`check()` of the same text (the server's incremental work never drifts)."""

from __future__ import annotations

import asyncio
import sys
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types as t
from pytest_lsp import client_capabilities, make_test_lsp_client

import hypercode_lang
from lsp_server.positions import Positions

START = """\
def area(w, h=2):
    total = w * h
    return total

for i in range(3):
    print(area(i), "😀")
"""
PIECES = ["(", ")", ":", "\n", "    ", "x", "print(", "def ", '"', "if ", " = ", "😀", "# ", "1", ",", "[",
          "]", "return ", "\t", "area(1)", "total", "é"]


class Session:
    """A client on its own event loop thread, so a synchronous hypothesis test can drive it."""

    def __init__(self, folder):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = make_test_lsp_client()
        self.uri = (folder / "fuzz.hc").as_uri()
        self.filename = str(folder / "fuzz.hc")
        self.version = 1
        self.call(self._start())

    def call(self, coroutine, timeout=30):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _start(self):
        await self.client.start_io(sys.executable, "-m", "lsp_server")
        await self.client.initialize_session(t.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            initialization_options={"diagnostics": {"maxPerFile": 1000}}))
        self.client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
            uri=self.uri, language_id="hypercode", version=1, text=START)))

    async def _edit(self, rng, text):
        self.version += 1
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[t.TextDocumentContentChangePartial(range=rng, text=text)]))

    async def _reset(self, text):
        self.version += 1
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)]))

    async def _ask(self, position):
        """Requests at a random place must get an answer (any answer), never a dead server."""
        document = t.TextDocumentIdentifier(uri=self.uri)
        await self.client.text_document_hover_async(t.HoverParams(text_document=document, position=position))
        await self.client.text_document_completion_async(t.CompletionParams(text_document=document,
                                                                             position=position))
        await self.client.text_document_definition_async(t.DefinitionParams(text_document=document,
                                                                             position=position))
        await self.client.text_document_semantic_tokens_full_async(t.SemanticTokensParams(text_document=document))

    async def _pull(self):
        report = await self.client.text_document_diagnostic_async(t.DocumentDiagnosticParams(
            text_document=t.TextDocumentIdentifier(uri=self.uri)))
        return report.items

    def stop(self):
        self.call(self.client.shutdown_session())
        self.call(self.client.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "helpers.hc").write_text("def greet(name):\n    return name\n", encoding="utf-8")
    session = Session(folder)
    yield session
    session.stop()


def expected(text: str, filename: str):
    lines = text.split("\n")
    positions = Positions("utf-16")
    return [(d.code, positions.span_range(lines, d.span), d.message)
            for d in hypercode_lang.check(text, filename)]


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_random_edits_match_a_fresh_check(session, data):
    text = START
    session.call(session._reset(text))
    positions = Positions("utf-16")
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        lines = text.split("\n")
        line = data.draw(st.integers(0, len(lines) - 1), label="line")
        col = data.draw(st.integers(1, len(lines[line]) + 1), label="col")
        start = sum(len(x) + 1 for x in lines[:line]) + col - 1
        length = data.draw(st.integers(0, 6), label="delete")
        end = min(len(text), start + length)
        new = "".join(data.draw(st.lists(st.sampled_from(PIECES), max_size=3), label="insert"))
        before = text.split("\n")
        end_line = text[:end].count("\n") + 1
        end_col = end - (text[:end].rfind("\n") + 1) + 1
        rng = positions.range_of(before, (line + 1, col, end_line, end_col))
        session.call(session._edit(rng, new))
        text = text[:start] + new + text[end:]
    pulled = session.call(session._pull())
    line = data.draw(st.integers(0, text.count("\n")), label="ask line")
    session.call(session._ask(t.Position(line=line, character=data.draw(st.integers(0, 30), label="ask col"))))
    got = [(d.code, d.range, d.message.split("\n")[0]) for d in pulled]
    assert got == expected(text, session.filename), text
