"""End to end with real processes: `hypercode-swarm serve` (embedded, and Redis) with
`hypercode-agent` processes, driven through `Bridge.remote`, and the CLI's status/dlq/keys."""

from __future__ import annotations

import json
import subprocess

import httpx
import pytest

from agent_bridge.client import Bridge
from procs import BIN, agent, serve



def test_serve_embedded_with_an_agent_over_http(tmp_path):
    db = str(tmp_path / "swarm.sqlite3")
    server, url, admin = serve("--db", db)
    worker = None
    try:
        worker, agent_id = agent("explainer", "--swarm", url, extra=["--token", admin])
        with Bridge.remote(url, admin) as bridge:
            task_id = bridge.submit("explain", {"uri": "file:///a.hc", "text": "hello"})
            types = [event["type"] for event in bridge.events(task_id, timeout=20)]
            assert types == ["queued", "leased", "progress", "done"]
            view = bridge.result(task_id, timeout=20)
            assert view["state"] == "done" and view["result"]["markdown"] == "echo hello"
            assert view["result"]["agent"]["id"] == agent_id
        assert httpx.get(f"{url}/agents").status_code == 401
        agents = httpx.get(f"{url}/agents", headers={"Authorization": f"Bearer {admin}"}).json()["agents"]
        assert [a["id"] for a in agents] == [agent_id]
        # A second start prints no new admin key: it was created once.
        server.stop()
        again, url, _ = serve_without_key(db)
        again.stop()
    finally:
        if worker:
            worker.stop()
        server.stop()


def serve_without_key(db):
    from procs import Proc
    proc = Proc([str(BIN / "hypercode-swarm"), "serve", "--port", "0", "--db", db])
    url = proc.wait_for(r"ready at (http://\S+)/").group(1)
    assert not any("hck_" in line for line in proc.lines)
    return proc, url, None


def test_serve_on_redis_with_two_agents(redis_server):
    server, url, admin = serve("--redis", redis_server.url)
    agents = []
    try:
        for _ in range(2):
            agents.append(agent("explainer", "--redis", redis_server.url))
        ids = {agent_id for _, agent_id in agents}
        with Bridge.remote(url, admin) as bridge:
            tasks = [bridge.submit("explain", {"uri": "file:///a.hc", "text": str(i)}) for i in range(20)]
            served = {bridge.result(t, timeout=30)["result"]["agent"]["id"] for t in tasks}
        assert served <= ids and served
        status = subprocess.run([str(BIN / "hypercode-swarm"), "status", "--json", "--redis", redis_server.url],
                                capture_output=True, text=True, timeout=30)
        report = json.loads(status.stdout)
        assert report["engine"] == "redis" and {a["id"] for a in report["agents"]} >= ids
        assert report["done"] >= 20
    finally:
        for proc, _ in agents:
            proc.stop()
        server.stop()


def run_cli(*args):
    return subprocess.run([str(BIN / "hypercode-swarm"), *args], capture_output=True, text=True, timeout=30)


def test_cli_keys_dlq_and_status(tmp_path):
    db = str(tmp_path / "cli.sqlite3")
    made = run_cli("keys", "create", "--scope", "tasks:submit", "tasks:read", "--name", "editor", "--db", db)
    assert made.returncode == 0 and "hck_" in made.stdout
    key_id = made.stdout.split()[1]
    listed = run_cli("keys", "list", "--db", db)
    assert key_id in listed.stdout and "editor" in listed.stdout and "hck_" not in listed.stdout
    assert run_cli("keys", "revoke", key_id, "--db", db).returncode == 0
    assert "revoked" in run_cli("keys", "list", "--db", db).stdout
    bad = run_cli("keys", "create", "--scope", "everything", "--db", db)
    assert bad.returncode == 2 and "unknown scope" in bad.stderr and "Traceback" not in bad.stderr

    from agent_bridge.delivery import DeliveryPolicy
    from agent_bridge.swarm import Swarm
    swarm = Swarm.open(db, policy=DeliveryPolicy(max_attempts=1))
    task_id = swarm.delivery.submit("fix", {"uri": "u", "text": "t"})["id"]
    swarm.delivery.fail(swarm.delivery.claim("a", ["fix"]), {"message": "it broke"})
    swarm.close()
    listed = run_cli("dlq", "list", "--db", db)
    assert task_id in listed.stdout and "it broke" in listed.stdout
    assert run_cli("dlq", "retry", task_id, "--db", db).returncode == 0
    assert run_cli("dlq", "drop", task_id, "--db", db).returncode == 2     # queued now, not dead
    status = run_cli("status", "--db", db)
    assert "Waiting: 1" in status.stdout
    unreachable = run_cli("status", "--redis", "redis://127.0.0.1:1/0")
    assert unreachable.returncode == 2 and "Traceback" not in unreachable.stderr
