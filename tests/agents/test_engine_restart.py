"""A restarted backend loses no queued task: the embedded file after its writer was SIGKILLed,
and Redis with AOF after the server itself was SIGKILLed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from agent_bridge.delivery import Delivery
from agent_bridge.engines.redis import RedisEngine
from agent_bridge.engines.sqlite import EmbeddedEngine

from conftest import ROOT

WRITER = """
import sys, time
from agent_bridge.delivery import Delivery
from agent_bridge.engines import open_engine
delivery = Delivery(open_engine(sys.argv[1]))
i = 0
while True:
    task = delivery.submit("noop", {"n": i}, priority=i % 10)
    print(task["id"], flush=True)      # printed only once the task is stored
    i += 1
"""


def _submit_until_killed(url: str, minimum: int = 300) -> list[str]:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    ids = []
    while len(ids) < minimum:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"the writer stopped early (exit {proc.wait(10)}) after {len(ids)} tasks")
        ids.append(line.strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    ids += [line.strip() for line in proc.stdout if line.strip()]
    return ids


def _drain_all(engine, lease_seconds: float) -> set[str]:
    # Every agent of a swarm uses the same lease length (the Redis engine's take-over relies on it).
    got = set()
    while (lease := engine.claim("after-restart", ["noop"], lease_seconds, time.time())) is not None:
        got.add(lease.task_id)
        engine.settle(lease, "done", {"result": {}}, time.time())     # or its lease would end again
    return got


def test_embedded_engine_restarted_mid_queue_loses_nothing(tmp_path):
    path = tmp_path / "swarm.sqlite3"
    before = EmbeddedEngine(path)
    Delivery(before).submit("noop", {"n": -1})
    leased = before.claim("agent-that-will-die", ["noop"], 0.2, time.time())
    before.close()
    ids = _submit_until_killed(str(path))
    after = EmbeddedEngine(path)
    time.sleep(0.3)                                         # the dead agent's lease ends
    got = _drain_all(after, 0.2)
    assert set(ids) <= got and leased.task_id in got
    after.close()


def test_redis_with_aof_restarted_loses_nothing(aof_redis):
    engine = RedisEngine(aof_redis.url, prefix="hc:")
    leased_id = Delivery(engine).submit("noop", {"n": -1})["id"]
    lease = engine.claim("agent-that-will-die", ["noop"], 0.2, time.time())
    assert lease.task_id == leased_id
    ids = _submit_until_killed(aof_redis.url)
    engine.close()
    aof_redis.restart()                                     # SIGKILL the server, start it again
    engine = RedisEngine(aof_redis.url, prefix="hc:", reclaim_every=0)
    time.sleep(0.3)
    got = _drain_all(engine, 0.2)
    assert set(ids) <= got and leased_id in got
    engine.close()
