"""`hypercode/run`: run a document (or a selection, or one function) through the sandboxed runner.

The text is checked here, in the server (trusted), with the document's own file name, so
`import` finds its sibling modules and diagnostics name the document; the checked IR then runs
in a child of the warm fork server (hypercode_lang.runner), which keeps Run start in
milliseconds. Interactive runs (RUN_PROTOCOL.md) stream `hypercode/runOutput`, report
`hypercode/runWaiting` when the program calls input(), take lines from `hypercode/runInput`, and
can be stopped with `hypercode/runStop`. Every run a session started is killed when the session
ends (`close_session`).
"""

from __future__ import annotations

import asyncio
import queue
import textwrap
import threading
import time

from hypercode_lang.runner import Policy, RunControl, default_resolver, execute, warm_up
from hypercode_lang.diagnostics.catalogue import editor_message as say

_STOPPED = object()
OUTPUT = "hypercode/runOutput"
WAITING = "hypercode/runWaiting"


def program_text(source: str, selection: str | None = None, function: str | None = None) -> str:
    if selection is not None:
        return textwrap.dedent(selection)
    if function:
        if not function.isidentifier():
            raise ValueError(f"'{function}' is not a function name")
        return (f"{source.rstrip()}\n\n\n_hypercode_result = {function}()\n"
                f"if _hypercode_result != None:\n    print(_hypercode_result)\n")
    return source


class _ActiveRun:
    def __init__(self, run_id: str | None):
        self.run_id = run_id
        self.control = RunControl()
        self.lines: queue.Queue = queue.Queue()
        self.control.on_stop(lambda: self.lines.put(_STOPPED))


class Runs:
    """The runs one session (one client connection) has started."""

    def __init__(self, lock=None):
        self._lock = threading.Lock()
        self._active: dict[object, _ActiveRun] = {}
        self._analysis_lock = lock  # parsing shares a cache with the server's analysis thread
        self.closed = False

    def warm(self) -> None:
        """Start the fork server in the background, so the first Run doesn't wait for it."""
        threading.Thread(target=_quietly(warm_up), name="hypercode-runner-warm-up", daemon=True).start()

    async def run(self, notify, text: str, filename: str | None, time_limit: float, *,
                  run_id: str | None = None, interactive: bool = False, policy: Policy | None = None) -> dict:
        """Check and run `text`; `notify(method, params)` sends a notification (called on the loop)."""
        loop = asyncio.get_running_loop()
        active = _ActiveRun(run_id)
        key = run_id if run_id is not None else object()
        with self._lock:
            if self.closed:
                return _stopped_result()
            previous = self._active.get(key)
            self._active[key] = active
        if previous is not None:
            previous.control.stop()  # a new run under the same id replaces the old one
        pending: list[str] = []
        pending_lock = threading.Lock()

        def send_pending():
            with pending_lock:
                text_out = "".join(pending)
                pending.clear()
            if text_out:
                notify(OUTPUT, {"runId": run_id, "text": text_out})

        def on_output(chunk: str):
            with pending_lock:
                first = not pending
                pending.append(chunk)
            if first:  # one notification per burst: the loop joins what arrived meanwhile
                loop.call_soon_threadsafe(send_pending)

        def read_line(prompt: str, deadline: float):
            if not interactive:
                return None
            loop.call_soon_threadsafe(send_pending)
            loop.call_soon_threadsafe(notify, WAITING, {"runId": run_id, "prompt": prompt})
            try:
                line = active.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            return None if line is _STOPPED else line

        streaming = interactive and run_id is not None
        try:
            return await loop.run_in_executor(None, lambda: self._run_blocking(
                text, filename, time_limit, active, policy, on_output if streaming else None, read_line))
        except asyncio.CancelledError:
            active.control.stop()  # `$/cancelRequest`: the program must not outlive its request
            raise
        finally:
            with self._lock:
                if self._active.get(key) is active:
                    del self._active[key]

    def _run_blocking(self, text, filename, time_limit, active, policy, on_output, read_line) -> dict:
        from hypercode_lang.api import ExecResult, checked_program
        from hypercode_lang.diagnostics.render import render_all
        started = time.perf_counter()
        shown = filename or "<document>"
        sources = {shown: text}

        def checked(source: str, name: str | None):
            if self._analysis_lock is None:
                return checked_program(source, name)
            with self._analysis_lock:
                return checked_program(source, name)

        program, diagnostics = checked(text, shown)
        if any(d.is_error for d in diagnostics):
            result = ExecResult("", render_all(diagnostics, sources, style="plain"), 2, "error",
                                time.perf_counter() - started, diagnostics)
            return result.to_json()
        policy = policy or Policy()
        policy = Policy(timeout=time_limit, memory_mb=policy.memory_mb, max_output=policy.max_output,
                        max_depth=policy.max_depth, max_size=policy.max_size)
        resolve = default_resolver(sources, checked) if filename else _no_imports
        result = execute(program, filename=shown, sources=sources, env={}, policy=policy, read_line=read_line,
                         on_output=on_output, resolve_module=resolve, control=active.control)
        result.diagnostics = [d for d in diagnostics if not d.is_error] + result.diagnostics
        result.duration = time.perf_counter() - started
        return result.to_json()

    def stop(self, run_id) -> bool:
        with self._lock:
            active = self._active.get(run_id)
        return active.control.stop() if active is not None else False

    def send_input(self, run_id, text: str | None) -> bool:
        """One line for the run's waiting input(); None means end of input."""
        with self._lock:
            active = self._active.get(run_id)
        if active is None:
            return False
        active.lines.put(text)
        return True

    def close(self) -> int:
        """Kill every run of this session (and refuse new ones); returns how many were stopped."""
        with self._lock:
            self.closed = True
            runs = list(self._active.values())
        return sum(1 for active in runs if active.control.stop())


def _no_imports(name: str, importer: str):
    raise FileNotFoundError(name)  # an unsaved document has no folder to import from


def _stopped_result() -> dict:
    return {"stdout": "", "stderr": say("server.run_stopped") + "\n", "exit_code": 130, "status": "stopped",
            "duration": 0.0, "diagnostics": []}


def _quietly(function):
    def call():
        try:
            function()
        except OSError:
            pass  # the first run will try again and report the problem
    return call
