"""Reading JSON-RPC messages so that no input can make the server deaf.

pygls' own stdio loop accepts only an exact ``Content-Length: N\\r\\n`` line: one wrong length,
a stray byte or a header it does not expect, and every later message is misread. Here the
framing is read by `Framer`, which answers what it cannot read with a -32700 Parse error (id
null) and resynchronises on the next ``Content-Length:`` header, and each message goes through
`deliver`, which both transports (this stdio loop and `ws.py`) share:

* not JSON, or not UTF-8 → -32700; not a JSON-RPC 2.0 object → -32600;
* a request after ``shutdown`` → -32600 (a notification is dropped);
* ``exit`` → the transport stops: exit status 0 after ``shutdown``, 1 without;
* params that don't fit their method → -32602; unknown methods → -32601;
  ``$/cancelRequest`` → the request is answered -32800 (pygls' bookkeeping).

A raw CR/LF can never occur inside a JSON text's strings, and ``Content-Length`` can't occur
outside them, so ``Content-Length: N`` followed by a line break inside a body means that body's
declared length was wrong: the body is cut there and the next message is read from there.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest, JsonRpcParseError
from hypercode_lang.diagnostics.catalogue import editor_message as say

logger = logging.getLogger(__name__)

#: Largest body accepted (a whole document travels in one didOpen/didChange).
MAX_BODY_BYTES = 64 * 2**20
#: A header block longer than this is not a header.
MAX_HEADER_BYTES = 8 * 1024
_HEADER_NAMES = rb"(?:content-length|content-type)[ \t]*:"
_HEADER_START = re.compile(_HEADER_NAMES, re.IGNORECASE)
# A header line inside a body: the body's declared length was wrong.
_HEADER_IN_BODY = re.compile(
    rb"(?:content-length[ \t]*:[ \t]*\d+|content-type[ \t]*:[^\r\n]*)[ \t]*\r?\n", re.IGNORECASE)
_LONGEST_HEADER_NAME = len(b"content-length :")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_READ_CHUNK = 65536
#: How long the rest of a started body may take to arrive before it is answered -32700.
BODY_WAIT_SECONDS = 5.0
EXIT = "exit"


@dataclass(frozen=True)
class Frame:
    """One message's body, or `problem` when the bytes could not be read as one."""

    body: bytes = b""
    problem: str | None = None


class Framer:
    """Splits a byte stream into `Content-Length` framed bodies, recovering from bad framing."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._length: int | None = None   # declared length of the body being read
        self._scanned = 0                 # body bytes already searched for a stray header

    def feed(self, data: bytes) -> list[Frame]:
        self._buffer += data
        frames: list[Frame] = []
        while True:
            frame = self._read_header() if self._length is None else self._read_body()
            if frame is None:
                return frames
            frames.append(frame)

    @property
    def waiting_for_body(self) -> bool:
        return self._length is not None

    def abandon(self) -> Frame:
        """Give up on a body that never arrives (its Content-Length was too large)."""
        self._buffer.clear()
        self._length = None
        return Frame(problem="a body shorter than its Content-Length")

    def _read_header(self) -> Frame | None:
        buffer = self._buffer
        start = _HEADER_START.search(buffer)
        # Everything before a header name is junk (keep a tail: a name may be split across reads).
        junk_end = start.start() if start is not None else max(0, len(buffer) - _LONGEST_HEADER_NAME)
        if junk_end:
            junk = bytes(buffer[:junk_end])
            del buffer[:junk_end]
            if junk.strip():
                return Frame(problem="bytes that are not a message header")
        if start is None:
            return None
        end = _HEADER_END.search(buffer)
        if end is None:
            if len(buffer) > MAX_HEADER_BYTES:
                del buffer[:1]      # not a real header: look for the next one
                return Frame(problem="a header that never ends")
            return None
        header = bytes(buffer[:end.start()])
        del buffer[:end.end()]
        length = _content_length(header)
        if isinstance(length, str):
            return Frame(problem=length)
        self._length, self._scanned = length, 0
        return self._read_body()

    def _read_body(self) -> Frame | None:
        buffer, length = self._buffer, self._length
        assert length is not None
        # Search only what is new since the last read (plus enough to catch a split header line).
        begin = max(0, self._scanned - 80)
        cut = _HEADER_IN_BODY.search(buffer, begin, min(len(buffer), length))
        if cut is not None:     # the next message started inside this one: its length was wrong
            del buffer[:cut.start()]
            self._length = None
            return Frame(problem="a Content-Length that does not match the body")
        self._scanned = min(len(buffer), length)
        if len(buffer) < length:
            return None
        body = bytes(buffer[:length])
        del buffer[:length]
        self._length = None
        return Frame(body=body)


def _content_length(header: bytes) -> int | str:
    """The declared body length, or what is wrong with the header block."""
    length = None
    for raw in re.split(rb"\r?\n", header):
        name, colon, value = raw.partition(b":")
        if not colon:
            return "a header line without ':'"
        if name.strip().lower() == b"content-length":
            text = value.strip()
            if not text.isdigit():
                return "a Content-Length that is not a number"
            length = int(text)
    if length is None:
        return "a header without Content-Length"
    if length > MAX_BODY_BYTES:
        return f"a body larger than {MAX_BODY_BYTES} bytes"
    return length


# ====================================================================== one message, any transport

def error_message(msg_id: Any, exc: JsonRpcException) -> str:
    error: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if exc.data is not None:
        error["data"] = exc.data
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "error": error})


class ShuttingDown(JsonRpcInvalidRequest):
    pass


def deliver(server, body: bytes | str, send: Callable[[str], None]) -> str | None:
    """Hand one message's body to `server`'s protocol; `send(text)` sends a reply we make
    ourselves. Returns "exit" when the client asked the server to exit.

    Nothing here raises: a bad message is answered (when it has an id) and logged.
    """
    protocol = server.protocol
    try:
        text = body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body
        raw = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        logger.warning("Ignoring a message that is not UTF-8 JSON")
        send(error_message(None, JsonRpcParseError(say("rpc.not_json"))))
        return None
    if not isinstance(raw, dict) or raw.get("jsonrpc") != "2.0":
        logger.warning("Ignoring a message that is not a JSON-RPC 2.0 object")
        msg_id = raw.get("id") if isinstance(raw, dict) else None
        send(error_message(_plain_id(msg_id), JsonRpcInvalidRequest(say("rpc.not_jsonrpc"))))
        return None
    method = raw.get("method")
    if method == EXIT:
        return EXIT
    if getattr(protocol, "_shutdown", False):
        if "id" in raw and isinstance(method, str):
            send(error_message(_plain_id(raw["id"]), ShuttingDown(
                say("rpc.shutting_down"))))
        return None
    if method is not None and not isinstance(method, str):
        send(error_message(_plain_id(raw.get("id")), JsonRpcInvalidRequest(say("rpc.method_not_string"))))
        return None
    try:
        message = json.loads(text, object_hook=protocol.structure_message)
    except JsonRpcException as exc:
        if "id" in raw and method is not None:
            send(error_message(_plain_id(raw["id"]), exc))
        logger.warning("Could not read a %r message: %s", method, exc)
        return None
    except Exception:  # noqa: BLE001 - a bad message must never end the session
        logger.exception("Could not read a %r message", method)
        if "id" in raw and method is not None:
            send(error_message(_plain_id(raw["id"]), JsonRpcInvalidRequest(say("rpc.unreadable"))))
        return None
    try:
        protocol.handle_message(message)
    except Exception:  # noqa: BLE001
        logger.exception("Handler for %r failed", method)
    return None


def _plain_id(msg_id: Any) -> Any:
    """An id we can echo back (JSON-RPC ids are strings or numbers)."""
    return msg_id if isinstance(msg_id, (str, int, float)) and not isinstance(msg_id, bool) else None


# ====================================================================== stdio

class _StdoutWriter:
    """pygls' writer interface over a binary stream; one lock so frames never interleave
    (pygls writes from the event loop and from `@server.thread()` workers)."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self._lock = threading.Lock()

    def write(self, data: bytes) -> None:
        with self._lock:
            try:
                self._stream.write(data)
                self._stream.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass    # the client is gone; the reader sees end of input next

    def close(self) -> None:
        pass

    def send_json(self, text: str) -> None:
        body = text.encode("utf-8")
        self.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)


def _read_stdin(stream: BinaryIO, loop: asyncio.AbstractEventLoop, chunks: asyncio.Queue) -> None:
    """Blocking reads on a daemon thread (so a stuck read never keeps the process alive)."""
    # os.read on the descriptor, not the buffered object: a daemon thread blocked inside a
    # BufferedReader would make the interpreter abort at exit.
    try:
        fd = stream.fileno()
        read = lambda size: os.read(fd, size)  # noqa: E731
    except (AttributeError, OSError, ValueError):
        read = getattr(stream, "read1", stream.read)
    while True:
        try:
            data = read(_READ_CHUNK)
        except (OSError, ValueError):
            data = b""
        try:
            loop.call_soon_threadsafe(chunks.put_nowait, data)
        except RuntimeError:    # the loop is closed: the server has exited
            return
        if not data:
            return


async def _serve(server, stdin: BinaryIO, writer: _StdoutWriter) -> int:
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue = asyncio.Queue()
    threading.Thread(target=_read_stdin, args=(stdin, loop, chunks), daemon=True,
                     name="hypercode-stdin").start()
    framer = Framer()
    try:
        while True:
            try:
                # A body that stops arriving had a wrong Content-Length: answer it, don't hang.
                data = await asyncio.wait_for(chunks.get(), BODY_WAIT_SECONDS if framer.waiting_for_body else None)
            except asyncio.TimeoutError:
                frames = [framer.abandon()]
            else:
                if not data:        # the client closed our input without 'exit'
                    break
                frames = framer.feed(data)
            for frame in frames:
                if frame.problem is not None:
                    logger.warning("Unreadable input: %s", frame.problem)
                    writer.send_json(error_message(
                        None, JsonRpcParseError(say("rpc.unreadable_frame", problem=frame.problem))))
                    continue
                if deliver(server, frame.body, writer.send_json) == EXIT:
                    return 0 if getattr(server.protocol, "_shutdown", False) else 1
                # Let handlers scheduled by this message start before the next one.
                await asyncio.sleep(0)
        return 0 if getattr(server.protocol, "_shutdown", False) else 1
    finally:
        await _close_session(server)


async def _close_session(server) -> None:
    close_session = getattr(server, "close_session", None)  # e.g. stop the session's runs
    if close_session is None:
        return
    try:
        result = close_session()
        if inspect.isawaitable(result):
            await asyncio.wait_for(result, 5)
    except Exception:  # noqa: BLE001 - the session ends whatever its cleanup does
        logger.exception("Could not close the session cleanly")


def serve_stdio(server, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> int:
    """Serve `server` over stdin/stdout until `exit` or end of input; returns the exit status."""
    writer = _StdoutWriter(stdout or sys.stdout.buffer)
    server.protocol.set_writer(writer, include_headers=True)
    try:
        status = asyncio.run(_serve(server, stdin or sys.stdin.buffer, writer))
    except KeyboardInterrupt:
        status = 1
    finally:
        _release(server)
    return status


def _release(server) -> None:
    """Stop the session's worker threads without waiting for them (the process is ending)."""
    pool = getattr(server, "_thread_pool", None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


__all__ = ["Framer", "Frame", "deliver", "serve_stdio", "error_message", "MAX_BODY_BYTES"]
