"""Both engines write a task's `leased`, `done`, `failed` and `dead` events in the same step as the
change they report (one round trip per step), and only when that change won its compare-and-set."""

from __future__ import annotations

import time
import uuid

from agent_bridge.bus import envelope
from agent_bridge.delivery import Delivery, DeliveryPolicy
from agent_bridge.engines.base import lease_event


def task(task_id=None, kind="noop"):
    return {"id": task_id or uuid.uuid4().hex, "kind": kind, "priority": 3, "payload": {"n": 1},
            "created": time.time() - 1, "attempts": 0}


def events_of(engine, task_id):
    events, _ = engine.events_after(engine.event_cursor(task_id), 0.5, task_id=task_id)
    return events


def announce(agent_id="agent-1"):
    return envelope("", "leased", {"agent": {"id": agent_id, "role": "explainer", "name": 'say "hi"\\'}},
                    "swarm")


def test_a_claim_publishes_its_leased_event_with_the_attempt(engine):
    stored, _ = engine.add(task())
    before = announce()
    lease = engine.claim("agent-1", ["noop"], 10, time.time(), before)
    assert lease.task_id == stored["id"]
    [event] = events_of(engine, stored["id"])
    assert event == lease_event(before, lease.task)
    assert event["topic"] == f"task.{stored['id']}.leased" and event["correlation_id"] == stored["id"]
    assert event["payload"]["attempt"] == 1 and event["payload"]["agent"]["name"] == 'say "hi"\\'


def test_a_task_id_that_needs_escaping_still_gives_valid_events(engine):
    odd = 'odd"id\\x'
    engine.add(task(odd))
    lease = engine.claim("agent-1", ["noop"], 10, time.time(), announce())
    [event] = events_of(engine, odd)
    assert event["topic"] == f"task.{odd}.leased" and event["correlation_id"] == odd
    assert lease.task_id == odd


def test_a_claim_without_announce_publishes_nothing(engine):
    stored, _ = engine.add(task())
    assert engine.claim("agent-1", ["noop"], 10, time.time()) is not None
    assert events_of(engine, stored["id"]) == []


def test_settle_events_are_published_only_by_the_winner(engine):
    stored, _ = engine.add(task())
    first = engine.claim("a", ["noop"], 0.2, time.time())
    time.sleep(0.3)
    second = engine.claim("b", ["noop"], 0.2, time.time(), announce("b"))
    done_b = envelope(f"task.{stored['id']}.done", "done", {"by": "b"}, "swarm", stored["id"])
    done_a = envelope(f"task.{stored['id']}.done", "done", {"by": "a"}, "swarm", stored["id"])
    assert engine.settle(second, "done", {"result": {}}, time.time(), [done_b]) is True
    assert engine.settle(first, "done", {"result": {}}, time.time(), [done_a]) is False
    assert [(e["type"], e["payload"].get("by")) for e in events_of(engine, stored["id"])] == \
        [("leased", None), ("done", "b")]


def test_requeue_events_are_published_only_if_the_lease_still_held(engine):
    stored, _ = engine.add(task())
    lease = engine.claim("a", ["noop"], 10, time.time())
    failed = envelope(f"task.{stored['id']}.failed", "failed", {"attempt": 1}, "swarm", stored["id"])
    assert engine.requeue(lease, time.time() + 60, {"error": {"message": "x"}}, time.time(), [failed]) is True
    assert engine.requeue(lease, time.time() + 60, {"error": {"message": "x"}}, time.time(), [failed]) is False
    assert [e["type"] for e in events_of(engine, stored["id"])] == ["failed"]


def test_delivery_events_in_order_through_each_engine(engine):
    delivery = Delivery(engine, DeliveryPolicy(max_attempts=2, backoff_base=0.01))
    task_id = delivery.submit("noop", {})["id"]
    lease = delivery.claim("agent-1", ["noop"], wait=1.0)
    assert delivery.fail(lease, {"message": "boom"}) == "queued"
    lease = delivery.claim("agent-1", ["noop"], wait=2.0)
    assert lease.task["attempts"] == 2
    assert delivery.fail(lease, {"message": "boom again"}) == "dead"
    types = [(e["type"], e["payload"].get("attempt")) for e in events_of(engine, task_id)]
    assert types == [("queued", None), ("leased", 1), ("failed", 1), ("leased", 2), ("failed", 2), ("dead", None)]


def test_complete_and_claim_hands_over_the_next_task_in_the_same_step(engine):
    delivery = Delivery(engine)
    first_id = delivery.submit("noop", {"n": 1})["id"]
    second_id = delivery.submit("noop", {"n": 2})["id"]
    first = delivery.claim("agent-1", ["noop"])
    won, second = delivery.complete_and_claim(first, {"markdown": "one"}, "agent-1", ["noop"])
    assert won and second.task_id == second_id and second.task["state"] == "leased"
    assert delivery.get(first_id)["state"] == "done" and delivery.get(first_id)["result"] == {"markdown": "one"}
    won, nothing = delivery.complete_and_claim(second, {"markdown": "two"}, "agent-1", ["noop"])
    assert won and nothing is None and delivery.get(second_id)["state"] == "done"
    assert [e["type"] for e in events_of(engine, second_id)] == ["queued", "leased", "done"]
    again, _ = delivery.complete_and_claim(second, {"markdown": "late"}, "agent-1", ["noop"])
    assert again is False and delivery.get(second_id)["result"] == {"markdown": "two"}


def test_settle_then_claim_survives_a_flushed_script_cache(redis_server):
    from agent_bridge.engines.redis import RedisEngine
    engine = RedisEngine(redis_server.url, prefix=f"t{uuid.uuid4().hex[:8]}:")
    try:
        delivery = Delivery(engine)
        ids = [delivery.submit("noop", {"n": n})["id"] for n in range(2)]
        lease = delivery.claim("agent-1", ["noop"])
        engine.r.script_flush()                  # as after a Redis restart: the server knows no script
        won, following = delivery.complete_and_claim(lease, {"markdown": "x"}, "agent-1", ["noop"])
        assert won and following.task_id == ids[1]
        assert [e["type"] for e in events_of(engine, ids[0])] == ["queued", "leased", "done"]
        assert engine.counts()["done"] == 1 and engine.counts()["leased"] == 1
    finally:
        engine.close()
