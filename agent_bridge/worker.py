"""An agent at work: claim a task, run the specialist, keep the lease alive, report the outcome.

The worker never decides about retries or dead letters; it reports a failed attempt and the
delivery layer decides. It runs against a `WorkSource`: the swarm in this process (embedded, or an
engine such as Redis opened directly) or a swarm server over HTTP (`agent_bridge.remote`).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import traceback
import uuid

from .context import AgentContext
from .engines.base import Lease
from .memory import MemoryView

log = logging.getLogger("agent_bridge.worker")
HEARTBEAT_EVERY = 10.0


class LocalSource:
    """Work straight from a `Swarm` object (same process, or a shared engine like Redis)."""

    def __init__(self, swarm):
        self.swarm = swarm
        self.agent: dict | None = None

    @property
    def lease_seconds(self) -> float:
        return self.swarm.delivery.policy.lease_seconds

    def register(self, **info) -> dict:
        self.agent = self.swarm.registry.register(**info)
        return self.agent

    def heartbeat(self, status: str, load: float) -> None:
        self.swarm.registry.heartbeat(self.agent["id"], status, load)
        self.swarm.registry.sweep()

    def deregister(self) -> None:
        self.swarm.registry.deregister(self.agent["id"])

    def claim(self, kinds, wait: float, look_first: bool = True) -> Lease | None:
        return self.swarm.delivery.claim(self.agent["id"], kinds, agent=_who(self.agent), wait=wait,
                                         look_first=look_first)

    def extend(self, lease: Lease) -> str:
        return self.swarm.delivery.extend(lease)

    def progress(self, lease: Lease, message: str) -> None:
        self.swarm.delivery.progress(lease, message, sender=self.agent["id"])

    def complete(self, lease: Lease, result: dict) -> bool:
        return self.swarm.delivery.complete(lease, result)

    def complete_and_claim(self, lease: Lease, result: dict, kinds) -> Lease | None:
        """Report the answer and take the next ready task in the same engine step."""
        _, following = self.swarm.delivery.complete_and_claim(lease, result, self.agent["id"], kinds,
                                                              agent=_who(self.agent))
        return following

    def fail(self, lease: Lease, error: dict) -> str:
        return self.swarm.delivery.fail(lease, error)

    def memory(self, namespace: str):
        try:
            return MemoryView(self.swarm.memory, namespace, self.agent["id"])
        except Exception as error:           # no key file can be made: work without memory
            log.warning("swarm memory unavailable: %s", error)
            return None


def _who(agent: dict) -> dict:
    return {"id": agent["id"], "role": agent["role"], "name": agent.get("name", "")}


def normalise_result(partial, agent: dict, engine: str, started: float) -> dict:
    partial = dict(partial or {})
    result = {"markdown": str(partial.pop("markdown", "")), "edits": list(partial.pop("edits", []) or []),
              "files": list(partial.pop("files", []) or []), "findings": list(partial.pop("findings", []) or [])}
    result.update(partial)
    result["agent"] = {"id": agent["id"], "role": agent["role"], "engine": partial.get("engine", engine)}
    result["duration"] = round(time.monotonic() - started, 4)
    return result


class Worker:
    """`concurrency` threads serving one specialist, plus one thread that extends leases and
    sends heartbeats."""

    def __init__(self, source, specialist, concurrency: int = 1, name: str | None = None,
                 heartbeat_every: float = HEARTBEAT_EVERY, dedup_key: str | None = None, version: str = ""):
        self.source = source
        self.specialist = specialist
        self.concurrency = max(1, int(concurrency))
        self.name = name or f"{specialist.role}@{socket.gethostname()}"
        self.heartbeat_every = heartbeat_every
        # A dedup key lets a restarted or re-registering agent keep its id.
        self.dedup_key = dedup_key or f"{self.name}:{uuid.uuid4().hex[:12]}"
        self.version = version
        self._stop = threading.Event()
        self._active: dict[str, dict] = {}          # task id → {"lease", "cancelled"}
        self._active_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.agent: dict | None = None
        self.served = 0

    def start(self) -> "Worker":
        self.agent = self.source.register(
            name=self.name, role=self.specialist.role, version=self.version,
            capabilities=sorted(self.specialist.kinds), topics=[], max_concurrency=self.concurrency,
            dedup_key=self.dedup_key)
        for i in range(self.concurrency):
            self._spawn(self._serve, f"{self.specialist.role}-{i}")
        self._spawn(self._keep_alive, f"{self.specialist.role}-keepalive")
        return self

    def _spawn(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self, deregister: bool = True, timeout: float = 5.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        if deregister and self.agent is not None:
            try:
                self.source.deregister()
            except Exception as error:
                log.warning("could not deregister: %s", error)

    def wait(self) -> None:
        while not self._stop.is_set():
            self._stop.wait(0.5)

    # ---- the loops ------------------------------------------------------------------------
    def _serve(self) -> None:
        kinds = sorted(self.specialist.kinds)
        lease, looked = None, False
        while not self._stop.is_set():
            if lease is None:
                try:
                    # Just looked (with the last answer) and found nothing: wait before looking again.
                    lease = self.source.claim(kinds, wait=0.5, look_first=False) if looked else \
                        self.source.claim(kinds, wait=0.5)
                except Exception as error:            # the engine is unreachable: try again shortly
                    log.warning("claim failed: %s", error)
                    self._stop.wait(1.0)
                    continue
            if lease is not None:
                lease, looked = self._run(lease, kinds)
            else:
                looked = False

    def _run(self, lease: Lease, kinds=None) -> tuple[Lease | None, bool]:
        """Serve one task → (the next task, if the source handed one over with the answer; whether
        it looked for one). Without `kinds` it takes no next task (a one-use agent serves one)."""
        slot = {"lease": lease, "cancelled": False}
        with self._active_lock:
            self._active[lease.task_id] = slot
        started = time.monotonic()
        ctx = AgentContext(agent={**_who(self.agent), "engine": "rules"},
                           progress=lambda message: self._progress(lease, message),
                           cancelled=lambda: slot["cancelled"],
                           memory=self._memory_for(lease.task))
        try:
            try:
                partial = self.specialist.handle(lease.task, ctx)
            except Exception as error:
                if slot["cancelled"]:
                    return None, False
                self.source.fail(lease, {"message": str(error) or type(error).__name__, "type": type(error).__name__,
                                         "traceback": traceback.format_exc(limit=5)})
                return None, False
            if slot["cancelled"]:
                return None, False
            result = normalise_result(partial, self.agent, "rules", started)
            report_and_claim = getattr(self.source, "complete_and_claim", None)
            if report_and_claim is not None and kinds is not None and not self._stop.is_set():
                following = report_and_claim(lease, result, kinds)
                self.served += 1
                return following, True
            self.source.complete(lease, result)
            self.served += 1
        except Exception as error:                # lost the engine mid-report: the lease will expire
            log.warning("could not report task %s: %s", lease.task_id, error)
        finally:
            with self._active_lock:
                self._active.pop(lease.task_id, None)
        return None, False

    def _progress(self, lease: Lease, message: str) -> None:
        try:
            self.source.progress(lease, str(message))
        except Exception as error:
            log.warning("could not report progress: %s", error)

    def _memory_for(self, task: dict):
        user = (task.get("payload") or {}).get("user") or "local"
        return self.source.memory(f"user:{user}")

    def _keep_alive(self) -> None:
        extend_every = max(0.05, self.source.lease_seconds / 3)
        next_beat = time.monotonic() + self.heartbeat_every
        while not self._stop.wait(extend_every):
            with self._active_lock:
                slots = list(self._active.values())
            for slot in slots:
                try:
                    state = self.source.extend(slot["lease"])
                except Exception as error:
                    log.warning("could not extend a lease: %s", error)
                    continue
                if state in ("cancelled", "done", "dead", "lost"):
                    slot["cancelled"] = True          # stop early: someone else owns the outcome
            if time.monotonic() >= next_beat:
                next_beat = time.monotonic() + self.heartbeat_every
                try:
                    self.source.heartbeat("busy" if slots else "active", len(slots) / self.concurrency)
                except Exception as error:
                    log.warning("heartbeat failed: %s", error)
