"""The WebSocket bridge gives every connection its own language-server session."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from lsp_server import ws
from lsp_server.guard import Guard

TOKEN = "bridge-test-token"
_sessions = itertools.count(1)


def tiny_server() -> LanguageServer:
    """A fresh, minimal pygls server: enough to tell sessions apart."""
    server = LanguageServer("tiny", "0.1")
    server.session_number = next(_sessions)

    @server.feature("test/whoami")
    def whoami(ls: LanguageServer, params):
        return {"session": ls.session_number}

    @server.feature("test/text")
    def text(ls: LanguageServer, params):
        return {"text": ls.workspace.get_text_document(params.uri).source}

    @server.thread()
    @server.feature("test/threaded")
    def threaded(ls: LanguageServer, params):
        return {"echo": params.value}

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams):
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    return server


class Client:
    """A bare JSON-RPC client over one WebSocket, one message per text frame."""

    def __init__(self, socket):
        self.socket = socket
        self.ids = itertools.count(1)

    async def request(self, method: str, params=None, *, timeout: float = 5):
        msg_id = next(self.ids)
        await self.socket.send(
            json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        )
        while True:
            frame = await asyncio.wait_for(self.socket.recv(), timeout)
            assert isinstance(frame, str), "replies must be text frames"
            message = json.loads(frame)
            if message.get("id") == msg_id and "method" not in message:
                return message

    async def notify(self, method: str, params=None):
        await self.socket.send(json.dumps({"jsonrpc": "2.0", "method": method, "params": params}))

    async def initialize(self):
        reply = await self.request(
            "initialize", {"processId": None, "rootUri": None, "capabilities": {}}
        )
        await self.notify("initialized", {})
        return reply


@pytest.fixture
async def url():
    ready = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        ws.serve("127.0.0.1", 0, tiny_server, guard=Guard.create(TOKEN, allow_no_origin=True),
                 on_ready=lambda s: ready.set_result(s))
    )
    server = await asyncio.wait_for(ready, 5)
    yield f"ws://127.0.0.1:{ws.bound_port(server)}/?token={TOKEN}"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_initialize_and_custom_request(url):
    async with connect(url) as socket:
        client = Client(socket)
        reply = await client.initialize()
        assert reply["result"]["serverInfo"]["name"] == "tiny"
        reply = await client.request("test/whoami", {})
        assert isinstance(reply["result"]["session"], int)


async def test_two_clients_are_isolated_and_survive_each_other(url):
    async with connect(url) as socket_a, connect(url) as socket_b:
        a, b = Client(socket_a), Client(socket_b)
        await asyncio.gather(a.initialize(), b.initialize())
        session_a = (await a.request("test/whoami", {}))["result"]["session"]
        session_b = (await b.request("test/whoami", {}))["result"]["session"]
        assert session_a != session_b

        uri = "file:///same.hc"
        for client, text in ((a, "a = 1\n"), (b, "b = 2\n")):
            await client.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "hypercode", "version": 1, "text": text}},
            )
        assert (await a.request("test/text", {"uri": uri}))["result"]["text"] == "a = 1\n"
        assert (await b.request("test/text", {"uri": uri}))["result"]["text"] == "b = 2\n"

        await socket_a.close()
        await asyncio.sleep(0.1)
        reply = await b.request("test/whoami", {})
        assert reply["result"]["session"] == session_b
        assert (await b.request("test/threaded", {"value": 7}))["result"] == {"echo": 7}

    # A new connection after both left still gets a fresh, working session.
    async with connect(url) as socket_c:
        c = Client(socket_c)
        await c.initialize()
        assert (await c.request("test/whoami", {}))["result"]["session"] not in (
            session_a,
            session_b,
        )


async def test_malformed_frames_are_answered_not_fatal(url):
    async with connect(url) as socket:
        client = Client(socket)
        await client.initialize()

        await socket.send("{this is not json")
        error = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert error["error"]["code"] == -32700 and error["id"] is None

        await socket.send(json.dumps([1, 2, 3]))
        error = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert error["error"]["code"] == -32600

        await socket.send(b"\xff\xfe binary garbage")
        error = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert error["error"]["code"] == -32700

        # Wrongly shaped params for a known method get an error reply for that id.
        reply = await client.request("textDocument/hover", {"position": "nowhere"})
        assert "error" in reply

        reply = await client.request("no/such/method", {})
        assert reply["error"]["code"] == -32601

        assert (await client.request("test/whoami", {}))["result"]["session"] > 0


async def test_exit_ends_only_that_session(url):
    async with connect(url) as socket_a, connect(url) as socket_b:
        a, b = Client(socket_a), Client(socket_b)
        await asyncio.gather(a.initialize(), b.initialize())
        assert (await a.request("shutdown"))["result"] is None
        await a.notify("exit")
        await asyncio.wait_for(socket_a.wait_closed(), 5)
        assert (await b.request("test/whoami", {}))["result"]["session"] > 0


async def test_requests_after_shutdown_are_refused(url):
    async with connect(url) as socket:
        client = Client(socket)
        await client.initialize()
        assert (await client.request("shutdown"))["result"] is None
        reply = await client.request("test/whoami", {})
        assert reply["error"]["code"] == -32600


async def test_process_request_can_answer_plain_http():
    from websockets.datastructures import Headers
    from websockets.http11 import Response

    def process_request(connection, request):
        if request.path == "/hello":
            return Response(200, "OK", Headers({"Content-Type": "text/plain"}), b"hi")
        return None

    ready = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        ws.serve(
            "127.0.0.1",
            0,
            tiny_server,
            guard=Guard.create(TOKEN, allow_no_origin=True, public=lambda path: path == "/hello"),
            process_request=process_request,
            on_ready=lambda s: ready.set_result(s),
        )
    )
    port = ws.bound_port(await asyncio.wait_for(ready, 5))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /hello HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n".encode())
    head = await asyncio.wait_for(reader.read(4096), 5)
    writer.close()
    assert head.startswith(b"HTTP/1.1 200") and head.endswith(b"hi")
    async with connect(f"ws://127.0.0.1:{port}/lsp", additional_headers={"Authorization": f"Bearer {TOKEN}"}) as socket:
        assert (await Client(socket).initialize())["result"]["serverInfo"]["name"] == "tiny"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_without_a_guard_nobody_gets_in():
    """ws.serve with no guard uses a random token nobody knows: never an open server."""
    ready = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(ws.serve("127.0.0.1", 0, tiny_server, on_ready=lambda s: ready.set_result(s)))
    port = ws.bound_port(await asyncio.wait_for(ready, 5))
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"ws://127.0.0.1:{port}/"):
            pass
    assert refused.value.response.status_code == 401
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_session_end_calls_close_session():
    closed = asyncio.Event()

    def factory():
        server = tiny_server()
        server.close_session = closed.set
        return server

    ready = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(ws.serve("127.0.0.1", 0, factory, guard=Guard.create(TOKEN, allow_no_origin=True),
                                        on_ready=lambda s: ready.set_result(s)))
    port = ws.bound_port(await asyncio.wait_for(ready, 5))
    async with connect(f"ws://127.0.0.1:{port}/?token={TOKEN}") as socket:
        await Client(socket).initialize()
        assert not closed.is_set()
    await asyncio.wait_for(closed.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
