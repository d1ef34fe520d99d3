"""The `/voice` WebSocket (VOICE.md §3): audio in, "heard" and then the command out.

One `VoiceSession` per connection, independent of the transport: `serve_websocket` runs it on a
`websockets` connection (hypercode-web mounts it at `/voice` behind its Host/Origin/token guard),
and any other server can feed it text and bytes the same way.

Client → server
    {"type": "start", "sample_rate": 16000|44100|48000, "encoding": "pcm16le", "uri": URI,
     "mode": "command"|"spell"|"dictation", "text"?: DOCUMENT, "cursor"?: LSP POSITION}
    binary frames of PCM16 mono (at most MAX_FRAME_BYTES each)
    {"type": "document", "text": DOCUMENT, "cursor"?: POSITION}   the editor's current text
    {"type": "cursor", "cursor": POSITION}
    {"type": "say", "text": "go to line three"}    a chosen alternative, or a typed command
    {"type": "mode", "mode": ...} · {"type": "stop"}
Server → client
    listening · partial · heard · command · not_understood · error (VOICE.md §3), and
    {"type": "stopped"} after a stop.

The edit in a `command` is computed by `hypercode_voice.commands` on the document text the
editor last sent (the same text its language-server session holds), and "heard" is always sent
before it. Audio stays in memory: the session keeps only the current utterance (and only in
dictation mode, to send it to the speech-to-text service).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import time
from collections import deque
from dataclasses import dataclass, field

from . import messages

logger = logging.getLogger(__name__)

VOICE_PATH = "/voice"
SAMPLE_RATES = (16000, 44100, 48000)
ENCODINGS = ("pcm16le",)
MODES = ("command", "spell", "dictation")
# Commands the editor carries out without asking, however unsure (voice.js: modes, stop, answers).
NOT_ASKED = ("mode", "stop", "confirm", "dismiss")
MAX_FRAME_BYTES = 64 * 1024            # 0.68 s at 48 kHz; browsers send ~10 ms frames
MAX_TEXT_FRAME_BYTES = 4 * 2**20       # a whole document travels in `document`
MAX_UTTERANCE_SECONDS = 30
PARTIAL_EVERY_SECONDS = 0.25
DEFAULT_RATE_LIMIT = 100               # commands a minute, per connection
MASK_ENV = "HYPERCODE_VOICE_MASK"
DEFAULT_MASKED = ("fuck", "fucking", "shit", "bitch", "cunt", "bastard", "asshole")


@dataclass
class VoiceSettings:
    rate_limit: int = DEFAULT_RATE_LIMIT
    rate_window: float = 60.0
    masked_words: frozenset = field(default_factory=lambda: frozenset(DEFAULT_MASKED))
    stt_url: str | None = None

    @classmethod
    def from_env(cls) -> "VoiceSettings":
        from .recognizer import stt_url
        extra = {w.strip().lower() for w in os.environ.get(MASK_ENV, "").split(",") if w.strip()}
        return cls(masked_words=frozenset(DEFAULT_MASKED) | extra, stt_url=stt_url())


def mask(text: str, words: frozenset) -> str:
    """Each masked word becomes its first letter and stars ('d***')."""
    if not words or not text:
        return text
    return re.sub(r"[A-Za-z']+", lambda m: m.group(0)[0] + "*" * (len(m.group(0)) - 1)
                  if m.group(0).lower() in words else m.group(0), text)


class BadMessage(Exception):
    """A client message the protocol doesn't allow; the text says what to send instead."""


def validate_start(message: dict) -> dict:
    rate = message.get("sample_rate")
    if isinstance(rate, bool) or rate not in SAMPLE_RATES:
        raise BadMessage(f"The sample rate must be 16000, 44100 or 48000 (Hz); this start message says {rate!r}.")
    encoding = message.get("encoding")
    if encoding not in ENCODINGS:
        raise BadMessage(f"The audio must be 16-bit little-endian PCM (\"encoding\": \"pcm16le\"); "
                         f"this start message says {encoding!r}.")
    uri = message.get("uri")
    if not isinstance(uri, str) or not uri or len(uri) > 2048:
        raise BadMessage("The start message needs \"uri\": the document the commands are for.")
    mode = message.get("mode", "command")
    if mode not in MODES:
        raise BadMessage(f"\"mode\" must be command, spell or dictation; this start message says {mode!r}.")
    text = message.get("text", None)
    if text is not None and not isinstance(text, str):
        raise BadMessage("\"text\", when given, must be the document's text as a string.")
    return {"sample_rate": rate, "uri": uri, "mode": mode, "text": text, "cursor": message.get("cursor")}


class VoiceSession:
    """One client's voice session. `send(message)` is an async callable taking a dict."""

    def __init__(self, send, settings: VoiceSettings | None = None, recognizer_factory=None):
        self.send = send
        self.settings = settings or VoiceSettings.from_env()
        self._recognizer_factory = recognizer_factory
        self.recognizer = None
        self.started = False
        self.uri = ""
        self.mode = "command"
        self.text = ""
        self.cursor: dict | None = None
        self._names: list[str] | None = None
        self.conditioner = None
        self.utterances = None
        self._utterance_audio = bytearray()
        self._utterance_started = 0.0
        self._last_partial = ""
        self._last_partial_at = 0.0
        self._commands: deque[float] = deque()
        self.closed = False

    # ------------------------------------------------------------------ client → server
    async def on_text(self, raw: str) -> None:
        if len(raw) > MAX_TEXT_FRAME_BYTES:
            await self.error("That message is too large for the voice socket.")
            return
        try:
            message = json.loads(raw)
        except ValueError:
            await self.error("Voice messages are JSON objects like {\"type\": \"start\", …}.")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.error("Voice messages are JSON objects with a \"type\".")
            return
        kind = message["type"]
        handler = {"start": self._start, "document": self._document, "cursor": self._cursor,
                   "say": self._say, "mode": self._mode, "stop": self._stop}.get(kind)
        if handler is None:
            await self.error(f"Unknown message type {kind!r}. Send start, document, cursor, say, mode or stop.")
            return
        if kind != "start" and not self.started:
            await self.error("Send a start message first.")
            return
        try:
            await handler(message)
        except BadMessage as bad:
            await self.error(str(bad))

    async def on_audio(self, data: bytes) -> None:
        if not self.started:
            await self.error("Send a start message before audio.")
            return
        if len(data) > MAX_FRAME_BYTES:
            await self.error(f"That audio frame is {len(data)} bytes; a frame can be at most {MAX_FRAME_BYTES} "
                             "bytes (about half a second). Send smaller frames. This frame was not used.")
            return
        events = await asyncio.to_thread(self._process_audio, data)
        for event in events:
            if self.closed:
                return
            await self._event(event)

    async def close(self) -> None:
        """The client went away (maybe mid-utterance): drop the utterance, keep nothing."""
        self.closed = True
        if self.recognizer is not None:
            self.recognizer.cancel()
        self._utterance_audio = bytearray()

    # ------------------------------------------------------------------ messages
    async def _start(self, message: dict) -> None:
        from .dsp import Conditioner, Utterances
        start = validate_start(message)
        if self.recognizer is not None:
            self.recognizer.cancel()
        else:
            self.recognizer = await asyncio.to_thread(self._new_recognizer)
        self.uri = start["uri"]
        self.conditioner = Conditioner(start["sample_rate"])
        self.utterances = Utterances()
        self._utterance_audio = bytearray()
        if start["text"] is not None:
            await self._set_document(start["text"], start["cursor"])
        elif self._names is None:
            await self._set_document("", start["cursor"])
        self.started = True
        await self._enter_mode(start["mode"])

    def _new_recognizer(self):
        from .recognizer import Recognizer
        return (self._recognizer_factory or Recognizer)()

    async def _document(self, message: dict) -> None:
        text = message.get("text")
        if not isinstance(text, str):
            raise BadMessage("A document message needs \"text\": the document's text.")
        await self._set_document(text, message.get("cursor", self.cursor))

    async def _cursor(self, message: dict) -> None:
        cursor = message.get("cursor")
        if not isinstance(cursor, dict):
            raise BadMessage("A cursor message needs \"cursor\": {\"line\", \"character\"} (0-based).")
        self.cursor = cursor

    async def _set_document(self, text: str, cursor) -> None:
        self.text = text
        if isinstance(cursor, dict):
            self.cursor = cursor
        names = await asyncio.to_thread(self._names_and_grammar, text)
        self._names = names

    def _names_and_grammar(self, text: str) -> list[str]:
        from hypercode_lang.analysis.document import Document
        from .commands import document_names
        try:
            names = document_names(Document(text))
        except Exception:  # noqa: BLE001 - a document the analysis can't read just has no names
            logger.exception("Could not list the names of a document")
            names = []
        if self.recognizer is not None:
            self.recognizer.set_document(names)      # used from the next utterance on
            if not (self.utterances and self.utterances.in_speech):
                self.recognizer.prepare()              # compile now, not at the first word
        return names

    async def _say(self, message: dict) -> None:
        from .recognizer import Heard
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            raise BadMessage("A say message needs \"text\": the words of the command.")
        await self._understood(Heard(text.strip()[:500], 1.0))

    async def _mode(self, message: dict) -> None:
        mode = message.get("mode")
        if mode not in MODES:
            raise BadMessage("\"mode\" must be command, spell or dictation.")
        await self._enter_mode(mode)

    async def _stop(self, message: dict) -> None:
        if self.utterances is not None:
            for event in await asyncio.to_thread(self._finish_audio):
                await self._event(event)
        await self.send({"type": "stopped"})

    async def _enter_mode(self, mode: str) -> None:
        if mode == "dictation" and not self.settings.stt_url:
            await self.error(messages.NO_DICTATION)
            mode = self.mode if self.mode != "dictation" else "command"
        self.mode = mode
        if self.recognizer is not None:
            self.recognizer.set_mode("spell" if mode == "spell" else "command")
            await asyncio.to_thread(self.recognizer.prepare)
        await self.send({"type": "listening", "mode": mode})

    async def error(self, message: str, **extra) -> None:
        await self.send({"type": "error", "message": message, **extra})

    # ------------------------------------------------------------------ audio (worker thread)
    def _process_audio(self, data: bytes) -> list[tuple]:
        return self._segments(self.utterances.push(self.conditioner.push(data)))

    def _finish_audio(self) -> list[tuple]:
        tail = self.conditioner.push(b"", final=True)
        return self._segments(self.utterances.push(tail) + self.utterances.finish())

    def _segments(self, segments) -> list[tuple]:
        """Feed the recogniser; return the events to tell the client about."""
        events = []
        for segment in segments:
            if segment.kind == "start":
                self.recognizer.begin()
                self._utterance_audio = bytearray()
                self._utterance_started = time.monotonic()
                self._last_partial = ""
            elif segment.kind == "speech":
                self.recognizer.feed(segment.audio)
                if self.mode == "dictation":
                    self._utterance_audio += segment.audio
                if len(self._utterance_audio) > MAX_UTTERANCE_SECONDS * 32000:
                    self._utterance_audio = self._utterance_audio[-MAX_UTTERANCE_SECONDS * 32000:]
                now = time.monotonic()
                if now - self._last_partial_at >= PARTIAL_EVERY_SECONDS:
                    self._last_partial_at = now
                    partial = self.recognizer.partial()
                    if partial and partial != self._last_partial:
                        self._last_partial = partial
                        events.append(("partial", partial))
            elif segment.kind == "end":
                ended = time.monotonic()
                heard = self.recognizer.finish()
                audio, self._utterance_audio = bytes(self._utterance_audio), bytearray()
                events.append(("end", heard, audio, ended))
        return events

    async def _event(self, event: tuple) -> None:
        if event[0] == "partial":
            await self.send({"type": "partial", "text": mask(event[1], self.settings.masked_words)})
            return
        _, heard, audio, ended = event
        if self.mode == "dictation":
            await self._dictated(audio, heard, ended)
        else:
            await self._understood(heard, ended)

    # ------------------------------------------------------------------ understanding
    async def _understood(self, heard, ended: float | None = None) -> None:
        from . import commands
        from .spelling import spell
        if not heard.text:
            await self.send({"type": "not_understood", "text": "", "message": messages.NOTHING_HEARD,
                             "suggestions": commands.suggestions()})
            return
        if self.mode != "spell":
            names = commands.Names(self._names or [])
            heard = heard.first_that(lambda text: commands.parse(text, names) is not None)
        shown = heard.to_message()
        shown["text"] = mask(shown["text"], self.settings.masked_words)
        for alternative in shown["alternatives"]:
            alternative["text"] = mask(alternative["text"], self.settings.masked_words)
        await self.send(shown)
        if not await self._allowed():
            return
        parsed = commands.parse(heard.text, commands.Names(self._names or []), commands.MODE_COMMANDS)
        if self.mode == "spell" and parsed is None:
            letters = spell(commands.normalise_words(heard.text))
            if letters is None:
                await self.send({"type": "not_understood", "text": shown["text"], "message": messages.BAD_SPELLING,
                                 "suggestions": ["t o t a l", "tango oscar", "command mode"]})
                return
            result = commands.typed_text_message(letters, self.text, self.uri, self.cursor, f"Type '{letters}'")
        else:
            result = await asyncio.to_thread(commands.execute, heard.text, self.text, self.uri, self.cursor)
        await self._deliver(result, ended)
        await self._set_asking(heard.unsure and result.get("type") == "command"
                               and (result.get("action") or {}).get("kind") not in NOT_ASKED)

    async def _set_asking(self, asking: bool) -> None:
        """The editor asks "Did you say …?" before an unsure command: only then can the next
        utterance be "yes" or "no" (`grammar.ANSWERS`)."""
        if self.recognizer is not None and getattr(self.recognizer, "asking", asking) != asking:
            self.recognizer.set_asking(asking)
            if not (self.utterances and self.utterances.in_speech):
                await asyncio.to_thread(self.recognizer.prepare)

    async def _dictated(self, audio: bytes, heard, ended: float) -> None:
        from . import commands
        from .recognizer import DictationUnavailable, Heard, transcribe
        try:
            text = await transcribe(audio, self.settings.stt_url)
        except DictationUnavailable as problem:
            await self.error(str(problem))
            return
        if not text:
            await self.send({"type": "not_understood", "text": "", "message": messages.NOTHING_HEARD,
                             "suggestions": ["command mode"]})
            return
        await self.send(Heard(mask(text, self.settings.masked_words), 1.0).to_message())
        if not await self._allowed():
            return
        parsed = commands.parse(text, commands.Names(), commands.MODE_COMMANDS)
        if parsed is not None:
            result = commands.execute(text, self.text, self.uri, self.cursor)
        else:
            result = commands.typed_text_message(text, self.text, self.uri, self.cursor, "Dictate text")
        await self._deliver(result, ended)

    async def _deliver(self, result: dict, ended: float | None) -> None:
        if ended is not None:
            result["latency_ms"] = round((time.monotonic() - ended) * 1000, 2)
        if result.get("type") == "not_understood":
            result["text"] = mask(result["text"], self.settings.masked_words)
            result.setdefault("message", messages.NOT_UNDERSTOOD)
        await self.send(result)
        action = result.get("action") or {}
        if result.get("type") == "command" and action.get("kind") == "mode":
            await self._enter_mode(action["mode"])

    async def _allowed(self) -> bool:
        """Per-connection rate limit: beyond it, a calm error instead of the command."""
        now = time.monotonic()
        while self._commands and now - self._commands[0] > self.settings.rate_window:
            self._commands.popleft()
        if len(self._commands) >= self.settings.rate_limit:
            wait = max(1, int(self.settings.rate_window - (now - self._commands[0])) + 1)
            await self.send({"type": "error", "code": "rate_limited",
                             "message": messages.RATE_LIMITED.format(seconds=wait)})
            return False
        self._commands.append(now)
        return True


async def serve_websocket(connection, settings: VoiceSettings | None = None) -> None:
    """Run one voice session on an accepted `websockets` connection."""
    from websockets.exceptions import ConnectionClosed

    async def send(message: dict) -> None:
        try:
            await connection.send(json.dumps(message))
        except ConnectionClosed:
            session.closed = True

    session = VoiceSession(send, settings)
    try:
        async for frame in connection:
            if session.closed:
                break
            try:
                if isinstance(frame, bytes):
                    await session.on_audio(frame)
                else:
                    await session.on_text(frame)
            except ConnectionClosed:
                raise
            except Exception:  # noqa: BLE001 - one bad frame must not end the session
                logger.exception("Voice frame failed")
                await session.error("Something went wrong with that piece of audio; it was skipped.")
    except ConnectionClosed:
        pass
    finally:
        await session.close()


async def serve_starlette(websocket) -> None:
    """WS /voice — voice commands (VOICE.md §3): PCM16 audio in, heard + command messages out."""
    from starlette.websockets import WebSocketDisconnect

    async def send(message: dict) -> None:
        try:
            await websocket.send_text(json.dumps(message))
        except (WebSocketDisconnect, RuntimeError):
            session.closed = True

    session = VoiceSession(send)
    await websocket.accept()
    try:
        while not session.closed:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            try:
                if message.get("bytes") is not None:
                    await session.on_audio(message["bytes"])
                elif message.get("text") is not None:
                    await session.on_text(message["text"])
            except Exception:  # noqa: BLE001 - one bad frame must not end the session
                logger.exception("Voice frame failed")
                await session.error("Something went wrong with that piece of audio; it was skipped.")
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        await session.close()


__all__ = ["serve_starlette", "VoiceSession", "VoiceSettings", "serve_websocket", "validate_start", "mask", "VOICE_PATH",
           "MAX_FRAME_BYTES", "SAMPLE_RATES"]
