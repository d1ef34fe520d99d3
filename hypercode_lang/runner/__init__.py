"""One runner for every execution of a HyperCode program.

    from hypercode_lang.runner import Policy, RunControl, execute, warm_up
    result = execute(program_ir, filename="hello.hc", policy=Policy(timeout=5, memory_mb=256))

The program runs in a child process under OS limits (address space, CPU time, no file
descriptors but its pipes, an empty environment, an empty temporary folder, only the standard
library and this package importable, and on Linux a seccomp filter refusing sockets, new
processes and file writes); the parent keeps the wall clock and the output cap. See host.py for
the parent side, child.py for the child, forkserver.py for the warm fork server, and SECURITY.md
for what is promised on each system.
"""

from .host import Policy, RunControl, default_resolver, execute


def warm_up() -> None:
    """Start the shared fork server now, so the first Run doesn't wait for it."""
    from .forkserver import shared
    shared().start()


def shutdown() -> None:
    from .forkserver import shared
    shared().close()


__all__ = ["Policy", "RunControl", "default_resolver", "execute", "warm_up", "shutdown"]
