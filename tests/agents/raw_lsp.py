"""A raw LSP client for the agent tests: JSON-RPC over the real server's stdio, no client library.
It answers the server's requests (progress tokens, applyEdit, configuration) and records every
notification, so a test sees exactly what an editor would."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class RawClient:
    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process
        self.next_id = 0
        self.pending: dict[int, asyncio.Future] = {}
        self.notifications: list[dict] = []
        self.server_requests: list[dict] = []
        self.apply_edit_reply = {"applied": True}
        self.reader = asyncio.ensure_future(self._read())
        self.changed = asyncio.Event()

    @classmethod
    async def start(cls, env: dict, workspace: Path) -> "RawClient":
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "lsp_server", cwd=str(ROOT), env={**os.environ, **env},
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        client = cls(process)
        client.workspace = workspace
        return client

    # -------------------------------------------------------------- wire
    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)

    async def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = await stream.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.lower()] = value.strip()
            body = await stream.readexactly(int(headers["content-length"]))
            self._dispatch(json.loads(body))

    def _dispatch(self, message: dict) -> None:
        if "id" in message and "method" not in message:
            future = self.pending.pop(message["id"], None)
            if future is not None and not future.done():
                future.set_result(message)
            return
        if "id" in message:                      # a request from the server
            self.server_requests.append(message)
            self._send({"id": message["id"], "result": self._answer(message)})
        else:
            self.notifications.append(message)
        self.changed.set()

    def _answer(self, message: dict):
        method = message["method"]
        if method == "workspace/applyEdit":
            return self.apply_edit_reply
        if method == "workspace/configuration":
            return [{} for _ in message["params"]["items"]]
        return None

    # -------------------------------------------------------------- API
    async def request(self, method: str, params, timeout: float = 60.0) -> dict:
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        self._send({"id": self.next_id, "method": method, "params": params})
        return await asyncio.wait_for(future, timeout)

    def notify(self, method: str, params) -> None:
        self._send({"method": method, "params": params})

    async def initialize(self, capabilities: dict | None = None) -> dict:
        caps = capabilities if capabilities is not None else {
            "window": {"workDoneProgress": True},
            "workspace": {"applyEdit": True, "workspaceEdit": {"documentChanges": True,
                                                             "resourceOperations": ["create"]}},
            "textDocument": {"codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                "quickfix", "refactor", "refactor.rewrite", "source"]}}}},
        }
        reply = await self.request("initialize", {"processId": None, "rootUri": self.workspace.as_uri(),
                                                  "capabilities": caps})
        self.notify("initialized", {})
        return reply["result"]

    async def open(self, uri: str, text: str) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "hypercode",
                                                              "version": 1, "text": text}})
        await self.wait_for(lambda: any(n["method"] == "textDocument/publishDiagnostics"
                                        and n["params"]["uri"] == uri for n in self.notifications))

    async def wait_for(self, predicate, timeout: float = 60.0):
        async def loop():
            while True:
                found = predicate()
                if found:
                    return found
                self.changed.clear()
                await self.changed.wait()
        return await asyncio.wait_for(loop(), timeout)

    def of_method(self, method: str) -> list[dict]:
        return [n["params"] for n in self.notifications if n["method"] == method]

    async def stop(self) -> None:
        try:
            await self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            await asyncio.wait_for(self.process.wait(), 10)
        except (asyncio.TimeoutError, ConnectionError):
            pass
        finally:
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()
            self.reader.cancel()
