"""The trusted side of a run: start the sandboxed child, feed it, watch it, and turn what happened
into an ExecResult.

The parent owns every decision that matters: it checked the program, it resolves and checks
imports, it counts output, and it keeps the clock — the child is killed at the time limit
whatever it is doing (a stuck built-in call included), and its death is reported as the normal
diagnostic (HC3001 time, HC3002 size or memory), never as an internal error.
"""

from __future__ import annotations

import json
import os
import select
import signal
import stat
import threading
import time

from . import child as _child  # noqa: F401  (loaded before a fork, so the child shares it)
from . import protocol as P
from .result import EXIT_INTERNAL, EXIT_LIMIT, EXIT_STOPPED, RESOURCE_LIMIT_CODES, ExecResult
from . import seccomp as _seccomp  # noqa: F401  (ctypes and the compiled filter, likewise)

KILL_GRACE = 0.5          # the VM's own HC3001 (which knows the line) normally arrives first
OUTPUT_SLACK = 1 << 16    # framing and the last chunk; past cap + this the parent kills
AFTER_KILL_WAIT = 5.0     # how long to wait for the pipe to close once the child is killed
MAX_MODULE_BYTES = 4_000_000


class Policy:
    """What one run may use."""

    __slots__ = ("timeout", "memory_mb", "max_output", "max_depth", "max_size")

    def __init__(self, timeout: float = 30.0, memory_mb: int = 512, max_output: int = 10_000_000,
                 max_depth: int = 1000, max_size: int = 10_000_000):
        self.timeout = timeout          # seconds of wall-clock time (HC3001)
        self.memory_mb = memory_mb      # address space of the child (HC3002)
        self.max_output = max_output    # bytes of output (HC3002); what came before is kept
        self.max_depth = max_depth      # nested calls (HC2007)
        self.max_size = max_size        # elements of one value (HC3002)

    def __repr__(self) -> str:
        return "Policy(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__) + ")"

    def __eq__(self, other) -> bool:
        return isinstance(other, Policy) and all(getattr(self, n) == getattr(other, n) for n in self.__slots__)


class RunControl:
    """Lets another thread stop a run. `stop()` returns whether there was a run to stop."""

    def __init__(self):
        self._lock = threading.Lock()
        self._kill = None
        self._listeners = []
        self.stopped = False
        self.finished = False

    def on_stop(self, listener) -> None:
        self._listeners.append(listener)

    def stop(self) -> bool:
        with self._lock:
            if self.finished or self.stopped:
                return False
            self.stopped = True
            kill = self._kill
        if kill is not None:
            kill()
        for listener in self._listeners:
            listener()
        return True

    def _attach(self, kill) -> None:
        with self._lock:
            self._kill = kill
            stop_now = self.stopped
        if stop_now:
            kill()

    def _finish(self) -> None:
        with self._lock:
            self._kill = None
            self.finished = True


class _Child:
    """The sandboxed process: how to kill it and, at the end, how it ended."""

    def __init__(self):
        self.pid = None
        self.pidfd = None
        self.status = None
        self.maxrss_kb = None

    def attach(self, pid: int) -> None:
        self.pid = pid
        try:  # a pidfd can't hit a recycled pid
            self.pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self.pidfd = None

    def kill(self) -> None:
        try:
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            elif self.pid:
                os.kill(self.pid, signal.SIGKILL)
        except (OSError, AttributeError):
            pass

    def close(self) -> None:
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


def execute(program: dict, *, filename: str, sources: dict | None = None, env: dict | None = None,
            policy: Policy | None = None, read_line=None, on_output=None, resolve_module=None,
            jit: bool = False, inline: bool = False, control: RunControl | None = None,
            probe: bool = False, sandbox: bool = True):
    """Run checked IR in a sandboxed child; returns an ExecResult whose stdout is the whole
    (capped) output, prompts included. Never raises for anything the program does.

    - `read_line(prompt, deadline) -> str | None` answers input() (None: end of input);
    - `on_output(text)` sees output as it is produced (prompts excluded);
    - `resolve_module(name, importer) -> (program, filename)` for `import`; raises
      FileNotFoundError (HC1001) or modules.ModuleLoadError. `default_resolver(sources, checked)`
      is the usual one; without any, the program can import only `math`;
    - `inline=True` forks this process itself (the CLI: small and single-threaded) instead of
      asking the warm fork server (everyone else: servers have threads and lots of memory).
    """
    policy = policy or Policy()
    sources = sources if sources is not None else {}
    control = control or RunControl()
    resolve_module = resolve_module or _no_modules
    started = time.perf_counter()
    job = {"program": program, "filename": filename, "env": dict(env or {}), "timeout": policy.timeout,
           "memory_mb": policy.memory_mb, "max_output": policy.max_output, "max_depth": policy.max_depth,
           "max_size": policy.max_size, "jit": bool(jit), "probe": bool(probe), "seccomp": sandbox}
    job_r, job_w = os.pipe()
    out_r, out_w = os.pipe()
    child = _Child()
    workdir = None
    try:
        try:
            if inline:
                workdir = _private_workdir()
                pid = _fork_inline(job_r, out_w, workdir, sandbox, keep={job_r, out_w}, jit=bool(jit))
                child.attach(pid)
            else:
                from .forkserver import shared
                shared().spawn(job_r, out_w, sandbox=sandbox)
        finally:
            os.close(job_r)
            os.close(out_w)
        if inline:
            control._attach(child.kill)
        _send_job(job_w, job)  # the child reads it first thing; a big job waits in the pipe for it
        session = _Supervisor(child, control, policy, job_w, out_r, read_line, on_output, resolve_module)
        try:
            session.watch()
        except BaseException:  # e.g. Ctrl+C in the CLI: the child never outlives its parent's interest
            child.kill()
            if inline:
                os.waitpid(child.pid, 0)
            raise
        if inline:
            _, status, usage = os.wait4(child.pid, 0)
            child.status, child.maxrss_kb = status, usage.ru_maxrss
        else:
            child.status, child.maxrss_kb = session.exit_status, session.maxrss_kb
    except OSError as problem:  # no process could be started: the machine's problem, not the program's
        from ..diagnostics.catalogue import message
        result = ExecResult("", message("runner.no_process", problem=problem) + "\n",
                            EXIT_INTERNAL, "error", time.perf_counter() - started, [])
        result.usage = {"error": str(problem)}
        return result
    finally:
        control._finish()
        child.close()
        for fd in (job_w, out_r):
            try:
                os.close(fd)
            except OSError:
                pass
        if workdir:
            _remove_workdir(workdir)
    result = _outcome(session, child, program, filename, sources, policy, control)
    result.stdout = "".join(session.collected)
    result.duration = time.perf_counter() - started
    result.usage = {"maxrss_kb": child.maxrss_kb, "status": child.status, "seccomp": session.seccomp,
                    "probe": session.probe}
    return result


def _fork_inline(job_r: int, out_w: int, workdir: str, sandbox: bool, keep: set, jit: bool = False) -> int:
    import gc
    import sys
    from .child import preload
    # The VM is imported here, not in the child: the parent needs it afterwards anyway (to report
    # faults), so importing it once before the fork saves the child doing it again (~15 ms).
    preload(jit, seccomp=sandbox)
    gc.freeze()  # the child shares the parent's objects instead of copying them (see forkserver)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    pid = os.fork()
    if pid == 0:
        try:
            from .child import main
            main(job_r, out_w, workdir, sandbox=sandbox)
        finally:
            os._exit(1)
    return pid


def _send_job(fd: int, job: dict) -> None:
    try:
        P.send(fd, P.JOB, json.dumps(job, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    except (BrokenPipeError, OSError):
        pass  # the child is already gone; its end is reported by the supervisor


class _Supervisor:
    """Reads the child's frames until its pipe closes; kills it when a limit is crossed."""

    def __init__(self, child, control, policy, job_w, out_r, read_line, on_output, resolve_module):
        self.child, self.control, self.policy = child, control, policy
        self.job_w, self.out_r = job_w, out_r
        self.read_line, self.on_output, self.resolve_module = read_line, on_output, resolve_module
        self.collected: list[str] = []
        self.received = 0
        self.report = None
        self.probe = None
        self.killed_for = None
        self.module_diagnostics = []
        self.exit_status = None
        self.maxrss_kb = None
        self.seccomp = None
        self.deadline = time.monotonic() + policy.timeout + KILL_GRACE

    def kill(self, reason: str) -> None:
        if self.killed_for is None:
            self.killed_for = reason
        self.child.kill()

    def watch(self) -> None:
        poller = select.poll()
        poller.register(self.out_r, select.POLLIN | select.POLLHUP | select.POLLERR)
        frames = P.FrameBuffer()
        give_up = None
        while True:
            now = time.monotonic()
            if self.killed_for is None and not self.control.stopped and now >= self.deadline:
                self.kill("timeout")
            if (self.killed_for or self.control.stopped) and give_up is None:
                give_up = now + AFTER_KILL_WAIT
            if give_up is not None and now >= give_up:
                return
            wait = (give_up if give_up is not None else self.deadline) - now
            if not poller.poll(max(0.0, min(wait, 0.25)) * 1000):
                continue
            try:
                chunk = os.read(self.out_r, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            for kind, payload in frames.feed(chunk):
                self.handle(kind, payload)

    def handle(self, kind: bytes, payload: bytes) -> None:
        if kind == P.EXITED:
            info = json.loads(payload)
            self.exit_status, self.maxrss_kb = info.get("status"), info.get("maxrss_kb")
            return
        if kind == P.STARTED:
            if self.child.pid is None:  # fork-server runs: the child names itself
                self.child.attach(int(json.loads(payload)["pid"]))
                self.control._attach(self.child.kill)
            return
        if self.killed_for or self.control.stopped:
            return
        if kind == P.OUTPUT:
            self.received += len(payload)
            if self.received > self.policy.max_output + OUTPUT_SLACK:
                self.kill("output")
                return
            text = P.decode_text(payload)
            self.collected.append(text)
            if self.on_output is not None:
                self.on_output(text)
        elif kind == P.WAITING:
            prompt = P.decode_text(payload)
            self.collected.append(prompt)
            line = self.read_line(prompt, self.deadline) if self.read_line is not None else None
            if self.control.stopped:
                return
            if time.monotonic() >= self.deadline:
                self.kill("timeout")
                return
            self.reply(P.LINE, P.encode_text(line)) if line is not None else self.reply(P.EOF, b"")
        elif kind == P.MODULE:
            self.reply(P.MODULE_REPLY, json.dumps(self.module_reply(json.loads(payload)),
                                                  ensure_ascii=False).encode("utf-8", "surrogatepass"))
        elif kind == P.RESULT:
            self.report = json.loads(payload)
            self.seccomp = self.report.get("seccomp")
        elif kind == P.PROBE:
            self.probe = json.loads(payload)

    def reply(self, kind: bytes, payload: bytes) -> None:
        try:
            P.send(self.job_w, kind, payload)
        except OSError:
            pass

    def module_reply(self, request: dict) -> dict:
        from ..modules import ModuleLoadError
        try:
            program, module_filename = self.resolve_module(str(request["name"]), str(request["importer"]))
        except ModuleLoadError as problem:
            self.module_diagnostics = list(problem.diagnostics)
            return {"status": "refused"}
        except Exception:  # noqa: BLE001 - anything else about the file: it can't be imported
            return {"status": "missing"}
        return {"status": "ok", "program": program, "filename": module_filename}


def _outcome(session: _Supervisor, child: _Child, program, filename, sources, policy, control):
    """The ExecResult for how the run ended (stdout is filled in by the caller)."""
    def limit(code: str, **params) -> ExecResult:
        from ..diagnostics import Span, catalogue
        from ..diagnostics.render import render_all
        found = catalogue.diagnostic(code, Span(1, 1, 1, 1), filename=filename, **params)
        status = "timeout" if code == "HC3001" else "error"
        return ExecResult("", render_all([found], sources, style="plain"), EXIT_LIMIT, status, 0.0, [found])

    if control.stopped:
        from ..diagnostics.catalogue import message
        return ExecResult("", message("runner.stopped") + "\n", EXIT_STOPPED, "stopped", 0.0, [])
    if session.killed_for == "timeout":
        return limit("HC3001", seconds=policy.timeout)
    if session.killed_for == "output":
        return limit("HC3002", what="program's output (in bytes)", limit=policy.max_output)
    report = session.report
    if report is None or report.get("kind") == "oom":
        status = child.status
        if status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL) \
                and report is None:
            return limit("HC3001", seconds=policy.timeout)
        return limit("HC3002", what="program's memory (in MB)", limit=policy.memory_mb)
    kind = report.get("kind")
    if kind == "ok":
        return ExecResult("", "", 0, "success", 0.0, [])
    if kind == "module":
        from ..diagnostics.render import render_all
        problems = session.module_diagnostics
        return ExecResult("", render_all(problems, sources, style="plain"), 2, "error", 0.0, problems)
    if kind == "fault":
        from ..diagnostics.render import render_all
        from ..diagnostics.runtime import runtime_diagnostic
        from ..vm.errors import RuntimeFault
        fault = RuntimeFault(report["code"], report["fault_kind"], report["message"], report.get("params") or {},
                             loc=report.get("loc"), filename=report.get("filename") or filename,
                             trace=[tuple(frame) for frame in report.get("trace") or []])
        diagnostic = runtime_diagnostic(fault, program if fault.filename == filename else None)
        status = "timeout" if fault.code == "HC3001" else "error"
        exit_code = EXIT_LIMIT if fault.code in RESOURCE_LIMIT_CODES else 1
        return ExecResult("", render_all([diagnostic], sources, style="plain"), exit_code, status, 0.0, [diagnostic])
    from ..diagnostics.catalogue import message
    return ExecResult("", message("runner.internal_error", error=report.get("error")) + "\n",
                      EXIT_INTERNAL, "error", 0.0, [])


# ------------------------------------------------------------------ imports

def default_resolver(sources: dict, checked):
    """`import name`: a plain name, a regular `.hc` file in the importing file's own folder (the
    rules of `hypercode_lang.modules`), read and checked here in the parent with
    `checked(text, filename) -> (program, diagnostics)` (the API passes its cached check)."""
    from ..modules import ModuleLoadError, import_span, load_module_source, resolve_import

    def resolve(name: str, importer: str):
        span = import_span(sources.get(importer), name)
        try:
            path = resolve_import(name, importer, span=span)
            text = load_module_source(path, name=name, importing_filename=importer, span=span)
        except ModuleLoadError as refused:
            if refused.diagnostics and refused.diagnostics[0].code == "HC1001":
                raise FileNotFoundError(name) from None  # the VM reports it where the import is
            raise
        module_filename = str(path)
        sources[module_filename] = text
        program, diagnostics = checked(text, module_filename)
        problems = [d for d in diagnostics if d.is_error]
        if problems:
            raise ModuleLoadError(problems)
        return program, module_filename

    return resolve


def _no_modules(name: str, importer: str):
    """The resolver when the caller gave none: nothing can be imported (HC1001 at the import)."""
    raise FileNotFoundError(name)


# ------------------------------------------------------------------ the child's working folder

def _private_workdir() -> str:
    """An empty folder only this user can enter: the child's working directory. Made by hand in
    the usual place (tempfile costs `hcvm run` ~3 ms of imports); anything unusual goes to tempfile."""
    base = os.environ.get("TMPDIR") or "/tmp"
    try:
        path = os.path.join(base, "hypercode-run-" + os.urandom(8).hex())
        os.mkdir(path, 0o700)
        return path
    except OSError:
        import tempfile
        return tempfile.mkdtemp(prefix="hypercode-run-")


def _remove_workdir(path: str) -> None:
    try:
        os.rmdir(path)  # the child can't create files (RLIMIT_FSIZE 0, seccomp): it is empty
    except OSError:
        import shutil
        shutil.rmtree(path, ignore_errors=True)
