"""What one language-server session may read from disk, and bounded scans of its workspace.

A session reads the documents its client opened (their text comes from the client) and, from
disk, only `.hc` files inside the workspace folders the client declared (`rootUri`,
`workspaceFolders`, later `didChangeWorkspaceFolders`). Paths are resolved first, symlinks
included, so `ws/link.hc -> /etc/passwd` is outside. A request naming anything else gets a
RequestFailed error that names only the URI the client sent, never a line of the file.

Workspace scans (`workspace/symbol`) walk the folders on a worker thread, never on the event
loop, and stop at a budget of files, bytes, directory entries and seconds — a `file:///` root
costs at most the budget.
"""

from __future__ import annotations

import asyncio
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pygls.exceptions import JsonRpcException
from pygls.uris import to_fs_path
from hypercode_lang.diagnostics.catalogue import editor_message as say

SUFFIX = ".hc"
#: A file larger than this is not read from disk (open documents come from the client).
MAX_FILE_BYTES = 4 * 2**20
_SKIPPED_FOLDERS = {"node_modules", "__pycache__", "site-packages"}

# Scans have their own thread: a long walk never delays an analysis.
_SCANNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hypercode-workspace-scan")


class OutsideWorkspace(JsonRpcException):
    """LSP's RequestFailed: the session may not read this file."""

    CODE = -32803


@dataclass(frozen=True)
class Budget:
    """How much one workspace scan may read."""

    files: int = 2_000            # .hc files read
    bytes: int = 32 * 2**20       # their total size
    entries: int = 50_000         # directory entries looked at (a huge tree with few .hc files)
    seconds: float = 3.0          # wall clock for the whole scan, parsing included


@dataclass
class ScanResult:
    found: list = field(default_factory=list)     # whatever `make(path, text)` returned
    stopped: str | None = None                    # why the scan ended early, for the log


def filename_of(uri: str) -> str | None:
    if not isinstance(uri, str) or not uri.startswith("file:"):
        return None
    try:
        return to_fs_path(uri)
    except Exception:  # noqa: BLE001 - an odd URI names no file
        return None


def roots(server) -> list[Path]:
    """The declared workspace folders, resolved (symlinks followed)."""
    workspace = server.workspace
    found = []
    for folder in list(workspace.folders.values()):
        path = filename_of(folder.uri)
        if path:
            found.append(path)
    if workspace.root_path:
        found.append(workspace.root_path)
    resolved = []
    for path in found:
        try:
            resolved.append(Path(path).resolve())
        except (OSError, RuntimeError):
            continue
    return resolved


def inside(path: str | os.PathLike, folders: Iterable[Path]) -> bool:
    """Whether `path`, resolved, is within one of `folders` (already resolved)."""
    try:
        real = Path(path).resolve()
    except (OSError, RuntimeError):     # a symlink loop, an unreadable path
        return False
    return any(real == root or root in real.parents for root in folders)


def may_read(server, path: str | os.PathLike) -> bool:
    """Whether this session may read `path` from disk: a regular `.hc` file of a sensible size
    inside a declared workspace folder."""
    if Path(path).suffix != SUFFIX or not inside(path, roots(server)):
        return False
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE_BYTES


def read_unopened(server, uri: str, filename: str) -> str | None:
    """The text of a document the client did not open: None when there is no such file in the
    workspace, OutsideWorkspace when the session may not read it at all."""
    folders = roots(server)
    if Path(filename).suffix != SUFFIX or not inside(filename, folders):
        raise OutsideWorkspace(say("server.outside_workspace", uri=uri))
    return _read_regular(str(Path(filename).resolve()))


def _read_regular(filename: str) -> str | None:
    """A regular file's UTF-8 text, or None. Never blocks on a FIFO or a device."""
    from hypercode_lang.files import FileRefused, read_regular
    try:
        return read_regular(filename, limit=MAX_FILE_BYTES).decode("utf-8")
    except (FileRefused, UnicodeDecodeError):
        return None


# ====================================================================== bounded scans

def walk(folders: Iterable[Path], budget: Budget, skip: set[Path], stop: threading.Event,
         make: Callable[[str, str], object]) -> ScanResult:
    """`make(path, text)` for each `.hc` file under `folders` (not following symlinked folders,
    skipping hidden and tool folders and the paths in `skip`), until the budget runs out."""
    result = ScanResult()
    deadline = time.monotonic() + budget.seconds
    files = entries = total = 0
    pending = [Path(folder) for folder in dict.fromkeys(folders)]
    visited: set[tuple[int, int]] = set()
    while pending:
        folder = pending.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in visited:
                continue
            visited.add((info.st_dev, info.st_ino))
            listing = os.scandir(folder)
        except OSError:
            continue
        subfolders = []
        with listing:
            for entry in _entries(listing):
                entries += 1
                if stop.is_set():
                    result.stopped = "cancelled"
                    return result
                if entries > budget.entries:
                    result.stopped = f"looked at {budget.entries:,} folder entries"
                    return result
                if time.monotonic() > deadline:
                    result.stopped = f"ran for {budget.seconds:g} seconds"
                    return result
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in _SKIPPED_FOLDERS:
                            subfolders.append(Path(entry.path))
                        continue
                    if not entry.name.endswith(SUFFIX) or not entry.is_file(follow_symlinks=False):
                        continue        # a symlinked file may point anywhere: only real files
                    size = entry.stat(follow_symlinks=False).st_size
                except OSError:
                    continue
                path = Path(entry.path)
                if path in skip or size > MAX_FILE_BYTES:
                    continue
                if files >= budget.files:
                    result.stopped = f"read {budget.files:,} files"
                    return result
                if total + size > budget.bytes:
                    result.stopped = f"read {budget.bytes // 2**20} MB"
                    return result
                text = _read_regular(entry.path)
                if text is None:
                    continue
                files += 1
                total += size
                made = make(entry.path, text)
                if made is not None:
                    result.found.append(made)
        # Depth-first in name order: the same workspace always gives the same first files.
        pending.extend(sorted(subfolders, reverse=True))
    return result


def _entries(listing):
    """A folder's entries, ending quietly where the folder stops being readable."""
    while True:
        try:
            entry = next(listing)
        except (StopIteration, OSError):
            return
        yield entry


async def scan(server, make: Callable[[str, str], object], budget: Budget | None = None,
               skip: Iterable[str] = ()) -> ScanResult:
    """`walk` the session's workspace folders on the scanner thread. Cancelling the request
    stops the walk at its next entry."""
    folders = roots(server)
    skipped = set()
    for path in skip:
        try:
            skipped.add(Path(path).resolve())
        except (OSError, RuntimeError):
            continue
    stop = threading.Event()
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_SCANNER, walk, folders, budget or Budget(), skipped, stop, make)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        stop.set()
        raise


__all__ = ["OutsideWorkspace", "Budget", "ScanResult", "roots", "inside", "may_read",
           "read_unopened", "walk", "scan", "filename_of"]
