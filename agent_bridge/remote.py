"""Talking to `hypercode-swarm serve` over HTTP: the bridge's remote backend (editors, `hcvm ask
--swarm`) and the agents' work source (`hypercode-agent --swarm URL`)."""

from __future__ import annotations

import time
from typing import Iterator

import httpx

from .engines.base import Lease


class SwarmHttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(f"the swarm answered {status}: {message}")
        self.status = status


def _check(response: httpx.Response) -> httpx.Response:
    if response.status_code >= 400:
        try:
            message = response.json().get("error", response.text)
        except ValueError:
            message = response.text
        raise SwarmHttpError(response.status_code, message)
    return response


class _Http:
    def __init__(self, url: str, token: str, timeout: float):
        self.url = url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, timeout=timeout,
                                 headers={"Authorization": f"Bearer {token}"})

    def set_token(self, token: str) -> None:
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kwargs):
        response = _check(self.http.request(method, path, **kwargs))
        return None if response.status_code == 204 or not response.content else response.json()

    def sse(self, path: str, timeout: float | None) -> Iterator[dict]:
        from .client import parse_sse
        with self.http.stream("GET", path, timeout=httpx.Timeout(timeout or 3600.0, connect=10.0)) as response:
            _check(response)
            yield from parse_sse(response.iter_lines())

    def close(self) -> None:
        self.http.close()


class HttpBackend(_Http):
    """The Bridge's remote backend."""

    def submit(self, kind, payload, priority, idempotency_key) -> str:
        body = {"kind": kind, "payload": payload, "priority": priority}
        if idempotency_key:
            body["idempotency_key"] = idempotency_key
        return self.call("POST", "/tasks", json=body)["id"]

    def events(self, task_id: str, timeout: float | None) -> Iterator[dict]:
        yield from self.sse(f"/tasks/{task_id}/events", timeout)

    def cancel(self, task_id: str) -> dict:
        return self.call("POST", f"/tasks/{task_id}/cancel")

    def status(self, task_id: str) -> dict:
        return self.call("GET", f"/tasks/{task_id}")


class HttpSource(_Http):
    """An agent's work source over HTTP. Registers with an API key, then works with the agent
    token the swarm returns, renewing it before it expires."""

    def __init__(self, url: str, token: str, timeout: float = 30.0):
        super().__init__(url, token, timeout)
        self.agent: dict | None = None
        self.lease_seconds = 10.0
        self._register_info: dict = {}
        self._token_expires = 0.0

    def register(self, **info) -> dict:
        self._register_info = info
        reply = self.call("POST", "/agents", json=info)
        self.agent = reply["agent"]
        self.lease_seconds = reply.get("lease_seconds", self.lease_seconds)
        self._api_key = self.http.headers["Authorization"]
        self.set_token(reply["token"])
        self._token_expires = time.time() + reply.get("token_ttl", 900) * 0.8
        return self.agent

    def _renew(self) -> None:
        if time.time() < self._token_expires:
            return
        self.http.headers["Authorization"] = self._api_key
        reply = self.call("POST", "/agents", json=self._register_info)   # same dedup_key: same agent
        self.set_token(reply["token"])
        self.agent = reply["agent"]
        self._token_expires = time.time() + reply.get("token_ttl", 900) * 0.8

    def heartbeat(self, status: str, load: float) -> None:
        self._renew()
        self.call("POST", f"/agents/{self.agent['id']}/heartbeat", json={"status": status, "load": load})

    def deregister(self) -> None:
        self.call("DELETE", f"/agents/{self.agent['id']}")

    def claim(self, kinds, wait: float) -> Lease | None:
        reply = self.call("POST", f"/agents/{self.agent['id']}/claim", json={"kinds": list(kinds), "wait": wait})
        if reply is None:
            return None
        return Lease(reply["task"], self.agent["id"], reply["handle"])

    def _lease_body(self, lease: Lease, **extra) -> dict:
        return {"handle": lease.handle, "attempts": lease.task["attempts"], **extra}

    def extend(self, lease: Lease) -> str:
        return self.call("POST", f"/tasks/{lease.task_id}/extend", json=self._lease_body(lease))["state"]

    def progress(self, lease: Lease, message: str) -> None:
        self.call("POST", "/events", json={"topic": f"task.{lease.task_id}.progress", "type": "progress",
                                           "payload": {"message": message}})

    def complete(self, lease: Lease, result: dict) -> bool:
        return self.call("POST", f"/tasks/{lease.task_id}/complete",
                         json=self._lease_body(lease, result=result))["accepted"]

    def fail(self, lease: Lease, error: dict) -> str:
        return self.call("POST", f"/tasks/{lease.task_id}/fail", json=self._lease_body(lease, error=error))["state"]

    def memory(self, namespace: str):
        return _HttpMemoryView(self, namespace)


class _HttpMemoryView:
    def __init__(self, http: HttpSource, namespace: str):
        self.http, self.namespace = http, namespace

    def write(self, kind: str, text: str, keywords=(), metadata=None, ttl=None) -> str:
        body = {"namespace": self.namespace, "kind": kind, "text": text, "keywords": list(keywords),
                "metadata": metadata or {}, "ttl": ttl}
        return self.http.call("POST", "/memory", json=body)["id"]

    def search(self, q: str, kind: str | None = None, limit: int = 10) -> list[dict]:
        params = {"q": q, "namespace": self.namespace, "limit": limit}
        if kind:
            params["kind"] = kind
        return self.http.call("GET", "/memory/search", params=params)["records"]
