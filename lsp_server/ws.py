"""WebSocket bridge: one isolated pygls language-server session per connection.

pygls' own ``start_ws`` serves a single session and stops the process when it
ends. Here every WebSocket connection gets a fresh server from a factory, its
own message loop and its own outbox, so clients never share documents or state
and one client leaving does not disturb the others.

Framing is the one ``@codemirror/lsp-client`` and pygls' ws transport use: one
JSON-RPC message per WebSocket text frame, no ``Content-Length`` headers.

Every request passes `guard.Guard.refusal` first (Host, Origin, token), before any route
or session sees it.

This module is protocol plumbing only: it knows nothing about HyperCode.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from pygls.lsp.server import LanguageServer
from websockets.asyncio.server import Server, ServerConnection
from websockets.asyncio.server import serve as ws_serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from .guard import Guard
from .transport import EXIT, deliver

logger = logging.getLogger(__name__)

ServerFactory = Callable[[], LanguageServer]
ProcessRequest = Callable[
    [ServerConnection, Request], Awaitable[Response | None] | Response | None
]
ConnectionHandler = Callable[[ServerConnection], Awaitable[None]]

DEFAULT_HOST = "127.0.0.1"
#: Largest accepted frame. A whole document travels in one didOpen/didChange.
MAX_FRAME_BYTES = 8 * 2**20
_CLOSED = object()  # outbox sentinel: stop the sender


def _default_factory() -> LanguageServer:
    from lsp_server.server import create_server  # imported late: optional at import time

    return create_server()


class _OutboxWriter:
    """pygls writer that queues outgoing messages for one sender task.

    pygls calls ``write`` from the event loop and, for ``@server.thread()``
    handlers, from worker threads; both end up in the same ordered queue.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, outbox: asyncio.Queue):
        self._loop = loop
        self._outbox = outbox
        self._loop_thread = threading.get_ident()
        self.closed = False

    def write(self, data: bytes) -> None:
        if self.closed:
            return
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        if threading.get_ident() == self._loop_thread:
            self._outbox.put_nowait(text)
        else:
            try:
                self._loop.call_soon_threadsafe(self._outbox.put_nowait, text)
            except RuntimeError:  # loop already closed: the session is over
                pass

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.write_sentinel()

    def write_sentinel(self) -> None:
        if threading.get_ident() == self._loop_thread:
            self._outbox.put_nowait(_CLOSED)
        else:
            self._loop.call_soon_threadsafe(self._outbox.put_nowait, _CLOSED)


async def _pump(websocket: ServerConnection, outbox: asyncio.Queue) -> None:
    """Send queued messages in order, one text frame each."""
    while True:
        item = await outbox.get()
        if item is _CLOSED:
            return
        try:
            await websocket.send(item)  # str -> text frame
        except ConnectionClosed:
            return


def _dispatch(server: LanguageServer, frame: str | bytes, outbox: asyncio.Queue) -> bool:
    """Feed one frame to the session's protocol. Returns False when the client asked to exit.

    A bad frame is answered with a JSON-RPC error (when it can be) and logged; it never ends
    the session or the process. `exit` ends only this connection (pygls' own exit handler
    would stop every session in the process).
    """
    return deliver(server, frame, outbox.put_nowait) != EXIT


def _end_session(server: LanguageServer, writer: _OutboxWriter) -> None:
    """Drop a session: cancel its pending work and stop its worker threads."""
    writer.closed = True
    protocol = server.protocol
    for future in list(getattr(protocol, "_request_futures", {}).values()):
        if not future.done():
            future.cancel()
    pool = getattr(server, "_thread_pool", None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
        server._thread_pool = None
    close_session = getattr(server, "close_session", None)  # e.g. stop the session's runs
    if close_session is not None:
        try:
            result = close_session()
            if inspect.isawaitable(result):
                asyncio.ensure_future(result)
        except Exception:  # noqa: BLE001 - a session ends whatever its cleanup does
            logger.exception("Could not close the session cleanly")


async def serve_connection(
    websocket: ServerConnection, server_factory: ServerFactory | None = None
) -> None:
    """Run one complete LSP session over one WebSocket connection.

    ``server_factory()`` must return a fresh pygls ``LanguageServer`` for this
    connection (default: ``lsp_server.server.create_server``). The session ends
    when the socket closes or the client sends ``exit``.
    """
    server = (server_factory or _default_factory)()
    loop = asyncio.get_running_loop()
    outbox: asyncio.Queue = asyncio.Queue()
    writer = _OutboxWriter(loop, outbox)
    server.protocol.set_writer(writer, include_headers=False)
    sender = asyncio.create_task(_pump(websocket, outbox))
    peer = getattr(websocket, "remote_address", None)
    logger.info("LSP session opened for %s", peer)
    try:
        async for frame in websocket:
            if not _dispatch(server, frame, outbox):
                break
            # Let handlers scheduled by this message start before the next one.
            await asyncio.sleep(0)
    except ConnectionClosed:
        pass
    finally:
        _end_session(server, writer)
        outbox.put_nowait(_CLOSED)
        try:
            await asyncio.wait_for(sender, timeout=2)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            sender.cancel()
        await websocket.close()
        logger.info("LSP session closed for %s", peer)


async def serve(
    host: str = DEFAULT_HOST,
    port: int = 0,
    server_factory: ServerFactory | None = None,
    *,
    guard: Guard | None = None,
    process_request: ProcessRequest | None = None,
    handler: ConnectionHandler | None = None,
    on_ready: Callable[[Server], Any] | None = None,
) -> None:
    """Accept WebSocket connections until cancelled, one LSP session each.

    ``guard`` checks every request first (Host, Origin, token); without one, a guard with a fresh
    random token that nobody knows is used, so an unguarded server is never reachable.
    ``process_request`` is websockets' hook, called for every request the guard lets through,
    before the upgrade: return a ``Response`` to answer it yourself (static files, 404 for
    unknown paths) or ``None`` to accept the WebSocket. ``handler(connection)`` serves an
    accepted socket (default: one LSP session from ``server_factory``).
    ``on_ready(server)`` is called once the socket is bound (useful with ``port=0`` to learn
    the port).
    """
    guard = guard if guard is not None else Guard.create(allow_no_origin=True)

    async def checked(connection: ServerConnection, request: Request) -> Response | None:
        refused = guard.refusal(connection, request)
        if refused is not None:
            logger.info("Refused %s %s: %s", request.method, request.path.split("?")[0],
                        refused.status_code)
            return refused
        if process_request is None:
            return None
        response = process_request(connection, request)
        if inspect.isawaitable(response):
            response = await response
        return response

    async def lsp_session(websocket: ServerConnection) -> None:
        await serve_connection(websocket, server_factory)

    async with ws_serve(
        handler or lsp_session,
        host,
        port,
        process_request=checked,
        max_size=MAX_FRAME_BYTES,
        compression=None,
    ) as ws_server:
        if on_ready is not None:
            result = on_ready(ws_server)
            if inspect.isawaitable(result):
                await result
        await ws_server.serve_forever()


def bound_port(ws_server: Server) -> int:
    """The TCP port a running server listens on."""
    return ws_server.sockets[0].getsockname()[1]
