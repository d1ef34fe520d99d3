"""Frames on the run's pipes: one kind byte, a 4-byte big-endian length, the payload.

Child → parent: STARTED (JSON: its pid; always the first frame), OUTPUT (UTF-8 text, lone surrogates passed through), WAITING (the input()
prompt), MODULE (JSON: name, importer), RESULT (JSON), PROBE (JSON, tests only); then, from the
monitor process once the child is gone, EXITED (JSON: its status and peak memory).
Parent → child: JOB (JSON), LINE (text), EOF (empty), MODULE_REPLY (JSON).
"""

from __future__ import annotations

import json
import os
import struct

OUTPUT, WAITING, MODULE, RESULT, PROBE, STARTED, EXITED = b"O", b"W", b"M", b"R", b"T", b"S", b"X"
JOB, LINE, EOF, MODULE_REPLY = b"J", b"L", b"E", b"m"

HEADER = struct.Struct(">cI")
MAX_FRAME = 1 << 30


def encode_text(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def decode_text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def send(fd: int, kind: bytes, payload: bytes = b"") -> None:
    data = memoryview(HEADER.pack(kind, len(payload)) + payload)
    while data:
        written = os.write(fd, data)
        data = data[written:]


def send_json(fd: int, kind: bytes, obj) -> None:
    send(fd, kind, json.dumps(obj, ensure_ascii=True, default=repr).encode("ascii"))


def read_exactly(fd: int, size: int) -> bytes | None:
    parts, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def receive(fd: int) -> tuple[bytes, bytes] | None:
    """One frame, blocking; None at end of file."""
    header = read_exactly(fd, HEADER.size)
    if header is None:
        return None
    kind, length = HEADER.unpack(header)
    if length > MAX_FRAME:
        return None
    payload = read_exactly(fd, length) if length else b""
    if payload is None:
        return None
    return kind, payload


class FrameBuffer:
    """Incremental parsing for the parent's non-blocking reads."""

    def __init__(self):
        self.data = bytearray()

    def feed(self, chunk: bytes) -> list[tuple[bytes, bytes]]:
        self.data += chunk
        frames = []
        while len(self.data) >= HEADER.size:
            kind, length = HEADER.unpack_from(self.data)
            if len(self.data) < HEADER.size + length:
                break
            frames.append((kind, bytes(self.data[HEADER.size:HEADER.size + length])))
            del self.data[:HEADER.size + length]
        return frames

    def pending(self) -> int:
        return len(self.data)
