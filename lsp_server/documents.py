"""Per-session document state: the last complete analysis of each open document, the analysis
in flight, and a short debounce. Analysis runs on a worker thread, never on the event loop.

`await store.current(uri)` always gives a `Document` whose text is the document's text *now*
(never an older version's ranges): the last finished analysis if it still matches, else the
one in flight for this text, else a fresh one started at once.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pygls.uris import to_fs_path

from hypercode_lang.analysis.document import Document
from hypercode_lang.analysis.incremental import IncrementalDocument
from hypercode_lang.collector import collect_everything, collector_paused
from hypercode_lang.diagnostics.catalogue import editor_message as say

from .workspace import read_unopened

DEBOUNCE_SECONDS = 0.005
#: Full garbage collections wait until the person pauses typing for this long.
IDLE_COLLECT_SECONDS = 2.0

# One analysis thread for the whole process: the parser's chunk cache is shared, and the work is
# CPU-bound, so more threads would only contend for the GIL.
_EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hypercode-analysis")
_LOCK = threading.RLock()
_FULL_ANALYSIS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hypercode-full-analysis")


def build_document(text: str, filename: str | None, state: IncrementalDocument | None = None) -> Document:
    """Parse, analyse and check `text` (runs on the analysis thread). With `state`, only the
    parts changed since the text `state` saw last are parsed and checked again."""
    from hypercode_lang.api import _sibling_modules
    with _LOCK, collector_paused(freeze=True):     # collected when idle: DocumentStore
        if state is None:
            document = Document(text, filename)
            _ = document.diagnostics  # checks run here, off the event loop
        else:
            parsed = state.update(text)
            document = Document(text, filename, parsed=parsed, lines=state.lines)
            document.__dict__["diagnostics"] = state.check(parsed, _sibling_modules(filename))
            document.chunks = state.outline()
        document.raw = text
    return document


def own(state: IncrementalDocument) -> None:
    with _LOCK, collector_paused(freeze=True):
        state.own_all()


def warm_up() -> None:
    """Load the grammar and the checker before the first document arrives."""
    build_document("def f(a):\n    return a\n\nprint(f(1))\n", None)


def warm(document: Document) -> None:
    """Compute the full analysis (references, rename, semantic tokens use it). Analysis reads
    only the IR, so it runs on its own thread and never holds up the next edit's diagnostics."""
    with collector_paused(freeze=True):
        _ = document.analysis


def tune_gc() -> None:
    """A document's IR is hundreds of thousands of small objects. Python's automatic full
    collection would walk them all (100 ms or more) at random moments while someone types;
    instead the oldest generation is collected when the server is idle (`DocumentStore`), and
    what a build makes is frozen until then (`build_document`)."""
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(max(young, 5_000), middle, 1_000_000)


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
        _EXECUTOR.submit(warm_up)
        self.latest: dict[str, Document] = {}
        self.versions: dict[str, int | None] = {}
        self.pending: dict[str, _Pending] = {}
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.states: dict[str, IncrementalDocument] = {}
        self.idle_timer: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------ text
    def text(self, uri: str) -> str | None:
        """The document's current text, or None for a URI that is neither open nor a readable file."""
        documents = self.server.workspace.text_documents
        if uri in documents:
            return documents[uri].source
        filename = filename_of(uri)
        if filename is None:
            return None
        return read_unopened(self.server, uri, filename)   # only .hc files inside the workspace

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
        try:
            document = await self.current(uri)
        except Exception as problem:  # noqa: BLE001 - a bug in analysis must not end the session
            self.server.log(say("server.analysis_failed", uri=uri, kind=type(problem).__name__, problem=problem),
                            kind=3)
            return
        if document is not None and document.raw == self.text(uri):
            on_ready(uri, document)
            state = self.states.get(uri)
            if state is not None and not getattr(state, "owned_once", False):
                state.owned_once = True
                copied = asyncio.get_running_loop().run_in_executor(_EXECUTOR, own, state)
                copied.add_done_callback(lambda _: self._collect_when_idle())

    def _collect_when_idle(self) -> None:
        """A full collection once the server has had nothing to do for IDLE_COLLECT_SECONDS:
        every build pauses the collector and freezes what it made (hypercode_lang/collector.py),
        so this is where it is all collected."""
        if self.idle_timer is not None:
            self.idle_timer.cancel()
        self.idle_timer = asyncio.get_running_loop().call_later(IDLE_COLLECT_SECONDS, collect_everything)

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
        state = None
        if uri in self.server.workspace.text_documents:   # open documents are edited: keep their state
            state = self.states.get(uri)
            if state is None:
                state = self.states[uri] = IncrementalDocument(filename_of(uri))
        future = loop.run_in_executor(_EXECUTOR, build_document, text, filename_of(uri), state)
        pending = self.pending[uri] = _Pending(text, self.version(uri), future)

        def done(fut: asyncio.Future) -> None:
            self._collect_when_idle()
            if self.pending.get(uri) is pending:
                del self.pending[uri]
            if fut.cancelled() or fut.exception() is not None:
                return
            self.latest[uri] = fut.result()

        future.add_done_callback(done)
        return pending

    async def analysed(self, uri: str) -> Document | None:
        """The current document with its full analysis (computed on the analysis thread)."""
        document = await self.current(uri)
        if document is not None and "analysis" not in document.__dict__:
            await asyncio.get_running_loop().run_in_executor(_FULL_ANALYSIS, warm, document)
            self._collect_when_idle()
        return document

    def closed(self, uri: str) -> None:
        self.latest.pop(uri, None)
        self.states.pop(uri, None)
        self.pending.pop(uri, None)
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()

    def open_documents(self) -> list[str]:
        return list(self.server.workspace.text_documents)
