"""The stdio language server can't be made deaf: each malformed framing case gets -32700 and the
server resynchronises, so the valid request sent right after is still answered. Unknown methods
get -32601, cancelled requests -32800, requests after shutdown -32600, and `exit` ends the process
with 1 (0 after shutdown)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]


def frame(payload: dict | bytes | str) -> bytes:
    body = payload if isinstance(payload, bytes) else (
        payload.encode() if isinstance(payload, str) else json.dumps(payload).encode())
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def request(msg_id, method, params=None) -> dict:
    return {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}


class Stdio:
    """A raw client: bytes in, framed messages out."""

    def __init__(self, process):
        self.process = process
        self.messages: list[dict] = []

    async def send(self, data: bytes) -> None:
        self.process.stdin.write(data)
        await self.process.stdin.drain()

    async def read_message(self, timeout=30) -> dict:
        reader = self.process.stdout
        length = None
        while True:
            line = await asyncio.wait_for(reader.readline(), timeout)
            if not line:
                raise EOFError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(await asyncio.wait_for(reader.readexactly(length), timeout))

    async def wait_for(self, predicate, timeout=30) -> dict:
        for message in self.messages:
            if predicate(message):
                self.messages.remove(message)
                return message
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            message = await self.read_message(max(0.1, deadline - loop.time()))
            if "method" in message and "id" in message:     # a request from the server: answer it
                await self.send(frame({"jsonrpc": "2.0", "id": message["id"], "result": None}))
                continue
            if predicate(message):
                return message
            self.messages.append(message)

    async def reply(self, msg_id, timeout=30) -> dict:
        return await self.wait_for(lambda m: m.get("id") == msg_id and "method" not in m, timeout)

    async def parse_error(self, timeout=30) -> dict:
        return await self.wait_for(lambda m: m.get("error", {}).get("code") == -32700, timeout)

    async def call(self, msg_id, method, params=None) -> dict:
        await self.send(frame(request(msg_id, method, params)))
        return await self.reply(msg_id)


@pytest.fixture
async def lsp():
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "lsp_server", cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    client = Stdio(process)
    reply = await client.call(0, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    assert reply["result"]["serverInfo"]["name"] == "hypercode-lsp"
    await client.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    yield client
    if process.returncode is None:
        process.kill()
    await process.wait()


async def still_answers(client: Stdio, msg_id=99) -> None:
    reply = await client.call(msg_id, "hypercode/explain", {"code": "HC1001"})
    assert reply["result"]["code"] == "HC1001"


VALID = json.dumps(request(1, "hypercode/explain", {"code": "HC1001"})).encode()

MALFORMED = {
    "garbage before a header": b"hello there\r\n\r\n",
    "content-length too short": b"Content-Length: 10\r\n\r\n" + VALID,
    "content-length too long": b"Content-Length: %d\r\n\r\n" % (len(VALID) + 500) + VALID,
    "content-length not a number": b"Content-Length: twelve\r\n\r\n" + VALID,
    "content-length negative": b"Content-Length: -5\r\n\r\n" + VALID,
    "content-length huge": b"Content-Length: 99999999999\r\n\r\n" + VALID,
    "header without colon": b"Content-Length: 5\r\nX-Broken\r\n\r\n{}{}{",
    "header without content-length": b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + VALID,
    "invalid utf-8 body": frame(b'{"jsonrpc": "2.0", "id": 5, "method": "\xff\xfe"}'),
    "malformed json body": frame(b'{"jsonrpc": "2.0", "id": 5, "method": '),
    "nul bytes": b"\x00" * 64,
    "json nested too deep": frame(b"[" * 100000 + b"]" * 100000),
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
async def test_malformed_framing_gets_parse_error_and_the_server_resynchronises(lsp, data):
    await lsp.send(data)
    await lsp.send(frame(request(7, "hypercode/explain", {"code": "HC2001"})))
    error = await lsp.parse_error()
    assert error["id"] is None and error["jsonrpc"] == "2.0"
    assert (await lsp.reply(7))["result"]["code"] == "HC2001"
    await still_answers(lsp)


async def test_a_body_that_never_arrives_is_answered_not_waited_for_forever(lsp):
    await lsp.send(b"Content-Length: 5000\r\n\r\n" + VALID)
    error = await lsp.parse_error(timeout=60)       # after BODY_WAIT_SECONDS of silence
    assert "shorter than its Content-Length" in error["error"]["message"]
    await still_answers(lsp)


async def test_one_write_split_byte_by_byte_is_still_read(lsp):
    for byte in frame(request(3, "hypercode/explain", {"code": "HC1001"})):
        await lsp.send(bytes([byte]))
    assert (await lsp.reply(3))["result"]["code"] == "HC1001"


async def test_many_messages_in_one_write_are_all_answered(lsp):
    await lsp.send(b"".join(frame(request(i, "hypercode/explain", {"code": "HC1001"})) for i in range(10, 15)))
    for i in range(10, 15):
        assert (await lsp.reply(i))["result"]["code"] == "HC1001"


async def test_a_document_that_mentions_content_length_is_not_mistaken_for_a_header(lsp):
    text = 'print("Content-Length: 5")\n# Content-Length: 12\r\n\r\n{}\n'
    uri = "untitled:sneaky.hc"
    await lsp.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "hypercode", "version": 1, "text": text}}}))
    reply = await lsp.call(5, "textDocument/foldingRange", {"textDocument": {"uri": uri}})
    assert "result" in reply
    assert not [m for m in lsp.messages if m.get("error", {}).get("code") == -32700]


async def test_lenient_headers_are_read(lsp):
    """Header names in any case, LF-only line ends, and a Content-Type line first."""
    body = json.dumps(request(4, "hypercode/explain", {"code": "HC1001"})).encode()
    await lsp.send(b"content-type: application/vscode-jsonrpc; charset=utf-8\ncontent-length: %d\n\n" % len(body) + body)
    assert (await lsp.reply(4))["result"]["code"] == "HC1001"


@pytest.mark.parametrize("payload", [[1, 2, 3], '"just a string"', 42, {"id": 6, "method": "x"},
                                     {"jsonrpc": "1.0", "id": 6, "method": "x"}])
async def test_not_a_json_rpc_object_is_invalid_request(lsp, payload):
    await lsp.send(frame(payload))
    error = await lsp.wait_for(lambda m: m.get("error", {}).get("code") == -32600)
    assert error["id"] in (None, 6)
    await still_answers(lsp)


async def test_unknown_method_is_method_not_found(lsp):
    reply = await lsp.call(8, "no/such/method", {})
    assert reply["error"]["code"] == -32601
    await lsp.send(frame({"jsonrpc": "2.0", "method": "no/such/notification", "params": {}}))
    await still_answers(lsp)


async def test_cancel_request_answers_request_cancelled(lsp):
    uri = "untitled:spin.hc"
    await lsp.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "hypercode", "version": 1, "text": "n = 0\nwhile True:\n    n += 1\n"}}}))
    await lsp.send(frame(request(20, "hypercode/run", {"uri": uri, "timeout": 60})))
    await asyncio.sleep(1.0)
    await lsp.send(frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 20}}))
    reply = await lsp.reply(20, timeout=20)
    assert reply.get("error", {}).get("code") == -32800, reply
    await still_answers(lsp)


async def test_requests_after_shutdown_are_refused_and_exit_is_zero(lsp):
    assert (await lsp.call(30, "shutdown"))["result"] is None
    reply = await lsp.call(31, "hypercode/explain", {"code": "HC1001"})
    assert reply["error"]["code"] == -32600 and "shutting down" in reply["error"]["message"]
    await lsp.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert await asyncio.wait_for(lsp.process.wait(), 20) == 0


async def test_exit_without_shutdown_exits_one(lsp):
    await lsp.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert await asyncio.wait_for(lsp.process.wait(), 20) == 1


async def test_end_of_input_ends_the_server(lsp):
    lsp.process.stdin.close()
    assert await asyncio.wait_for(lsp.process.wait(), 20) == 1


def test_framer_recovers_from_every_case_in_any_chunking():
    from lsp_server.transport import Framer
    valid = frame(request(1, "x"))
    for name, bad in MALFORMED.items():
        for size in (1, 7, 4096):
            framer, frames = Framer(), []
            data = bad + valid
            for start in range(0, len(data), size):
                frames += framer.feed(data[start:start + size])
            bodies = [f.body for f in frames if f.problem is None]
            assert bodies and bodies[-1] == valid.split(b"\r\n\r\n", 1)[1], (name, size, frames[-3:])


@given(st.binary(max_size=300).filter(lambda b: b":" not in b), st.integers(1, 64))
@settings(max_examples=200, deadline=None)
def test_framer_finds_the_next_message_after_any_junk(junk, chunk):
    from lsp_server.transport import Framer
    valid = frame(request(1, "x"))
    framer, frames, data = Framer(), [], junk + valid
    for start in range(0, len(data), chunk):
        frames += framer.feed(data[start:start + chunk])
    bodies = [f.body for f in frames if f.problem is None]
    assert bodies[-1:] == [valid.split(b"\r\n\r\n", 1)[1]]
