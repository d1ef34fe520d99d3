"""The bridge client: what `hcvm ask`, the language server and the editors use.

    bridge = Bridge.embedded()              # backend + built-in agents in this process; no port
    bridge = Bridge.remote(url, token)      # a `hypercode-swarm serve`
    task_id = bridge.submit("explain", {"uri": ..., "text": ...})
    for event in bridge.events(task_id): ...     # queued, leased, progress…, then done/dead/cancelled
    bridge.result(task_id, timeout=60)      # {"id", "kind", "state", "attempts", "result"?, "error"?}
"""

from __future__ import annotations

import json
import time
from typing import Iterator

from .delivery import Delivery, DeliveryPolicy, KINDS, TaskNotFound
from .engines.sqlite import EmbeddedEngine
from .swarm import Swarm
from .worker import LocalSource, Worker

FINAL_EVENTS = ("done", "dead", "cancelled")
FINAL_STATES = ("done", "dead", "cancelled")
# An editor waits on the answer: fewer, quicker retries than a server's defaults.
INTERACTIVE = dict(lease_seconds=10.0, max_attempts=3, backoff_base=0.25)


class BridgeError(Exception):
    """A request the bridge could not make; the message is for the user."""


def _load_specialists() -> dict:
    try:
        from .specialists import SPECIALISTS
    except ImportError as error:
        raise BridgeError(f"the built-in agents could not be loaded ({error})") from None
    return SPECIALISTS


class Bridge:
    def __init__(self, backend):
        self._backend = backend

    @classmethod
    def embedded(cls, path=None, specialists: dict | None = None, concurrency: int = 1,
                 policy: DeliveryPolicy | None = None) -> "Bridge":
        """The SQLite engine in the user's data folder and one worker per built-in role, all in
        this process. `specialists` maps role → factory (default: the built-in ones)."""
        swarm = Swarm(EmbeddedEngine(path), policy or DeliveryPolicy(**INTERACTIVE))
        factories = specialists if specialists is not None else _load_specialists()
        workers = []
        for role, factory in factories.items():
            workers.append(Worker(LocalSource(swarm), factory(), concurrency=concurrency,
                                  name=f"{role} (embedded)").start())
        return cls(_EmbeddedBackend(swarm, workers))

    @classmethod
    def remote(cls, url: str, token: str, timeout: float = 30.0) -> "Bridge":
        from .remote import HttpBackend
        return cls(HttpBackend(url, token, timeout))

    def submit(self, kind: str, payload: dict, priority: int = 3, idempotency_key: str | None = None) -> str:
        if kind not in KINDS:
            raise BridgeError(f"'{kind}' is not a request kind; choose one of {', '.join(KINDS)}")
        return self._backend.submit(kind, payload, priority, idempotency_key)

    def events(self, task_id: str, timeout: float | None = None) -> Iterator[dict]:
        return self._backend.events(task_id, timeout)

    def cancel(self, task_id: str) -> dict:
        return self._backend.cancel(task_id)

    def status(self, task_id: str) -> dict:
        return self._backend.status(task_id)

    def result(self, task_id: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        for _ in self.events(task_id, timeout=timeout):
            if time.monotonic() > deadline:
                break
        view = self.status(task_id)
        if view["state"] not in FINAL_STATES:
            raise TimeoutError(f"task {task_id} is still {view['state']} after {timeout:g} s")
        return view

    @property
    def swarm(self):
        """The in-process swarm (embedded only), e.g. for status and memory."""
        return getattr(self._backend, "swarm", None)

    def close(self) -> None:
        self._backend.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _EmbeddedBackend:
    def __init__(self, swarm: Swarm, workers: list[Worker]):
        self.swarm, self.workers = swarm, workers

    def submit(self, kind, payload, priority, idempotency_key) -> str:
        return self.swarm.delivery.submit(kind, payload, priority, idempotency_key)["id"]

    def events(self, task_id: str, timeout: float | None) -> Iterator[dict]:
        self.status(task_id)
        for event in self.swarm.bus.task_events(task_id, timeout=timeout, poll=0.25):
            if event is not None:
                yield event

    def cancel(self, task_id: str) -> dict:
        try:
            return Delivery.public(self.swarm.delivery.cancel(task_id))
        except TaskNotFound:
            raise BridgeError(f"there is no task {task_id}") from None

    def status(self, task_id: str) -> dict:
        try:
            return Delivery.public(self.swarm.delivery.get(task_id))
        except TaskNotFound:
            raise BridgeError(f"there is no task {task_id}") from None

    def close(self) -> None:
        for worker in self.workers:
            worker._stop.set()
        for worker in self.workers:
            worker.stop()
        self.swarm.close()


def parse_sse(lines) -> Iterator[dict]:
    """Server-sent events → their JSON `data` (comments and keep-alives skipped)."""
    data: list[str] = []
    for line in lines:
        if line == "":
            if data:
                yield json.loads("\n".join(data))
                data = []
        elif line.startswith("data:"):
            data.append(line[5:].lstrip())
    if data:
        yield json.loads("\n".join(data))
