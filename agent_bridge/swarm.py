"""The swarm backend in one object: an engine, and above it delivery, the registry, the event
bus, memory and the token stores. `hypercode-swarm serve`, `Bridge.embedded()` and the agents
that talk to Redis directly all build one of these."""

from __future__ import annotations

import time
from functools import cached_property

from .auth import AgentTokens, KeyStore
from .delivery import Delivery, DeliveryPolicy
from .engines import open_engine
from .memory import Memory
from .registry import Registry


class Swarm:
    def __init__(self, engine=None, policy: DeliveryPolicy | None = None, offline_after: float = 30.0,
                 memory_key: bytes | None = None, on_finish=None):
        self.engine = engine if engine is not None else open_engine(None)
        self.delivery = Delivery(self.engine, policy, on_finish=on_finish)
        self.bus = self.delivery.bus
        self.registry = Registry(self.engine, self.delivery, offline_after=offline_after)
        self.keys = KeyStore(self.engine)
        self._memory_key = memory_key

    @classmethod
    def open(cls, url: str | None = None, **options) -> "Swarm":
        return cls(open_engine(url), **options)

    @cached_property
    def memory(self) -> Memory:
        # Built on first use: it may create the key file in the user's config folder.
        return Memory(self.engine, self._memory_key, bus=self.bus)

    @cached_property
    def tokens(self) -> AgentTokens:
        return AgentTokens(self.engine)

    def status(self) -> dict:
        counts = self.engine.counts()
        now = time.time()
        agents = [{"id": a["id"], "name": a["name"], "role": a["role"], "status": a["status"],
                   "online": a.get("online", True), "load": a.get("load", 0.0),
                   "last_seen": round(now - a["last_seen"], 1)} for a in self.registry.agents()]
        return {"engine": self.engine.name, "reachable": self.engine.ping(), "agents": agents,
                "queues": {str(p): n for p, n in counts["queued"].items()}, "delayed": counts["delayed"],
                "leased": counts["leased"], "dead_letters": counts["dead"], "done": counts["done"]}

    def close(self) -> None:
        self.engine.close()
