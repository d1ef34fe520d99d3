"""Reading a file that someone else may have put there: one function for every such read
(imported modules, the program cache, the language server's unopened documents).

Opened without blocking (a FIFO or a device never hangs us), optionally without following a
final symlink, then checked through the open descriptor (so a file swapped after a check is
refused too): a regular file, of the expected owner, no larger than the limit while reading.
"""

from __future__ import annotations

import os
import stat

CHUNK = 1 << 20


class FileRefused(Exception):
    """`reason` is one of: missing, folder, pipe, device, too_large, foreign, unreadable."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def read_regular(path, *, limit: int, follow_symlinks: bool = True, owner: int | None = None) -> bytes:
    """The bytes of `path`, or FileRefused saying why not."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise FileRefused("missing") from None
    except IsADirectoryError:
        raise FileRefused("folder") from None
    except (OSError, ValueError):  # ELOOP (a refused symlink), EACCES, an embedded NUL …
        raise FileRefused("unreadable") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise FileRefused("folder")
        if stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode):
            raise FileRefused("pipe")
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("device")
        if owner is not None and hasattr(os, "getuid") and info.st_uid != owner:
            raise FileRefused("foreign")
        if info.st_size > limit:
            raise FileRefused("too_large")
        chunks, total = [], 0
        while True:
            chunk = os.read(descriptor, CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # it grew while we read
                raise FileRefused("too_large")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        raise FileRefused("unreadable") from None
    finally:
        os.close(descriptor)
