"""Swarm memory: small records agents keep for a user, sealed with AES-256-GCM.

Each record is sealed with a fresh 96-bit nonce and its identity `v1|namespace|id` as associated
data, so a record whose bytes were altered, or that was swapped with another record or moved to
another namespace, fails to open. Such a record is reported (logged, a `swarm.memory.tampered`
event, listed as unreadable), never returned. Keywords and text are inside the seal; search opens
the namespace's records and ranks them (keyword hits count three times a word of the text).

The key: HYPERCODE_MEMORY_KEY (base64 of 32 bytes), else `memory.key` in the user's config
folder, generated on first use with mode 0600.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import time
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .paths import config_dir

KINDS = ("short", "long", "knowledge")
_WORDS = re.compile(r"[A-Za-z0-9_]+")
log = logging.getLogger("agent_bridge.memory")


class MemoryTampered(Exception):
    """A record failed its integrity check."""

    def __init__(self, record_id: str):
        super().__init__(f"memory record {record_id} failed its integrity check (altered, swapped or moved)")
        self.record_id = record_id


class BadKey(ValueError):
    pass


def load_key() -> bytes:
    text = os.environ.get("HYPERCODE_MEMORY_KEY")
    if text:
        try:
            key = base64.b64decode(text, validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise BadKey("HYPERCODE_MEMORY_KEY must be base64 of exactly 32 bytes")
        return key
    path = config_dir() / "memory.key"
    try:
        key = base64.b64decode(path.read_text().strip())
        if len(key) == 32:
            return key
    except (OSError, ValueError):
        pass
    key = AESGCM.generate_key(bit_length=256)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(base64.b64encode(key).decode() + "\n")
    return key


def _aad(namespace: str, record_id: str) -> bytes:
    return f"v1|{namespace}|{record_id}".encode()


def words(text: str) -> set[str]:
    return {w.lower() for w in _WORDS.findall(text or "")}


class Memory:
    def __init__(self, engine, key: bytes | None = None, bus=None, clock=time.time):
        self.engine = engine
        self.aead = AESGCM(key or load_key())
        self.bus = bus
        self.clock = clock

    def write(self, namespace: str, kind: str, text: str, keywords=(), metadata=None, ttl: float | None = None) -> dict:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        record_id = uuid.uuid4().hex
        now = self.clock()
        record = {"id": record_id, "namespace": namespace, "kind": kind, "text": text,
                  "keywords": [str(k) for k in keywords], "metadata": metadata or {}, "created": now,
                  "expires": now + ttl if ttl else None}
        nonce = os.urandom(12)
        sealed = self.aead.encrypt(nonce, json.dumps(record).encode(), _aad(namespace, record_id))
        self.engine.put("memory", record_id, {"namespace": namespace, "kind": kind, "created": now,
                                              "expires": record["expires"],
                                              "sealed": base64.b64encode(nonce + sealed).decode()})
        return record

    def _open(self, record_id: str, row: dict) -> dict:
        try:
            blob = base64.b64decode(row["sealed"])
            plain = self.aead.decrypt(blob[:12], blob[12:], _aad(row["namespace"], record_id))
            record = json.loads(plain)
        except (InvalidTag, ValueError, KeyError, TypeError):
            raise MemoryTampered(record_id) from None
        if (record.get("id"), record.get("namespace"), record.get("kind"), record.get("expires")) != \
                (record_id, row["namespace"], row["kind"], row.get("expires")):
            raise MemoryTampered(record_id)
        return record

    def _report(self, error: MemoryTampered) -> None:
        log.warning("%s", error)
        if self.bus is not None:
            try:
                self.bus.publish("swarm.memory.tampered", "tampered", {"id": error.record_id})
            except Exception:
                pass

    def _expired(self, row: dict) -> bool:
        return row.get("expires") is not None and row["expires"] <= self.clock()

    def get(self, record_id: str, namespace: str | None = None) -> dict | None:
        row = self.engine.fetch("memory", record_id)
        if row is None or self._expired(row) or (namespace is not None and row.get("namespace") != namespace):
            return None
        try:
            return self._open(record_id, row)
        except MemoryTampered as error:
            self._report(error)
            raise

    def delete(self, record_id: str, namespace: str | None = None) -> bool:
        row = self.engine.fetch("memory", record_id)
        if row is None or (namespace is not None and row.get("namespace") != namespace):
            return False
        return self.engine.remove("memory", record_id)

    def search(self, namespace: str | None, q: str = "", kind: str | None = None, agent: str | None = None,
               limit: int = 10) -> tuple[list[dict], list[str]]:
        """(records best first, ids of records that failed to open)."""
        if not 1 <= int(limit) <= 100:
            raise ValueError("limit must be between 1 and 100")
        wanted = words(q)
        scored, unreadable = [], []
        for row in self._rows():
            record_id = row["_id"]
            if namespace is not None and row.get("namespace") != namespace:
                continue
            if kind and row.get("kind") != kind:
                continue
            if self._expired(row):
                self.engine.remove("memory", record_id)
                continue
            try:
                record = self._open(record_id, row)
            except MemoryTampered as error:
                self._report(error)
                unreadable.append(record_id)
                continue
            if agent and record["metadata"].get("agent") != agent:
                continue
            keys = {w for k in record["keywords"] for w in words(k)}
            score = 3 * len(wanted & keys) + len(wanted & words(record["text"]))
            if wanted and score == 0:
                continue
            scored.append((score, record["created"], record))
        scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
        return [dict(r, score=s) for s, _, r in scored[:limit]], unreadable

    def _rows(self) -> list[dict]:
        # The row key is the id the seal was made for; a row copied under another key won't open.
        return [dict(value, _id=key) for key, value in self.engine.scan_items("memory")]

    def purge_expired(self) -> int:
        gone = 0
        for row in self._rows():
            if self._expired(row):
                gone += self.engine.remove("memory", row["_id"])
        return gone


class MemoryView:
    """What a specialist sees: one user's namespace (the contract's MemoryView)."""

    def __init__(self, memory: Memory, namespace: str, agent_id: str | None = None):
        self.memory, self.namespace, self.agent_id = memory, namespace, agent_id

    def write(self, kind: str, text: str, keywords=(), metadata=None, ttl=None) -> str:
        meta = dict(metadata or {})
        if self.agent_id:
            meta.setdefault("agent", self.agent_id)
        return self.memory.write(self.namespace, kind, text, keywords, meta, ttl)["id"]

    def search(self, q: str, kind: str | None = None, limit: int = 10) -> list[dict]:
        return self.memory.search(self.namespace, q, kind=kind, limit=limit)[0]
