"""The paths that make the swarm fast keep the delivery rules: `submit_many` (one step for many
tasks), the embedded engine's answer-and-next-claim in one transaction, and the Redis engine's
scripts sent straight on its connection (which must survive a dropped connection and a resent add)."""

from __future__ import annotations

import threading
import time
import uuid

import redis

from agent_bridge.delivery import Delivery, DeliveryPolicy
from agent_bridge.engines.sqlite import EmbeddedEngine


def events_of(engine, task_id):
    events, _ = engine.events_after(engine.event_cursor(task_id), 0.5, task_id=task_id)
    return [e["type"] for e in events]


def test_submit_many_queues_each_task_with_its_own_queued_event(engine):
    delivery = Delivery(engine)
    stored = delivery.submit_many([("noop", {"n": n}) for n in range(5)], priority=4)
    assert [t["payload"] for t in stored] == [{"n": n} for n in range(5)]
    assert all(t["state"] == "queued" and t["priority"] == 4 for t in stored)
    assert len({t["id"] for t in stored}) == 5
    assert engine.counts()["queued"][4] == 5
    for task in stored:
        assert events_of(engine, task["id"]) == ["queued"]
        assert delivery.get(task["id"])["payload"] == task["payload"]
    claimed = [delivery.claim("agent-1", ["noop"]).task_id for _ in range(5)]
    assert claimed == [t["id"] for t in stored]          # first in, first out within a priority


def test_the_next_claim_with_an_answer_keeps_priorities_strict(engine):
    delivery = Delivery(engine)
    first = delivery.submit("noop", {"n": 0}, priority=3)["id"]
    delivery.claim("agent-1", ["noop"])
    low = delivery.submit("noop", {"n": 1}, priority=8)["id"]
    high = delivery.submit("noop", {"n": 2}, priority=1)["id"]
    lease = engine.claim("agent-2", ["noop"], 10, time.time())        # takes `high`
    assert lease.task_id == high
    won, following = delivery.complete_and_claim(lease, {"markdown": "x"}, "agent-2", ["noop"])
    assert won and following.task_id == low
    assert delivery.get(first)["state"] == "leased"


def test_a_lost_answer_publishes_nothing_but_the_agent_still_gets_its_next_task(engine):
    delivery = Delivery(engine)
    first = delivery.submit("noop", {"n": 0})["id"]
    lease = delivery.claim("agent-1", ["noop"])
    assert delivery.complete(lease, {"markdown": "first answer"})
    second = delivery.submit("noop", {"n": 1})["id"]
    won, following = delivery.complete_and_claim(lease, {"markdown": "late"}, "agent-1", ["noop"])
    assert won is False and following.task_id == second
    assert delivery.get(first)["result"] == {"markdown": "first answer"}
    assert events_of(engine, first) == ["queued", "leased", "done"]
    assert events_of(engine, second) == ["queued", "leased"]


def test_an_answer_and_the_next_claim_take_over_an_expired_lease(engine):
    delivery = Delivery(engine, DeliveryPolicy(lease_seconds=0.2))
    stalled = delivery.submit("noop", {"n": 0})["id"]
    assert delivery.claim("agent-dead", ["noop"]).task_id == stalled
    mine = delivery.submit("noop", {"n": 1})["id"]
    lease = delivery.claim("agent-2", ["noop"])
    assert lease.task_id == mine
    time.sleep(0.5)
    won, following = delivery.complete_and_claim(lease, {"markdown": "x"}, "agent-2", ["noop"])
    if following is None:        # Redis looks at expired leases at most every 0.25 s per agent
        time.sleep(0.3)
        following = delivery.claim("agent-2", ["noop"])
    assert won and following.task_id == stalled and following.task["attempts"] == 2


def test_embedded_threads_answer_and_claim_concurrently_each_task_once(tmp_path):
    engine = EmbeddedEngine(tmp_path / "busy.sqlite3")
    delivery = Delivery(engine)
    ids = [t["id"] for t in delivery.submit_many([("noop", {"n": n}) for n in range(400)])]
    answered: list[str] = []
    lock = threading.Lock()

    def agent(name):
        lease = delivery.claim(name, ["noop"])
        while lease is not None:
            with lock:
                answered.append(lease.task_id)
            _, lease = delivery.complete_and_claim(lease, {"markdown": name}, name, ["noop"])

    threads = [threading.Thread(target=agent, args=(f"agent-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert sorted(answered) == sorted(ids)                 # every task once, none twice
        assert engine.counts()["done"] == 400
        for task_id in ids[::50]:
            assert events_of(engine, task_id) == ["queued", "leased", "done"]
    finally:
        engine.close()


def _redis_engine(redis_server):
    from agent_bridge.engines.redis import RedisEngine
    return RedisEngine(redis_server.url, prefix=f"t{uuid.uuid4().hex[:8]}:")


def test_a_resent_redis_add_never_queues_its_task_twice(redis_server):
    engine = _redis_engine(redis_server)
    try:
        task = {"id": uuid.uuid4().hex, "kind": "noop", "priority": 3, "payload": {"n": 1},
                "created": time.time(), "attempts": 0}
        assert engine.add(task, {"topic": f"task.{task['id']}.queued", "type": "queued"})[1] is True
        lease = engine.claim("agent-1", ["noop"], 10, time.time())
        again, created = engine.add(task, {"topic": f"task.{task['id']}.queued", "type": "queued"})
        assert created is False and again["state"] == "leased"          # not reset to queued
        assert engine.claim("agent-2", ["noop"], 10, time.time()) is None
        assert events_of(engine, task["id"]) == ["queued"]
        assert engine.settle(lease, "done", {"result": {}}, time.time())
    finally:
        engine.close()


def test_the_redis_engine_carries_on_after_its_connections_are_dropped(redis_server):
    engine = _redis_engine(redis_server)
    admin = redis.Redis.from_url(redis_server.url)
    try:
        delivery = Delivery(engine)
        first = delivery.submit("noop", {"n": 0})["id"]
        lease = delivery.claim("agent-1", ["noop"])
        admin.client_kill_filter(_type="normal", skipme=True)     # every connection but the admin's
        second = delivery.submit("noop", {"n": 1})["id"]
        admin.client_kill_filter(_type="normal", skipme=True)
        won, following = delivery.complete_and_claim(lease, {"markdown": "x"}, "agent-1", ["noop"])
        assert won and following.task_id == second
        admin.client_kill_filter(_type="normal", skipme=True)
        batch = delivery.submit_many([("noop", {"n": n}) for n in range(3)])
        assert engine.counts()["queued"][3] == 3 and len(batch) == 3
        assert events_of(engine, first) == ["queued", "leased", "done"]
        assert events_of(engine, second) == ["queued", "leased"]
    finally:
        admin.close()
        engine.close()


def test_a_waiting_agent_takes_work_that_arrives_while_it_waits(engine):
    delivery = Delivery(engine)
    assert delivery.claim("agent-1", ["noop"], wait=0.3, look_first=False) is None     # nothing came
    got = {}

    def wait_for_it():
        got["lease"] = delivery.claim("agent-1", ["noop"], wait=5.0, look_first=False)
        got["at"] = time.monotonic()

    waiter = threading.Thread(target=wait_for_it)
    waiter.start()
    time.sleep(0.3)                       # the agent is waiting now (more than one wake-up round)
    sent = time.monotonic()
    task_id = delivery.submit("noop", {"n": 1})["id"]
    waiter.join(10)
    assert got["lease"].task_id == task_id and got["lease"].task["state"] == "leased"
    assert got["at"] - sent < 1.0                    # woken by the submit, not by a poll timing out
    assert events_of(engine, task_id) == ["queued", "leased"]


def test_redis_wake_up_tokens_do_not_pile_up_behind_busy_agents(redis_server):
    engine = _redis_engine(redis_server)
    try:
        delivery = Delivery(engine)
        for n in range(6):
            delivery.submit("noop", {"n": n})
        wake = engine.p + "wake:noop"
        assert engine.r.llen(wake) == 6                  # one per task, for idle agents
        lease = delivery.claim("agent-1", ["noop"])      # looked without waiting: spends one
        while lease is not None:
            _, lease = delivery.complete_and_claim(lease, {}, "agent-1", ["noop"])
        assert engine.r.llen(wake) == 0                  # none left to wake an agent for nothing
        delivery.submit("noop", {"n": 7})
        assert delivery.claim("agent-2", ["noop"], wait=2.0, look_first=False) is not None
        assert engine.r.llen(wake) == 0                  # the BLPOP took it; the claim took no other
    finally:
        engine.close()


def test_the_redis_engine_reloads_its_scripts_after_the_server_forgets_them(redis_server):
    engine = _redis_engine(redis_server)
    try:
        delivery = Delivery(engine)
        delivery.submit("noop", {"n": 0})
        engine.r.script_flush()                          # as after a Redis restart
        one = delivery.submit("noop", {"n": 1})["id"]
        engine.r.script_flush()
        many = [t["id"] for t in delivery.submit_many([("noop", {"n": n}) for n in range(2, 5)])]
        engine.r.script_flush()
        claimed = [delivery.claim("agent-1", ["noop"]).task_id for _ in range(5)]
        assert claimed[1:] == [one, *many]
        assert all(events_of(engine, task_id) == ["queued", "leased"] for task_id in claimed)
    finally:
        engine.close()
