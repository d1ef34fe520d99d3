"""The embedded engine: one SQLite file in WAL mode, a lease column instead of a broker.

A claim is one `UPDATE … RETURNING` statement, so two agents (threads or processes) can never hold
the same live lease; an expired lease is simply claimable again. Threads of one process wake each
other through a condition variable; other processes on the same file poll every few milliseconds.
A change and the events that report it (`leased`, `done`, …) are one transaction; an agent's
answer and its next claim are one too (`settle_then_claim`), so a busy agent pays one commit per
task.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Iterable

from ..paths import default_db_path
from .base import Lease, TERMINAL, event_task_id, lease_event

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, priority INTEGER NOT NULL, payload TEXT NOT NULL,
    created REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL,
    idempotency_key TEXT UNIQUE, ready_at REAL NOT NULL, owner TEXT, lease_until REAL,
    result TEXT, error TEXT, updated REAL NOT NULL);
CREATE INDEX IF NOT EXISTS tasks_ready ON tasks (state, kind, priority, ready_at);
CREATE INDEX IF NOT EXISTS tasks_owner ON tasks (owner);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT, topic TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_task ON events (task_id, seq);
CREATE TABLE IF NOT EXISTS kv (
    tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (tbl, key));
"""

_POLL = 0.05           # how often a process that shares the file looks for work it wasn't told of


class _Waker:
    """Wakes this process's idle claimers; `generation` counts notifications so a claimer that
    looked just before one arrived doesn't go to sleep over it."""

    def __init__(self):
        self.cond = threading.Condition()
        self.generation = 0

    def notify(self) -> None:
        with self.cond:
            self.generation += 1
            self.cond.notify_all()

    def wait(self, seen: int, timeout: float) -> None:
        with self.cond:
            if self.generation == seen:
                self.cond.wait(timeout)


_wakers: dict[str, _Waker] = {}
_wakers_lock = threading.Lock()


def _waker(path: str) -> _Waker:
    with _wakers_lock:
        return _wakers.setdefault(path, _Waker())


def _row_to_task(row: sqlite3.Row) -> dict:
    task = {"id": row["id"], "kind": row["kind"], "priority": row["priority"],
            "payload": json.loads(row["payload"]), "created": row["created"],
            "attempts": row["attempts"], "state": row["state"]}
    if row["idempotency_key"] is not None:
        task["idempotency_key"] = row["idempotency_key"]
    if row["result"] is not None:
        task["result"] = json.loads(row["result"])
    if row["error"] is not None:
        task["error"] = json.loads(row["error"])
    if row["state"] == "queued" and row["ready_at"] > row["updated"]:
        task["ready_at"] = row["ready_at"]
    if row["owner"] is not None:
        task["owner"] = row["owner"]
    return task


class EmbeddedEngine:
    name = "embedded"

    def __init__(self, path: str | Path | None = None):
        self.path = str(Path(path) if path else default_db_path())
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._wake = _waker(self.path)                    # new work: idle claimers
        self._events_wake = _waker(self.path + "#events")  # new events: event followers
        self._last_prune = 0.0
        self._db.executescript(_SCHEMA)
        self._prune()

    def _prune(self) -> None:
        """Finished tasks a week old, and their events, are forgotten (dead letters stay)."""
        week_ago = time.time() - 7 * 86400
        old = "SELECT id FROM tasks WHERE state IN ('done', 'cancelled') AND updated < ?"
        self._db.execute(f"DELETE FROM events WHERE task_id IN ({old})", (week_ago,))
        self._db.execute("DELETE FROM tasks WHERE state IN ('done', 'cancelled') AND updated < ?", (week_ago,))

    @property
    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")   # WAL + NORMAL survives a killed process
            db.execute("PRAGMA busy_timeout=30000")
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def _notify(self) -> None:
        self._wake.notify()

    def _notify_events(self) -> None:
        # Separate from new work, so a stream of leased/done events doesn't wake idle claimers.
        self._events_wake.notify()

    def _write(self, statement: str, args: tuple, events_for=None):
        """Run one write and, if it changed a row, insert the events `events_for(row or cursor)`
        returns, in one transaction (one commit instead of one per statement)."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            cur = db.execute(statement, args)
            row = cur.fetchone() if "RETURNING" in statement else None
            changed = row is not None if "RETURNING" in statement else cur.rowcount == 1
            events = list(events_for(row)) if changed and events_for is not None else []
            for event in events:
                self._insert_event(event)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if events:
            self._notify_events()
        return row if "RETURNING" in statement else changed

    # ---- tasks ----------------------------------------------------------------------------
    def add(self, task: dict, event: dict | None = None) -> tuple[dict, bool]:
        key = task.get("idempotency_key")
        if key is not None:
            row = self._db.execute("SELECT * FROM tasks WHERE idempotency_key=?", (key,)).fetchone()
            if row is not None:
                return _row_to_task(row), False
        db = self._db
        payload = json.dumps(task["payload"])
        db.execute("BEGIN IMMEDIATE")         # the task and its "queued" event: one commit
        try:
            if event is not None:
                self._insert_event(event)     # before the task can be claimed: events stay in order
            db.execute(
                "INSERT INTO tasks (id, kind, priority, payload, created, attempts, state, idempotency_key,"
                " ready_at, updated) VALUES (?,?,?,?,?,0,'queued',?,?,?)",
                (task["id"], task["kind"], task["priority"], payload, task["created"],
                 key, task["created"], task["created"]))
            db.execute("COMMIT")
        except sqlite3.IntegrityError:
            db.execute("ROLLBACK")
            if key is None:
                raise
            row = db.execute("SELECT * FROM tasks WHERE idempotency_key=?", (key,)).fetchone()
            return _row_to_task(row), False
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._notify()
        if event is not None:
            self._notify_events()
        stored = {"id": task["id"], "kind": task["kind"], "priority": int(task["priority"]),
                  "payload": json.loads(payload), "created": float(task["created"]), "attempts": 0, "state": "queued"}
        if key is not None:
            stored["idempotency_key"] = key
        return stored, True

    def add_many(self, tasks: list[dict], events: list[dict]) -> list[dict]:
        """New tasks (no idempotency keys), each after its "queued" event, in one commit."""
        db = self._db
        rows = [(t["id"], t["kind"], t["priority"], json.dumps(t["payload"]), t["created"], t["created"], t["created"])
                for t in tasks]
        db.execute("BEGIN IMMEDIATE")
        try:
            for event in events:
                self._insert_event(event)
            db.executemany("INSERT INTO tasks (id, kind, priority, payload, created, attempts, state, ready_at,"
                           " updated) VALUES (?,?,?,?,?,0,'queued',?,?)", rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._notify()
        self._notify_events()
        return [{"id": t["id"], "kind": t["kind"], "priority": int(t["priority"]), "payload": t["payload"],
                 "created": float(t["created"]), "attempts": 0, "state": "queued"} for t in tasks]

    def get(self, task_id: str) -> dict | None:
        row = self._db.execute("SELECT * FROM tasks WHERE id=?", (task_id,)).fetchone()
        return _row_to_task(row) if row else None

    def claim(self, consumer: str, kinds: Iterable[str], lease_seconds: float, now: float,
              announce: dict | None = None) -> Lease | None:
        kinds = list(kinds)
        pick = _pick(len(kinds))
        # Looking first is a plain read (readers never wait in WAL mode); only a hit takes the
        # write lock.
        self._local.seen = self._wake.generation
        for _ in range(50):                       # lost races against other claimers
            found = self._db.execute(pick, (*kinds, now, *kinds, now)).fetchone()
            if found is None:
                return None
            row = self._write(_TAKE, (consumer, now + lease_seconds, now, found["id"], now, now),
                              None if announce is None else (lambda row: [lease_event(announce, _row_to_task(row))]))
            if row is not None:
                return Lease(_row_to_task(row), consumer, str(row["attempts"]))
        return None

    def settle_then_claim(self, lease: Lease, state: str, fields: dict, now: float, events: Iterable[dict],
                          consumer: str, kinds: Iterable[str], lease_seconds: float,
                          announce: dict | None = None) -> tuple[bool, Lease | None]:
        """`settle`, then `claim` the consumer's next task, in one transaction: one commit per
        task instead of two for an agent that keeps finding work. Holding the write lock, the
        look and the take cannot race another claimer."""
        kinds = list(kinds)
        statement, args = _settle_statement(lease, state, fields, now)
        db = self._db
        self._local.seen = self._wake.generation
        db.execute("BEGIN IMMEDIATE")
        try:
            settled = db.execute(statement, args).rowcount == 1
            logged = list(events) if settled else []
            for event in logged:
                self._insert_event(event)
            found = db.execute(_pick(len(kinds)), (*kinds, now, *kinds, now)).fetchone()
            row = None
            if found is not None:
                row = db.execute(_TAKE, (consumer, now + lease_seconds, now, found["id"], now, now)).fetchone()
            following = None
            if row is not None:
                following = Lease(_row_to_task(row), consumer, str(row["attempts"]))
                if announce is not None:
                    logged.append(lease_event(announce, following.task))
                    self._insert_event(logged[-1])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if logged:
            self._notify_events()
        return settled, following

    def wait_for_work(self, kinds: Iterable[str], timeout: float) -> None:
        self._wake.wait(getattr(self._local, "seen", -1), min(timeout, _POLL))

    def extend(self, lease: Lease, lease_seconds: float, now: float) -> str:
        cur = self._db.execute(
            "UPDATE tasks SET lease_until=? WHERE id=? AND state='leased' AND owner=? AND attempts=?",
            (now + lease_seconds, lease.task_id, lease.consumer, int(lease.handle)))
        if cur.rowcount:
            return "ok"
        row = self._db.execute("SELECT state FROM tasks WHERE id=?", (lease.task_id,)).fetchone()
        return row["state"] if row and row["state"] in TERMINAL else "lost"

    def settle(self, lease: Lease, state: str, fields: dict, now: float, events: Iterable[dict] = ()) -> bool:
        events = list(events)
        return self._write(*_settle_statement(lease, state, fields, now), lambda _: events)

    def requeue(self, lease: Lease, ready_at: float, fields: dict, now: float, events: Iterable[dict] = ()) -> bool:
        events = list(events)
        requeued = self._write(
            "UPDATE tasks SET state='queued', ready_at=?, error=?, owner=NULL, lease_until=NULL, updated=?"
            " WHERE id=? AND state='leased' AND owner=? AND attempts=?",
            (ready_at, _json_or_none(fields.get("error")), now, lease.task_id, lease.consumer,
             int(lease.handle)), lambda _: events)
        self._notify()
        return requeued

    def cancel(self, task_id: str, now: float) -> bool:
        cur = self._db.execute(
            "UPDATE tasks SET state='cancelled', owner=NULL, lease_until=NULL, updated=?"
            " WHERE id=? AND state NOT IN ('done','dead','cancelled')", (now, task_id))
        return cur.rowcount == 1

    def revive(self, task_id: str, now: float) -> bool:
        cur = self._db.execute(
            "UPDATE tasks SET state='queued', attempts=0, ready_at=?, updated=? WHERE id=? AND state='dead'",
            (now, now, task_id))
        self._notify()
        return cur.rowcount == 1

    def drop(self, task_id: str) -> bool:
        return self._db.execute("DELETE FROM tasks WHERE id=? AND state='dead'", (task_id,)).rowcount == 1

    def tasks(self, state: str | None = None, limit: int = 100) -> list[dict]:
        if state:
            rows = self._db.execute("SELECT * FROM tasks WHERE state=? ORDER BY created LIMIT ?", (state, limit))
        else:
            rows = self._db.execute("SELECT * FROM tasks ORDER BY created LIMIT ?", (limit,))
        return [_row_to_task(r) for r in rows]

    def counts(self) -> dict:
        now = time.time()
        out = {"queued": {p: 0 for p in range(10)}, "delayed": 0, "leased": 0, "dead": 0, "done": 0,
               "cancelled": 0}
        for row in self._db.execute(
                "SELECT state, priority, ready_at > ? AS later, COUNT(*) AS n FROM tasks"
                " GROUP BY state, priority, later", (now,)):
            if row["state"] == "queued":
                if row["later"]:
                    out["delayed"] += row["n"]
                else:
                    out["queued"][row["priority"]] += row["n"]
            elif row["state"] in out:
                out[row["state"]] += row["n"]
        return out

    def release(self, consumer: str) -> int:
        cur = self._db.execute("UPDATE tasks SET lease_until=0 WHERE owner=? AND state='leased'", (consumer,))
        self._notify()
        return cur.rowcount

    # ---- events ---------------------------------------------------------------------------
    def publish(self, event: dict) -> None:
        self._insert_event(event)
        self._notify_events()
        if event.get("time", 0) - self._last_prune > 3600:
            self._last_prune = event.get("time", 0)
            self._db.execute("DELETE FROM events WHERE seq < (SELECT MAX(seq) FROM events) - 200000")

    def _insert_event(self, event: dict) -> None:
        self._db.execute("INSERT INTO events (task_id, topic, body) VALUES (?,?,?)",
                         (event_task_id(event), event["topic"], json.dumps(event)))

    def event_cursor(self, task_id: str | None = None):
        if task_id is not None:
            return 0       # a task's own events are few: replay them from its start
        row = self._db.execute("SELECT MAX(seq) AS m FROM events").fetchone()
        return row["m"] or 0

    def events_after(self, cursor, timeout: float, task_id: str | None = None) -> tuple[list[dict], object]:
        deadline = time.monotonic() + timeout
        while True:
            seen = self._events_wake.generation
            if task_id is None:
                rows = self._db.execute("SELECT seq, body FROM events WHERE seq>? ORDER BY seq LIMIT 500",
                                        (cursor,)).fetchall()
            else:
                rows = self._db.execute("SELECT seq, body FROM events WHERE task_id=? AND seq>? ORDER BY seq",
                                        (task_id, cursor)).fetchall()
            if rows:
                return [json.loads(r["body"]) for r in rows], rows[-1]["seq"]
            left = deadline - time.monotonic()
            if left <= 0:
                return [], cursor
            self._events_wake.wait(seen, min(left, 0.02))

    # ---- keyed stores ---------------------------------------------------------------------
    def put(self, table: str, key: str, value: dict) -> None:
        self._db.execute("INSERT OR REPLACE INTO kv (tbl, key, value) VALUES (?,?,?)", (table, key, json.dumps(value)))

    def put_new(self, table: str, key: str, value: dict) -> bool:
        cur = self._db.execute("INSERT OR IGNORE INTO kv (tbl, key, value) VALUES (?,?,?)",
                               (table, key, json.dumps(value)))
        return cur.rowcount == 1

    def fetch(self, table: str, key: str) -> dict | None:
        row = self._db.execute("SELECT value FROM kv WHERE tbl=? AND key=?", (table, key)).fetchone()
        return json.loads(row["value"]) if row else None

    def remove(self, table: str, key: str) -> bool:
        return self._db.execute("DELETE FROM kv WHERE tbl=? AND key=?", (table, key)).rowcount == 1

    def scan(self, table: str, prefix: str = "") -> list[dict]:
        return [value for _, value in self.scan_items(table, prefix)]

    def scan_items(self, table: str, prefix: str = "") -> list[tuple[str, dict]]:
        rows = self._db.execute("SELECT key, value FROM kv WHERE tbl=? AND key >= ? AND key < ? ORDER BY key",
                                (table, prefix, prefix + "\U0010ffff"))
        return [(r["key"], json.loads(r["value"])) for r in rows]

    def ping(self) -> bool:
        try:
            self._db.execute("SELECT 1").fetchone()
            return True
        except sqlite3.Error:
            return False

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                try:
                    db.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
        self._local = threading.local()


def _json_or_none(value) -> str | None:
    return None if value is None else json.dumps(value)


@functools.lru_cache(maxsize=64)
def _pick(kind_count: int) -> str:
    """The best queued task and the best expired lease of these kinds; the better of the two
    wins, so priorities stay strict even for tasks being taken over."""
    marks = ",".join("?" * kind_count)
    return f"""SELECT id FROM (
                SELECT * FROM (SELECT id, priority, ready_at FROM tasks WHERE state='queued'
                    AND kind IN ({marks}) AND ready_at<=? ORDER BY priority, ready_at LIMIT 1)
                UNION ALL
                SELECT * FROM (SELECT id, priority, ready_at FROM tasks WHERE state='leased'
                    AND kind IN ({marks}) AND lease_until<=? ORDER BY priority, ready_at LIMIT 1))
              ORDER BY priority, ready_at LIMIT 1"""


# Take the picked task, unless another claimer took it first (compare-and-set on its state).
_TAKE = """UPDATE tasks SET state='leased', owner=?, lease_until=?, attempts=attempts+1, updated=?
    WHERE id=? AND ((state='queued' AND ready_at<=?) OR (state='leased' AND lease_until<=?))
    RETURNING *"""


def _settle_statement(lease: Lease, state: str, fields: dict, now: float) -> tuple[str, tuple]:
    """The compare-and-set that finishes a task: "done" wins for whoever answers first (a
    duplicate run's answer is dropped); "dead" only for the lease's holder."""
    owner_check = "" if state == "done" else " AND owner=? AND attempts=?"
    args = () if state == "done" else (lease.consumer, int(lease.handle))
    return (f"UPDATE tasks SET state=?, result=?, error=?, owner=NULL, lease_until=NULL, updated=?"
            f" WHERE id=? AND state NOT IN ('done','dead','cancelled'){owner_check}",
            (state, _json_or_none(fields.get("result")), _json_or_none(fields.get("error")), now,
             lease.task_id, *args))
