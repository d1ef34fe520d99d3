"""Delivery rules, written once above every engine: leases, take-over, retries with backoff, the
dead-letter queue, cancellation, and the task events that tell editors what is happening.

- at-least-once: a task whose lease ends (its agent died or stopped extending) is claimable again;
- completes visibly once: only the first `complete` of a task wins (an engine compare-and-set),
  a second run's answer is dropped, and only the winner publishes `done`;
- a failed attempt is retried after 2·2^(n−1) s ± 25 % (capped at 300 s); after `max_attempts`
  attempts the task is dead: it stays visible, and can be retried or dropped.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .bus import EventBus, envelope
from .engines.base import Engine, Lease, TERMINAL

KINDS = ("explain", "fix", "test", "review", "ask")


class TaskNotFound(KeyError):
    pass


class NotDead(ValueError):
    pass


@dataclass
class DeliveryPolicy:
    lease_seconds: float = 10.0
    max_attempts: int = 5
    backoff_base: float = 2.0          # first retry after ~2 s
    backoff_cap: float = 300.0
    jitter: float = 0.25
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int) -> float:
        """Seconds before retry number `attempt` (1 = the first retry)."""
        base = self.backoff_base * 2 ** (attempt - 1)
        return min(self.backoff_cap, base * self.rng.uniform(1 - self.jitter, 1 + self.jitter))


class Delivery:
    def __init__(self, engine: Engine, policy: DeliveryPolicy | None = None, clock: Callable[[], float] = time.time,
                 on_finish: Callable[[dict, str], None] | None = None):
        self.engine = engine
        self.policy = policy or DeliveryPolicy()
        self.bus = EventBus(engine)
        self.clock = clock
        self.on_finish = on_finish        # metrics hook: (task, final state)

    # ---- the producer side ----------------------------------------------------------------
    def submit(self, kind: str, payload: dict, priority: int = 3, idempotency_key: str | None = None) -> dict:
        task = {"id": uuid.uuid4().hex, "kind": kind, "priority": int(priority), "payload": payload,
                "created": self.clock(), "attempts": 0}
        if idempotency_key:
            task["idempotency_key"] = idempotency_key
        # The engine publishes "queued" with the task, before it can be claimed, so a task's
        # events are in order (and a duplicate submit publishes nothing).
        queued = envelope(f"task.{task['id']}.queued", "queued", {"kind": kind, "priority": task["priority"]},
                          "swarm", task["id"])
        stored, _ = self.engine.add(task, queued)
        return stored

    def submit_many(self, requests: Iterable[tuple[str, dict]], priority: int = 3) -> list[dict]:
        """Several tasks at once, each (kind, payload), in one engine step where the engine can
        (one round trip, or one commit) — for batch clients. Each still gets its own "queued"
        event; there are no idempotency keys here (use `submit` for those)."""
        tasks, events = [], []
        for kind, payload in requests:
            task = {"id": uuid.uuid4().hex, "kind": kind, "priority": int(priority), "payload": payload,
                    "created": self.clock(), "attempts": 0}
            tasks.append(task)
            events.append(envelope(f"task.{task['id']}.queued", "queued", {"kind": kind, "priority": task["priority"]},
                                   "swarm", task["id"]))
        add_many = getattr(self.engine, "add_many", None)
        if add_many is not None:
            return add_many(tasks, events)
        return [self.engine.add(task, event)[0] for task, event in zip(tasks, events)]

    def get(self, task_id: str) -> dict:
        task = self.engine.get(task_id)
        if task is None:
            raise TaskNotFound(task_id)
        return task

    def cancel(self, task_id: str) -> dict:
        task = self.get(task_id)
        if self.engine.cancel(task_id, self.clock()):
            self._event(task_id, "cancelled", {})
            self._finished(task, "cancelled")
        return self.get(task_id)

    # ---- the agent side -------------------------------------------------------------------
    def claim(self, consumer: str, kinds: Iterable[str], agent: dict | None = None, wait: float = 0.0,
              look_first: bool = True) -> Lease | None:
        """The next task for `consumer` (highest priority first; an expired lease counts as
        ready), or None after waiting up to `wait` seconds. `look_first=False` waits for work
        before the first look (the caller has just looked, e.g. in `complete_and_claim`)."""
        kinds = list(kinds)
        deadline = time.monotonic() + wait
        if not look_first and wait > 0:
            self.engine.wait_for_work(kinds, wait)
        while True:
            # The engine publishes "leased" (with the attempt number) in the same step as the claim.
            announce = envelope("", "leased", {"agent": agent or {"id": consumer}}, "swarm")
            lease = self.engine.claim(consumer, kinds, self.policy.lease_seconds, self.clock(), announce)
            if lease is not None:
                if self._admit(lease) is None:
                    continue
                return lease
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.engine.wait_for_work(kinds, left)

    def _admit(self, lease: Lease) -> Lease | None:
        """The lease, unless its agents kept dying on it: then it is buried, not handed to another."""
        if lease.task["attempts"] > self.policy.max_attempts:
            self._bury(lease, {"message": "every agent that took this task stopped before finishing it",
                               "type": "AgentLost"})
            return None
        return lease

    def extend(self, lease: Lease) -> str:
        """Keep the lease; "ok", "lost" (someone took it over) or the task's final state."""
        return self.engine.extend(lease, self.policy.lease_seconds, self.clock())

    def progress(self, lease: Lease, message: str, sender: str = "agent") -> None:
        self._event(lease.task_id, "progress", {"message": message}, sender=sender)

    def complete(self, lease: Lease, result: dict) -> bool:
        """Record the answer; False if the task had already finished (a duplicate run)."""
        done = self._task_event(lease.task_id, "done", {"result": result, **self._timing(lease.task)})
        if not self.engine.settle(lease, "done", {"result": result}, self.clock(), [done]):
            return False
        self._finished(lease.task, "done")
        return True

    def complete_and_claim(self, lease: Lease, result: dict, consumer: str, kinds: Iterable[str],
                           agent: dict | None = None) -> tuple[bool, Lease | None]:
        """`complete`, then the consumer's next ready task (or None; it doesn't wait), in one engine
        round trip where the engine can do both at once."""
        kinds = list(kinds)
        done = self._task_event(lease.task_id, "done", {"result": result, **self._timing(lease.task)})
        announce = envelope("", "leased", {"agent": agent or {"id": consumer}}, "swarm")
        both = getattr(self.engine, "settle_then_claim", None)
        if both is not None:
            won, following = both(lease, "done", {"result": result}, self.clock(), [done], consumer, kinds,
                                  self.policy.lease_seconds, announce)
        else:
            won = self.engine.settle(lease, "done", {"result": result}, self.clock(), [done])
            following = self.engine.claim(consumer, kinds, self.policy.lease_seconds, self.clock(), announce)
        if won:
            self._finished(lease.task, "done")
        if following is not None:
            following = self._admit(following)
        return won, following

    def fail(self, lease: Lease, error: dict) -> str:
        """One failed attempt: retried later ("queued") or dead after the last attempt ("dead").
        Returns the resulting state, or "lost" if this lease no longer held the task."""
        attempt = lease.task["attempts"]
        if attempt >= self.policy.max_attempts:
            if not self._bury(lease, error):
                return "lost"
            return "dead"
        delay = self.policy.backoff(attempt)
        failed = self._task_event(lease.task_id, "failed", {"error": error, "attempt": attempt,
                                                             "retry_in": round(delay, 3)})
        if not self.engine.requeue(lease, self.clock() + delay, {"error": error}, self.clock(), [failed]):
            return "lost"
        return "queued"

    def _bury(self, lease: Lease, error: dict) -> bool:
        events = [self._task_event(lease.task_id, "failed", {"error": error, "attempt": lease.task["attempts"]}),
                  self._task_event(lease.task_id, "dead", {"error": error, "attempts": lease.task["attempts"],
                                                           **self._timing(lease.task)})]
        if not self.engine.settle(lease, "dead", {"error": error}, self.clock(), events):
            return False
        self._finished(lease.task, "dead")
        return True

    def release(self, consumer: str) -> int:
        """An agent went offline: its leases end now, so others take its tasks over."""
        return self.engine.release(consumer)

    # ---- the dead-letter queue ------------------------------------------------------------
    def dead_letters(self, limit: int = 100) -> list[dict]:
        return self.engine.tasks("dead", limit)

    def retry_dead(self, task_id: str) -> dict:
        self.get(task_id)
        if not self.engine.revive(task_id, self.clock()):
            raise NotDead(task_id)
        self._event(task_id, "queued", {"retried_from": "dlq"})
        return self.get(task_id)

    def drop_dead(self, task_id: str) -> None:
        self.get(task_id)
        if not self.engine.drop(task_id):
            raise NotDead(task_id)

    # ---- views ----------------------------------------------------------------------------
    @staticmethod
    def public(task: dict) -> dict:
        """The task as the API shows it: {id, kind, state, attempts, result?, error?}."""
        view = {k: task[k] for k in ("id", "kind", "state", "attempts", "priority", "created") if k in task}
        if task["state"] == "done" and "result" in task:
            view["result"] = task["result"]
        if "error" in task and task["state"] != "done":
            view["error"] = task["error"]
        return view

    def _timing(self, task: dict) -> dict:
        """For the metrics follower: which kind, and how long since it was submitted."""
        created = task.get("created")
        return {"kind": task.get("kind"), "latency": round(self.clock() - created, 6) if created else None}

    def _event(self, task_id: str, type_: str, payload: dict, sender: str = "swarm") -> None:
        self.bus.publish(f"task.{task_id}.{type_}", type_, payload, sender=sender, correlation_id=task_id)

    @staticmethod
    def _task_event(task_id: str, type_: str, payload: dict) -> dict:
        """An event the engine publishes together with the state change it reports."""
        return envelope(f"task.{task_id}.{type_}", type_, payload, "swarm", task_id)

    def _finished(self, task: dict, state: str) -> None:
        if self.on_finish is not None:
            try:
                self.on_finish(task, state)
            except Exception:       # metrics must never break delivery
                pass


__all__ = ["Delivery", "DeliveryPolicy", "KINDS", "TaskNotFound", "NotDead", "TERMINAL"]
