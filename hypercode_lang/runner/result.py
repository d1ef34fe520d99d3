"""What a run gives back: the spec §7 JSON shape, and the exit codes it uses."""

from __future__ import annotations

EXIT_OK, EXIT_RUNTIME, EXIT_CHECK, EXIT_LIMIT, EXIT_STOPPED, EXIT_INTERNAL = 0, 1, 2, 3, 130, 70
# Faults that end a run with exit 3 (a resource limit); HC2007 (too deep) is a runtime error, exit 1.
RESOURCE_LIMIT_CODES = frozenset({"HC3001", "HC3002"})


class ExecResult:
    """One run: its whole (capped) output, the rendered diagnostics, how it ended.

    A plain class rather than a dataclass: `hcvm run` imports this on every start, and the
    dataclasses module (with inspect behind it) costs ~10 ms there (bench/RESULTS.md)."""

    __slots__ = ("stdout", "stderr", "exit_code", "status", "duration", "diagnostics", "usage")

    def __init__(self, stdout: str, stderr: str, exit_code: int, status: str, duration: float,
                 diagnostics: list | None = None, usage: dict | None = None):
        self.stdout = stdout
        self.stderr = stderr
        self.exit_code = exit_code
        self.status = status            # "success" | "error" | "timeout" | "stopped"
        self.duration = duration
        self.diagnostics = diagnostics if diagnostics is not None else []
        self.usage = usage if usage is not None else {}  # the runner's notes: peak memory, seccomp, …

    def to_json(self) -> dict:
        return {"stdout": self.stdout, "stderr": self.stderr, "exit_code": self.exit_code,
                "status": self.status, "duration": round(self.duration, 6),
                "diagnostics": [d.to_json() for d in self.diagnostics]}

    def __repr__(self) -> str:
        return (f"ExecResult(exit_code={self.exit_code}, status={self.status!r}, stdout={self.stdout[:40]!r}, "
                f"diagnostics={[d.code for d in self.diagnostics]})")
