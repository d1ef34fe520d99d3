"""The checked-program cache, in the spirit of CPython's `.pyc` files, private to the user.

A file that passed `check` with no diagnostics at all is stored as JSON, keyed by its text, the
names of the `.hc` files beside it (they decide what `import` may name) and a fingerprint of the
front end. A repeat `hcvm run` of an unchanged file then needs neither Lark nor the checker.

Trust: the cache is only ever a copy of work this process could redo, so nothing in it is
believed without checks. The folder is the platform's per-user cache folder (below), created
mode 0700, and ignored (with one calm warning on stderr) when another user owns it or others may
write to it. Files are opened without following symlinks, must be regular files of this user,
not too large, and a program is used only when it has the IR's shape (ir/shape.py) and carries
the key it was asked for. Nothing is unpickled: the parser tables ship in the package as JSON
(parser/tables.py), not in this folder.

    Linux and others  $XDG_CACHE_HOME/hypercode, else ~/.cache/hypercode
    macOS             ~/Library/Caches/HyperCode
    Windows           %LOCALAPPDATA%\\HyperCode\\Cache

HYPERCODE_CACHE chooses another folder (the same checks apply), or "off" disables the cache.
"""

from __future__ import annotations

import json
import os
import stat
import sys

try:  # the built-in BLAKE2: hashlib would load OpenSSL first, ~2.5 ms of every `hcvm run`
    from _blake2 import blake2b as _hash
except ImportError:  # another Python: the same function through hashlib
    from hashlib import blake2b as _hash

# Paths are plain strings here (os.path): every `hcvm run` starts by asking this module, and
# pathlib's import alone costs ~4 ms of it.
PACKAGE = os.path.dirname(os.path.realpath(__file__))
# What decides a program's IR and its diagnostics. Any change to these invalidates the cache.
FRONT_END = ["grammar/hypercode.lark", "parser/__init__.py", "parser/build.py", "parser/engine.py",
             "parser/scanner.py", "parser/recovery.py", "checker/__init__.py", "checker/rules.py",
             "scopes.py", "language/builtins.py", "language/errors.py", "language/keywords.py",
             "language/methods.py", "language/signature.py", "vm/values.py", "ir/nodes.py", "ir/tree.py",
             "ir/names.py", "modules.py", "grammar/parser_tables.json"]
FORMAT = 3                       # bump when the file layout or the key's hash changes
MAX_ENTRY_BYTES = 50_000_000     # a cached program larger than this is not read

_warned: set = set()


def default_folder() -> str:
    """The platform's per-user cache folder for HyperCode."""
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        return os.path.join(base, "HyperCode", "Cache")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Caches", "HyperCode")
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = xdg if xdg and os.path.isabs(xdg) else os.path.join(home, ".cache")
    return os.path.join(base, "hypercode")


def cache_dir() -> str | None:
    """The cache folder, created if needed, or None when the cache is off or not safe to use."""
    setting = os.environ.get("HYPERCODE_CACHE", "")
    if setting.lower() == "off":
        return None
    folder = setting or default_folder()
    if folder.startswith("~"):  # expanduser found no home folder
        return None
    try:
        if not os.path.exists(folder):
            os.makedirs(os.path.dirname(folder) or ".", exist_ok=True)
            os.mkdir(folder, 0o700)
    except OSError:
        return None
    return folder if private_folder(folder) else None


def private_folder(folder: str) -> bool:
    """True when `folder` is a directory this user owns that nobody else can write to.
    Otherwise warns once (a shared or planted folder could feed us programs) and says False."""
    try:
        info = os.stat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if not hasattr(os, "getuid"):  # Windows: per-user LOCALAPPDATA, protected by its ACL
        return True
    problem = None
    if info.st_uid != os.getuid():
        problem = "cache.other_owner"
    elif info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        problem = "cache.others_can_write"
    if problem is None:
        return True
    if str(folder) not in _warned:
        _warned.add(str(folder))
        from .diagnostics.catalogue import message  # only when there is something to say
        print(message(problem, folder=folder), file=sys.stderr)
    return False


def _fingerprint() -> str:
    parts = [f"format:{FORMAT}"]
    for name in FRONT_END:
        try:
            info = os.stat(os.path.join(PACKAGE, name))
            parts.append(f"{name}:{info.st_mtime_ns}:{info.st_size}")
        except OSError:
            parts.append(name)
    return "|".join(parts)


def program_key(source: str, filename: str | None, sibling_modules) -> str:
    digest = _hash(digest_size=32)
    for part in (_fingerprint(), filename or "", "\0".join(sorted(sibling_modules or ())), source):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0\0")
    return digest.hexdigest()


def _programs(folder: str, create: bool) -> str | None:
    programs = os.path.join(folder, "programs")
    try:
        if create and not os.path.exists(programs):
            os.mkdir(programs, 0o700)
    except OSError:
        return None
    return programs if private_folder(programs) else None


def read_private_file(path: str, limit: int = MAX_ENTRY_BYTES) -> bytes | None:
    """The bytes of `path` when it is a regular file of this user, no symlink, within `limit`."""
    from .files import FileRefused, read_regular
    try:
        return read_regular(path, limit=limit, follow_symlinks=False,
                            owner=os.getuid() if hasattr(os, "getuid") else None)
    except FileRefused:
        return None


def load_program(key: str) -> dict | None:
    """The cached IR stored under `key`, or None unless every check passes."""
    folder = cache_dir()
    if folder is None or not all(c in "0123456789abcdef" for c in key):
        return None
    programs = _programs(folder, create=False)
    if programs is None:
        return None
    data = read_private_file(os.path.join(programs, f"{key}.json"))
    if data is None:
        return None
    try:
        entry = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
        return None
    from .ir.shape import conforms
    from .ir.tree import too_deep
    program = entry.get("program")
    if too_deep(program) is not None or not conforms(program):
        return None
    return program


def store_program(key: str, program: dict) -> None:
    folder = cache_dir()
    if folder is None:
        return
    programs = _programs(folder, create=True)
    if programs is None:
        return
    target = os.path.join(programs, f"{key}.json")
    temporary = os.path.join(programs, f"{key}.{os.getpid()}.tmp")
    try:
        # ASCII JSON: a lone surrogate in a string literal is stored as its \\u escape.
        text = json.dumps({"format": FORMAT, "key": key, "program": program}, ensure_ascii=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(text)
        os.replace(temporary, target)  # atomic: a reader never sees half a file
    except (OSError, ValueError, RecursionError):
        try:
            os.unlink(temporary)
        except OSError:
            pass
