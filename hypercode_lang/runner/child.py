"""The sandboxed side of a run. `main` never returns: it ends the process with os._exit.

Order matters: everything the VM needs is loaded and the job is read while the process is still
trusted; then the limits go on (rlimits, then seccomp), and only then does the program's IR run.
The child never renders diagnostics: it reports a fault's code and parameters, and the parent
(which has the program and the catalogue) writes the words.
"""

from __future__ import annotations

import json
import os
import signal
import sys

from . import protocol as P

PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PR_SET_PDEATHSIG = 1
BALLAST_BYTES = 1 << 20  # freed on MemoryError so the child can still report it
OPEN_FILES_LIMIT = 64


class ModuleRefused(Exception):
    """The parent refused an import; it holds the diagnostics that say why."""


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    from .seccomp import prctl
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, sig, None, 0, 0)


def keep_only_fds(keep: set[int]) -> None:
    """No inherited descriptor survives but the run's pipes; 0, 1 and 2 become /dev/null."""
    null_in = os.open(os.devnull, os.O_RDONLY)
    null_out = os.open(os.devnull, os.O_WRONLY)
    for fd, source in ((0, null_in), (1, null_out), (2, null_out)):
        if fd not in keep:
            os.dup2(source, fd)
    low = 3
    for fd in sorted(keep | {null_in, null_out}):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 1 << 20)
    for fd in (null_in, null_out):
        if fd not in keep and fd > 2:
            os.close(fd)


def isolate_imports(jit: bool) -> None:
    """Only the standard library and HyperCode's own package are importable from here on."""
    base = os.path.realpath(sys.base_prefix)
    stdlib = [p for p in sys.path if p and os.path.realpath(p).startswith(base) and "-packages" not in p]
    extra = []
    if jit:
        try:
            import llvmlite
            extra.append(os.path.dirname(os.path.dirname(llvmlite.__file__)))
        except ImportError:
            pass
    sys.path[:] = stdlib + [PACKAGE_PARENT] + extra
    sys.path_importer_cache.clear()
    sys.dont_write_bytecode = True


def preload(jit: bool, seccomp: bool = True) -> None:
    """Import now what the child would otherwise import after the limits are on."""
    import resource  # noqa: F401
    from ..vm import run_program  # noqa: F401
    from ..diagnostics import suggest  # noqa: F401  (a NameError's "Did you mean")
    from . import seccomp as filters
    if seccomp and filters.supported():
        filters.compiled()
    if jit:
        try:
            from .. import jit as _jit  # noqa: F401
        except ImportError:
            pass


def apply_rlimits(job: dict) -> None:
    import resource
    memory = int(job["memory_mb"]) * 1024 * 1024
    cpu = int(job["timeout"]) + 2
    limits = [(resource.RLIMIT_AS, memory), (resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, 0),
              (resource.RLIMIT_NOFILE, OPEN_FILES_LIMIT)]
    if hasattr(resource, "RLIMIT_NPROC"):
        limits.append((resource.RLIMIT_NPROC, 0))
    for which, value in limits:
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass
    try:  # SIGXCPU at the soft limit, SIGKILL one second later
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (ValueError, OSError):
        pass


def escape_probe() -> dict:
    """Test-only (the parent asks with job["probe"]): try what an escaped program would try."""
    import socket
    attempts = {
        "socket": lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM),
        "unix_socket": lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM),
        "open_write": lambda: open(job_marker("open"), "w"),
        "open_append": lambda: open(job_marker("append"), "a"),
        "os_open_creat": lambda: os.open(job_marker("creat"), os.O_CREAT | os.O_RDONLY),
        "os_system": lambda: _nonzero(os.system(f"echo escaped > {job_marker('system')}")),
        "fork": lambda: os._exit(0) if os.fork() == 0 else None,
        "execv": lambda: os.execv("/bin/sh", ["sh", "-c", "true"]),
        "kill_parent": lambda: os.kill(os.getppid(), 0),
        "mkdir": lambda: os.mkdir(job_marker("dir")),
        "thread": lambda: __import__("threading").Thread(target=lambda: None).start(),
    }
    report = {}
    for name, attempt in attempts.items():
        try:
            attempt()
            report[name] = "allowed"
        except (OSError, RuntimeError) as refused:
            report[name] = f"refused: {type(refused).__name__}"
    import resource
    report["environ"] = sorted(os.environ)
    report["cwd"] = os.getcwd()
    report["cwd_entries"] = sorted(os.listdir("."))
    report["fds"] = sorted(int(fd) for fd in os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    report["stdio"] = [os.readlink(f"/proc/self/fd/{fd}") for fd in (0, 1, 2)] if report["fds"] else None
    report["sys_path"] = list(sys.path)
    report["rlimits"] = {name: resource.getrlimit(getattr(resource, name))[0]
                         for name in ("RLIMIT_AS", "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE")}
    report["pid"] = os.getpid()
    return report


_PROBE_PREFIX = "/tmp/hypercode-escape-probe"


def job_marker(name: str) -> str:
    return f"{_PROBE_PREFIX}-{name}"


def _nonzero(status: int):
    if status != 0:
        raise OSError(f"system() failed with status {status}")


class Output:
    """Program output to the parent, capped: the part that fits is sent, then HC3002."""

    CHUNK = 1 << 16

    def __init__(self, fd: int, cap: int):
        self.fd, self.cap, self.sent = fd, cap, 0

    def write(self, text: str) -> None:
        for start in range(0, len(text), self.CHUNK):  # split text, not bytes: no torn characters
            data = P.encode_text(text[start:start + self.CHUNK])
            if self.sent + len(data) > self.cap:
                fit = data[:self.cap - self.sent].decode("utf-8", "ignore").encode("utf-8")
                if fit:
                    P.send(self.fd, P.OUTPUT, fit)
                    self.sent += len(fit)
                from ..vm.errors import RuntimeFault
                raise RuntimeFault("HC3002", "MemoryError", f"output is larger than the limit ({self.cap} bytes)",
                                   {"what": "program's output (in bytes)", "limit": self.cap})
            P.send(self.fd, P.OUTPUT, data)
            self.sent += len(data)


def fault_report(fault) -> dict:
    return {"kind": "fault", "code": fault.code, "fault_kind": fault.kind, "message": fault.message,
            "params": fault.params, "loc": fault.loc, "filename": fault.filename,
            "trace": [list(frame) for frame in (fault.trace or [])]}


def memory_report(job: dict) -> dict:
    return {"kind": "fault", "code": "HC3002", "fault_kind": "MemoryError", "message": "out of memory",
            "params": {"what": "program's memory (in MB)", "limit": int(job["memory_mb"])},
            "loc": None, "filename": None, "trace": []}


def run_job(job: dict, job_fd: int, out_fd: int) -> dict:
    from ..vm import Limits, run_program
    from ..vm.errors import RuntimeFault
    output = Output(out_fd, int(job["max_output"]))

    def read_line(prompt: str):
        P.send(out_fd, P.WAITING, P.encode_text(prompt))
        frame = P.receive(job_fd)
        if frame is None:
            os._exit(0)  # the parent is gone: nobody wants the result
        kind, payload = frame
        return P.decode_text(payload) if kind == P.LINE else None

    def load_module(name: str, importer: str):
        P.send_json(out_fd, P.MODULE, {"name": name, "importer": importer})
        frame = P.receive(job_fd)
        if frame is None:
            os._exit(0)
        reply = json.loads(frame[1])
        if reply["status"] == "ok":
            return reply["program"], reply["filename"]
        if reply["status"] == "missing":
            raise FileNotFoundError(name)
        raise ModuleRefused(name)

    limits = Limits(timeout=float(job["timeout"]), max_depth=int(job["max_depth"]),
                    max_size=int(job["max_size"]))
    native = None
    if job.get("jit"):
        import time
        try:
            from ..jit import compile_numeric_functions
            native = compile_numeric_functions(job["program"], deadline=time.monotonic() + limits.timeout,
                                               max_depth=limits.max_depth)
        except ImportError:
            native = None
    try:
        run_program(job["program"], filename=job["filename"], write_out=output.write, read_line=read_line,
                    env=job["env"], limits=limits, load_module=load_module, native_functions=native)
    except RuntimeFault as fault:
        if fault.code == "HC3002" and fault.kind == "MemoryError" and fault.params.get("what") == "memory":
            fault.params = memory_report(job)["params"]  # the address-space limit, not an element count
        return fault_report(fault)
    except ModuleRefused:
        return {"kind": "module"}
    return {"kind": "ok"}


def main(job_fd: int, out_fd: int, workdir: str, *, sandbox: bool = True) -> None:
    """Read one job from `job_fd`, run it under the limits, report on `out_fd`, exit."""
    code = 0
    try:
        die_with_parent()
        for name in ("SIGINT", "SIGTERM", "SIGPIPE", "SIGCHLD", "SIGHUP"):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        keep_only_fds({job_fd, out_fd})
        os.environ.clear()
        os.chdir(workdir)
        P.send_json(out_fd, P.STARTED, {"pid": os.getpid()})  # first frame: now the parent can kill us
        frame = P.receive(job_fd)
        if frame is None or frame[0] != P.JOB:
            os._exit(0)
        job = json.loads(frame[1])
        isolate_imports(bool(job.get("jit")))
        preload(bool(job.get("jit")))
        apply_rlimits(job)
        filtered = False
        if sandbox and job.get("seccomp", True):
            from . import seccomp
            filtered = seccomp.install()
        if job.get("probe"):
            P.send_json(out_fd, P.PROBE, {"seccomp": filtered, **escape_probe()})
        ballast = bytearray(BALLAST_BYTES)
        try:
            report = run_job(job, job_fd, out_fd)
        except MemoryError:
            del ballast
            report = memory_report(job)
        except RecursionError:
            report = {"kind": "fault", "code": "HC2007", "fault_kind": "RecursionError",
                      "message": "maximum recursion depth exceeded", "params": {"limit": int(job["max_depth"])},
                      "loc": None, "filename": None, "trace": []}
        report["seccomp"] = filtered
        try:
            P.send_json(out_fd, P.RESULT, report)
        except MemoryError:
            P.send(out_fd, P.RESULT, json.dumps(memory_report(job)).encode())
    except MemoryError:
        try:
            P.send(out_fd, P.RESULT, b'{"kind": "oom"}')
        except BaseException:  # noqa: BLE001
            code = 1
    except BaseException as error:  # noqa: BLE001 - report anything; never a traceback on a pipe
        try:
            P.send_json(out_fd, P.RESULT, {"kind": "internal", "error": f"{type(error).__name__}: {error}"})
        except BaseException:  # noqa: BLE001
            code = 1
    os._exit(code)
