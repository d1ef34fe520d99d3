"""The /voice protocol: the session on its own (start validation, frames, order of messages,
rate limit, masking, modes) and mounted on a real hypercode-web (token, Origin, a client that
leaves mid-utterance)."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from editor_web import server as web
from hypercode_voice import synth
from hypercode_voice.endpoint import MAX_FRAME_BYTES, VoiceSession, VoiceSettings, mask
from lsp_server import ws

URI = "file:///voice.hc"
DOCUMENT = "total_price = 5\nprint(total_price)\n"
START = {"type": "start", "sample_rate": 16000, "encoding": "pcm16le", "uri": URI, "mode": "command",
         "text": DOCUMENT}
needs_speech = pytest.mark.skipif(not synth.available(), reason="espeak-ng and sox are Debian packages "
                                  "the Makefile installs")


class Client:
    def __init__(self, settings: VoiceSettings | None = None):
        self.received: list[dict] = []
        self.session = VoiceSession(self._send, settings or VoiceSettings())

    async def _send(self, message: dict) -> None:
        self.received.append(message)

    async def text(self, message) -> list[dict]:
        before = len(self.received)
        await self.session.on_text(message if isinstance(message, str) else json.dumps(message))
        return self.received[before:]

    async def audio(self, pcm: bytes, frame: int = 640) -> list[dict]:
        before = len(self.received)
        for i in range(0, len(pcm), frame):
            await self.session.on_audio(pcm[i:i + frame])
        return self.received[before:]


def types(messages):
    return [m["type"] for m in messages]


# ------------------------------------------------------------------ start and frames

@pytest.mark.parametrize("change, words", [
    ({"sample_rate": 22050}, "sample rate must be 16000, 44100 or 48000"),
    ({"sample_rate": "16000"}, "sample rate"),
    ({"encoding": "float32"}, "pcm16le"),
    ({"uri": ""}, "needs \"uri\""),
    ({"mode": "shouting"}, "command, spell or dictation"),
    ({"text": 42}, "\"text\""),
])
async def test_a_bad_start_is_refused_clearly(change, words):
    client = Client()
    replies = await client.text({**START, **change})
    assert types(replies) == ["error"]
    assert words in replies[0]["message"]
    assert types(await client.audio(b"\0" * 640)) == ["error"]        # still not started


async def test_messages_must_be_json_objects_with_a_type():
    client = Client()
    for raw in ("not json", "[1, 2]", json.dumps({"kind": "start"}), json.dumps({"type": "dance"})):
        replies = await client.text(raw)
        assert types(replies) == ["error"], raw
    assert "start message first" in (await client.text({"type": "say", "text": "run program"}))[0]["message"]


async def test_start_then_listening():
    client = Client()
    assert await client.text(START) == [{"type": "listening", "mode": "command"}]


async def test_an_oversized_frame_is_refused_and_the_session_goes_on():
    client = Client()
    await client.text(START)
    replies = await client.audio(b"\0" * (MAX_FRAME_BYTES + 2), frame=MAX_FRAME_BYTES + 2)
    assert types(replies) == ["error"]
    assert f"at most {MAX_FRAME_BYTES} bytes" in replies[0]["message"]
    replies = await client.text({"type": "say", "text": "run program"})
    assert types(replies) == ["heard", "command"]


async def test_heard_comes_before_the_command_and_the_edit_is_on_the_current_text():
    client = Client()
    await client.text(START)
    await client.text({"type": "document", "text": "x = 1\n", "cursor": {"line": 1, "character": 0}})
    replies = await client.text({"type": "say", "text": "define function area with width"})
    assert types(replies) == ["heard", "command"]
    assert replies[0]["text"] == "define function area with width" and replies[0]["unsure"] is False
    edit = replies[1]["edit"]["changes"][URI]
    assert edit == [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                     "newText": "\ndef area(width):\n    pass\n"}]


async def test_refused_and_not_understood():
    client = Client()
    await client.text(START)
    replies = await client.text({"type": "say", "text": "go to function volume"})
    assert types(replies) == ["heard", "error"]
    assert replies[1]["message"] == "There is no function called 'volume' in this file."
    replies = await client.text({"type": "say", "text": "sing me a song"})
    assert types(replies) == ["heard", "not_understood"]
    assert replies[1]["suggestions"] and replies[1]["message"]


async def test_rate_limit_is_calm_and_nothing_runs_beyond_it():
    client = Client(VoiceSettings(rate_limit=3))
    await client.text(START)
    for _ in range(3):
        assert types(await client.text({"type": "say", "text": "top of file"})) == ["heard", "command"]
    replies = await client.text({"type": "say", "text": "top of file"})
    assert types(replies) == ["heard", "error"]
    assert replies[1]["code"] == "rate_limited"
    assert "nothing was changed" in replies[1]["message"]


def test_masking():
    assert mask("print shit now", frozenset({"shit"})) == "print s*** now"
    assert mask("Shit happens", frozenset({"shit"})) == "S*** happens"
    assert mask("clean", frozenset()) == "clean"


async def test_transcripts_are_masked_before_they_are_shown():
    client = Client(VoiceSettings(masked_words=frozenset({"banana"})))
    await client.text(START)
    replies = await client.text({"type": "say", "text": "print banana"})
    assert replies[0]["text"] == "print b*****"


async def test_modes():
    client = Client()
    await client.text(START)
    replies = await client.text({"type": "say", "text": "spell mode"})
    assert types(replies) == ["heard", "command", "listening"]
    assert replies[2]["mode"] == "spell"
    replies = await client.text({"type": "say", "text": "t o t a l"})
    assert types(replies) == ["heard", "command"]
    assert replies[1]["name"] == "type_text" and replies[1]["args"] == {"text": "total"}
    replies = await client.text({"type": "say", "text": "command mode"})
    assert replies[-1] == {"type": "listening", "mode": "command"}


async def test_dictation_without_a_service_says_so():
    client = Client(VoiceSettings(stt_url=None))
    await client.text(START)
    replies = await client.text({"type": "mode", "mode": "dictation"})
    assert types(replies) == ["error", "listening"]
    assert "HYPERCODE_STT_URL" in replies[0]["message"] and "spell" in replies[0]["message"]
    assert replies[1]["mode"] == "command"


class _Transcriptions(BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append((self.path, b"RIFF" in body and b"WAVE" in body))
        reply = json.dumps({"text": "hello there"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


@needs_speech
async def test_dictation_through_an_openai_compatible_service():
    service = HTTPServer(("127.0.0.1", 0), _Transcriptions)
    thread = threading.Thread(target=service.serve_forever, daemon=True)
    thread.start()
    try:
        client = Client(VoiceSettings(stt_url=f"http://127.0.0.1:{service.server_port}"))
        await client.text({**START, "text": "x = \n", "cursor": {"line": 0, "character": 4}})
        assert (await client.text({"type": "mode", "mode": "dictation"}))[-1]["mode"] == "dictation"
        replies = await client.audio(synth.speak("hello there"))
        assert types(replies)[-2:] == ["heard", "command"]
        assert replies[-1]["name"] == "type_text" and replies[-1]["args"] == {"text": "hello there"}
        assert _Transcriptions.seen[-1] == ("/v1/audio/transcriptions", True)
    finally:
        service.shutdown()


@needs_speech
async def test_stop_finishes_an_open_utterance():
    client = Client()
    await client.text(START)
    pcm = synth.speak("run program", tail_silence=0.0)
    replies = await client.audio(pcm)
    assert "command" not in types(replies)
    replies = await client.text({"type": "stop"})
    assert types(replies)[-3:] == ["heard", "command", "stopped"]
    assert replies[-2]["name"] == "run"


# ------------------------------------------------------------------ on hypercode-web

TOKEN = "voice-test-token"


@pytest.fixture
async def port():
    from lsp_server.server import create_server
    ready = asyncio.get_running_loop().create_future()
    table = web.routes(create_server)
    task = asyncio.create_task(web.serve("127.0.0.1", 0, create_server, web.make_guard(table, TOKEN),
                                         table=table, on_ready=lambda s: ready.set_result(s)))
    yield ws.bound_port(await asyncio.wait_for(ready, 5))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_socket_needs_the_token(port):
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"ws://127.0.0.1:{port}/voice", origin=f"http://127.0.0.1:{port}"):
            pass
    assert refused.value.response.status_code == 401


async def test_the_socket_refuses_a_foreign_origin(port):
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"ws://127.0.0.1:{port}/voice?token={TOKEN}", origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 403


async def test_the_page_can_talk_and_a_client_may_leave_mid_utterance(port):
    url, origin = f"ws://127.0.0.1:{port}/voice?token={TOKEN}", f"http://127.0.0.1:{port}"
    async with connect(url, origin=origin) as socket:
        await socket.send(json.dumps({**START, "sample_rate": 48000}))
        assert json.loads(await asyncio.wait_for(socket.recv(), 30)) == {"type": "listening", "mode": "command"}
        if synth.available():
            half = synth.speak("define function area with width and height", rate=48000)
            for i in range(0, len(half) // 2, 1920):
                await socket.send(half[i:i + 1920])
    # The server is still there for the next client, and answers it properly.
    async with connect(url, origin=origin) as socket:
        await socket.send(json.dumps(START))
        assert json.loads(await asyncio.wait_for(socket.recv(), 30))["type"] == "listening"
        await socket.send(json.dumps({"type": "say", "text": "run program"}))
        heard = json.loads(await asyncio.wait_for(socket.recv(), 30))
        command = json.loads(await asyncio.wait_for(socket.recv(), 30))
        assert (heard["type"], command["type"], command["action"]) == ("heard", "command", {"kind": "run"})
        await socket.send(b"\0" * (MAX_FRAME_BYTES + 1))
        error = json.loads(await asyncio.wait_for(socket.recv(), 30))
        assert error["type"] == "error" and "at most" in error["message"]


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")   # its own httpx note
def test_the_starlette_adapter_speaks_the_same_protocol():
    """`hypercode-swarm serve` mounts `serve_starlette` at WS /voice (behind its own token check)."""
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute
    from starlette.testclient import TestClient

    from hypercode_voice.endpoint import serve_starlette

    app = Starlette(routes=[WebSocketRoute("/voice", serve_starlette)])
    with TestClient(app) as client, client.websocket_connect("/voice") as socket:
        socket.send_text(json.dumps({**START, "sample_rate": 8000}))
        assert "sample rate" in socket.receive_json()["message"]
        socket.send_text(json.dumps(START))
        assert socket.receive_json() == {"type": "listening", "mode": "command"}
        socket.send_bytes(b"\0" * 3200)
        socket.send_text(json.dumps({"type": "say", "text": "top of file"}))
        assert socket.receive_json()["type"] == "heard"
        command = socket.receive_json()
        assert (command["name"], command["action"]["kind"]) == ("top_of_file", "move")
