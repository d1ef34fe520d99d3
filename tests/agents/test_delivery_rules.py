"""The delivery layer over both engines: backoff, dead letters, take-over, cancel, completion once,
and the registry's offline rule."""

from __future__ import annotations

import random
import time

import pytest

from agent_bridge.delivery import Delivery, DeliveryPolicy, NotDead
from agent_bridge.registry import RoleConflict
from agent_bridge.swarm import Swarm
from agent_bridge.worker import LocalSource, Worker

from handlers import Crash, Echo, Sleepy


def wait_for(predicate, timeout=10.0, every=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("condition not reached in time")


def events_of(swarm, task_id):
    events, _ = swarm.engine.events_after(swarm.engine.event_cursor(task_id), 0.05, task_id=task_id)
    return events


@pytest.mark.parametrize("attempt", range(1, 12))
def test_backoff_is_two_times_two_to_the_n_minus_one_with_jitter_and_a_cap(attempt):
    policy = DeliveryPolicy(rng=random.Random(attempt))
    nominal = 2 * 2 ** (attempt - 1)
    for _ in range(50):
        delay = policy.backoff(attempt)
        assert delay <= 300
        assert min(300, nominal * 0.75) <= delay <= min(300, nominal * 1.25)


def test_jitter_spreads_the_delays():
    policy = DeliveryPolicy(rng=random.Random(7))
    assert len({round(policy.backoff(3), 3) for _ in range(20)}) > 10


def test_a_failing_task_is_retried_with_backoff_then_dead_lettered(engine):
    swarm = Swarm(engine, DeliveryPolicy(lease_seconds=5, backoff_base=0.05))
    worker = Worker(LocalSource(swarm), Crash()).start()
    try:
        task_id = swarm.delivery.submit("noop", {"uri": "x", "text": ""})["id"]
        wait_for(lambda: swarm.delivery.get(task_id)["state"] == "dead")
    finally:
        worker.stop()
    task = swarm.delivery.get(task_id)
    assert task["attempts"] == 5 and task["error"]["type"] == "RuntimeError"
    events = events_of(swarm, task_id)
    types = [e["type"] for e in events]
    assert types.count("leased") == 5 and types.count("failed") == 5 and types[-1] == "dead"
    retries = [e["payload"]["retry_in"] for e in events if e["type"] == "failed" and "retry_in" in e["payload"]]
    assert len(retries) == 4
    for n, delay in enumerate(retries, start=1):
        # The event gives the delay in whole milliseconds: 0.1503 s is written 0.15.
        assert 0.75 * 0.05 * 2 ** (n - 1) - 0.0005 <= delay <= 1.25 * 0.05 * 2 ** (n - 1) + 0.0005
    leased_at = [e["time"] for e in events if e["type"] == "leased"]
    for n in range(1, 5):                     # each retry waited at least its backoff
        assert leased_at[n] - leased_at[n - 1] >= 0.75 * 0.05 * 2 ** (n - 1) - 0.01
    assert [t["id"] for t in swarm.delivery.dead_letters()] == [task_id]
    assert swarm.status()["dead_letters"] == 1


def test_dead_letters_can_be_retried_and_dropped(engine):
    swarm = Swarm(engine, DeliveryPolicy(max_attempts=1))
    delivery = swarm.delivery
    ids = [delivery.submit("noop", {"n": i})["id"] for i in range(2)]
    for _ in ids:
        lease = delivery.claim("a", ["noop"])
        assert delivery.fail(lease, {"message": "no"}) == "dead"
    revived = delivery.retry_dead(ids[0])
    assert revived["state"] == "queued" and revived["attempts"] == 0
    delivery.drop_dead(ids[1])
    with pytest.raises(KeyError):
        delivery.get(ids[1])
    with pytest.raises(NotDead):
        delivery.retry_dead(ids[0])              # it is queued now, not dead
    lease = delivery.claim("a", ["noop"])
    assert lease.task_id == ids[0]
    assert delivery.complete(lease, {"markdown": "ok"})


def test_a_task_whose_agents_keep_dying_goes_to_the_dead_letters(engine):
    delivery = Delivery(engine, DeliveryPolicy(lease_seconds=0.1, max_attempts=2))
    task_id = delivery.submit("noop", {})["id"]
    for _ in range(2):
        assert delivery.claim("dies", ["noop"]).task_id == task_id
        time.sleep(0.25)                          # the lease ends: the agent "died"
    assert delivery.claim("next", ["noop"]) is None
    assert delivery.get(task_id)["state"] == "dead"
    assert delivery.get(task_id)["error"]["type"] == "AgentLost"


def test_completion_is_visible_once_even_when_a_task_ran_twice(engine):
    delivery = Delivery(engine, DeliveryPolicy(lease_seconds=0.2))
    task_id = delivery.submit("noop", {})["id"]
    slow = delivery.claim("slow", ["noop"])
    time.sleep(0.4)
    fast = wait_for(lambda: delivery.claim("fast", ["noop"]))
    assert fast.task_id == task_id
    assert delivery.complete(fast, {"markdown": "fast"}) is True
    assert delivery.complete(slow, {"markdown": "slow"}) is False
    assert delivery.get(task_id)["result"] == {"markdown": "fast"}
    done = [e for e in events_of(Swarm(engine), task_id) if e["type"] == "done"]
    assert len(done) == 1


def test_cancel_stops_a_running_specialist(engine):
    swarm = Swarm(engine, DeliveryPolicy(lease_seconds=0.6))
    worker = Worker(LocalSource(swarm), Sleepy()).start()
    try:
        task_id = swarm.delivery.submit("noop", {"sleep": 30})["id"]
        wait_for(lambda: swarm.delivery.get(task_id)["state"] == "leased")
        started = time.monotonic()
        assert swarm.delivery.cancel(task_id)["state"] == "cancelled"
        wait_for(lambda: not worker._active, timeout=5)      # the worker noticed and stopped
        assert time.monotonic() - started < 3
    finally:
        worker.stop()
    types = [e["type"] for e in events_of(swarm, task_id)]
    assert types[-1] == "cancelled" and "done" not in types
    assert swarm.delivery.get(task_id)["state"] == "cancelled"


def test_worker_reports_progress_and_fills_in_agent_and_duration(engine):
    swarm = Swarm(engine)
    worker = Worker(LocalSource(swarm), Echo()).start()
    try:
        task_id = swarm.delivery.submit("explain", {"uri": "file:///a.hc", "text": "x"})["id"]
        wait_for(lambda: swarm.delivery.get(task_id)["state"] == "done")
    finally:
        worker.stop()
    result = swarm.delivery.get(task_id)["result"]
    assert result["markdown"] == "echo x" and result["edits"] == [] and result["findings"] == []
    assert result["agent"]["role"] == "explainer" and result["agent"]["id"] == worker.agent["id"]
    assert result["agent"]["engine"] == "rules" and result["duration"] >= 0
    events = events_of(swarm, task_id)
    assert [e["type"] for e in events] == ["queued", "leased", "progress", "done"]
    assert events[1]["payload"]["agent"]["role"] == "explainer"
    assert events[2]["payload"] == {"message": "looking at it"}
    assert all(e["topic"] == f"task.{task_id}.{e['type']}" for e in events)


def test_registry_dedup_and_immutable_role(engine):
    swarm = Swarm(engine)
    first = swarm.registry.register(name="e", role="explainer", dedup_key="box-1")
    again = swarm.registry.register(name="e", role="explainer", dedup_key="box-1")
    assert again["id"] == first["id"]
    with pytest.raises(RoleConflict):
        swarm.registry.register(name="e", role="fixer", dedup_key="box-1")
    other = swarm.registry.register(name="e", role="fixer")
    assert other["id"] != first["id"]
    assert {a["id"] for a in swarm.registry.agents()} == {first["id"], other["id"]}


def test_a_silent_agent_goes_offline_and_its_leases_are_released(engine):
    clock = [1000.0]
    swarm = Swarm(engine, DeliveryPolicy(lease_seconds=600), offline_after=30)
    swarm.registry.clock = lambda: clock[0]
    silent = swarm.registry.register(name="s", role="explainer")
    alive = swarm.registry.register(name="a", role="explainer")
    task_id = swarm.delivery.submit("noop", {})["id"]
    assert swarm.delivery.claim(silent["id"], ["noop"]).task_id == task_id
    clock[0] += 20
    swarm.registry.heartbeat(alive["id"], "active", 0)
    assert swarm.registry.sweep() == []
    clock[0] += 15                                  # 35 s since the silent agent was seen
    assert swarm.registry.sweep() == [silent["id"]]
    assert swarm.registry.get(silent["id"])["online"] is False
    taken = wait_for(lambda: swarm.delivery.claim(alive["id"], ["noop"]), timeout=3)
    assert taken.task_id == task_id                 # long before its 600 s lease would end
    offline = [e for e in swarm.engine.events_after(0 if engine.name == "embedded" else "0-0", 0.1)[0]
               if e["topic"] == f"agent.{silent['id']}.offline"]
    assert len(offline) == 1


def test_idempotent_submit_publishes_queued_once(engine):
    swarm = Swarm(engine)
    a = swarm.delivery.submit("explain", {"uri": "u", "text": "t"}, idempotency_key="k1")
    b = swarm.delivery.submit("explain", {"uri": "u", "text": "t"}, idempotency_key="k1")
    assert a["id"] == b["id"]
    assert [e["type"] for e in events_of(swarm, a["id"])] == ["queued"]
