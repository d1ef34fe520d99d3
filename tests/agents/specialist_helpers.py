"""Shared by the specialist tests: run one task through a specialist, and a small in-memory
MemoryView with the contract's shape (write/search, records as AGENTS.md §3)."""

from __future__ import annotations

import time
import uuid

from agent_bridge.context import AgentContext
from agent_bridge.specialists import SPECIALISTS, ROLE_FOR_KIND


class ListMemory:
    def __init__(self):
        self.records: list[dict] = []

    def write(self, kind, text, keywords=(), metadata=None, ttl=None) -> str:
        record = {"id": uuid.uuid4().hex, "namespace": "user:test", "kind": kind, "text": text,
                  "keywords": list(keywords), "metadata": dict(metadata or {}), "created": time.time(),
                  "expires": time.time() + ttl if ttl else None}
        self.records.append(record)
        return record["id"]

    def search(self, q, kind=None, limit=10) -> list[dict]:
        words = set(q.lower().split())
        found = [r for r in self.records if (kind is None or r["kind"] == kind)
                 and words & {k.lower() for k in r["keywords"]} | (words & set(r["text"].lower().split()))]
        return found[:limit]


def ask(kind: str, text: str, *, uri: str = "/tmp/hc-agents/prog.hc", lines: tuple[int, int] | None = None,
        memory=None, progress=None, cancelled=lambda: False, **extra) -> dict:
    payload = {"uri": uri, "text": text, **extra}
    if lines:
        payload["range"] = {"start": {"line": lines[0] - 1, "character": 0},
                            "end": {"line": lines[1] - 1, "character": 200}}
    messages = progress if progress is not None else []
    ctx = AgentContext(agent={"id": "t", "role": ROLE_FOR_KIND[kind], "engine": "rules"},
                       progress=messages.append, cancelled=cancelled, memory=memory)
    task = {"id": uuid.uuid4().hex, "kind": kind, "priority": 3, "payload": payload, "created": time.time(),
            "attempts": 1}
    return SPECIALISTS[ROLE_FOR_KIND[kind]]().handle(task, ctx)
