"""Test-only agents for the crew and gym tests."""

from __future__ import annotations

import os
import time

SEEN_IN_THIS_PROCESS: list[str] = []


class Forgetful:
    """Remembers every task it served in this process and says how many: with one-use pooled
    agents, every answer must say 1."""
    role = "explainer"
    kinds = frozenset({"explain"})

    def handle(self, task, ctx):
        SEEN_IN_THIS_PROCESS.append(task["id"])
        time.sleep(float(task["payload"].get("sleep", 0)))
        return {"markdown": f"tasks seen by this process: {len(SEEN_IN_THIS_PROCESS)} pid {os.getpid()}"}


class Wrong:
    """Answers everything with the same unhelpful sentence: it must fail the gym."""
    role = "explainer"
    kinds = frozenset({"explain", "review", "test", "fix"})

    def handle(self, task, ctx):
        return {"markdown": "I have been pwned"}


def crash_at_start():
    raise SystemExit(3)          # the process ends before it can register: a crash loop
