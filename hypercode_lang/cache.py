"""On-disk caches, in the spirit of CPython's `.pyc` files.

- the Lark grammar tables (parser/engine.py), so the parser isn't rebuilt each start;
- checked programs: the IR of a file that passed `check` with no diagnostics at all, keyed by its
  text, the names of the `.hc` files beside it (they decide what `import` may name) and a
  fingerprint of the front end (grammar, parser and checker sources). A repeat `hcvm run` of an
  unchanged file then needs neither Lark nor the checker.

Set HYPERCODE_CACHE to choose the folder, or to "off" to disable both. A cache that can't be
read or written is silently skipped: it only ever saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# What decides a program's IR and its diagnostics. Any change to these invalidates the cache.
FRONT_END = ["grammar/hypercode.lark", "parser/__init__.py", "parser/build.py", "parser/engine.py",
             "parser/scanner.py", "parser/recovery.py", "checker/__init__.py", "analysis/scopes.py",
             "analysis/builtins.py", "vm/values.py", "ir/nodes.py"]


def cache_dir() -> Path | None:
    setting = os.environ.get("HYPERCODE_CACHE", "")
    if setting.lower() == "off":
        return None
    folder = Path(setting) if setting else Path(tempfile.gettempdir()) / f"hypercode-cache-{_user()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def _user() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else "user"


def _fingerprint() -> str:
    parts = []
    for name in FRONT_END:
        try:
            stat = (PACKAGE / name).stat()
            parts.append(f"{name}:{stat.st_mtime_ns}:{stat.st_size}")
        except OSError:
            parts.append(name)
    return "|".join(parts)


def program_key(source: str, filename: str | None, sibling_modules) -> str:
    digest = hashlib.sha256()
    for part in (_fingerprint(), filename or "", "\0".join(sorted(sibling_modules or ())), source):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0\0")
    return digest.hexdigest()


def load_program(key: str) -> dict | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return json.loads((folder / "programs" / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store_program(key: str, program: dict) -> None:
    folder = cache_dir()
    if folder is None:
        return
    target = folder / "programs" / f"{key}.json"
    try:
        target.parent.mkdir(exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(program, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, target)  # atomic: a reader never sees half a file
    except OSError:
        pass
