"""The routing table of `hypercode-swarm serve`: thin handlers over the swarm's calls.

Each row names its method, path, handler and the scope it needs; `SecurityMiddleware` enforces
Host/Origin, tokens, scopes and rate limits for every row, and the OpenAPI document at /docs is
derived from the same table."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager

import anyio
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool as in_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from hypercode_voice.endpoint import serve_starlette as voice_socket

from ..bus import AccessDenied, BadTopic, acl_for, matches_any
from ..delivery import KINDS, Delivery, NotDead, TaskNotFound
from ..engines.base import Lease
from ..memory import KINDS as MEMORY_KINDS, MemoryTampered
from ..metrics import SwarmMetrics
from ..registry import AgentNotFound, RoleConflict, STATUSES
from .security import RateLimiter, SecurityMiddleware
from .validate import Invalid, need, query_int

MAX_CLAIM_WAIT = 5.0


def _swarm(request):
    return request.app.state.swarm


def _principal(request):
    return request.scope["state"]["principal"]


async def _body(request: Request) -> dict:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise Invalid("body", "must be a JSON object") from None
    if not isinstance(body, dict):
        raise Invalid("body", "must be a JSON object")
    return body


def _acl(principal, swarm):
    """An agent's rights are its role's, narrowed by what it registered with (e.g. its crew manifest)."""
    return swarm.registry.acl_of(principal.subject, principal.role) if principal.kind == "agent" else None


# ---- tasks -------------------------------------------------------------------------------------
async def submit_task(request: Request):
    """Submit a task → 202 {id, state}."""
    body = await _body(request)
    kind = need(body, "kind", str, choices=KINDS)
    payload = need(body, "payload", dict)
    need(payload, "uri", str, path="payload.uri")
    need(payload, "text", str, path="payload.text")
    priority = need(body, "priority", int, required=False, default=3, minimum=0, maximum=9)
    key = need(body, "idempotency_key", str, required=False)
    task = await in_thread(_swarm(request).delivery.submit, kind, payload, priority, key)
    return JSONResponse({"id": task["id"], "state": task["state"]}, status_code=202)


async def get_task(request: Request):
    """A task: {id, kind, state, attempts, result?, error?}."""
    task = await in_thread(_swarm(request).delivery.get, request.path_params["id"])
    return JSONResponse(Delivery.public(task))


async def cancel_task(request: Request):
    """Cancel a task that has not finished → {id, state}."""
    task = await in_thread(_swarm(request).delivery.cancel, request.path_params["id"])
    return JSONResponse({"id": task["id"], "state": task["state"]})


async def task_events(request: Request):
    """Server-sent events of one task, from its start until it finishes."""
    swarm, task_id = _swarm(request), request.path_params["id"]
    await in_thread(swarm.delivery.get, task_id)

    def stream():
        for event in swarm.bus.task_events(task_id, poll=1.0):
            yield ": keep-alive\n\n" if event is None else f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


# ---- agents' work ------------------------------------------------------------------------------
def _lease(request: Request, body: dict, task: dict) -> Lease:
    handle = need(body, "handle", str)
    attempts = need(body, "attempts", int, minimum=0, maximum=10 ** 6)
    return Lease(dict(task, attempts=attempts), _principal(request).subject, handle)


async def claim(request: Request):
    """Lease the next task for this agent → {task, handle, lease_seconds}, or 204 after `wait` s."""
    body = await _body(request)
    swarm = _swarm(request)
    agent = await in_thread(swarm.registry.get, request.path_params["id"])
    kinds = need(body, "kinds", list)
    if not kinds or not all(isinstance(k, str) for k in kinds):
        raise Invalid("kinds", "must be a non-empty list of task kinds")
    wait = need(body, "wait", (int, float), required=False, default=0.0, minimum=0, maximum=MAX_CLAIM_WAIT)
    lease = await in_thread(swarm.delivery.claim, agent["id"], kinds,
                            {"id": agent["id"], "role": agent["role"], "name": agent["name"]}, float(wait))
    if lease is None:
        return Response(status_code=204)
    return JSONResponse({"task": lease.task, "handle": lease.handle,
                         "lease_seconds": swarm.delivery.policy.lease_seconds})


async def extend(request: Request):
    """Keep a lease → {state: ok | lost | done | dead | cancelled}."""
    body = await _body(request)
    swarm = _swarm(request)
    task = await in_thread(swarm.delivery.get, request.path_params["id"])
    return JSONResponse({"state": await in_thread(swarm.delivery.extend, _lease(request, body, task))})


async def complete(request: Request):
    """Report an answer → {accepted} (false when the task had already finished)."""
    body = await _body(request)
    result = need(body, "result", dict)
    swarm = _swarm(request)
    task = await in_thread(swarm.delivery.get, request.path_params["id"])
    accepted = await in_thread(swarm.delivery.complete, _lease(request, body, task), result)
    return JSONResponse({"accepted": accepted})


async def fail(request: Request):
    """Report a failed attempt → {state: queued | dead | lost}."""
    body = await _body(request)
    error = need(body, "error", dict)
    swarm = _swarm(request)
    task = await in_thread(swarm.delivery.get, request.path_params["id"])
    return JSONResponse({"state": await in_thread(swarm.delivery.fail, _lease(request, body, task), error)})


# ---- registry ----------------------------------------------------------------------------------
async def register_agent(request: Request):
    """Register an agent → {agent_id, token, agent}; the token is a JWT of at most an hour."""
    body = await _body(request)
    info = dict(name=need(body, "name", str), role=need(body, "role", str),
                version=need(body, "version", str, required=False, default=""),
                capabilities=need(body, "capabilities", list, required=False, default=[]),
                topics=need(body, "topics", list, required=False, default=[]),
                publish=need(body, "publish", list, required=False, default=[]),
                max_concurrency=need(body, "max_concurrency", int, required=False, default=1, minimum=1,
                                     maximum=1024),
                dedup_key=need(body, "dedup_key", str, required=False))
    swarm = _swarm(request)
    agent = await in_thread(lambda: swarm.registry.register(**info))
    token = swarm.tokens.mint(agent["id"], agent["role"])
    return JSONResponse({"agent_id": agent["id"], "token": token, "agent": agent, "token_ttl": swarm.tokens.ttl,
                         "lease_seconds": swarm.delivery.policy.lease_seconds}, status_code=201)


async def heartbeat(request: Request):
    """{status: active|busy|draining, load} → the agent."""
    body = await _body(request)
    status = need(body, "status", str, required=False, default="active", choices=STATUSES)
    load = need(body, "load", (int, float), required=False, default=0.0, minimum=0, maximum=10 ** 6)
    agent = await in_thread(_swarm(request).registry.heartbeat, request.path_params["id"], status, load)
    return JSONResponse(agent)


async def deregister_agent(request: Request):
    """Remove an agent; its leases are released."""
    await in_thread(_swarm(request).registry.deregister, request.path_params["id"])
    return Response(status_code=204)


async def list_agents(request: Request):
    """Registered agents."""
    return JSONResponse({"agents": await in_thread(_swarm(request).registry.agents)})


async def watch_agents(request: Request):
    """Server-sent events of agent lifecycle (agent.#)."""
    swarm = _swarm(request)

    def stream():
        for event in swarm.bus.subscribe(["agent.#"], poll=1.0):
            yield ": keep-alive\n\n" if event is None else f"event: {event['type']}\ndata: {json.dumps(event)}\n\n"
    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


# ---- event bus ---------------------------------------------------------------------------------
async def publish_event(request: Request):
    """Publish {topic, type, payload} (checked against the sender's ACL) → 201 the envelope."""
    body = await _body(request)
    topic = need(body, "topic", str)
    type_ = need(body, "type", str)
    payload = need(body, "payload", dict, required=False, default={})
    principal = _principal(request)
    event = await in_thread(lambda: _swarm(request).bus.publish(topic, type_, payload, sender=principal.subject,
                                                                 correlation_id=body.get("correlation_id"),
                                                                 acl=_acl(principal, _swarm(request))))
    return JSONResponse(event, status_code=201)


async def events_socket(websocket: WebSocket):
    """WS /events?topics=P1,P2 — events matching the patterns, as JSON messages."""
    swarm = websocket.app.state.swarm
    principal = websocket.scope["state"]["principal"]
    patterns = [p for p in websocket.query_params.get("topics", "#").split(",") if p]
    try:
        swarm.bus.check_subscribe(patterns, await in_thread(_acl, principal, swarm))
    except (AccessDenied, BadTopic) as error:
        await websocket.close(code=1008, reason=str(error)[:120])
        return
    await websocket.accept()
    cursor = await anyio.to_thread.run_sync(swarm.engine.event_cursor)

    async def pump():
        nonlocal cursor
        while True:
            events, cursor = await anyio.to_thread.run_sync(swarm.engine.events_after, cursor, 1.0)
            for event in events:
                if matches_any(patterns, event["topic"]):
                    await websocket.send_json(event)

    async with anyio.create_task_group() as group:
        group.start_soon(pump)
        try:
            while True:
                await websocket.receive_text()          # nothing to say; wait for the close
        except WebSocketDisconnect:
            pass
        group.cancel_scope.cancel()


# ---- memory ------------------------------------------------------------------------------------
async def memory_write(request: Request):
    """{namespace, kind, text, keywords?, metadata?, ttl?} → 201 {id}."""
    body = await _body(request)
    namespace = need(body, "namespace", str)
    kind = need(body, "kind", str, choices=MEMORY_KINDS)
    text = need(body, "text", str)
    keywords = need(body, "keywords", list, required=False, default=[])
    metadata = need(body, "metadata", dict, required=False, default={})
    ttl = need(body, "ttl", (int, float), required=False, minimum=1, maximum=10 ** 9)
    principal = _principal(request)
    if principal.kind == "agent":
        metadata.setdefault("agent", principal.subject)
    record = await in_thread(_swarm(request).memory.write, namespace, kind, text, keywords, metadata, ttl)
    return JSONResponse({"id": record["id"], "namespace": namespace}, status_code=201)


async def memory_get(request: Request):
    """One record, or 404; a record that fails to open is 409, never returned."""
    record = await in_thread(_swarm(request).memory.get, request.path_params["id"],
                             request.query_params.get("namespace"))
    if record is None:
        return JSONResponse({"error": "no such memory record"}, status_code=404)
    return JSONResponse(record)


async def memory_search(request: Request):
    """?q=&kind=&namespace=&agent=&limit= → {records (best first), unreadable (ids)}."""
    params = request.query_params
    limit = query_int(params, "limit", 10, 1, 100)
    kind = params.get("kind") or None
    if kind is not None and kind not in MEMORY_KINDS:
        raise Invalid("kind", f"must be one of {', '.join(MEMORY_KINDS)}")
    records, unreadable = await in_thread(_swarm(request).memory.search, params.get("namespace") or None,
                                          params.get("q", ""), kind, params.get("agent") or None, limit)
    return JSONResponse({"records": records, "unreadable": unreadable})


async def memory_delete(request: Request):
    """Forget a record."""
    if not await in_thread(_swarm(request).memory.delete, request.path_params["id"]):
        return JSONResponse({"error": "no such memory record"}, status_code=404)
    return Response(status_code=204)


# ---- dead letters, health, metrics, docs -------------------------------------------------------
async def dlq_list(request: Request):
    """Tasks in the dead-letter queue."""
    limit = query_int(request.query_params, "limit", 100, 1, 1000)
    dead = await in_thread(_swarm(request).delivery.dead_letters, limit)
    return JSONResponse({"tasks": [Delivery.public(t) for t in dead]})


async def dlq_retry(request: Request):
    """Queue a dead task again, with a fresh attempt count."""
    task = await in_thread(_swarm(request).delivery.retry_dead, request.path_params["id"])
    return JSONResponse({"id": task["id"], "state": task["state"]})


async def dlq_drop(request: Request):
    """Forget a dead task."""
    await in_thread(_swarm(request).delivery.drop_dead, request.path_params["id"])
    return Response(status_code=204)


async def metrics(request: Request):
    """Prometheus text format."""
    body = await in_thread(request.app.state.metrics.render)
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")


async def healthz(request: Request):
    """Liveness: the process answers."""
    return JSONResponse({"ok": True})


async def readyz(request: Request):
    """Readiness: the engine is reachable."""
    ok = await in_thread(_swarm(request).engine.ping)
    return JSONResponse({"ready": ok, "engine": _swarm(request).engine.name}, status_code=200 if ok else 503)


async def docs(request: Request):
    """This API as an OpenAPI 3.1 document."""
    return JSONResponse(openapi())


# method, path, handler, scope ("" = any valid token, None = no token), path param the agent must own
TABLE = [
    ("POST", "/tasks", submit_task, "tasks:submit", None),
    ("GET", "/tasks/{id}", get_task, "tasks:read", None),
    ("POST", "/tasks/{id}/cancel", cancel_task, "tasks:submit", None),
    ("GET", "/tasks/{id}/events", task_events, "tasks:read", None),
    ("POST", "/tasks/{id}/extend", extend, "agents:work", None),
    ("POST", "/tasks/{id}/complete", complete, "agents:work", None),
    ("POST", "/tasks/{id}/fail", fail, "agents:work", None),
    ("POST", "/agents", register_agent, "agents:register", None),
    ("GET", "/agents", list_agents, "agents:read", None),
    ("GET", "/agents/watch", watch_agents, "agents:read", None),
    ("POST", "/agents/{id}/heartbeat", heartbeat, "agents:register", "id"),
    ("POST", "/agents/{id}/claim", claim, "agents:work", "id"),
    ("DELETE", "/agents/{id}", deregister_agent, "agents:register", "id"),
    ("POST", "/events", publish_event, "events:publish", None),
    ("WS", "/events", events_socket, "events:subscribe", None),
    ("WS", "/voice", voice_socket, "", None),
    ("POST", "/memory", memory_write, "memory:write", None),
    ("GET", "/memory/search", memory_search, "memory:read", None),
    ("GET", "/memory/{id}", memory_get, "memory:read", None),
    ("DELETE", "/memory/{id}", memory_delete, "memory:write", None),
    ("GET", "/dlq", dlq_list, "admin", None),
    ("POST", "/dlq/{id}/retry", dlq_retry, "admin", None),
    ("DELETE", "/dlq/{id}", dlq_drop, "admin", None),
    ("GET", "/metrics", metrics, "metrics", None),
    ("GET", "/healthz", healthz, None, None),
    ("GET", "/readyz", readyz, "metrics", None),
    ("GET", "/docs", docs, "", None),
]


def openapi() -> dict:
    paths: dict = {}
    for method, path, handler, scope, _ in TABLE:
        if method == "WS":
            method = "get"
        entry = {"summary": (handler.__doc__ or "").strip().splitlines()[0] if handler.__doc__ else "",
                 "operationId": handler.__name__}
        if scope is not None:
            entry["security"] = [{"bearer": []}]
            entry["x-scope"] = scope or "any valid token"
        if handler is events_socket:
            entry["x-websocket"] = True
        paths.setdefault(path, {})[method.lower()] = entry
    return {"openapi": "3.1.0", "info": {"title": "HyperCode swarm", "version": "1"}, "paths": paths,
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}}


def _error(status: int):
    async def handler(request, error):
        body = {"error": str(error).strip("'\"")}
        if isinstance(error, Invalid):
            body["field"] = error.field           # and the message starts with it: "priority: must be…"
        return JSONResponse(body, status_code=status)
    return handler


def _not_found(what: str):
    async def handler(request, error):
        return JSONResponse({"error": f"there is no {what} {error.args[0] if error.args else ''}".strip()},
                            status_code=404)
    return handler


def create_app(swarm, *, allowed_hosts=None, allowed_origins=(), request_limit: dict | None = None,
               limiter: RateLimiter | None = None, follow_metrics: bool = True, sweep_every: float = 5.0):
    routes = []
    for method, path, handler, _, _ in TABLE:
        if method == "WS":
            routes.append(WebSocketRoute(path, handler))
        else:
            routes.append(Route(path, handler, methods=[method]))
    policy = {handler: (scope, owner) for _, _, handler, scope, owner in TABLE}
    app_metrics = SwarmMetrics(swarm)

    def verify(token: str):
        return swarm.keys.verify(token) or swarm.tokens.verify(token)

    def on_response(status: int):
        app_metrics.requests.labels(str(status)).inc()

    @asynccontextmanager
    async def lifespan(app):
        if follow_metrics:
            app_metrics.follow()
        async with anyio.create_task_group() as group:
            async def sweeper():
                while True:
                    await anyio.sleep(sweep_every)
                    try:
                        await anyio.to_thread.run_sync(swarm.registry.sweep)
                    except Exception:
                        pass
            group.start_soon(sweeper)
            yield
            group.cancel_scope.cancel()
        app_metrics.stop()

    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={
        Invalid: _error(422), BadTopic: _error(422), AccessDenied: _error(403), RoleConflict: _error(409),
        MemoryTampered: _error(409), NotDead: _not_found("dead task"), TaskNotFound: _not_found("task"),
        AgentNotFound: _not_found("agent"), ValueError: _error(422)})
    app.state.swarm = swarm
    app.state.metrics = app_metrics
    app.add_middleware(SecurityMiddleware, router=app.router, route_policy=policy, verify=verify,
                       allowed_hosts=allowed_hosts, allowed_origins=allowed_origins, request_limit=request_limit,
                       limiter=limiter, on_response=on_response)
    return app
