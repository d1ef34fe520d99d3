"""Host and Origin checks, authentication, scopes and rate limits: one ASGI middleware in front of
every route, driven by the scope each route declares in the routing table, so no route can
forget a check."""

from __future__ import annotations

import json
import math
import threading
import time
from urllib.parse import parse_qs

from starlette.routing import Match

from ..auth import Principal


def _json_response(status: int, body: dict, headers: dict | None = None):
    payload = json.dumps(body).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw += [(k.lower().encode(), str(v).encode()) for k, v in (headers or {}).items()]

    async def send_it(send):
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": payload})
    return send_it


class RateLimiter:
    """A token bucket per (token, bucket name): `limit` a minute, refilled continuously."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._buckets: dict[tuple, list[float]] = {}
        self._lock = threading.Lock()

    def take(self, who: str, bucket: str, limit: int) -> float:
        """0 if allowed, else the seconds to wait."""
        rate = limit / 60.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get((who, bucket), (float(limit), now))
            tokens = min(float(limit), tokens + (now - last) * rate)
            if tokens >= 1:
                self._buckets[(who, bucket)] = [tokens - 1, now]
                return 0.0
            self._buckets[(who, bucket)] = [tokens, now]
            return (1 - tokens) / rate


class SecurityMiddleware:
    def __init__(self, app, *, router, route_policy: dict, verify, allowed_hosts, allowed_origins=(),
                 request_limit: dict | None = None, limiter: RateLimiter | None = None, on_response=None):
        self.app = app
        self.router = router
        self.route_policy = route_policy          # endpoint → (scope | "" | None, owner_param | None)
        self.verify = verify                      # token → Principal | None
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts is not None else None
        self.allowed_origins = set(allowed_origins)
        self.request_limit = request_limit or {"key": 1200, "agent": 12000}
        self.limiter = limiter or RateLimiter()
        self.on_response = on_response

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        refusal = self._check(scope)
        if refusal is None:
            return await self.app(scope, receive, send)
        status, body, headers = refusal
        if self.on_response:
            self.on_response(status)
        if scope["type"] == "websocket":
            await receive()                        # the connect message
            return await send({"type": "websocket.close", "code": 1008, "reason": body["error"][:120]})
        await _json_response(status, body, headers)(send)

    def _check(self, scope):
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "").lower()
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            return 400, {"error": f"this server does not answer for host '{host}'"}, None
        origin = headers.get("origin")
        if origin is not None and origin not in self.allowed_origins and \
                origin.lower() not in {f"http://{h}" for h in (self.allowed_hosts or {host})}:
            return 403, {"error": f"requests from pages at {origin} are not allowed"}, None

        endpoint, params = self._route(scope)
        required, owner_param = self.route_policy.get(endpoint, ("", None))
        if required is None:
            return None                           # /healthz
        token = self._token(scope, headers)
        principal = self.verify(token) if token else None
        if principal is None:
            return 401, {"error": "a valid token is required (Authorization: Bearer TOKEN)"}, \
                {"WWW-Authenticate": "Bearer"}
        if required and not principal.allows(required):
            return 403, {"error": f"this token lacks the '{required}' scope"}, None
        if owner_param and principal.kind == "agent" and params.get(owner_param) != principal.subject:
            return 403, {"error": "an agent token may only act for its own agent"}, None

        wait = self.limiter.take(principal.subject, "requests", self.request_limit.get(principal.kind, 1200))
        if not wait and scope.get("method") == "POST" and scope["path"].rstrip("/") == "/tasks":
            wait = self.limiter.take(principal.subject, "submit", principal.rate_limit)
        if wait:
            return 429, {"error": "too many requests; slow down"}, {"Retry-After": max(1, math.ceil(wait))}
        scope.setdefault("state", {})["principal"] = principal
        return None

    def _route(self, scope):
        for route in self.router.routes:
            match, child = route.matches(scope)
            if match == Match.FULL:
                return route.endpoint, child.get("path_params", {})
        return None, {}

    @staticmethod
    def _token(scope, headers) -> str | None:
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        if scope["type"] == "websocket":           # browsers can't set headers on a WebSocket
            values = parse_qs(scope.get("query_string", b"").decode()).get("token")
            return values[0] if values else None
        return None


def local_principal() -> Principal:
    return Principal("local", frozenset({"admin"}), kind="local", rate_limit=10 ** 9)
