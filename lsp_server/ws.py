"""WebSocket bridge: one isolated pygls language-server session per connection.

pygls' own ``start_ws`` serves a single session and stops the process when it
ends. Here every WebSocket connection gets a fresh server from a factory, its
own message loop and its own outbox, so clients never share documents or state
and one client leaving does not disturb the others.

Framing is the one ``@codemirror/lsp-client`` and pygls' ws transport use: one
JSON-RPC message per WebSocket text frame, no ``Content-Length`` headers.

This module is protocol plumbing only: it knows nothing about HyperCode.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest, JsonRpcParseError
from pygls.lsp.server import LanguageServer
from websockets.asyncio.server import Server, ServerConnection
from websockets.asyncio.server import serve as ws_serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

logger = logging.getLogger(__name__)

ServerFactory = Callable[[], LanguageServer]
ProcessRequest = Callable[
    [ServerConnection, Request], Awaitable[Response | None] | Response | None
]

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


def _error_response(msg_id: Any, exc: JsonRpcException) -> str:
    error: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if exc.data is not None:
        error["data"] = exc.data
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "error": error})


def _dispatch(server: LanguageServer, frame: str | bytes, outbox: asyncio.Queue) -> bool:
    """Feed one frame to the session's protocol. Returns False when the client asked to exit.

    A bad frame is answered with a JSON-RPC error (when it can be) and logged;
    it never ends the session or the process.
    """
    protocol = server.protocol
    try:
        text = frame.decode("utf-8") if isinstance(frame, bytes) else frame
        raw = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        logger.warning("Ignoring a frame that is not JSON")
        outbox.put_nowait(_error_response(None, JsonRpcParseError()))
        return True

    if not isinstance(raw, dict) or raw.get("jsonrpc") != "2.0":
        logger.warning("Ignoring a frame that is not a JSON-RPC 2.0 message")
        msg_id = raw.get("id") if isinstance(raw, dict) else None
        outbox.put_nowait(_error_response(msg_id, JsonRpcInvalidRequest()))
        return True

    if raw.get("method") == "exit":
        # pygls' own exit handler calls sys.exit(), which would stop every
        # session in this process; for us exit only ends this connection.
        return False

    try:
        message = json.loads(text, object_hook=protocol.structure_message)
    except JsonRpcException as exc:
        if "id" in raw and "method" in raw:
            outbox.put_nowait(_error_response(raw["id"], exc))
        logger.warning("Could not read a %r message: %s", raw.get("method"), exc)
        return True
    except Exception:  # noqa: BLE001 - a bad message must never end the session
        logger.exception("Could not read a %r message", raw.get("method"))
        return True

    try:
        protocol.handle_message(message)
    except Exception:  # noqa: BLE001
        logger.exception("Handler for %r failed", raw.get("method"))
    return True


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
    process_request: ProcessRequest | None = None,
    on_ready: Callable[[Server], Any] | None = None,
) -> None:
    """Accept WebSocket connections until cancelled, one LSP session each.

    ``process_request`` is websockets' hook, called for every HTTP request
    before the upgrade: return a ``Response`` to answer it yourself (static
    files, 404 for unknown paths) or ``None`` to open the LSP session.
    ``on_ready(server)`` is called once the socket is bound (useful with
    ``port=0`` to learn the port).
    """

    async def handler(websocket: ServerConnection) -> None:
        await serve_connection(websocket, server_factory)

    async with ws_serve(
        handler,
        host,
        port,
        process_request=process_request,
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
