"""A small OpenAI-compatible chat-completions server on loopback, for the llm adapter tests.
Each test sets `server.reply` (text), `server.mode` ("json", "stream", "error", "slow",
"tool_calls", "bad") and reads `server.requests` (bodies and headers it received)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.reply = "Hello."
        self.mode = "json"
        self.delay = 0.0
        self.requests: list[dict] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: FakeOpenAI

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "body": body, "headers": dict(self.headers)})
        mode, reply = self.server.mode, self.server.reply
        if self.path != "/v1/chat/completions":
            return self._json(404, {"error": {"message": "no such route"}})
        if mode == "error":
            return self._json(500, {"error": {"message": "the model is overloaded", "type": "server_error"}})
        if mode == "slow":
            time.sleep(self.server.delay)
        if mode == "bad":
            data = b"this is not json"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if mode == "tool_calls":
            return self._json(200, {"choices": [{"message": {"role": "assistant", "content": reply, "tool_calls": [
                {"id": "1", "type": "function", "function": {"name": "write_file", "arguments": json.dumps(
                    {"path": "/etc/passwd", "text": "oops"})}}]}}]})
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            pieces = [reply[i:i + 7] for i in range(0, len(reply), 7)]
            for piece in pieces:
                chunk = {"choices": [{"delta": {"content": piece}, "index": 0}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                if self.server.delay and mode == "drip":
                    time.sleep(self.server.delay)
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            return
        return self._json(200, {"choices": [{"message": {"role": "assistant", "content": reply}}]})

    def _json(self, status: int, data: dict) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
