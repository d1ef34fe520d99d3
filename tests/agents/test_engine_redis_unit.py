"""Redis-specific code paths: XAUTOCLAIM's two reply shapes (fakeredis emulates both versions)."""

from __future__ import annotations

import time

import fakeredis
import pytest

from agent_bridge.engines.redis import autoclaim_entries


@pytest.mark.parametrize("version, parts", [((6, 2), 2), ((7,), 3)])
def test_autoclaim_reply_of_each_redis_version(version, parts):
    r = fakeredis.FakeRedis(version=version, decode_responses=True)
    r.xgroup_create("q", "workers", "0", mkstream=True)
    kept = r.xadd("q", {"id": "task-a"})
    gone = r.xadd("q", {"id": "task-b"})
    r.xreadgroup("workers", "dead-agent", {"q": ">"})
    r.xdel("q", gone)
    time.sleep(0.01)
    reply = r.execute_command("XAUTOCLAIM", "q", "workers", "new-agent", 1, "0-0", "COUNT", 10)
    assert len(reply) == parts
    cursor, entries = autoclaim_entries(reply)
    assert cursor == "0-0"
    assert entries == [(kept, {"id": "task-a"})]


def test_redis_62_lists_a_deleted_entry_as_nil():
    reply = [b"0-0", [[b"1-0", [b"id", b"a"]], [b"2-0", None]]]
    assert autoclaim_entries(reply) == ("0-0", [("1-0", {"id": "a"})])


def test_redis_7_reply_with_deleted_ids():
    reply = ["5-0", [("1-0", {"id": "a"})], ["2-0"]]
    assert autoclaim_entries(reply) == ("5-0", [("1-0", {"id": "a"})])


@pytest.mark.parametrize("reply", [None, [], ["0-0"], ["0-0", [], [], []]])
def test_an_unexpected_reply_is_an_error_not_a_silent_empty(reply):
    with pytest.raises(ValueError):
        autoclaim_entries(reply)
