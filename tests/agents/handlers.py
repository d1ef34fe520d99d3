"""Test-only specialists for the engine, delivery and chaos tests (not the real ones: H7's)."""

from __future__ import annotations

import os
import time


class Echo:
    """Answers at once, with a progress message first."""
    role = "explainer"
    kinds = frozenset({"explain", "noop"})

    def handle(self, task, ctx):
        ctx.progress("looking at it")
        return {"markdown": f"echo {task['payload'].get('text', '')}"}


class Sleepy:
    """Sleeps `payload.sleep` seconds (default 0.02), checking for cancellation, and appends
    the task id to $HC_RUN_LOG (one line per run) so tests can count runs."""
    role = "explainer"
    kinds = frozenset({"noop", "explain"})

    def handle(self, task, ctx):
        log = os.environ.get("HC_RUN_LOG")
        if log:
            with open(log, "a") as out:
                out.write(task["id"] + "\n")
        deadline = time.monotonic() + task["payload"].get("sleep", 0.02)
        while time.monotonic() < deadline:
            if ctx.cancelled():
                return {"markdown": "stopped"}
            time.sleep(0.005)
        return {"markdown": "slept"}


class Crash:
    """Always fails."""
    role = "explainer"
    kinds = frozenset({"noop", "explain"})

    def handle(self, task, ctx):
        raise RuntimeError("this handler always fails")


class Noop:
    role = "explainer"
    kinds = frozenset({"noop"})

    def handle(self, task, ctx):
        return {}
