"""Shared helpers for the security tests.

A secret is planted in this process's environment before any run starts; every run helper
asserts it never appears in anything a program can produce (stdout, stderr, diagnostics).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST_SECRET_NAME = "HYPERCODE_TEST_HOST_SECRET"
HOST_SECRET = "host-secret-7f3a9c1e"
os.environ[HOST_SECRET_NAME] = HOST_SECRET
os.environ.setdefault("HYPERCODE_CACHE", "off")


def assert_no_host_data(*texts) -> None:
    for text in texts:
        blob = text if isinstance(text, str) else json.dumps(text, default=str)
        assert HOST_SECRET not in blob
        assert HOST_SECRET_NAME not in blob


def within_limit(result, memory_mb: int) -> None:
    peak = (result.usage or {}).get("maxrss_kb")
    assert peak is not None and peak <= memory_mb * 1024, f"peak {peak} KB over {memory_mb} MB"


@pytest.fixture
def run_checked():
    """Run source through hypercode_lang.api.run (the fork server); checks the common promises:
    no host data in the result, peak memory under the limit, done within the limit + 2 s."""
    import hypercode_lang as hc

    def run(source: str, *, timeout: float = 5.0, memory_mb: int = 512, **options):
        started = time.monotonic()
        result = hc.run(source, timeout=timeout, memory_mb=memory_mb, **options)
        elapsed = time.monotonic() - started
        assert elapsed < timeout + 2, f"took {elapsed:.1f} s"
        assert result.exit_code != 70
        assert_no_host_data(result.stdout, result.stderr, [d.to_json() for d in result.diagnostics])
        if result.exit_code != 2:  # a program that failed `check` never started
            within_limit(result, memory_mb)
        return result

    return run


@pytest.fixture
def hcvm():
    """`hcvm ARGS` as a whole process (the CLI forks its own sandboxed child)."""

    def call(*args, stdin: str = "", timeout: float = 30.0):
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "hypercode_lang", *map(str, args)], input=stdin,
                              capture_output=True, text=True, timeout=timeout + 10, cwd=str(ROOT))
        done.elapsed = time.monotonic() - started
        assert done.returncode != 70, done.stderr
        assert_no_host_data(done.stdout, done.stderr)
        return done

    return call


@pytest.fixture
def probe():
    """Run a program with the runner's test-only escape probe: after the child is locked down,
    it tries what an escaped program would try and reports each outcome."""
    from hypercode_lang.api import checked_program
    from hypercode_lang.runner import Policy, execute

    def call(*, inline: bool = False, source: str = "print('ok')\n", folder: Path | None = None, **policy):
        filename = str((folder or Path("/tmp")) / "probe.hc")
        program, diagnostics = checked_program(source, filename)
        assert not diagnostics
        result = execute(program, filename=filename, probe=True, inline=inline, policy=Policy(**policy))
        assert result.exit_code == 0, result.stderr
        return result, result.usage["probe"]

    return call
