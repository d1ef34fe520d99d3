"""The agent registry: who is serving, in which role, and whether they are still alive.

Register `{name, role, version, capabilities, topics, max_concurrency, dedup_key?}`; the same
`dedup_key` gives back the same agent, and an agent's role never changes (RoleConflict → 409).
No heartbeat for `offline_after` seconds → offline, and its leases are released at once.
"""

from __future__ import annotations

import time
import uuid

from .bus import EventBus, acl_for, check_pattern, pattern_within, AccessDenied

STATUSES = ("active", "busy", "draining")


class RoleConflict(Exception):
    pass


class AgentNotFound(KeyError):
    pass


class Registry:
    def __init__(self, engine, delivery, offline_after: float = 30.0, clock=time.time):
        self.engine = engine
        self.delivery = delivery
        self.bus: EventBus = delivery.bus
        self.offline_after = offline_after
        self.clock = clock

    def register(self, name: str, role: str, version: str = "", capabilities=(), topics=(),
                 max_concurrency: int = 1, dedup_key: str | None = None, publish=()) -> dict:
        """`topics` and `publish` (e.g. from a crew manifest) narrow the role's event-bus rights for
        this agent; they can never widen them."""
        acl = acl_for(role, "-")
        for direction, patterns in (("subscribe", topics), ("publish", publish)):
            for pattern in patterns:
                check_pattern(pattern.replace("{self}", "-"))
                if not pattern_within(pattern.replace("{self}", "-"), acl[direction]):
                    raise AccessDenied(f"role '{role}' may not {direction} to '{pattern}'")
        agent_id = None
        if dedup_key:
            candidate = "a" + uuid.uuid4().hex[:15]
            if self.engine.put_new("agent_dedup", dedup_key, {"agent_id": candidate}):
                agent_id = candidate
            else:
                agent_id = self.engine.fetch("agent_dedup", dedup_key)["agent_id"]
                existing = self.engine.fetch("agents", agent_id)
                if existing and existing["role"] != role:
                    raise RoleConflict(f"agent {agent_id} is registered as '{existing['role']}', not '{role}'")
        agent_id = agent_id or "a" + uuid.uuid4().hex[:15]
        now = self.clock()
        old = self.engine.fetch("agents", agent_id) or {}
        agent = {"id": agent_id, "name": name, "role": role, "version": version,
                 "capabilities": list(capabilities), "topics": list(topics), "publish": list(publish),
                 "max_concurrency": int(max_concurrency), "dedup_key": dedup_key,
                 "status": "active", "load": 0.0, "online": True,
                 "registered": old.get("registered", now), "last_seen": now}
        self.engine.put("agents", agent_id, agent)
        self.bus.publish(f"agent.{agent_id}.registered", "registered", {"agent": agent}, sender=agent_id)
        return agent

    def get(self, agent_id: str) -> dict:
        agent = self.engine.fetch("agents", agent_id)
        if agent is None:
            raise AgentNotFound(agent_id)
        return agent

    def heartbeat(self, agent_id: str, status: str = "active", load: float = 0.0) -> dict:
        agent = self.get(agent_id)
        agent.update(status=status, load=float(load), last_seen=self.clock(), online=True)
        self.engine.put("agents", agent_id, agent)
        self.bus.publish(f"agent.{agent_id}.heartbeat", "heartbeat", {"status": status, "load": load},
                         sender=agent_id)
        return agent

    def deregister(self, agent_id: str) -> None:
        agent = self.get(agent_id)
        self.engine.remove("agents", agent_id)
        if agent.get("dedup_key"):
            self.engine.remove("agent_dedup", agent["dedup_key"])
        self.delivery.release(agent_id)
        self.bus.publish(f"agent.{agent_id}.deregistered", "deregistered", {}, sender=agent_id)

    def acl_of(self, agent_id: str, role: str | None) -> dict:
        """The agent's event-bus rights: its role's, narrowed by what it registered with."""
        acl = acl_for(role, agent_id)
        agent = self.engine.fetch("agents", agent_id) or {}
        fill = (lambda patterns: [p.replace("{self}", agent_id) for p in patterns])
        return {"publish": fill(agent.get("publish") or []) or acl["publish"],
                "subscribe": fill(agent.get("topics") or []) or acl["subscribe"]}

    def agents(self) -> list[dict]:
        return self.engine.scan("agents")

    def sweep(self) -> list[str]:
        """Mark silent agents offline and release their leases; returns their ids."""
        now, gone = self.clock(), []
        for agent in self.agents():
            if not agent.get("online") and now - agent["last_seen"] > 86400:
                self.engine.remove("agents", agent["id"])     # long gone: forget it
                continue
            if agent.get("online") and now - agent["last_seen"] > self.offline_after:
                agent["online"] = False
                self.engine.put("agents", agent["id"], agent)
                self.delivery.release(agent["id"])
                self.bus.publish(f"agent.{agent['id']}.offline", "offline", {"last_seen": agent["last_seen"]})
                gone.append(agent["id"])
        return gone
