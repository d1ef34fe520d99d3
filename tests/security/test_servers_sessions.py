"""A language-server session reads only what it may: the documents its client opened and the
.hc files inside the workspace folders it declared. Everything else is a JSON-RPC error that
quotes nothing from the file; workspace scans are bounded and never stall the session."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time

import pytest
from websockets.asyncio.client import connect

from lsp_server import guard, ws, workspace
from lsp_server.server import create_server

TOKEN = "session-test-token"
SECRET = "TOP_SECRET_VALUE_7f3a"


class Client:
    def __init__(self, socket):
        self.socket = socket
        self.ids = itertools.count(1)

    async def request(self, method, params=None, timeout=30):
        msg_id = next(self.ids)
        await self.socket.send(json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if message.get("id") == msg_id and "method" not in message:
                return message
            if "method" in message and "id" in message:     # a request from the server
                await self.socket.send(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": None}))

    async def notify(self, method, params):
        await self.socket.send(json.dumps({"jsonrpc": "2.0", "method": method, "params": params}))

    async def start(self, root):
        folders = [{"uri": root, "name": "ws"}] if root else None
        reply = await self.request("initialize", {"processId": None, "rootUri": root,
                                                  "workspaceFolders": folders, "capabilities": {}})
        assert "result" in reply
        await self.notify("initialized", {})


@pytest.fixture
async def url():
    ready = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(ws.serve("127.0.0.1", 0, create_server,
                                        guard=guard.Guard.create(TOKEN, allow_no_origin=True),
                                        on_ready=lambda s: ready.set_result(s)))
    port = ws.bound_port(await asyncio.wait_for(ready, 10))
    yield f"ws://127.0.0.1:{port}/?token={TOKEN}"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "helpers.hc").write_text("def greet(name):\n    return name\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.hc").write_text(f"{SECRET} = 1\nprint({SECRET})\n", encoding="utf-8")
    (root / "leak.hc").symlink_to(outside / "secret.hc")
    (root / "linked_dir").symlink_to(outside, target_is_directory=True)
    return root, outside


async def session(url, root):
    socket = await connect(url, max_size=None)
    client = Client(socket)
    await client.start(root.as_uri() if root else None)
    return socket, client


REQUESTS = [
    ("hypercode/run", lambda uri: {"uri": uri}),
    ("textDocument/formatting", lambda uri: {"textDocument": {"uri": uri},
                                             "options": {"tabSize": 4, "insertSpaces": True}}),
    ("textDocument/documentSymbol", lambda uri: {"textDocument": {"uri": uri}}),
    ("textDocument/diagnostic", lambda uri: {"textDocument": {"uri": uri}}),
    ("textDocument/hover", lambda uri: {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}}),
    ("textDocument/foldingRange", lambda uri: {"textDocument": {"uri": uri}}),
]


@pytest.mark.parametrize("method, params", REQUESTS, ids=[m for m, _ in REQUESTS])
async def test_unopened_etc_passwd_is_an_error_that_quotes_nothing(url, tree, method, params):
    socket, client = await session(url, tree[0])
    async with socket:
        reply = await client.request(method, params("file:///etc/passwd"))
        assert reply["error"]["code"] == workspace.OutsideWorkspace.CODE
        assert "file:///etc/passwd" in reply["error"]["message"]
        assert "root:" not in json.dumps(reply)


@pytest.mark.parametrize("method, params", REQUESTS[:3], ids=[m for m, _ in REQUESTS[:3]])
async def test_a_file_outside_the_workspace_is_refused(url, tree, method, params):
    root, outside = tree
    socket, client = await session(url, root)
    async with socket:
        reply = await client.request(method, params((outside / "secret.hc").as_uri()))
        assert reply["error"]["code"] == workspace.OutsideWorkspace.CODE
        assert SECRET not in json.dumps(reply)


@pytest.mark.parametrize("name", ["leak.hc", "linked_dir/secret.hc", "../outside/secret.hc"])
async def test_symlinks_and_dot_dots_out_of_the_workspace_are_refused(url, tree, name):
    root, _ = tree
    socket, client = await session(url, root)
    async with socket:
        uri = root.as_uri() + "/" + name
        for method, params in REQUESTS[:3]:
            reply = await client.request(method, params(uri))
            assert "error" in reply, (method, reply)
            assert SECRET not in json.dumps(reply)


async def test_no_workspace_means_no_disk_reads(url, tree):
    root, _ = tree
    socket, client = await session(url, None)
    async with socket:
        reply = await client.request("textDocument/documentSymbol", {"textDocument": {"uri": (root / "helpers.hc").as_uri()}})
        assert reply["error"]["code"] == workspace.OutsideWorkspace.CODE


async def test_files_inside_the_workspace_and_opened_documents_still_work(url, tree):
    root, outside = tree
    socket, client = await session(url, root)
    async with socket:
        reply = await client.request("textDocument/documentSymbol", {"textDocument": {"uri": (root / "helpers.hc").as_uri()}})
        assert [s["name"] for s in reply["result"]] == ["greet"]
        # A document the client opened is its own text, wherever it claims to live.
        uri = (outside / "opened.hc").as_uri()
        await client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "hypercode", "version": 1, "text": "def mine():\n    return 1\n"}})
        reply = await client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        assert [s["name"] for s in reply["result"]] == ["mine"]


async def test_workspace_symbol_skips_links_out_of_the_workspace(url, tree):
    root, _ = tree
    socket, client = await session(url, root)
    async with socket:
        reply = await client.request("workspace/symbol", {"query": ""})
        names = {s["name"] for s in reply["result"]}
        assert "greet" in names and SECRET not in names


async def test_a_filesystem_root_workspace_answers_promptly_and_keeps_serving(url):
    socket = await connect(url)
    client = Client(socket)
    async with socket:
        await client.request("initialize", {"processId": None, "rootUri": "file:///",
                                            "workspaceFolders": [{"uri": "file:///", "name": "everything"}],
                                            "capabilities": {}})
        started = time.monotonic()
        scan = asyncio.ensure_future(client.request("workspace/symbol", {"query": "zz"}, timeout=60))
        await asyncio.sleep(0.2)
        # The scan runs off the event loop: a request sent meanwhile is answered meanwhile.
        socket2 = await connect(url)
        async with socket2:
            other = Client(socket2)
            await other.start(None)
            explained = await other.request("hypercode/explain", {"code": "HC1001"}, timeout=20)
            assert explained["result"]["code"] == "HC1001"
        reply = await scan
        assert isinstance(reply.get("result"), list)
        assert time.monotonic() - started < workspace.Budget().seconds + 15


def test_the_scan_budget_stops_a_huge_tree(tmp_path):
    for i in range(30):
        (tmp_path / f"m{i}.hc").write_text(f"v{i} = {i}\n", encoding="utf-8")
    (tmp_path / "big.hc").write_text("x = 1\n" * 1000, encoding="utf-8")
    import threading
    found = workspace.walk([tmp_path.resolve()], workspace.Budget(files=10), set(), threading.Event(),
                           lambda path, text: path)
    assert len(found.found) == 10 and "10 files" in found.stopped
    found = workspace.walk([tmp_path.resolve()], workspace.Budget(bytes=100), set(), threading.Event(),
                           lambda path, text: path)
    assert found.stopped and "MB" in found.stopped
    stop = threading.Event()
    stop.set()
    assert workspace.walk([tmp_path.resolve()], workspace.Budget(), set(), stop, lambda p, t: p).stopped == "cancelled"


def test_a_fifo_in_the_workspace_never_blocks(tmp_path):
    fifo = tmp_path / "pipe.hc"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert workspace._read_regular(str(fifo)) is None
    assert time.monotonic() - started < 5
