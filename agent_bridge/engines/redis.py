"""The Redis engine: Redis Streams with one consumer group, one stream per (kind, priority).

- A task is a hash; its stream entry only carries the id. Claiming walks the streams from priority
  0 down inside one Lua script (XREADGROUP per stream), so priorities are strict and the state
  change is atomic.
- A lease is the entry's place in the group's pending list. Extending it is XCLAIM to ourselves
  (which resets the idle time); an entry idle longer than the lease is taken over with XAUTOCLAIM.
- A retry waits in a sorted set and is moved back to its stream when due.
- Idle agents block on a per-kind wake-up list that `add` pushes to (a plain XREAD BLOCK on the
  streams could miss an entry added between the claim and the block). A claim that takes a task
  without having waited for it spends that task's token, so tokens don't pile up and wake agents
  for nothing.
- A task's events are written by the script that makes the change they report (`queued` by add,
  `leased` by claim, `done`/`failed`/`dead` by settle and requeue), so a task costs three round
  trips end to end (two when its agent takes it with the previous answer: `settle_then_claim`),
  and an event is logged only if its change won.
- Each thread keeps its own connection for the per-task calls (no pool lock per command), and
  the scripts go straight onto it, packed by hiredis: redis-py's command machinery (argument
  checks, pool, observability hooks) cost more CPU than Redis spends running the script. A
  dropped connection or a script the server doesn't know falls back to redis-py's own path,
  which reconnects, retries and loads the script.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Iterable

import hiredis
import redis
from redis.exceptions import (ConnectionError as _Disconnected, NoScriptError, ResponseError,
                              TimeoutError as _TimedOut)

from .base import Lease, PRIORITIES, TERMINAL, event_task_id

GROUP = "workers"
_WAKE_CAP = 1000

_LIB = """
local p = ARGV[1]
local function set_state(key, id, old, new, prio)
  if old == 'queued' then redis.call('SREM', p..'s:queued:'..prio, id) else redis.call('SREM', p..'s:'..old, id) end
  if new == 'queued' then redis.call('SADD', p..'s:queued:'..prio, id) else redis.call('SADD', p..'s:'..new, id) end
  redis.call('HSET', key, 'state', new)
end
local function enqueue(id, kind, prio)
  local stream = p..'q:'..kind..':'..prio
  if redis.call('EXISTS', stream) == 0 then
    redis.call('XGROUP', 'CREATE', stream, 'workers', '0', 'MKSTREAM')
    redis.call('SADD', p..'streams', stream)
  end
  local entry = redis.call('XADD', stream, '*', 'id', id)
  redis.call('HSET', p..'task:'..id, 'stream', stream, 'entry', entry)
  redis.call('LPUSH', p..'wake:'..kind, '1')
  redis.call('LTRIM', p..'wake:'..kind, 0, %d)
end
local function log_event(id, body)   -- the global log, and the task's own log when it has one
  redis.call('XADD', p..'events', 'MAXLEN', '~', 100000, '*', 'e', body)
  if id ~= '' then
    redis.call('XADD', p..'ev:'..id, '*', 'e', body)
    redis.call('EXPIRE', p..'ev:'..id, 86400)
  end
end
local function log_events(first)     -- ARGV[first..] = task id, event body, task id, event body...
  for i = first, #ARGV, 2 do log_event(ARGV[i], ARGV[i + 1]) end
end
local function forget_entry(key)
  local t = redis.call('HMGET', key, 'stream', 'entry')
  if t[1] and t[2] then
    redis.call('XACK', t[1], 'workers', t[2])
    redis.call('XDEL', t[1], t[2])
    redis.call('HDEL', key, 'stream', 'entry')
  end
end
""" % (_WAKE_CAP - 1)

_ADD = _LIB + """
-- ARGV: p, id, kind, priority, payload, created, idempotency_key|'', queued event|''
local id, kind, prio = ARGV[2], ARGV[3], ARGV[4]
if ARGV[7] ~= '' then
  local existing = redis.call('GET', p..'idem:'..ARGV[7])
  if existing then return {0, redis.call('HGETALL', p..'task:'..existing)} end
  redis.call('SET', p..'idem:'..ARGV[7], id)
end
local key = p..'task:'..id
-- a resent add (its reply was lost with the connection) finds its task: never enqueue it twice
if redis.call('EXISTS', key) == 1 then return {0, redis.call('HGETALL', key)} end
if ARGV[8] ~= '' then log_event(id, ARGV[8]) end   -- "queued", before the task can be claimed
redis.call('HSET', key, 'id', id, 'kind', kind, 'priority', prio, 'payload', ARGV[5], 'created', ARGV[6],
  'attempts', 0, 'state', 'queued', 'updated', ARGV[6])
if ARGV[7] ~= '' then redis.call('HSET', key, 'idempotency_key', ARGV[7]) end
redis.call('SADD', p..'s:queued:'..prio, id)
enqueue(id, kind, prio)
return {1}   -- the caller knows the new task: no need to send it back
"""

_ANNOUNCE = """
local function announce(id, attempt)  -- the "leased" event: the head from Python, the rest known here
  if ARGV[5] == '' then return end
  log_event(id, ARGV[5]..'"attempt": '..attempt..'}, "topic": '..cjson.encode('task.'..id..'.leased')..
    ', "correlation_id": '..cjson.encode(id)..'}')
end
"""

_CLAIM = _LIB + _ANNOUNCE + """
-- ARGV: p, consumer, now, lease, announce head|'', take a wake-up token '1'|'0', kinds...
local consumer, now, lease = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local due = redis.call('ZRANGEBYSCORE', p..'delayed', '-inf', now, 'LIMIT', 0, 100)
for _, id in ipairs(due) do
  redis.call('ZREM', p..'delayed', id)
  local t = redis.call('HMGET', p..'task:'..id, 'kind', 'priority', 'state')
  if t[3] == 'queued' then
    redis.call('SADD', p..'s:queued:'..t[2], id)
    enqueue(id, t[1], t[2])
  end
end
for prio = 0, 9 do
  for i = 7, #ARGV do
    local stream = p..'q:'..ARGV[i]..':'..prio
    if redis.call('EXISTS', stream) == 1 then
      while true do
        local r = redis.call('XREADGROUP', 'GROUP', 'workers', consumer, 'COUNT', 1, 'STREAMS', stream, '>')
        if not r then break end
        local entry = r[1][2][1]
        local eid, id = entry[1], entry[2][2]
        local key = p..'task:'..id
        local t = redis.call('HMGET', key, 'state', 'entry')
        if t[1] == 'queued' and t[2] == eid then
          set_state(key, id, 'queued', 'leased', prio)
          local attempt = redis.call('HINCRBY', key, 'attempts', 1)
          redis.call('HSET', key, 'owner', consumer, 'lease_until', now + lease, 'updated', now)
          announce(id, attempt)
          -- The task's wake-up token is spent unless a BLPOP already took one for this claim:
          -- left behind, it would wake an idle agent for nothing.
          if ARGV[6] == '1' then redis.call('LPOP', p..'wake:'..ARGV[i]) end
          return {eid, redis.call('HGETALL', key)}
        end
        redis.call('XACK', stream, 'workers', eid)
        redis.call('XDEL', stream, eid)
      end
    end
  end
end
return false
"""

_ADOPT = _LIB + _ANNOUNCE + """
-- ARGV: p, consumer, now, lease, announce head|'', id, entry   (the entry was just taken over with XAUTOCLAIM)
local consumer, now, lease, id, eid = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[6], ARGV[7]
local key = p..'task:'..id
local t = redis.call('HMGET', key, 'state', 'entry', 'stream')
if t[1] == 'leased' and t[2] == eid then
  local attempt = redis.call('HINCRBY', key, 'attempts', 1)
  redis.call('HSET', key, 'owner', consumer, 'lease_until', now + lease, 'updated', now)
  announce(id, attempt)
  return {eid, redis.call('HGETALL', key)}
end
return false
"""

_EXTEND = _LIB + """
-- ARGV: p, id, consumer, attempts, now, lease, consumer-for-xclaim
local key = p..'task:'..ARGV[2]
local t = redis.call('HMGET', key, 'state', 'owner', 'attempts', 'stream', 'entry')
if t[1] == 'leased' and t[2] == ARGV[3] and t[3] == ARGV[4] then
  redis.call('XCLAIM', t[4], 'workers', ARGV[3], 0, t[5], 'JUSTID')
  redis.call('HSET', key, 'lease_until', tonumber(ARGV[5]) + tonumber(ARGV[6]))
  return 'ok'
end
if t[1] == 'done' or t[1] == 'dead' or t[1] == 'cancelled' then return t[1] end
return 'lost'
"""

_SETTLE = _LIB + """
-- ARGV: p, id, new_state, result, error, now, consumer|'' (''= anyone may settle), attempts, events...
local key = p..'task:'..ARGV[2]
local t = redis.call('HMGET', key, 'state', 'owner', 'attempts', 'priority')
local s = t[1]
if not s or s == 'done' or s == 'dead' or s == 'cancelled' then return 0 end
if ARGV[7] ~= '' and (t[2] ~= ARGV[7] or t[3] ~= ARGV[8] or s ~= 'leased') then return 0 end
forget_entry(key)
redis.call('ZREM', p..'delayed', ARGV[2])
set_state(key, ARGV[2], s, ARGV[3], t[4])
redis.call('HSET', key, 'updated', ARGV[6])
redis.call('HDEL', key, 'owner', 'lease_until')
if ARGV[4] ~= '' then redis.call('HSET', key, 'result', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', key, 'error', ARGV[5]) end
log_events(9)
return 1
"""

_REQUEUE = _LIB + ("""
-- ARGV: p, id, consumer, attempts, ready_at, error, now, kind, events...
local key = p..'task:'..ARGV[2]
local t = redis.call('HMGET', key, 'state', 'owner', 'attempts', 'priority')
redis.call('LPUSH', p..'wake:'..ARGV[8], '1')   -- an idle claimer looks at the delayed set again
redis.call('LTRIM', p..'wake:'..ARGV[8], 0, %d)
if t[1] ~= 'leased' or t[2] ~= ARGV[3] or t[3] ~= ARGV[4] then return 0 end
forget_entry(key)
redis.call('SREM', p..'s:leased', ARGV[2])
redis.call('HSET', key, 'state', 'queued', 'ready_at', ARGV[5], 'updated', ARGV[7])
redis.call('HDEL', key, 'owner', 'lease_until')
if ARGV[6] ~= '' then redis.call('HSET', key, 'error', ARGV[6]) end
redis.call('ZADD', p..'delayed', ARGV[5], ARGV[2])
log_events(9)
return 1
""" % (_WAKE_CAP - 1))

_CANCEL = _LIB + """
-- ARGV: p, id, now
local key = p..'task:'..ARGV[2]
local t = redis.call('HMGET', key, 'state', 'priority')
local s = t[1]
if not s or s == 'done' or s == 'dead' or s == 'cancelled' then return 0 end
forget_entry(key)
if s == 'queued' then redis.call('ZREM', p..'delayed', ARGV[2]) end
set_state(key, ARGV[2], s, 'cancelled', t[2])
redis.call('HSET', key, 'updated', ARGV[3])
redis.call('HDEL', key, 'owner', 'lease_until')
return 1
"""

_REVIVE = _LIB + """
-- ARGV: p, id, now
local key = p..'task:'..ARGV[2]
local t = redis.call('HMGET', key, 'state', 'kind', 'priority')
if t[1] ~= 'dead' then return 0 end
set_state(key, ARGV[2], 'dead', 'queued', t[3])
redis.call('HSET', key, 'attempts', 0, 'updated', ARGV[3])
enqueue(ARGV[2], t[2], t[3])
return 1
"""

_DROP = """
local p = ARGV[1]
local key = p..'task:'..ARGV[2]
if redis.call('HGET', key, 'state') ~= 'dead' then return 0 end
local k = redis.call('HGET', key, 'idempotency_key')
if k then redis.call('DEL', p..'idem:'..k) end
redis.call('SREM', p..'s:dead', ARGV[2])
redis.call('DEL', key, p..'ev:'..ARGV[2])
return 1
"""


def autoclaim_entries(reply) -> tuple[str, list[tuple[str, dict]]]:
    """XAUTOCLAIM's reply → (next cursor, [(entry id, fields)]).

    Redis 6.2 answers [cursor, entries] and lists an entry deleted meanwhile as nil; Redis 7
    answers [cursor, entries, deleted ids]. Both shapes come through here."""
    if not isinstance(reply, (list, tuple)) or len(reply) not in (2, 3):
        raise ValueError(f"unexpected XAUTOCLAIM reply: {reply!r}")
    cursor, raw = reply[0], reply[1] or []
    entries = []
    for item in raw:
        if not item or item[1] is None:
            continue                       # 6.2: an entry that was deleted while pending
        entry_id, fields = item[0], item[1]
        if isinstance(fields, (list, tuple)):
            fields = dict(zip(fields[::2], fields[1::2]))
        entries.append((_text(entry_id), {_text(k): _text(v) for k, v in fields.items()}))
    return _text(cursor), entries


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _hash_to_task(pairs) -> dict:
    h = dict(zip(pairs[::2], pairs[1::2])) if isinstance(pairs, list) else pairs
    task = {"id": h["id"], "kind": h["kind"], "priority": int(h["priority"]),
            "payload": json.loads(h["payload"]), "created": float(h["created"]),
            "attempts": int(h["attempts"]), "state": h["state"]}
    for name in ("result", "error"):
        if h.get(name):
            task[name] = json.loads(h[name])
    if h.get("idempotency_key"):
        task["idempotency_key"] = h["idempotency_key"]
    if h.get("owner"):
        task["owner"] = h["owner"]
    if h["state"] == "queued" and h.get("ready_at") and float(h["ready_at"]) > time.time():
        task["ready_at"] = float(h["ready_at"])
    return task


class RedisEngine:
    name = "redis"

    def __init__(self, url: str = "redis://127.0.0.1:6379/0", prefix: str = "hc:", reclaim_every: float = 0.25):
        self.url = url
        self.p = prefix
        self.r = redis.Redis.from_url(url, decode_responses=True, health_check_interval=30)
        self._scripts = {name: self.r.register_script(src) for name, src in (
            ("add", _ADD), ("claim", _CLAIM), ("adopt", _ADOPT), ("extend", _EXTEND),
            ("settle", _SETTLE), ("requeue", _REQUEUE), ("cancel", _CANCEL), ("revive", _REVIVE),
            ("drop", _DROP))}
        self.reclaim_every = reclaim_every
        self._last_reclaim: dict[tuple, float] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._thread_clients: list[redis.Redis] = []

    @property
    def _conn(self) -> redis.Redis:
        """This thread's own connection, for the per-task calls: a shared pool costs a lock and
        bookkeeping on every command, which is a large part of a no-op task's time."""
        client = getattr(self._local, "client", None)
        if client is None:
            client = redis.Redis.from_url(self.url, decode_responses=True, health_check_interval=30,
                                          single_connection_client=True)
            self._local.client = client
            with self._lock:
                self._thread_clients.append(client)
        return client

    def _run(self, name: str, *args):
        """Run one script on this thread's connection: EVALSHA packed by hiredis, one send, one read."""
        conn = self._conn.connection
        try:
            conn.send_packed_command([hiredis.pack_command(("EVALSHA", self._scripts[name].sha, 0, self.p, *args))])
            return conn.read_response()
        except (_Disconnected, _TimedOut, NoScriptError):
            # The connection dropped or the server lost its script cache (a restart): redis-py's
            # own path reconnects, retries and loads the script (the same at-least-once risk as
            # its retry on a lost reply, which the compare-and-set scripts make harmless).
            return self._run_slow(name, *args)

    def _run_slow(self, name: str, *args):
        return self._scripts[name](args=[self.p, *args], client=self._conn)

    # ---- tasks ----------------------------------------------------------------------------
    def add(self, task: dict, event: dict | None = None) -> tuple[dict, bool]:
        payload = json.dumps(task["payload"])
        reply = self._run("add", task["id"], task["kind"], task["priority"], payload, repr(task["created"]),
                          task.get("idempotency_key") or "", json.dumps(event) if event else "")
        if reply[0]:
            stored = {"id": task["id"], "kind": task["kind"], "priority": int(task["priority"]),
                      "payload": json.loads(payload), "created": float(task["created"]), "attempts": 0,
                      "state": "queued"}
            if task.get("idempotency_key"):
                stored["idempotency_key"] = task["idempotency_key"]
            return stored, True
        return _hash_to_task(reply[1]), False

    def add_many(self, tasks: list[dict], events: list[dict]) -> list[dict]:
        """New tasks (no idempotency keys), each with its "queued" event: the add script once per
        task, all sent at once and read back together (one round trip)."""
        calls = [("add", (task["id"], task["kind"], task["priority"], json.dumps(task["payload"]),
                          repr(task["created"]), "", json.dumps(event))) for task, event in zip(tasks, events)]
        try:
            replies = self._run_all(calls)
        except (_Disconnected, _TimedOut):
            replies = [NoScriptError("reconnect")] * len(calls)   # resend each: a resent add is a no-op
        for (name, args), reply in zip(calls, replies):
            if isinstance(reply, NoScriptError):
                self._run_slow(name, *args)      # reconnects, loads the script
            elif isinstance(reply, Exception):
                raise reply
        return [{"id": t["id"], "kind": t["kind"], "priority": int(t["priority"]), "payload": t["payload"],
                 "created": float(t["created"]), "attempts": 0, "state": "queued"} for t in tasks]

    def get(self, task_id: str) -> dict | None:
        h = self._conn.hgetall(self.p + "task:" + task_id)
        return _hash_to_task(h) if h else None

    def claim(self, consumer: str, kinds: Iterable[str], lease_seconds: float, now: float,
              announce: dict | None = None) -> Lease | None:
        kinds = list(kinds)
        woken, self._local.woken = getattr(self._local, "woken", False), False
        head = _announce_head(announce)
        lease = self._take_over(consumer, kinds, lease_seconds, now, head)
        if lease is not None:
            return lease
        reply = self._run("claim", consumer, repr(now), repr(lease_seconds), head, "0" if woken else "1", *kinds)
        if not reply:
            return None
        entry_id, pairs = reply
        return Lease(_hash_to_task(pairs), consumer, entry_id)

    def _take_over(self, consumer: str, kinds: list[str], lease_seconds: float, now: float,
                   head: str) -> Lease | None:
        """At most every `reclaim_every` s: XAUTOCLAIM entries idle longer than a lease."""
        marker = (consumer, tuple(kinds))
        if time.monotonic() - self._last_reclaim.get(marker, 0.0) < self.reclaim_every:
            return None
        self._last_reclaim[marker] = time.monotonic()
        min_idle = int(lease_seconds * 1000)
        for priority in PRIORITIES:
            for kind in kinds:
                stream = f"{self.p}q:{kind}:{priority}"
                cursor = "0-0"
                for _ in range(100):         # each call scans at most 10 pending entries
                    try:
                        reply = self.r.execute_command("XAUTOCLAIM", stream, GROUP, consumer, min_idle,
                                                       cursor, "COUNT", 1)
                    except redis.ResponseError:
                        break                # no such stream or group yet
                    cursor, entries = autoclaim_entries(reply)
                    for entry_id, fields in entries:
                        adopted = self._run("adopt", consumer, repr(now), repr(lease_seconds), head,
                                            fields.get("id", ""), entry_id)
                        if adopted:
                            self._last_reclaim[marker] = 0.0   # there may be more: look again soon
                            return Lease(_hash_to_task(adopted[1]), consumer, adopted[0])
                        self.r.xack(stream, GROUP, entry_id)   # a settled task's stale entry
                        self.r.xdel(stream, entry_id)
                    if cursor == "0-0":
                        break
        return None

    def wait_for_work(self, kinds: Iterable[str], timeout: float) -> None:
        keys = [f"{self.p}wake:{k}" for k in kinds]
        # A token taken here belongs to the claim that follows (see the claim script).
        self._local.woken = self._conn.blpop(keys, timeout=max(0.01, min(timeout, 0.2))) is not None

    def extend(self, lease: Lease, lease_seconds: float, now: float) -> str:
        return self._run("extend", lease.task_id, lease.consumer, str(lease.task["attempts"]), repr(now),
                         repr(lease_seconds))

    def settle(self, lease: Lease, state: str, fields: dict, now: float, events: Iterable[dict] = ()) -> bool:
        return bool(self._run("settle", *_settle_args(lease, state, fields, now, events)))

    def settle_then_claim(self, lease: Lease, state: str, fields: dict, now: float, events: Iterable[dict],
                          consumer: str, kinds: Iterable[str], lease_seconds: float,
                          announce: dict | None = None) -> tuple[bool, Lease | None]:
        """`settle`, then `claim` the consumer's next task, both in one round trip (a pipeline of
        the two scripts): an agent that keeps finding work pays one round trip per task."""
        kinds = list(kinds)
        head = _announce_head(announce)
        taken = self._take_over(consumer, kinds, lease_seconds, now, head)
        if taken is not None:
            return self.settle(lease, state, fields, now, events), taken
        settle_args = _settle_args(lease, state, fields, now, events)
        claim_args = (consumer, repr(now), repr(lease_seconds), head, "1", *kinds)
        try:
            settled, reply = self._run_all([("settle", settle_args), ("claim", claim_args)])
        except (_Disconnected, _TimedOut):
            pipe = self._conn.pipeline(transaction=False)
            pipe.evalsha(self._scripts["settle"].sha, 0, self.p, *settle_args)
            pipe.evalsha(self._scripts["claim"].sha, 0, self.p, *claim_args)
            settled, reply = pipe.execute(raise_on_error=False)
        # A script the server doesn't know yet (first use, or Redis restarted): run that one alone,
        # which loads it. Each script ran at most once, so nothing is settled or claimed twice.
        if isinstance(settled, redis.exceptions.NoScriptError):
            settled = self.settle(lease, state, fields, now, events)
        elif isinstance(settled, Exception):
            raise settled
        if isinstance(reply, redis.exceptions.NoScriptError):
            return bool(settled), self.claim(consumer, kinds, lease_seconds, now, announce)
        if isinstance(reply, Exception):
            raise reply
        if not reply:
            return bool(settled), None
        return bool(settled), Lease(_hash_to_task(reply[1]), consumer, reply[0])

    def _run_all(self, calls: list[tuple]) -> list:
        """Scripts (name, args) in one send and one wait (a pipeline without redis-py's
        bookkeeping). An error reply comes back in its place, as an exception object, like
        `raise_on_error=False`."""
        conn = self._conn.connection
        conn.send_packed_command([b"".join(hiredis.pack_command(("EVALSHA", self._scripts[name].sha, 0, self.p, *args))
                                           for name, args in calls)])
        replies = []
        for _ in calls:
            try:
                replies.append(conn.read_response())
            except ResponseError as error:
                replies.append(error)
        return replies

    def requeue(self, lease: Lease, ready_at: float, fields: dict, now: float, events: Iterable[dict] = ()) -> bool:
        return bool(self._run("requeue", lease.task_id, lease.consumer, str(lease.task["attempts"]), repr(ready_at),
                              _json(fields.get("error")), repr(now), lease.task["kind"], *_event_args(events)))

    def cancel(self, task_id: str, now: float) -> bool:
        return bool(self._run("cancel", task_id, repr(now)))

    def revive(self, task_id: str, now: float) -> bool:
        return bool(self._run("revive", task_id, repr(now)))

    def drop(self, task_id: str) -> bool:
        return bool(self._run("drop", task_id))

    def tasks(self, state: str | None = None, limit: int = 100) -> list[dict]:
        if state == "queued":
            ids = [i for p in PRIORITIES for i in self.r.smembers(f"{self.p}s:queued:{p}")]
            ids += self.r.zrange(f"{self.p}delayed", 0, -1)
        elif state:
            ids = list(self.r.smembers(f"{self.p}s:{state}"))
        else:
            ids = [k[len(self.p) + 5:] for k in self.r.scan_iter(f"{self.p}task:*", count=1000)]
        pipe = self.r.pipeline(transaction=False)
        for task_id in ids:
            pipe.hgetall(self.p + "task:" + task_id)
        found = [_hash_to_task(h) for h in pipe.execute() if h]
        return sorted(found, key=lambda t: t["created"])[:limit]

    def counts(self) -> dict:
        pipe = self.r.pipeline(transaction=False)
        for p in PRIORITIES:
            pipe.scard(f"{self.p}s:queued:{p}")
        for state in ("leased", "dead", "done", "cancelled"):
            pipe.scard(f"{self.p}s:{state}")
        pipe.zcard(f"{self.p}delayed")
        values = pipe.execute()
        out = {"queued": {p: values[p] for p in PRIORITIES}}
        for i, state in enumerate(("leased", "dead", "done", "cancelled")):
            out[state] = values[10 + i]
        out["delayed"] = values[14]
        return out

    def release(self, consumer: str) -> int:
        """Make every entry `consumer` holds look idle for ever, so the next take-over gets it."""
        released = 0
        for stream in self.r.smembers(self.p + "streams"):
            try:
                pending = self.r.xpending_range(stream, GROUP, "-", "+", 1000, consumername=consumer)
            except redis.ResponseError:
                continue
            ids = [p["message_id"] for p in pending]
            if ids:
                self.r.execute_command("XCLAIM", stream, GROUP, consumer, 0, *ids, "IDLE", 10 ** 12, "JUSTID")
                released += len(ids)
        return released

    # ---- events ---------------------------------------------------------------------------
    def publish(self, event: dict) -> None:
        body = json.dumps(event)
        task_id = event_task_id(event)
        pipe = self.r.pipeline(transaction=False)
        pipe.xadd(self.p + "events", {"e": body}, maxlen=100_000, approximate=True)
        if task_id is not None:
            key = f"{self.p}ev:{task_id}"
            pipe.xadd(key, {"e": body})
            pipe.expire(key, 86_400)
        pipe.execute()

    def event_cursor(self, task_id: str | None = None):
        if task_id is not None:
            return "0-0"
        last = self.r.xrevrange(self.p + "events", count=1)
        return last[0][0] if last else "0-0"

    def events_after(self, cursor, timeout: float, task_id: str | None = None) -> tuple[list[dict], object]:
        key = f"{self.p}ev:{task_id}" if task_id else self.p + "events"
        reply = self.r.xread({key: cursor}, count=500, block=max(1, int(timeout * 1000)))
        if not reply:
            return [], cursor
        entries = reply[0][1]
        return [json.loads(fields["e"]) for _, fields in entries], entries[-1][0]

    # ---- keyed stores ---------------------------------------------------------------------
    def put(self, table: str, key: str, value: dict) -> None:
        self.r.hset(f"{self.p}kv:{table}", key, json.dumps(value))

    def put_new(self, table: str, key: str, value: dict) -> bool:
        return bool(self.r.hsetnx(f"{self.p}kv:{table}", key, json.dumps(value)))

    def fetch(self, table: str, key: str) -> dict | None:
        raw = self.r.hget(f"{self.p}kv:{table}", key)
        return json.loads(raw) if raw else None

    def remove(self, table: str, key: str) -> bool:
        return bool(self.r.hdel(f"{self.p}kv:{table}", key))

    def scan(self, table: str, prefix: str = "") -> list[dict]:
        return [value for _, value in self.scan_items(table, prefix)]

    def scan_items(self, table: str, prefix: str = "") -> list[tuple[str, dict]]:
        items = self.r.hgetall(f"{self.p}kv:{table}")
        return [(k, json.loads(v)) for k, v in sorted(items.items()) if k.startswith(prefix)]

    def ping(self) -> bool:
        try:
            return bool(self.r.ping())
        except redis.RedisError:
            return False

    def close(self) -> None:
        with self._lock:
            clients, self._thread_clients = self._thread_clients, []
        for client in clients:
            client.close()
        self._local = threading.local()
        self.r.close()
        self.r.connection_pool.disconnect()


def _json(value) -> str:
    return "" if value is None else json.dumps(value)


def _settle_args(lease: Lease, state: str, fields: dict, now: float, events: Iterable[dict]) -> list[str]:
    owner = "" if state == "done" else lease.consumer     # '' = whoever finishes first wins
    return [lease.task_id, state, _json(fields.get("result")), _json(fields.get("error")), repr(now), owner,
            str(lease.task["attempts"]), *_event_args(events)]


def _event_args(events: Iterable[dict]) -> list[str]:
    """Events for a script to log: task id ('' if none), JSON body, task id, JSON body, …"""
    args: list[str] = []
    for event in events:
        args += [event_task_id(event) or "", json.dumps(event)]
    return args


def _announce_head(announce: dict | None) -> str:
    """The "leased" event's JSON up to the attempt number inside its payload; the claim script
    appends the attempt, topic and correlation id, which only it knows (see `lease_event`)."""
    if announce is None:
        return ""
    envelope = {k: v for k, v in announce.items() if k not in ("topic", "correlation_id", "payload")}
    payload = {k: v for k, v in (announce.get("payload") or {}).items() if k != "attempt"}
    head = json.dumps(envelope)[:-1] + (", " if envelope else "") + '"payload": '
    return head + (json.dumps(payload)[:-1] + ", " if payload else "{")
