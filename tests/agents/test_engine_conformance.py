"""One conformance suite, run against both engines (embedded SQLite and Redis Streams)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest


def task(kind="noop", priority=3, key=None, created=None, **payload):
    t = {"id": uuid.uuid4().hex, "kind": kind, "priority": priority, "payload": payload,
         "created": created if created is not None else time.time() - 1, "attempts": 0}
    if key:
        t["idempotency_key"] = key
    return t


def drain(engine, consumer="c", kinds=("noop",), lease=10.0):
    out = []
    while (lease_ := engine.claim(consumer, kinds, lease, time.time())) is not None:
        out.append(lease_)
    return out


def test_add_then_get_round_trips_the_task(engine):
    stored, created = engine.add(task(priority=4, text="hello"))
    assert created and stored["state"] == "queued" and stored["attempts"] == 0
    again = engine.get(stored["id"])
    assert again["payload"] == {"text": "hello"} and again["priority"] == 4 and again["kind"] == "noop"
    assert engine.get("no-such-task") is None


def test_idempotency_key_returns_the_first_task(engine):
    first, created = engine.add(task(key="same"))
    second, created_again = engine.add(task(key="same"))
    assert created and not created_again and second["id"] == first["id"]
    assert len(drain(engine)) == 1


def test_priorities_are_strict_then_first_in_first_out(engine):
    now = time.time() - 10
    order = [(7, 0), (0, 1), (9, 2), (0, 3), (3, 4), (7, 5)]
    ids = {}
    for priority, i in order:
        ids[i] = engine.add(task(priority=priority, created=now + i * 0.01))[0]["id"]
    got = [lease.task["id"] for lease in drain(engine)]
    assert got == [ids[1], ids[3], ids[4], ids[0], ids[5], ids[2]]


def test_claim_only_takes_the_kinds_asked_for(engine):
    engine.add(task(kind="explain"))
    assert engine.claim("c", ["fix"], 10, time.time()) is None
    lease = engine.claim("c", ["fix", "explain"], 10, time.time())
    assert lease.task["kind"] == "explain" and lease.task["state"] == "leased" and lease.task["attempts"] == 1


def test_a_live_lease_is_never_handed_out_twice(engine):
    for _ in range(200):
        engine.add(task())
    seen, lock = [], threading.Lock()

    def claimer(name):
        while (lease := engine.claim(name, ["noop"], 30, time.time())) is not None:
            with lock:
                seen.append(lease.task["id"])
    threads = [threading.Thread(target=claimer, args=(f"c{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 200 and len(set(seen)) == 200


def test_an_expired_lease_is_taken_over_and_the_old_holder_loses_it(engine):
    engine.add(task())
    old = engine.claim("dead-agent", ["noop"], 0.3, time.time())
    assert engine.claim("other", ["noop"], 0.3, time.time()) is None      # still leased
    time.sleep(0.6)
    new = engine.claim("other", ["noop"], 0.3, time.time())
    assert new is not None and new.task["id"] == old.task["id"] and new.task["attempts"] == 2
    assert engine.extend(old, 0.3, time.time()) == "lost"
    assert engine.requeue(old, time.time(), {}, time.time()) is False
    assert engine.extend(new, 0.3, time.time()) == "ok"


def test_extending_keeps_the_lease(engine):
    engine.add(task())
    lease = engine.claim("a", ["noop"], 0.4, time.time())
    for _ in range(4):
        time.sleep(0.2)
        assert engine.extend(lease, 0.4, time.time()) == "ok"
    assert engine.claim("b", ["noop"], 0.4, time.time()) is None


def test_completion_is_visible_once(engine):
    engine.add(task())
    first = engine.claim("a", ["noop"], 0.2, time.time())
    time.sleep(0.4)
    second = engine.claim("b", ["noop"], 0.2, time.time())
    assert engine.settle(second, "done", {"result": {"markdown": "b"}}, time.time()) is True
    assert engine.settle(first, "done", {"result": {"markdown": "a"}}, time.time()) is False
    stored = engine.get(first.task["id"])
    assert stored["state"] == "done" and stored["result"] == {"markdown": "b"}
    assert engine.extend(first, 1, time.time()) == "done"
    assert drain(engine) == []


def test_requeue_waits_until_ready_then_is_claimable(engine):
    engine.add(task())
    lease = engine.claim("a", ["noop"], 10, time.time())
    assert engine.requeue(lease, time.time() + 0.4, {"error": {"message": "boom"}}, time.time())
    stored = engine.get(lease.task["id"])
    assert stored["state"] == "queued" and stored["error"]["message"] == "boom"
    assert engine.counts()["delayed"] == 1
    assert engine.claim("a", ["noop"], 10, time.time()) is None
    time.sleep(0.5)
    again = engine.claim("a", ["noop"], 10, time.time())
    assert again.task["id"] == lease.task["id"] and again.task["attempts"] == 2


def test_cancel_queued_and_leased(engine):
    queued = engine.add(task())[0]
    assert engine.cancel(queued["id"], time.time())
    assert engine.get(queued["id"])["state"] == "cancelled"
    assert drain(engine) == []
    engine.add(task())
    lease = engine.claim("a", ["noop"], 10, time.time())
    assert engine.cancel(lease.task_id, time.time())
    assert engine.extend(lease, 10, time.time()) == "cancelled"
    assert engine.settle(lease, "done", {"result": {}}, time.time()) is False
    assert engine.cancel(lease.task_id, time.time()) is False


def test_dead_tasks_can_be_revived_or_dropped(engine):
    for _ in range(2):
        engine.add(task())
    a, b = drain(engine)
    assert engine.settle(a, "dead", {"error": {"message": "x"}}, time.time())
    assert engine.settle(b, "dead", {"error": {"message": "y"}}, time.time())
    assert {t["id"] for t in engine.tasks("dead")} == {a.task_id, b.task_id}
    assert engine.counts()["dead"] == 2
    assert engine.revive(a.task_id, time.time())
    revived = engine.get(a.task_id)
    assert revived["state"] == "queued" and revived["attempts"] == 0
    assert engine.drop(b.task_id) and engine.get(b.task_id) is None
    assert engine.drop(a.task_id) is False                      # only dead tasks can be dropped
    assert [lease.task_id for lease in drain(engine)] == [a.task_id]


def test_release_ends_an_agents_leases_now(engine):
    engine.add(task())
    lease = engine.claim("gone", ["noop"], 60, time.time())
    assert engine.claim("b", ["noop"], 60, time.time()) is None
    assert engine.release("gone") == 1
    taken = None
    deadline = time.monotonic() + 3
    while taken is None and time.monotonic() < deadline:
        taken = engine.claim("b", ["noop"], 60, time.time())
        time.sleep(0.05)
    assert taken is not None and taken.task_id == lease.task_id


def test_counts_by_priority(engine):
    for priority in (0, 0, 5):
        engine.add(task(priority=priority))
    counts = engine.counts()
    assert counts["queued"][0] == 2 and counts["queued"][5] == 1 and counts["leased"] == 0
    engine.claim("a", ["noop"], 10, time.time())
    counts = engine.counts()
    assert counts["queued"][0] == 1 and counts["leased"] == 1


def test_event_log_per_task_and_global(engine):
    cursor = engine.event_cursor()
    engine.publish({"topic": "task.t1.queued", "type": "queued", "time": time.time()})
    engine.publish({"topic": "agent.a1.heartbeat", "type": "heartbeat", "time": time.time()})
    engine.publish({"topic": "task.t1.done", "type": "done", "time": time.time()})
    events, cursor = engine.events_after(cursor, 1.0)
    assert [e["topic"] for e in events] == ["task.t1.queued", "agent.a1.heartbeat", "task.t1.done"]
    mine, _ = engine.events_after(engine.event_cursor("t1"), 1.0, task_id="t1")
    assert [e["type"] for e in mine] == ["queued", "done"]
    started = time.monotonic()
    nothing, same = engine.events_after(cursor, 0.2)
    assert nothing == [] and same == cursor and time.monotonic() - started >= 0.15


def test_waiting_for_events_wakes_on_publish(engine):
    cursor = engine.event_cursor()
    timer = threading.Timer(0.2, lambda: engine.publish({"topic": "swarm.x", "type": "x", "time": 0}))
    timer.start()
    started = time.monotonic()
    events, _ = engine.events_after(cursor, 5.0)
    timer.join()
    assert [e["topic"] for e in events] == ["swarm.x"] and time.monotonic() - started < 3


def test_keyed_store(engine):
    engine.put("agents", "a1", {"x": 1})
    assert engine.fetch("agents", "a1") == {"x": 1}
    assert engine.put_new("agents", "a1", {"x": 2}) is False
    assert engine.put_new("agents", "a2", {"x": 3}) is True
    assert [v["x"] for v in engine.scan("agents")] == [1, 3]
    assert engine.remove("agents", "a1") and engine.fetch("agents", "a1") is None
    assert engine.ping()


def test_wait_for_work_returns_when_a_task_arrives(engine):
    timer = threading.Timer(0.2, lambda: engine.add(task()))
    timer.start()
    started = time.monotonic()
    lease = None
    while lease is None and time.monotonic() - started < 5:
        lease = engine.claim("a", ["noop"], 10, time.time())
        if lease is None:
            engine.wait_for_work(["noop"], 1.0)
    timer.join()
    assert lease is not None and time.monotonic() - started < 2
