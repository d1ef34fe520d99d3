"""`hypercode/run`: run a document (or a selection, or one function) in a separate process.

The text is written to a temporary file in the document's own folder, so `import` finds the
sibling modules, and run with `python -m hypercode_lang run --json`. The program has the time
limit; the process gets a little more, and is killed if it overruns.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import textwrap
import time
from pathlib import Path

GRACE_SECONDS = 2.0


def program_text(source: str, selection: str | None = None, function: str | None = None) -> str:
    if selection is not None:
        return textwrap.dedent(selection)
    if function:
        if not function.isidentifier():
            raise ValueError(f"'{function}' is not a function name")
        return (f"{source.rstrip()}\n\n\n_hypercode_result = {function}()\n"
                f"if _hypercode_result != None:\n    print(_hypercode_result)\n")
    return source


async def run_text(text: str, filename: str | None, time_limit: float) -> dict:
    folder = Path(filename).parent if filename else None
    if folder is None or not folder.is_dir() or not os.access(folder, os.W_OK):
        folder = Path(tempfile.gettempdir())
    handle, temp_path = tempfile.mkstemp(prefix=".hypercode-run-", suffix=".hc", dir=folder)
    started = time.perf_counter()
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hypercode_lang", "run", "--json", "--timeout", str(time_limit), temp_path,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            cwd=str(folder))
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), time_limit + GRACE_SECONDS)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()
            return timed_out(time_limit, time.perf_counter() - started)
        try:
            result = json.loads(stdout.decode("utf-8", "replace").strip().splitlines()[-1])
        except (ValueError, IndexError):
            return {"stdout": stdout.decode("utf-8", "replace"), "stderr": stderr.decode("utf-8", "replace"),
                    "exit_code": process.returncode, "status": "error",
                    "duration": time.perf_counter() - started, "diagnostics": []}
        return _renamed(result, temp_path, filename)
    finally:
        try:
            os.unlink(temp_path)
        except OSError:
            pass


def timed_out(time_limit: float, duration: float) -> dict:
    from hypercode_lang.diagnostics import Span, diagnostic
    found = diagnostic("HC3001", Span(1, 1, 1, 1), seconds=time_limit)
    return {"stdout": "", "stderr": found.message + "\n", "exit_code": 3, "status": "timeout",
            "duration": duration, "diagnostics": [found.to_json()]}


def _renamed(result: dict, temp_path: str, filename: str | None) -> dict:
    """Diagnostics name the temporary file: point them at the document instead."""
    shown = filename or "<document>"
    for d in result.get("diagnostics", []):
        if d.get("file") == temp_path:
            d["file"] = shown
        for related in d.get("related", []) or []:
            if related.get("file") == temp_path:
                related["file"] = shown
        for frame in d.get("trace", []) or []:
            if frame.get("file") == temp_path:
                frame["file"] = shown
    for key in ("stdout", "stderr"):
        if isinstance(result.get(key), str):
            result[key] = result[key].replace(temp_path, shown)
    return result
