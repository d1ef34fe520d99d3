"""The swarm's HTTP/WebSocket API (AGENTS.md §4)."""

from .app import create_app

__all__ = ["create_app"]
