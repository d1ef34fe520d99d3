"""`hcvm ask --swarm URL`: the same request served by a `hypercode-swarm serve` and a separate
`hypercode-agent` process running the built-in explainer (real processes, loopback)."""

import os
import subprocess
import sys
from pathlib import Path

from procs import BIN, Proc, agent_id_of, serve

ROOT = Path(__file__).resolve().parents[2]


def test_ask_is_served_by_a_swarm_agent_process(tmp_path):
    server, url, admin = serve("--db", str(tmp_path / "swarm.sqlite3"))
    worker = None
    try:
        worker = Proc([str(BIN / "hypercode-agent"), "--role", "explainer", "--swarm", url, "--token", admin])
        agent_id = agent_id_of(worker)
        env = {**os.environ, "HYPERCODE_SWARM_TOKEN": admin}
        done = subprocess.run([str(BIN / "hcvm"), "ask", "explain", "examples/mistakes.hc:3", "--swarm", url,
                               "--json"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        import json
        result = json.loads(done.stdout)
        assert "You probably meant `message`, which is set on line 2." in result["markdown"]
        assert result["agent"]["id"] == agent_id and result["agent"]["role"] == "explainer"
    finally:
        if worker:
            worker.stop()
        server.stop()


def test_an_unreachable_swarm_is_a_calm_message(tmp_path):
    env = {**os.environ, "HYPERCODE_SWARM_TOKEN": "hck_nothing"}
    done = subprocess.run([str(BIN / "hcvm"), "ask", "explain", "examples/mistakes.hc:3", "--swarm",
                           "http://127.0.0.1:9"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("The request didn't finish:")
    assert "Traceback" not in done.stderr
