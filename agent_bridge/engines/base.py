"""The one engine interface. An engine stores tasks, hands out leases, keeps the event log, the
registry, API keys and sealed memory records. It knows nothing about retries, backoff or dead
letters: those rules live once in `agent_bridge.delivery`, above every engine (as Dramatiq keeps
them in middleware above its brokers).

Every state change that decides an outcome is a compare-and-set inside the engine, so a task that
ran twice still completes visibly once. The events that report a change (`leased`, `done`,
`failed`, `dead`) travel with it: the engine writes them in the same step, only if the change won,
so a task costs one engine round trip per step (submit, claim, settle) and its events can never
disagree with its state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol

PRIORITIES = range(10)                       # 0 is served first
TERMINAL = frozenset({"done", "dead", "cancelled"})
STATES = ("queued", "leased", "done", "failed", "dead", "cancelled")


@dataclass(frozen=True)
class Lease:
    """A claim on one task. `handle` is engine-private (a stream entry in Redis)."""
    task: dict
    consumer: str
    handle: str = ""

    @property
    def task_id(self) -> str:
        return self.task["id"]


def lease_event(announce: dict, task: dict) -> dict:
    """The "leased" event of a claimed task: `announce` plus the task's topic, correlation id and
    attempt number (which only the claim knows)."""
    event = dict(announce, topic=f"task.{task['id']}.leased", correlation_id=task["id"])
    event["payload"] = {**(announce.get("payload") or {}), "attempt": task["attempts"]}
    return event


def event_task_id(event: dict) -> str | None:
    """The task an event belongs to (`task.<id>.<what>`), for the per-task event log."""
    topic = event["topic"]
    return topic.split(".")[1] if topic.startswith("task.") and topic.count(".") >= 2 else None


class Engine(Protocol):
    name: str

    # tasks
    def add(self, task: dict, event: dict | None = None) -> tuple[dict, bool]: ...
    # → (stored task, newly created?); `event` (its "queued" event) is published only if created,
    # before the task can be claimed.
    # Optional: `add_many(tasks, events) -> [stored task]`, new tasks (no idempotency keys) and their
    # "queued" events in one step.
    def get(self, task_id: str) -> dict | None: ...
    def claim(self, consumer: str, kinds: Iterable[str], lease_seconds: float, now: float,
              announce: dict | None = None) -> Lease | None: ...
    # `announce` is the "leased" event without its task: the engine publishes
    # `lease_event(announce, task)` in the same step as the claim.
    def wait_for_work(self, kinds: Iterable[str], timeout: float) -> None: ...
    def extend(self, lease: Lease, lease_seconds: float, now: float) -> str: ...   # ok | lost | <terminal state>
    def settle(self, lease: Lease, state: str, fields: dict, now: float, events: Iterable[dict] = ()) -> bool: ...
    # → done/dead, CAS; `events` are published in the same step, only if this settle won.
    def requeue(self, lease: Lease, ready_at: float, fields: dict, now: float, events: Iterable[dict] = ()) -> bool: ...
    # Optional: `settle_then_claim(lease, state, fields, now, events, consumer, kinds, lease_seconds,
    # announce) -> (settled, next lease | None)`, both in one round trip (the Redis engine has it).
    def cancel(self, task_id: str, now: float) -> bool: ...
    def revive(self, task_id: str, now: float) -> bool: ...     # dead → queued, attempts 0
    def drop(self, task_id: str) -> bool: ...                   # forget a dead task
    def tasks(self, state: str | None = None, limit: int = 100) -> list[dict]: ...
    def counts(self) -> dict: ...          # {"queued": {priority: n}, "delayed": n, "leased": n, "dead": n, "done": n}
    def release(self, consumer: str) -> int: ...   # make that consumer's leases end now

    # events: an append-only log; a cursor is engine-specific and opaque
    def publish(self, event: dict) -> None: ...
    def events_after(self, cursor, timeout: float, task_id: str | None = None) -> tuple[list[dict], object]: ...
    def event_cursor(self, task_id: str | None = None): ...      # "now": only later events

    # small keyed stores: registry ("agents"), API keys ("keys"), settings ("meta"), memory ("memory")
    def put(self, table: str, key: str, value: dict) -> None: ...
    def fetch(self, table: str, key: str) -> dict | None: ...
    def remove(self, table: str, key: str) -> bool: ...
    def scan(self, table: str, prefix: str = "") -> list[dict]: ...
    def scan_items(self, table: str, prefix: str = "") -> list[tuple[str, dict]]: ...
    def put_new(self, table: str, key: str, value: dict) -> bool: ...   # only if absent

    def ping(self) -> bool: ...
    def close(self) -> None: ...
