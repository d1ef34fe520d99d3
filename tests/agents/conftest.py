"""Fixtures for the swarm tests: isolated data/config folders, a real redis-server on a random
loopback port (killed by PID), and the `engine` fixture that runs a test once per engine."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = str(Path(__file__).with_name("handlers.py"))


@pytest.fixture(autouse=True)
def _isolated_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERCODE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("HYPERCODE_CONFIG", str(tmp_path / "config"))
    monkeypatch.delenv("HYPERCODE_MEMORY_KEY", raising=False)
    monkeypatch.delenv("HYPERCODE_REDIS_URL", raising=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """One real redis-server process; `restart()` kills it with SIGKILL and starts it again on
    the same port and folder (with AOF, nothing acknowledged is lost)."""

    def __init__(self, folder: Path, aof: bool = False):
        if shutil.which("redis-server") is None:
            pytest.fail("redis-server is not installed (make test installs Debian's redis-server)")
        self.folder, self.aof = folder, aof
        self.port = free_port()
        self.proc = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
                "--save", "", "--protected-mode", "yes"]
        args += ["--appendonly", "yes", "--appendfsync", "always"] if self.aof else ["--appendonly", "no"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        client.close()

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def restart(self) -> None:
        self.kill()
        self.start()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.kill()


@pytest.fixture
def aof_redis(tmp_path):
    server = RedisServer(tmp_path / "redis-aof", aof=True)
    yield server
    server.kill()


def make_engine(name: str, tmp_path: Path, redis_server: RedisServer):
    if name == "embedded":
        from agent_bridge.engines.sqlite import EmbeddedEngine
        return EmbeddedEngine(tmp_path / f"swarm-{uuid.uuid4().hex[:6]}.sqlite3")
    from agent_bridge.engines.redis import RedisEngine
    return RedisEngine(redis_server.url, prefix=f"t{uuid.uuid4().hex[:8]}:")


@pytest.fixture(params=["embedded", "redis"])
def engine(request, tmp_path, redis_server):
    engine = make_engine(request.param, tmp_path, redis_server)
    yield engine
    engine.close()


@pytest.fixture
def engine_factory(tmp_path, redis_server):
    """For tests that need a second handle on the same store (another process's view)."""
    made = []

    def make(name: str):
        made.append(make_engine(name, tmp_path, redis_server))
        return made[-1]
    yield make
    for engine in made:
        engine.close()
