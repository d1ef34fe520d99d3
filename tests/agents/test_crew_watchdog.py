"""Crews for real: agent processes from a manifest on the embedded engine and on a real Redis,
kill -9 and the watchdog (time measured), a crash loop that backs off and gives up visibly, a
failing agent refused admission, the warm pool, and one-use agents that share no state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from agent_bridge.crew import Crew, read_status
from agent_bridge.crew.manifest import load_manifest
from agent_bridge.swarm import Swarm

HANDLERS = str(Path(__file__).with_name("crew_handlers.py"))
SCENARIOS = Path(__file__).resolve().parents[2] / "agent_bridge" / "gym" / "scenarios"


def manifest_file(tmp_path, body: str) -> Path:
    path = tmp_path / "crew.yaml"
    path.write_text(body)
    return path


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


class Running:
    """A crew whose watchdog runs in a thread; always stopped and taken down."""

    def __init__(self, crew: Crew):
        self.crew = crew
        self.thread = threading.Thread(target=crew.run, daemon=True)

    def __enter__(self):
        self.crew.up()
        self.thread.start()
        return self.crew

    def __exit__(self, *exc):
        self.crew.stop()
        self.thread.join(5)
        self.crew.down()


def serving(crew: Crew, count: int):
    return lambda: [m for m in crew.members if m.state == "serving"] if sum(
        m.state == "serving" for m in crew.members) >= count else None


@pytest.fixture(params=["embedded", "redis"])
def where(request, tmp_path, redis_server):
    if request.param == "embedded":
        return {"db": str(tmp_path / "crew.sqlite3")}
    import redis
    redis.Redis.from_url(redis_server.url).flushdb()
    return {"redis": redis_server.url}


def test_crew_up_kill_minus_nine_and_the_watchdog_brings_them_back(tmp_path, where):
    manifest = load_manifest(manifest_file(tmp_path, "name: watch\nversion: 1\nagents:\n  - role: explainer\n"
                                                     "    count: 2\n    subscribe: ['task.#']\n    publish: ['task.*.progress', 'agent.{self}.#']\n"
                                                     "    capabilities: [explain]\nwarm_pool: 1\n"))
    with Running(Crew(manifest, log=lambda text: None, **where)) as crew:
        members = wait_for(serving(crew, 2), 90, "two explainers serving")
        swarm = crew.swarm
        registered = {a["id"]: a for a in swarm.registry.agents() if a["role"] == "explainer"}
        assert {m.agent_id for m in members} <= set(registered)
        for member in members:           # registered with the subscriptions the manifest gives
            assert registered[member.agent_id]["topics"] == ["task.#"]
            assert registered[member.agent_id]["capabilities"] == ["explain"]
            assert registered[member.agent_id]["publish"] == ["task.*.progress", "agent.{self}.#"]
            assert swarm.registry.acl_of(member.agent_id, "explainer")["publish"] == [
                "task.*.progress", f"agent.{member.agent_id}.#"]
        wait_for(lambda: read_status("watch")[0]["members"][0]["state"] == "serving", 10,
                 "the state file to catch up (it is saved every tick)")
        victim = members[0]
        old_id, killed_at = victim.agent_id, time.monotonic()
        os.kill(victim.process.pid, signal.SIGKILL)
        back = wait_for(lambda: next((m for m in crew.members if m.slot == victim.slot and m.state == "serving"
                                      and m.agent_id != old_id), None), 10, "the watchdog to restart the agent")
        took = time.monotonic() - killed_at
        assert took < 10, f"restarted after {took:.1f} s"
        assert back.restarts == 1
        restarted = [e for e in crew.events if e["topic"] == f"agent.{old_id}.restarted"]
        assert restarted and restarted[0]["payload"]["warm"] is True     # the pooled agent took over
        assert old_id not in {a["id"] for a in swarm.registry.agents()}   # its registration is gone
    assert not read_status("watch")
    assert all(m.process.poll() is not None for m in crew.members + crew.pool)


def test_a_crash_looping_agent_backs_off_and_the_watchdog_gives_up_visibly(tmp_path):
    manifest = load_manifest(manifest_file(tmp_path, "name: loop\nversion: 1\nagents:\n  - role: explainer\n"
                                                     "policy:\n  max_restarts: 3\n"))
    starts = []
    crew = Crew(manifest, db=str(tmp_path / "q.sqlite3"), log=starts.append,
                handler=f"{HANDLERS}:crash_at_start")
    with Running(crew):
        member = wait_for(lambda: next((m for m in crew.members if m.state == "gave_up"), None), 90,
                          "the watchdog to give up")
        assert member.restarts == 3
        gave_up = [e for e in crew.events if e["type"] == "gave_up"]
        assert gave_up and gave_up[0]["payload"]["exit_code"] == 3
        wait_for(lambda: read_status("loop")[0]["members"][0]["state"] == "gave_up", 10,
                 "the state file to say so")
    delays = [text for text in starts if "restarting in" in text]
    assert delays, starts                       # later restarts waited: exponential backoff
    assert "restarting in 1 s" in delays[0] and "restarting in 2 s" in delays[-1]


def test_an_agent_that_fails_the_gym_is_not_admitted(tmp_path):
    scenario = SCENARIOS / "explainer-function.yaml"
    manifest = load_manifest(manifest_file(tmp_path, "name: gated\nversion: 1\nagents:\n  - role: explainer\n"
                                                     f"admission:\n  required: true\n  gym: [shipped:{scenario.name}]\n"))
    refused = Crew(manifest, db=str(tmp_path / "q.sqlite3"), log=lambda text: None, handler=f"{HANDLERS}:Wrong")
    with Running(refused):
        assert refused.members == []
        assert refused.refused[0]["role"] == "explainer"
        assert "fib" in str(refused.refused[0]["failed"])
        assert [e["type"] for e in refused.events] == ["refused"]
        assert refused.swarm.registry.agents() == []
    admitted = Crew(manifest, db=str(tmp_path / "q2.sqlite3"), log=lambda text: None)
    with Running(admitted):
        assert wait_for(serving(admitted, 1), 60, "the admitted explainer")
        assert admitted.refused == []


def test_one_use_pooled_agents_serve_one_task_each_and_share_no_state(tmp_path):
    manifest = load_manifest(manifest_file(tmp_path, "name: fresh\nversion: 1\nagents:\n  - role: explainer\n"
                                                     "warm_pool: 2\npolicy:\n  one_use: true\n"))
    db = str(tmp_path / "q.sqlite3")
    crew = Crew(manifest, db=db, log=lambda text: None, handler=f"{HANDLERS}:Forgetful")
    with Running(crew):
        wait_for(serving(crew, 1), 60, "the explainer")
        wait_for(lambda: sum(m.state == "warm" for m in crew.pool) == 2, 60, "a warm pool of two")
        client = Swarm.open(db)
        ids = [client.delivery.submit("explain", {"text": "x = 1\n", "sleep": 0.3})["id"] for _ in range(4)]
        answers = wait_for(lambda: [t for t in (client.delivery.get(i) for i in ids) if t.get("state") == "done"]
                           if all(client.delivery.get(i).get("state") == "done" for i in ids) else None,
                           90, "four answers")
        texts = [t["result"]["markdown"] for t in answers]
        assert all(text.startswith("tasks seen by this process: 1 ") for text in texts), texts
        assert len({text.split("pid ")[1] for text in texts}) == 4        # four different processes
        client.close()


def test_crew_commands_up_status_down(tmp_path, monkeypatch):
    manifest = manifest_file(tmp_path, "name: cli\nversion: 1\nagents:\n  - role: reviewer\n")
    env = {**os.environ, "HYPERCODE_DATA": str(tmp_path / "data")}
    up = subprocess.Popen([sys.executable, "-m", "agent_bridge.cli_entry", "crew", "up", str(manifest), "--db",
                           str(tmp_path / "q.sqlite3")], env=env, stdout=subprocess.PIPE, text=True)
    try:
        status = lambda *extra: subprocess.run([sys.executable, "-m", "agent_bridge.cli_entry", "crew", "status", *extra],
                                               env=env, capture_output=True, text=True).stdout
        wait_for(lambda: "serving" in status(), 90, "crew status to show a serving reviewer")
        assert "crew-cli-reviewer-1" in status()
        down = subprocess.run([sys.executable, "-m", "agent_bridge.cli_entry", "crew", "down", "cli"], env=env,
                              capture_output=True, text=True, timeout=60)
        assert down.returncode == 0 and "Crew cli stopped." in down.stdout
        assert up.wait(30) == 0
        assert "No crew is running." in status()
        again = subprocess.run([sys.executable, "-m", "agent_bridge.cli_entry", "crew", "down", "cli"], env=env,
                               capture_output=True, text=True)
        assert again.returncode == 2 and "no running crew is called 'cli'" in again.stderr
    finally:
        if up.poll() is None:
            up.kill()
