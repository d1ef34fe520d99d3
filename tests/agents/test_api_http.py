"""The HTTP/WebSocket API in process (Starlette's TestClient): auth, scopes, Host/Origin, 422s that
name the field, 429 with Retry-After, and each route's behaviour."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from agent_bridge.api import create_app
from agent_bridge.api.app import TABLE
from agent_bridge.delivery import DeliveryPolicy
from agent_bridge.engines.sqlite import EmbeddedEngine
from agent_bridge.swarm import Swarm

HOST = "testserver"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def swarm(tmp_path):
    swarm = Swarm(EmbeddedEngine(tmp_path / "api.sqlite3"), DeliveryPolicy(max_attempts=1))
    yield swarm
    swarm.close()


@pytest.fixture
def client(swarm):
    app = create_app(swarm, allowed_hosts={HOST}, follow_metrics=False)
    with TestClient(app, base_url=f"http://{HOST}") as client:
        yield client


def key(swarm, *scopes, rate_limit=100):
    return {"Authorization": f"Bearer {swarm.keys.create(scopes, rate_limit=rate_limit)[0]}"}


def submit(client, headers, **extra):
    body = {"kind": "explain", "payload": {"uri": "file:///a.hc", "text": "x = 1\n"}, **extra}
    return client.post("/tasks", json=body, headers=headers)


def test_healthz_needs_no_token_but_everything_else_does(client):
    assert client.get("/healthz").json() == {"ok": True}
    for method, path, _, scope, _ in TABLE:
        if scope is None or method == "WS":
            continue
        response = client.request(method, path.replace("{id}", "abc"))
        assert response.status_code == 401, (method, path)
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/tasks/abc", headers={"Authorization": "Bearer hck_nope_nope"}).status_code == 401


def test_a_missing_scope_is_403(client, swarm):
    reader = key(swarm, "tasks:read")
    response = submit(client, reader)
    assert response.status_code == 403 and "tasks:submit" in response.json()["error"]
    assert client.get("/dlq", headers=reader).status_code == 403
    assert client.get("/metrics", headers=reader).status_code == 403


@pytest.mark.parametrize("body, field", [
    ({"kind": "dance", "payload": {"uri": "u", "text": "t"}}, "kind"),
    ({"kind": "explain"}, "payload"),
    ({"kind": "explain", "payload": {"uri": "u"}}, "payload.text"),
    ({"kind": "explain", "payload": {"uri": "u", "text": "t"}, "priority": 12}, "priority"),
    ({"kind": "explain", "payload": {"uri": "u", "text": "t"}, "priority": "high"}, "priority"),
    ({"kind": "explain", "payload": "file.hc"}, "payload"),
])
def test_bad_input_is_422_naming_the_field(client, swarm, body, field):
    response = client.post("/tasks", json=body, headers=key(swarm, "tasks:submit"))
    assert response.status_code == 422
    assert response.json()["field"] == field and field in response.json()["error"]


def test_a_body_that_is_not_json_is_422(client, swarm):
    response = client.post("/tasks", content=b"{nope", headers=key(swarm, "tasks:submit"))
    assert response.status_code == 422 and response.json()["field"] == "body"


def test_submissions_past_the_rate_limit_get_429_with_retry_after(client, swarm):
    headers = key(swarm, "tasks:submit", rate_limit=3)
    assert [submit(client, headers).status_code for _ in range(3)] == [202, 202, 202]
    refused = submit(client, headers)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    other = key(swarm, "tasks:submit", rate_limit=3)
    assert submit(client, other).status_code == 202           # limits are per key


def test_host_and_origin_are_checked(client, swarm):
    headers = key(swarm, "tasks:read")
    assert client.get("/healthz", headers={"Host": "evil.example"}).status_code == 400
    evil = client.get("/agents", headers={**key(swarm, "agents:read"), "Origin": "http://evil.example"})
    assert evil.status_code == 403
    same = client.get("/agents", headers={**key(swarm, "agents:read"), "Origin": f"http://{HOST}"})
    assert same.status_code == 200
    assert client.get("/tasks/x", headers=headers).status_code == 404


def test_task_lifecycle_over_http(client, swarm):
    admin = key(swarm, "admin")
    accepted = submit(client, admin, priority=2)
    assert accepted.status_code == 202 and accepted.json()["state"] == "queued"
    task_id = accepted.json()["id"]
    registered = client.post("/agents", json={"name": "t", "role": "explainer"}, headers=admin)
    assert registered.status_code == 201
    agent_id, token = registered.json()["agent_id"], registered.json()["token"]
    agent = {"Authorization": f"Bearer {token}"}
    claimed = client.post(f"/agents/{agent_id}/claim", json={"kinds": ["explain"], "wait": 0}, headers=agent)
    assert claimed.status_code == 200 and claimed.json()["task"]["id"] == task_id
    lease = {"handle": claimed.json()["handle"], "attempts": claimed.json()["task"]["attempts"]}
    assert client.post(f"/tasks/{task_id}/extend", json=lease, headers=agent).json() == {"state": "ok"}
    progress = client.post("/events", json={"topic": f"task.{task_id}.progress", "type": "progress",
                                            "payload": {"message": "half way"}}, headers=agent)
    assert progress.status_code == 201
    done = client.post(f"/tasks/{task_id}/complete", json={**lease, "result": {"markdown": "hi"}}, headers=agent)
    assert done.json() == {"accepted": True}
    again = client.post(f"/tasks/{task_id}/complete", json={**lease, "result": {"markdown": "2"}}, headers=agent)
    assert again.json() == {"accepted": False}
    view = client.get(f"/tasks/{task_id}", headers=admin).json()
    assert view["state"] == "done" and view["result"] == {"markdown": "hi"} and view["attempts"] == 1
    with client.stream("GET", f"/tasks/{task_id}/events", headers=admin) as stream:
        lines = [line for line in stream.iter_lines() if line.startswith("data:")]
    types = [json.loads(line[5:])["type"] for line in lines]
    assert types == ["queued", "leased", "progress", "done"]
    assert client.post(f"/agents/{agent_id}/claim", json={"kinds": ["explain"], "wait": 0},
                       headers=agent).status_code == 204


def test_agent_tokens_are_short_lived_and_only_act_for_their_agent(client, swarm):
    admin = key(swarm, "admin")
    first = client.post("/agents", json={"name": "a", "role": "explainer"}, headers=admin).json()
    second = client.post("/agents", json={"name": "b", "role": "fixer"}, headers=admin).json()
    claims = jwt.decode(first["token"], options={"verify_signature": False})
    assert claims["sub"] == first["agent_id"] and claims["role"] == "explainer"
    assert 0 < claims["exp"] - claims["iat"] <= 3600 and "agents:work" in claims["scope"]
    agent = {"Authorization": f"Bearer {first['token']}"}
    other = client.post(f"/agents/{second['agent_id']}/claim", json={"kinds": ["fix"]}, headers=agent)
    assert other.status_code == 403
    assert client.post(f"/agents/{first['agent_id']}/heartbeat", json={"status": "busy", "load": 0.5},
                       headers=agent).json()["status"] == "busy"
    assert client.post(f"/agents/{first['agent_id']}/heartbeat", json={"status": "asleep"},
                       headers=agent).json()["field"] == "status"
    assert submit(client, agent).status_code == 403                      # agents don't submit
    forged = jwt.encode({"sub": first["agent_id"], "role": "explainer", "scope": "admin",
                         "exp": int(time.time()) + 60}, "not-the-secret-but-long-enough-for-hs256!", algorithm="HS256")
    assert client.get("/dlq", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    expired = jwt.encode({"sub": "x", "role": "explainer", "scope": "tasks:read", "iat": 0, "exp": 1},
                         swarm.tokens.secret, algorithm="HS256")
    assert client.get("/tasks/x", headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    too_long = jwt.encode({"sub": "x", "scope": "tasks:read", "iat": int(time.time()),
                           "exp": int(time.time()) + 7200}, swarm.tokens.secret, algorithm="HS256")
    assert client.get("/tasks/x", headers={"Authorization": f"Bearer {too_long}"}).status_code == 401


def test_role_is_immutable_409(client, swarm):
    admin = key(swarm, "admin")
    client.post("/agents", json={"name": "a", "role": "explainer", "dedup_key": "k"}, headers=admin)
    conflict = client.post("/agents", json={"name": "a", "role": "fixer", "dedup_key": "k"}, headers=admin)
    assert conflict.status_code == 409


def test_event_publish_acl(client, swarm):
    admin = key(swarm, "admin")
    agent = client.post("/agents", json={"name": "a", "role": "explainer"}, headers=admin).json()
    headers = {"Authorization": f"Bearer {agent['token']}"}
    refused = client.post("/events", json={"topic": "agent.someone-else.x", "type": "x"}, headers=headers)
    assert refused.status_code == 403
    bad = client.post("/events", json={"topic": "no spaces", "type": "x"}, headers=headers)
    assert bad.status_code == 422


def test_websocket_subscription_and_acl(client, swarm):
    admin = key(swarm, "admin")
    agent = client.post("/agents", json={"name": "a", "role": "explainer"}, headers=admin).json()
    token = agent["token"]
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/events?topics=%23", headers={"Authorization": f"Bearer {token}"}) as ws:
            ws.receive_json()
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/events?topics=agent.%23") as ws:       # no token
            ws.receive_json()
    with client.websocket_connect(f"/events?topics=swarm.*&token={token}") as ws:
        time.sleep(0.3)
        client.post("/events", json={"topic": "swarm.ping", "type": "ping", "payload": {"n": 1}}, headers=admin)
        client.post("/events", json={"topic": "swarm.ping.deep", "type": "ping"}, headers=admin)
        client.post("/events", json={"topic": "swarm.pong", "type": "pong"}, headers=admin)
        assert ws.receive_json()["topic"] == "swarm.ping"
        assert ws.receive_json()["topic"] == "swarm.pong"


def test_memory_routes_and_a_tampered_record(client, swarm):
    writer = key(swarm, "memory:write", "memory:read")
    made = client.post("/memory", json={"namespace": "user:ada", "kind": "long", "text": "typed retrun",
                                        "keywords": ["retrun"]}, headers=writer)
    assert made.status_code == 201
    record_id = made.json()["id"]
    assert client.get(f"/memory/{record_id}", headers=writer).json()["text"] == "typed retrun"
    found = client.get("/memory/search", params={"q": "retrun", "namespace": "user:ada"}, headers=writer).json()
    assert [r["id"] for r in found["records"]] == [record_id]
    assert client.get("/memory/search", params={"q": "x", "limit": 500}, headers=writer).json()["field"] == "limit"
    assert client.post("/memory", json={"namespace": "n", "kind": "forever", "text": "t"},
                       headers=writer).json()["field"] == "kind"
    row = swarm.engine.fetch("memory", record_id)
    swarm.engine.put("memory", record_id, dict(row, namespace="user:mallory"))
    assert client.get(f"/memory/{record_id}", headers=writer).status_code == 409
    found = client.get("/memory/search", params={"q": "retrun"}, headers=writer).json()
    assert found == {"records": [], "unreadable": [record_id]}
    assert client.delete(f"/memory/{record_id}", headers=writer).status_code == 204
    assert client.get(f"/memory/{record_id}", headers=writer).status_code == 404


def test_dead_letter_routes(client, swarm):
    admin = key(swarm, "admin")
    task_id = submit(client, admin).json()["id"]
    lease = swarm.delivery.claim("agent", ["explain"])
    assert swarm.delivery.fail(lease, {"message": "broken"}) == "dead"
    dead = client.get("/dlq", headers=admin).json()["tasks"]
    assert [t["id"] for t in dead] == [task_id] and dead[0]["error"]["message"] == "broken"
    assert client.post(f"/dlq/{task_id}/retry", headers=admin).json()["state"] == "queued"
    assert client.post(f"/dlq/{task_id}/retry", headers=admin).status_code == 404
    lease = swarm.delivery.claim("agent", ["explain"])
    swarm.delivery.fail(lease, {"message": "again"})
    assert client.delete(f"/dlq/{task_id}", headers=admin).status_code == 204
    assert client.get(f"/tasks/{task_id}", headers=admin).status_code == 404


def test_cancel_route(client, swarm):
    headers = key(swarm, "tasks:submit", "tasks:read")
    task_id = submit(client, headers).json()["id"]
    assert client.post(f"/tasks/{task_id}/cancel", headers=headers).json() == {"id": task_id, "state": "cancelled"}
    assert client.get(f"/tasks/{task_id}", headers=headers).json()["state"] == "cancelled"


def test_metrics_readyz_and_docs(client, swarm):
    admin = key(swarm, "admin")
    submit(client, admin, priority=0)
    metrics = client.get("/metrics", headers=key(swarm, "metrics")).text
    assert 'hypercode_queue_depth{priority="0"} 1.0' in metrics
    assert "hypercode_dead_letters 0.0" in metrics and "hypercode_task_latency_seconds" in metrics
    assert client.get("/readyz", headers=admin).json() == {"ready": True, "engine": "embedded"}
    docs = client.get("/docs", headers=key(swarm, "tasks:read")).json()
    assert docs["openapi"].startswith("3.") and "/tasks/{id}/events" in docs["paths"]
    assert docs["paths"]["/tasks"]["post"]["x-scope"] == "tasks:submit"


def test_api_keys_are_stored_hashed(swarm):
    token, record = swarm.keys.create(["tasks:read"])
    secret = token.split("_", 2)[2]
    assert secret not in json.dumps(swarm.engine.scan("keys"))
    assert swarm.keys.verify(token).scopes == {"tasks:read"}
    assert swarm.keys.revoke(record["id"]) and swarm.keys.verify(token) is None


def test_an_agent_registered_with_narrower_rights_keeps_to_them(client, swarm):
    """A crew manifest may narrow a role's event-bus rights per agent, never widen them."""
    admin = key(swarm, "admin")
    narrow = client.post("/agents", json={"name": "n", "role": "explainer", "publish": ["agent.{self}.#"],
                                          "topics": ["agent.#"]}, headers=admin).json()
    headers = {"Authorization": f"Bearer {narrow['token']}"}
    own = client.post("/events", json={"topic": f"agent.{narrow['agent_id']}.note", "type": "note"}, headers=headers)
    assert own.status_code in (200, 201, 202)
    # the role may publish task progress, but this agent was registered without that right
    refused = client.post("/events", json={"topic": "task.t1.progress", "type": "progress"}, headers=headers)
    assert refused.status_code == 403
    wider = client.post("/agents", json={"name": "w", "role": "explainer", "publish": ["#"]}, headers=admin)
    assert wider.status_code == 403
