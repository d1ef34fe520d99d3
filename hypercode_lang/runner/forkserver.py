"""The warm fork server: a small Python started isolated (`-I -S`, empty environment, `/` as its
folder) that has already imported the VM. For each run the host sends it two pipe ends over a
Unix socket; it forks a *monitor*, which makes a fresh empty working folder, forks the sandboxed
child (child.main, which names itself to the host), waits for it, reports how it ended (status
and peak memory) and removes the folder. So starting a run costs two forks, not an interpreter.

Host side: `ForkServer` (one per host process, started on first use, restarted if it died).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading

from . import protocol as P

BOOT = ("import sys; sys.path.append(sys.argv[1]); "
        "from hypercode_lang.runner.forkserver import serve; serve(int(sys.argv[2]))")


def monitor(job_fd: int, out_fd: int, *, sandbox: bool = True) -> None:
    """In a fresh fork: run one child and report how it ended. Never returns."""
    try:
        from .child import die_with_parent
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        workdir = tempfile.mkdtemp(prefix="hypercode-run-")
        pid = os.fork()
        if pid == 0:
            from .child import main
            main(job_fd, out_fd, workdir, sandbox=sandbox)
        # If the fork server dies, kill the child but still reap it and remove its folder.
        signal.signal(signal.SIGTERM, lambda *_: os.kill(pid, signal.SIGKILL))
        die_with_parent(signal.SIGTERM)
        if os.getppid() == 1:
            os.kill(pid, signal.SIGKILL)
        os.close(job_fd)
        _, status, usage = os.wait4(pid, 0)
        shutil.rmtree(workdir, ignore_errors=True)  # first: the host may be gone (then sending fails)
        P.send_json(out_fd, P.EXITED, {"pid": pid, "status": status, "maxrss_kb": usage.ru_maxrss})
    finally:
        os._exit(0)


def serve(control_fd: int) -> None:
    """The fork server's loop: one request per run, until the host closes the socket."""
    from .child import die_with_parent, preload
    die_with_parent()
    preload(jit=False)
    import gc
    gc.collect()
    gc.freeze()  # a fork then shares these pages instead of copying them when the collector runs
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # monitors are reaped by the kernel
    control = socket.socket(fileno=control_fd)
    control.sendall(b"ready\n")
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 4096, 2)
        except OSError:
            return
        if not message:
            return
        request = json.loads(message)
        if len(fds) == 2 and os.fork() == 0:
            control.close()
            monitor(fds[0], fds[1], sandbox=request.get("sandbox", True))
        for fd in fds:
            os.close(fd)  # no reply: the child names itself on its own pipe (protocol.STARTED)


class ForkServer:
    """The host's handle on its fork server (thread-safe; started lazily)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._reader = None

    def start(self) -> None:
        with self._lock:
            self._ensure_started()

    def _ensure_started(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._close()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", BOOT, package_parent, str(theirs.fileno())],
            pass_fds=[theirs.fileno()], env={}, cwd="/", stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self._control = ours
        self._reader = ours.makefile("rb")
        if self._reader.readline() != b"ready\n":
            self._close()
            raise OSError("the HyperCode fork server did not start")

    def _close(self) -> None:
        for thing in (self._reader, self._control):
            try:
                if thing is not None:
                    thing.close()
            except OSError:
                pass
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._process = self._control = self._reader = None

    def spawn(self, job_fd: int, out_fd: int, *, sandbox: bool = True) -> None:
        """Fork a monitored child that reads its job from `job_fd` and reports on `out_fd`.
        Nothing is awaited (each round trip costs a scheduling slice on a busy machine): the
        child's first frame on `out_fd` gives its pid. The caller closes its copies of both fds."""
        message = json.dumps({"sandbox": sandbox}).encode()
        with self._lock:
            for attempt in (1, 2):
                try:
                    self._ensure_started()
                    socket.send_fds(self._control, [message], [job_fd, out_fd])
                    return
                except OSError:
                    self._close()
                    if attempt == 2:
                        raise

    def close(self) -> None:
        with self._lock:
            self._close()


_SHARED: ForkServer | None = None
_SHARED_LOCK = threading.Lock()


def shared() -> ForkServer:
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = ForkServer()
        return _SHARED
