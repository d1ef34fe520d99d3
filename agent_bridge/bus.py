"""The event bus: dot-separated topics, our own pattern matching, per-role ACLs.

A pattern's `*` is exactly one word and `#` is any number of trailing words (`agent.#` matches
`agent` and `agent.a.b`; `agent.*` matches `agent.a` but never `agent.a.b`). Matching is done here,
never by a Redis glob, because a glob's `*` also crosses dots.

Events travel through the engine's append-only log, so every process sharing an engine sees them.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Iterable, Iterator

_WORD = re.compile(r"^[A-Za-z0-9_\-:]+$")


class AccessDenied(Exception):
    """A publish or subscribe that the sender's role may not make."""


class BadTopic(ValueError):
    pass


def check_topic(topic: str) -> str:
    if not isinstance(topic, str) or not topic or not all(_WORD.match(w) for w in topic.split(".")):
        raise BadTopic(f"'{topic}' is not a topic: use dot-separated words of letters, digits, '_', '-' or ':'")
    return topic


def check_pattern(pattern: str) -> str:
    words = pattern.split(".") if isinstance(pattern, str) and pattern else [""]
    for i, word in enumerate(words):
        if word == "#" and i != len(words) - 1:
            raise BadTopic(f"'{pattern}': '#' may only be the last word")
        if word not in ("*", "#") and not _WORD.match(word):
            raise BadTopic(f"'{pattern}' is not a topic pattern")
    return pattern


def topic_matches(pattern: str, topic: str) -> bool:
    want, have = pattern.split("."), topic.split(".")
    for i, word in enumerate(want):
        if word == "#":
            return True
        if i >= len(have) or (word != "*" and word != have[i]):
            return False
    return len(want) == len(have)


def matches_any(patterns: Iterable[str], topic: str) -> bool:
    return any(topic_matches(p, topic) for p in patterns)


def pattern_within(pattern: str, allowed: Iterable[str]) -> bool:
    """May a subscriber limited to `allowed` subscribe to `pattern`? True when every topic the
    pattern can match is matched by some allowed pattern (checked word by word)."""
    return any(_covers(a.split("."), pattern.split(".")) for a in allowed)


def _covers(outer: list[str], inner: list[str]) -> bool:
    for i, word in enumerate(outer):
        if word == "#":
            return True
        if i >= len(inner):
            return False
        if inner[i] == "#":
            return False                      # inner reaches further than a fixed-length outer
        if word != "*" and (inner[i] == "*" or inner[i] != word):
            return False
    return len(outer) == len(inner)


# Who may publish and subscribe to what. `{self}` is the agent's own id. Admin API keys use ALL.
ALL = {"publish": ["#"], "subscribe": ["#"]}
AGENT_DEFAULT = {"publish": ["task.*.progress", "agent.{self}.#", "swarm.#"],
                 "subscribe": ["task.#", "agent.#", "swarm.#"]}
ROLE_ACLS: dict[str, dict] = {role: AGENT_DEFAULT for role in ("explainer", "fixer", "tester", "reviewer", "llm")}
CLIENT = {"publish": ["swarm.#"], "subscribe": ["task.#", "agent.#", "swarm.#"]}


def acl_for(role: str | None, agent_id: str | None = None) -> dict:
    if role is None or role == "admin":
        return ALL
    acl = ROLE_ACLS.get(role, CLIENT if role == "client" else AGENT_DEFAULT)
    fill = (lambda p: p.replace("{self}", agent_id or "-"))
    return {"publish": [fill(p) for p in acl["publish"]], "subscribe": [fill(p) for p in acl["subscribe"]]}


def envelope(topic: str, type_: str, payload: dict, sender: str, correlation_id: str | None = None) -> dict:
    return {"id": uuid.uuid4().hex, "time": time.time(), "sender": sender, "topic": topic, "type": type_,
            "payload": payload, "correlation_id": correlation_id}


class EventBus:
    def __init__(self, engine):
        self.engine = engine

    def publish(self, topic: str, type_: str, payload: dict, sender: str = "swarm",
                correlation_id: str | None = None, acl: dict | None = None) -> dict:
        check_topic(topic)
        if acl is not None and not matches_any(acl["publish"], topic):
            raise AccessDenied(f"'{sender}' may not publish on '{topic}'")
        event = envelope(topic, type_, payload, sender, correlation_id)
        self.engine.publish(event)
        return event

    def check_subscribe(self, patterns: list[str], acl: dict | None) -> None:
        for pattern in patterns:
            check_pattern(pattern)
            if acl is not None and not pattern_within(pattern, acl["subscribe"]):
                raise AccessDenied(f"this token may not subscribe to '{pattern}'")

    def subscribe(self, patterns: list[str], acl: dict | None = None, stop=lambda: False,
                  poll: float = 1.0) -> Iterator[dict | None]:
        """Events matching any pattern, from now on. Yields None on each idle `poll` so a caller
        can notice a closed connection."""
        self.check_subscribe(patterns, acl)
        cursor = self.engine.event_cursor()
        while not stop():
            events, cursor = self.engine.events_after(cursor, poll)
            matched = [e for e in events if matches_any(patterns, e["topic"])]
            yield from matched
            if not matched:
                yield None

    def task_events(self, task_id: str, timeout: float | None = None, poll: float = 0.5) -> Iterator[dict | None]:
        """Every event of one task from its start; ends after done/dead/cancelled (or timeout)."""
        cursor = self.engine.event_cursor(task_id)
        deadline = None if timeout is None else time.monotonic() + timeout
        while deadline is None or time.monotonic() < deadline:
            events, cursor = self.engine.events_after(cursor, poll, task_id=task_id)
            for event in events:
                yield event
                if event["type"] in ("done", "dead", "cancelled"):
                    return
            if not events:
                yield None
