"""Session-wide guard: nothing the tests start may listen beyond loopback.

Every HyperCode server binds 127.0.0.1 (or ::1). While the suite runs, a thread samples the
kernel's table of listening TCP sockets (/proc/net/tcp, tcp6) ten times a second; a new listener
of this user on any other address fails the session and names the address and port. Listeners
that were already there when the session began (the machine's own services) are not ours.
"""

from __future__ import annotations

import os
import threading

import pytest

LISTEN = "0A"
SAMPLE_SECONDS = 0.1


def _address(hex_address: str) -> tuple[str, int]:
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        return ".".join(str(b) for b in reversed(raw)), int(port, 16)
    words = [raw[i:i + 4][::-1] for i in range(0, 16, 4)]  # four little-endian 32-bit words
    return ":".join(b.hex() for b in words), int(port, 16)


def _is_loopback(host: str) -> bool:
    if "." in host and ":" not in host:
        return host.startswith("127.")
    compact = host.replace(":", "")
    return compact == "0" * 31 + "1" or compact.startswith("0" * 20 + "ffff" + "7f")


def listening(table: str, uid: int | None = None) -> set[tuple[str, int, str]]:
    """(host, port, inode) of each listening socket in the text of /proc/net/tcp or tcp6, of
    `uid` (everyone's when None)."""
    found = set()
    for row in table.splitlines()[1:]:
        fields = row.split()
        if len(fields) < 10 or fields[3] != LISTEN:
            continue
        if uid is not None and int(fields[7]) != uid:
            continue
        host, port = _address(fields[1])
        found.add((host, port, fields[9]))
    return found


def listeners(uid: int | None = None) -> set[tuple[str, int, str]]:
    """Every listening TCP socket on this machine now (of `uid` when given)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as handle:
                found |= listening(handle.read(), uid)
        except OSError:
            continue
    return found


class _ListenerWatch:
    def __init__(self):
        self.uid = os.getuid()
        self.before = listeners(self.uid)
        self.offenders: set[tuple[str, int]] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="listener-watch", daemon=True)

    def _run(self):
        while not self._stop.wait(SAMPLE_SECONDS):
            for host, port, inode in listeners(self.uid) - self.before:
                if not _is_loopback(host):
                    self.offenders.add((host, port))

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=2)


_watch: _ListenerWatch | None = None


def pytest_sessionstart(session):
    global _watch
    if os.path.exists("/proc/net/tcp"):
        _watch = _ListenerWatch()
        _watch.start()


def pytest_sessionfinish(session, exitstatus):
    if _watch is None:
        return
    _watch.stop()
    if _watch.offenders:
        shown = ", ".join(f"{host} port {port}" for host, port in sorted(_watch.offenders))
        session.config.get_terminal_writer().line(
            f"\nA test started something that listens beyond loopback: {shown}. Every server must bind "
            "127.0.0.1.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def listener_guard():
    """The session's guard and its parts, for the guard's own test."""
    import types
    return types.SimpleNamespace(watch=_watch, listeners=listeners, listening=listening, is_loopback=_is_loopback,
                                 address=_address)
