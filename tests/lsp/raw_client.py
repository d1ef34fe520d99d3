"""A bare JSON-RPC client over stdio for the real server: it says exactly the capabilities it is
given (nothing filled in by a library) and records every notification and the server's stderr."""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class RawClient:
    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process
        self.ids = itertools.count(1)
        self.notifications: list[dict] = []
        self.waiting: dict[int, asyncio.Future] = {}
        self.reader = asyncio.ensure_future(self._read())
        self.stderr = b""

    @classmethod
    async def start(cls, capabilities: dict, root: Path, initialization_options=None) -> "RawClient":
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "lsp_server", cwd=str(ROOT),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        client = cls(process)
        client.initialized = await client.request("initialize", {
            "processId": None, "rootUri": root.as_uri(), "capabilities": capabilities,
            "workspaceFolders": [{"uri": root.as_uri(), "name": "ws"}],
            "initializationOptions": initialization_options})
        await client.notify("initialized", {})
        return client

    async def _read(self) -> None:
        stream = self.process.stdout
        while True:
            header = await stream.readuntil(b"\r\n\r\n")
            length = int(header.decode().split("Content-Length:")[1].split("\r\n")[0])
            message = json.loads(await stream.readexactly(length))
            if "id" in message and "method" in message:           # a request from the server
                await self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                self.notifications.append(message)
            elif "id" in message:
                future = self.waiting.pop(message["id"], None)
                if future is not None and not future.done():
                    future.set_result(message)
            else:
                self.notifications.append(message)

    async def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await self.process.stdin.drain()

    async def request(self, method: str, params, timeout: float = 120) -> dict:
        """The whole response message (with `result` or `error`)."""
        msg_id = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.waiting[msg_id] = future
        await self._send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return await asyncio.wait_for(future, timeout)

    async def notify(self, method: str, params) -> None:
        await self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def open(self, uri: str, text: str, version: int = 1) -> None:
        await self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "hypercode", "version": version, "text": text}})

    def received(self, method: str) -> list[dict]:
        return [m for m in self.notifications if m.get("method") == method]

    async def stop(self) -> str:
        """Shut the server down; returns everything it wrote to stderr."""
        try:
            await self.request("shutdown", None, timeout=60)
            await self.notify("exit", None)
            await asyncio.wait_for(self.process.wait(), 60)
        except (asyncio.TimeoutError, ConnectionError):
            self.process.kill()
            await self.process.wait()
        finally:
            self.reader.cancel()
        self.stderr = await self.process.stderr.read()
        return self.stderr.decode(errors="replace")
