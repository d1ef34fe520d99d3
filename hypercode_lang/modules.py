"""Finding and reading the `.hc` file an `import name` means (spec §3), trusting nothing on disk.

`import name` may load only `name.hc`, a regular file in the importing file's folder (the
current folder for text that has no file). Everything else is a diagnostic, never a Python
error: a name that isn't an identifier (IR can say `"../x"` or an absolute path), a missing
file, a folder, a named pipe or device (detected without opening it, so a FIFO never blocks),
a symlink that leads outside the folder, a file larger than MAX_MODULE_BYTES, or text that
isn't UTF-8.

    sibling_modules(filename)                 -> set of importable names, or None (no folder)
    resolve_import(name, importing_filename)  -> Path of the file      (raises ModuleLoadError)
    load_module_source(path, name=…)          -> its text              (raises ModuleLoadError)

ModuleLoadError.diagnostics says why, in the importing file's terms. The API's module loader,
the checker and the sandboxed runner all use these, so they refuse the same things.
"""

from __future__ import annotations

import os
import re
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

MAX_MODULE_BYTES = 10_000_000
MAX_LISTED_MODULES = 10_000    # a folder with more .hc files than this is listed only this far


class ModuleLoadError(Exception):
    """An imported file could not be used; `diagnostics` says why (in that file's terms)."""

    def __init__(self, diagnostics: list):
        super().__init__(diagnostics[0].message if diagnostics else "module could not be loaded")
        self.diagnostics = diagnostics


def is_module_name(name) -> bool:
    """A plain identifier: no path separators, no dots, no drive letters, not a keyword."""
    from .ir.names import is_name
    return is_name(name)


def module_folder(importing_filename: str | None) -> Path:
    """The folder `import` looks in: the importing file's, or the current one for `<input>`."""
    from pathlib import Path
    if importing_filename and not importing_filename.startswith("<"):
        return Path(importing_filename).parent
    return Path(os.getcwd())


def sibling_modules(filename: str | None) -> set[str] | None:
    """Names importable from `filename`'s folder, or None when unknown (no file on disk).
    Only names whose file would load are listed, so `check` and `run` agree.
    (os.path rather than pathlib here: every `hcvm run` asks, and pathlib's import costs ~4 ms.)"""
    if not filename or filename.startswith("<"):
        return None
    folder = os.path.dirname(filename) or "."
    names = set()
    try:
        with os.scandir(folder) as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_LISTED_MODULES:
                    break
                stem = entry.name[:-3]
                if entry.name.endswith(".hc") and is_module_name(stem) and _problem(folder, stem) is None:
                    names.add(stem)
    except OSError:
        return None
    return names


def _problem(folder, name: str) -> tuple[str, dict] | None:
    """Why `name.hc` in `folder` can't be imported ((reason, params)), or None when it can.
    Uses stat only: nothing is opened here."""
    path = os.path.join(folder, f"{name}.hc")
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        return "missing", {}
    except OSError:
        return "unreadable", {}
    if stat.S_ISLNK(link.st_mode):
        try:
            target = os.path.realpath(path, strict=True)
            home = os.path.realpath(folder, strict=True)
        except (OSError, RuntimeError):  # a dangling or looping link
            return "missing", {}
        if os.path.dirname(target) != home:
            return "outside", {}
    try:
        info = os.stat(path)
    except OSError:
        return "missing", {}
    if stat.S_ISDIR(info.st_mode):
        return "folder", {}
    if stat.S_ISFIFO(info.st_mode) or stat.S_ISSOCK(info.st_mode):
        return "pipe", {}
    if not stat.S_ISREG(info.st_mode):
        return "device", {}
    if info.st_size > MAX_MODULE_BYTES:
        return "too_large", {"limit": MAX_MODULE_BYTES}
    return None


def import_diagnostic(name, reason: str, span=None, filename: str | None = None, **params):
    """The diagnostic for a refused import (the catalogue holds the words)."""
    from .diagnostics import Span, catalogue
    span = span or Span(1, 1, 1, 1)
    shown = name if isinstance(name, str) else repr(name)
    if reason == "missing":
        return catalogue.diagnostic("HC1001", span, filename=filename, name=shown, suggestion=None, module=True)
    return catalogue.diagnostic("HC1005", span, filename=filename, name=shown, reason=reason, **params)


def resolve_import(name: str, importing_filename: str | None, *, span=None) -> Path:
    """The file `import name` loads from `importing_filename`, after every check that can be made
    without opening it. Raises ModuleLoadError (HC1001 missing, HC1005 anything else)."""
    if not is_module_name(name):
        raise ModuleLoadError([import_diagnostic(name, "not_a_name", span, importing_filename)])
    folder = module_folder(importing_filename)
    problem = _problem(folder, name)
    if problem is not None:
        reason, params = problem
        raise ModuleLoadError([import_diagnostic(name, reason, span, importing_filename, **params)])
    return folder / f"{name}.hc"


def load_module_source(path: Path, *, name: str | None = None, importing_filename: str | None = None,
                       span=None) -> str:
    """The UTF-8 text of a module file. Opened without blocking and without following a final
    symlink (resolve_import already checked where links lead), then checked again through the
    open descriptor, so a file swapped after resolve_import is refused too."""
    from pathlib import Path
    name = name or Path(path).stem
    real = Path(path).resolve()

    def refuse(reason: str, **params):
        raise ModuleLoadError([import_diagnostic(name, reason, span, importing_filename, **params)])

    from .files import FileRefused, read_regular
    try:
        data = read_regular(real, limit=MAX_MODULE_BYTES, follow_symlinks=False)
    except FileRefused as refused:
        if refused.reason == "too_large":
            refuse("too_large", limit=MAX_MODULE_BYTES)
        refuse(refused.reason if refused.reason != "foreign" else "unreadable")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        refuse("not_utf8", offset=error.start)
    raise AssertionError("unreachable")


def import_span(source: str | None, name: str):
    """Where `import name` is written in the importing file's text (for runtime refusals)."""
    from .diagnostics import Span
    if source and isinstance(name, str):
        pattern = re.compile(r"^([ \t]*import[ \t]+)" + re.escape(name) + r"\b", re.MULTILINE)
        found = pattern.search(source)
        if found:
            line = source.count("\n", 0, found.start()) + 1
            col = len(found.group(1)) + 1
            return Span(line, col, line, col + len(name))
    return None
