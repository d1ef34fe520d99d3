"""Starting `hypercode-swarm serve` and `hypercode-agent` as real processes for tests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = str(Path(__file__).with_name("handlers.py"))
BIN = Path(sys.executable).parent


class Proc:
    def __init__(self, args: list[str], env: dict | None = None):
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                                     env={**os.environ, **(env or {})})
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 20.0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = re.search(pattern, line)
                if found:
                    return found
            if self.proc.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.02)
        raise AssertionError(f"no line matching {pattern!r}; output so far:\n" + "\n".join(self.lines))

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def serve(*engine_args: str, env: dict | None = None) -> tuple[Proc, str, str]:
    proc = Proc([str(BIN / "hypercode-swarm"), "serve", "--port", "0", *engine_args], env)
    url = proc.wait_for(r"ready at (http://\S+)/").group(1)
    admin = proc.wait_for(r"^\s+(hck_\S+)").group(1)
    return proc, url, admin


def start_agent(role: str, *where: str, handler: str = "Echo", concurrency: int = 1, extra=(), env=None) -> Proc:
    return Proc([str(BIN / "hypercode-agent"), "--role", role, *where, "--handler", f"{HANDLERS}:{handler}",
                 "--concurrency", str(concurrency), *extra], env)


def agent_id_of(proc: Proc) -> str:
    return proc.wait_for(r"^agent (\S+) ").group(1)


def agent(role: str, *where: str, **options) -> tuple[Proc, str]:
    proc = start_agent(role, *where, **options)
    return proc, agent_id_of(proc)
