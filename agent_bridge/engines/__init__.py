"""Engines behind one interface: `embedded` (SQLite WAL, the default) and `redis` (Streams)."""

from __future__ import annotations

from .base import Engine, Lease, PRIORITIES, TERMINAL


def open_engine(url: str | None = None) -> Engine:
    """`redis://…` → the Redis engine; `sqlite:///path`, a path or None → the embedded engine."""
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        from .redis import RedisEngine
        return RedisEngine(url)
    from .sqlite import EmbeddedEngine
    if url and url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]                  # sqlite:////abs/path or sqlite:///relative
    return EmbeddedEngine(url or None)


__all__ = ["Engine", "Lease", "PRIORITIES", "TERMINAL", "open_engine"]
