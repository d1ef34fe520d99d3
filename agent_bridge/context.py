"""What a specialist is handed with each task (the agent_bridge internal contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol


class MemoryView(Protocol):
    """Per-user swarm memory, one namespace ("user:<user>")."""

    def write(self, kind: str, text: str, keywords=(), metadata=None, ttl=None) -> str: ...

    def search(self, q: str, kind: str | None = None, limit: int = 10) -> list[dict]: ...


@dataclass
class AgentContext:
    agent: dict = field(default_factory=lambda: {"id": "local", "role": "", "engine": "rules"})
    progress: Callable[[str], None] = lambda message: None
    cancelled: Callable[[], bool] = lambda: False
    memory: "MemoryView | None" = None
