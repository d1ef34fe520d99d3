"""Our topic matching (never a Redis glob), ACLs, and the bus over both engines."""

from __future__ import annotations

import threading

import pytest

from agent_bridge.bus import (AccessDenied, BadTopic, EventBus, acl_for, check_pattern, pattern_within,
                              topic_matches)


@pytest.mark.parametrize("pattern, topic, expected", [
    ("agent.*", "agent.a", True),
    ("agent.*", "agent.a.b", False),            # a Redis glob would say True here
    ("agent.*", "agent", False),
    ("agent.#", "agent", True),
    ("agent.#", "agent.a.b.c", True),
    ("task.*.progress", "task.42.progress", True),
    ("task.*.progress", "task.42.done", False),
    ("task.*.progress", "task.42.progress.more", False),
    ("#", "anything.at.all", True),
    ("task.42.done", "task.42.done", True),
    ("task.42.done", "task.43.done", False),
    ("*.*", "a.b", True),
    ("*.*", "a", False),
])
def test_topic_matching(pattern, topic, expected):
    assert topic_matches(pattern, topic) is expected


@pytest.mark.parametrize("bad", ["agent.#.x", "", "a..b", "a.b c"])
def test_bad_patterns_are_refused(bad):
    with pytest.raises(BadTopic):
        check_pattern(bad)


@pytest.mark.parametrize("pattern, allowed, expected", [
    ("task.123.progress", ["task.#"], True),
    ("task.*.progress", ["task.*.progress"], True),
    ("task.#", ["task.*.progress"], False),
    ("task.*", ["task.x"], False),
    ("#", ["task.#", "agent.#"], False),
    ("agent.a1.#", ["agent.#"], True),
])
def test_a_subscription_must_stay_within_the_acl(pattern, allowed, expected):
    assert pattern_within(pattern, allowed) is expected


def test_agent_acl_lets_it_speak_only_for_itself(engine):
    bus = EventBus(engine)
    acl = acl_for("explainer", "a1")
    bus.publish("task.t9.progress", "progress", {"message": "hi"}, sender="a1", acl=acl)
    bus.publish("agent.a1.status", "status", {}, sender="a1", acl=acl)
    with pytest.raises(AccessDenied):
        bus.publish("agent.a2.status", "status", {}, sender="a1", acl=acl)
    with pytest.raises(AccessDenied):
        bus.publish("task.t9.done", "done", {}, sender="a1", acl=acl)      # only delivery says done
    with pytest.raises(AccessDenied):
        bus.check_subscribe(["#"], acl)
    bus.check_subscribe(["task.*.progress", "agent.#"], acl)


def test_subscribers_get_matching_events_only(engine):
    bus = EventBus(engine)
    got, ready = [], threading.Event()

    def listen():
        stream = bus.subscribe(["agent.*"], poll=0.1)
        ready.set()
        for event in stream:
            if event is not None:
                got.append(event["topic"])
            if len(got) == 2:
                break
    listener = threading.Thread(target=listen)
    listener.start()
    ready.wait(5)
    import time
    time.sleep(0.2)
    for topic in ("agent.a", "agent.a.b", "task.1.done", "agent.b"):
        bus.publish(topic, "x", {})
    listener.join(10)
    assert got == ["agent.a", "agent.b"]


def test_envelope_shape(engine):
    event = EventBus(engine).publish("swarm.hello", "hello", {"n": 1}, sender="me", correlation_id="c1")
    assert set(event) == {"id", "time", "sender", "topic", "type", "payload", "correlation_id"}
    assert event["payload"] == {"n": 1} and event["correlation_id"] == "c1"
    with pytest.raises(BadTopic):
        EventBus(engine).publish("bad topic", "x", {})
