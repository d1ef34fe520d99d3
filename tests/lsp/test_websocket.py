"""`hypercode-lsp --ws HOST:PORT`: one isolated session per connection, and the server keeps
serving when a client leaves."""

import asyncio
import itertools
import json
import re
import sys

import pytest
from websockets.asyncio.client import connect


class WsClient:
    def __init__(self, socket):
        self.socket = socket
        self.ids = itertools.count(1)
        self.notifications = []

    async def request(self, method, params=None, timeout=15):
        msg_id = next(self.ids)
        await self.socket.send(json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if message.get("id") == msg_id and "method" not in message:
                return message
            if "method" in message and "id" in message:      # a request from the server: answer it
                await self.socket.send(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": None}))
            else:
                self.notifications.append(message)

    async def notify(self, method, params):
        await self.socket.send(json.dumps({"jsonrpc": "2.0", "method": method, "params": params}))

    async def start(self):
        reply = await self.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        assert reply["result"]["serverInfo"]["name"] == "hypercode-lsp"
        await self.notify("initialized", {})

    async def open(self, uri, text):
        await self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "hypercode", "version": 1, "text": text}})

    async def diagnostics(self, uri):
        reply = await self.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        return [d["code"] for d in reply["result"]["items"]]


@pytest.fixture
async def ws_server():
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "lsp_server", "--ws", "127.0.0.1:0", stderr=asyncio.subprocess.PIPE)
    line = (await asyncio.wait_for(process.stderr.readline(), 30)).decode()
    yield re.search(r"ws://127\.0\.0\.1:\d+/\?token=\S+", line).group(0)   # the printed URL has the token
    process.terminate()
    await process.wait()


@pytest.mark.asyncio(loop_scope="function")
async def test_two_clients_at_once_then_one_leaves(ws_server):
    async with connect(ws_server) as a_socket, connect(ws_server) as b_socket:
        a, b = WsClient(a_socket), WsClient(b_socket)
        await asyncio.gather(a.start(), b.start())
        await a.open("untitled:a.hc", "print(nope)\n")
        await b.open("untitled:b.hc", "x = 1\nprint(x)\n")
        assert await a.diagnostics("untitled:a.hc") == ["HC1001"]
        assert await b.diagnostics("untitled:b.hc") == []
        # sessions are isolated: b never saw a's document
        hover = await b.request("textDocument/hover", {"textDocument": {"uri": "untitled:a.hc"},
                                                       "position": {"line": 0, "character": 1}})
        assert hover.get("result") is None
        await a_socket.close()
        await b.notify("textDocument/didChange", {
            "textDocument": {"uri": "untitled:b.hc", "version": 2},
            "contentChanges": [{"range": {"start": {"line": 1, "character": 6},
                                          "end": {"line": 1, "character": 7}}, "text": "y"}]})
        assert await b.diagnostics("untitled:b.hc") == ["HC1001"]
        explained = await b.request("hypercode/explain", {"code": "HC1001"})
        assert explained["result"]["title"] == "Unknown name"
    async with connect(ws_server) as c_socket:        # and new clients are still welcome
        c = WsClient(c_socket)
        await c.start()
        await c.open("untitled:c.hc", "print(1)\n")
        assert await c.diagnostics("untitled:c.hc") == []
