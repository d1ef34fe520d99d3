"""Sealed swarm memory over both engines: search, TTL, and records that were tampered with,
swapped or moved between namespaces fail to open and are reported."""

from __future__ import annotations

import base64
import os
import stat
import time

import pytest

from agent_bridge.memory import Memory, MemoryTampered, MemoryView, BadKey, load_key


@pytest.fixture
def memory(engine):
    return Memory(engine, key=os.urandom(32))


def test_write_get_and_ranked_search(memory):
    a = memory.write("user:ada", "long", "wrote retrun instead of return", keywords=["retrun", "typo"])
    b = memory.write("user:ada", "short", "asked about return values")
    memory.write("user:ada", "knowledge", "lists start at index 0")
    memory.write("user:bob", "long", "retrun again", keywords=["retrun"])
    assert memory.get(a["id"])["text"] == "wrote retrun instead of return"
    records, unreadable = memory.search("user:ada", "retrun return")
    assert [r["id"] for r in records] == [a["id"], b["id"]] and unreadable == []
    assert records[0]["score"] > records[1]["score"]
    only_short, _ = memory.search("user:ada", "return", kind="short")
    assert [r["id"] for r in only_short] == [b["id"]]
    assert len(memory.search("user:ada", "", limit=2)[0]) == 2
    with pytest.raises(ValueError):
        memory.search("user:ada", "x", limit=0)
    with pytest.raises(ValueError):
        memory.search("user:ada", "x", limit=101)


def test_ttl_expiry(memory):
    clock = [1000.0]
    memory.clock = lambda: clock[0]
    brief = memory.write("user:ada", "short", "just now", ttl=10)
    lasting = memory.write("user:ada", "long", "for good")
    clock[0] += 11
    assert memory.get(brief["id"]) is None and memory.get(lasting["id"]) is not None
    assert [r["id"] for r in memory.search("user:ada")[0]] == [lasting["id"]]


def _row(engine, record_id):
    return engine.fetch("memory", record_id)


def test_a_tampered_record_fails_to_open_and_is_reported(memory, engine, caplog):
    record = memory.write("user:ada", "long", "secret note", keywords=["note"])
    row = _row(engine, record["id"])
    blob = bytearray(base64.b64decode(row["sealed"]))
    blob[20] ^= 0x01
    engine.put("memory", record["id"], dict(row, sealed=base64.b64encode(bytes(blob)).decode()))
    with pytest.raises(MemoryTampered):
        memory.get(record["id"])
    records, unreadable = memory.search("user:ada", "note")
    assert records == [] and unreadable == [record["id"]]
    assert "failed its integrity check" in caplog.text


def test_a_swapped_record_fails_to_open(memory, engine):
    a = memory.write("user:ada", "long", "note A")
    b = memory.write("user:ada", "long", "note B")
    row_a, row_b = _row(engine, a["id"]), _row(engine, b["id"])
    engine.put("memory", a["id"], row_b)
    engine.put("memory", b["id"], row_a)
    for record in (a, b):
        with pytest.raises(MemoryTampered):
            memory.get(record["id"])
    assert set(memory.search("user:ada")[1]) == {a["id"], b["id"]}


def test_a_record_moved_to_another_namespace_fails_to_open(memory, engine):
    record = memory.write("user:ada", "long", "ada's note", keywords=["note"])
    row = _row(engine, record["id"])
    engine.put("memory", record["id"], dict(row, namespace="user:mallory"))
    records, unreadable = memory.search("user:mallory", "note")
    assert records == [] and unreadable == [record["id"]]
    with pytest.raises(MemoryTampered):
        memory.get(record["id"])


def test_changing_the_clear_kind_or_expiry_is_caught(memory, engine):
    record = memory.write("user:ada", "short", "brief", ttl=5)
    row = _row(engine, record["id"])
    engine.put("memory", record["id"], dict(row, expires=None))     # try to make it last for ever
    with pytest.raises(MemoryTampered):
        memory.get(record["id"])


def test_each_write_uses_a_fresh_nonce(memory, engine):
    ids = [memory.write("user:ada", "short", "same text")["id"] for _ in range(20)]
    nonces = {base64.b64decode(_row(engine, i)["sealed"])[:12] for i in ids}
    assert len(nonces) == 20
    assert "same text" not in str(_row(engine, ids[0]))          # sealed, not stored in the clear


def test_a_different_key_cannot_open_records(engine):
    record = Memory(engine, key=os.urandom(32)).write("user:ada", "long", "x")
    with pytest.raises(MemoryTampered):
        Memory(engine, key=os.urandom(32)).get(record["id"])


def test_key_is_generated_once_with_mode_0600(tmp_path):
    first = load_key()
    path = tmp_path / "config" / "memory.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key() == first and len(first) == 32


def test_key_from_the_environment(monkeypatch):
    key = os.urandom(32)
    monkeypatch.setenv("HYPERCODE_MEMORY_KEY", base64.b64encode(key).decode())
    assert load_key() == key
    monkeypatch.setenv("HYPERCODE_MEMORY_KEY", base64.b64encode(b"short").decode())
    with pytest.raises(BadKey):
        load_key()


def test_memory_view_is_one_namespace(memory):
    ada, bob = MemoryView(memory, "user:ada", "agent-1"), MemoryView(memory, "user:bob")
    record_id = ada.write("long", "retrun typed again", keywords=["retrun"])
    assert [r["id"] for r in ada.search("retrun")] == [record_id]
    assert ada.search("retrun")[0]["metadata"]["agent"] == "agent-1"
    assert bob.search("retrun") == []
