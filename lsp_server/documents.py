"""Per-session document state: the last complete analysis of each open document, the analysis
in flight, and a short debounce. Analysis runs on a worker thread, never on the event loop.

`await store.current(uri)` always gives a `Document` whose text is the document's text *now*
(never an older version's ranges): the last finished analysis if it still matches, else the
one in flight for this text, else a fresh one started at once.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pygls.uris import to_fs_path

from hypercode_lang.analysis.document import Document

DEBOUNCE_SECONDS = 0.005
# Larger documents are analysed, but only up to this many characters (the rest is ignored).
MAX_CHARS = 2_000_000

# One analysis thread for the whole process: the parser's chunk cache is shared, and the work is
# CPU-bound, so more threads would only contend for the GIL.
_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hypercode-analysis")
_LOCK = threading.Lock()


def build_document(text: str, filename: str | None) -> Document:
    """Parse, analyse and check `text` (runs on the analysis thread)."""
    with _LOCK:
        document = Document(text[:MAX_CHARS], filename)
        document.raw = text
        _ = document.diagnostics  # checks run here, off the event loop
    return document


def filename_of(uri: str) -> str | None:
    if not uri.startswith("file:"):
        return None
    try:
        return to_fs_path(uri)
    except Exception:  # noqa: BLE001 - an odd URI is just a document without a folder
        return None


@dataclass
class _Pending:
    text: str
    version: int | None
    future: asyncio.Future


class DocumentStore:
    def __init__(self, server):
        self.server = server
        self.latest: dict[str, Document] = {}
        self.versions: dict[str, int | None] = {}
        self.pending: dict[str, _Pending] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}

    # ------------------------------------------------------------ text
    def text(self, uri: str) -> str | None:
        """The document's current text, or None for a URI that is neither open nor a readable file."""
        documents = self.server.workspace.text_documents
        if uri in documents:
            return documents[uri].source
        filename = filename_of(uri)
        if filename is None:
            return None
        try:
            with open(filename, encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError):
            return None

    def version(self, uri: str) -> int | None:
        document = self.server.workspace.text_documents.get(uri)
        return document.version if document is not None else None

    # ------------------------------------------------------------ analysis
    def changed(self, uri: str, on_ready) -> None:
        """The text changed: analyse it after a short pause, then call `on_ready(uri, document)`."""
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self.timers[uri] = loop.call_later(DEBOUNCE_SECONDS, self._start, uri, on_ready)

    def _start(self, uri: str, on_ready) -> None:
        self.timers.pop(uri, None)
        asyncio.ensure_future(self._analyse_and_report(uri, on_ready))

    async def _analyse_and_report(self, uri: str, on_ready) -> None:
        document = await self.current(uri)
        if document is not None and document.raw == self.text(uri):
            on_ready(uri, document)

    async def current(self, uri: str) -> Document | None:
        text = self.text(uri)
        if text is None:
            return None
        latest = self.latest.get(uri)
        if latest is not None and latest.raw == text:
            return latest
        pending = self.pending.get(uri)
        if pending is None or pending.text != text:
            pending = self._build(uri, text)
        return await asyncio.shield(pending.future)

    def _build(self, uri: str, text: str) -> _Pending:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(_EXECUTOR, build_document, text, filename_of(uri))
        pending = self.pending[uri] = _Pending(text, self.version(uri), future)

        def done(fut: asyncio.Future) -> None:
            if self.pending.get(uri) is pending:
                del self.pending[uri]
            if fut.cancelled() or fut.exception() is not None:
                return
            self.latest[uri] = fut.result()

        future.add_done_callback(done)
        return pending

    def closed(self, uri: str) -> None:
        self.latest.pop(uri, None)
        self.pending.pop(uri, None)
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()

    def open_documents(self) -> list[str]:
        return list(self.server.workspace.text_documents)
