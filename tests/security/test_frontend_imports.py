"""`import name` loads only a regular UTF-8 file `name.hc` beside the importing file (issue 7
item 2): every other thing on disk is a HyperCode diagnostic, found without opening it where
opening could block or leak, at check time and at run time alike."""

from __future__ import annotations

import os
import stat
import time

import pytest

from hypercode_lang import modules
from hypercode_lang.modules import ModuleLoadError, load_module_source, resolve_import

SECRET = "secret-in-another-folder-5d1e"


@pytest.fixture
def folder(tmp_path):
    program = tmp_path / "app"
    program.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.hc").write_text(f"value = '{SECRET}'\n")
    (program / "good.hc").write_text("value = 'good'\n")
    return program


def _main(folder, name):
    main = folder / "main.hc"
    main.write_text(f"import {name}\nprint({name}.value)\n")
    return main


def _refusal(name, folder):
    with pytest.raises(ModuleLoadError) as caught:
        path = resolve_import(name, str(folder / "main.hc"))
        load_module_source(path, name=name)
    (diagnostic,) = caught.value.diagnostics
    return diagnostic


def _make(kind: str, folder):
    target = folder / "thing.hc"
    if kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        os.mknod(target, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null (tests run as root)
    elif kind == "link outside":
        target.symlink_to(folder.parent / "outside" / "secret.hc")
    elif kind == "link to a link outside":
        (folder / "hop.hc").symlink_to(folder.parent / "outside" / "secret.hc")
        target.symlink_to(folder / "hop.hc")
    elif kind == "absolute link to /etc":
        target.symlink_to("/etc/hostname")
    elif kind == "bad utf-8":
        target.write_bytes(b"value = '\xff\xfe'\n")
    elif kind == "too large":
        with open(target, "wb") as handle:
            handle.truncate(modules.MAX_MODULE_BYTES + 1)
    return target


REFUSED = {  # kind -> (code, words in the message)
    "folder": ("HC1005", "is a folder"),
    "fifo": ("HC1005", "is a pipe or socket"),
    "device": ("HC1005", "is a device"),
    "link outside": ("HC1005", "outside this folder"),
    "link to a link outside": ("HC1005", "outside this folder"),
    "absolute link to /etc": ("HC1005", "outside this folder"),
    "bad utf-8": ("HC1005", "isn't UTF-8 text"),
    "too large": ("HC1005", "larger than"),
}


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_refused_by_the_loader(kind, folder):
    _make(kind, folder)
    started = time.monotonic()
    diagnostic = _refusal("thing", folder)
    assert time.monotonic() - started < 2  # a FIFO is never opened for reading in blocking mode
    code, words = REFUSED[kind]
    assert diagnostic.code == code and words in diagnostic.message
    assert SECRET not in diagnostic.message


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_refused_end_to_end_with_no_internal_error(kind, folder, hcvm):
    _make(kind, folder)
    main = _main(folder, "thing")
    done = hcvm("run", "--plain", main, timeout=20)
    assert done.returncode == 2, done.stderr
    code, words = REFUSED[kind]
    assert f"error {code}" in done.stderr and words in done.stderr
    assert "line 1, column 8" in done.stderr  # at the name in `import thing`
    assert SECRET not in done.stdout + done.stderr


@pytest.mark.parametrize("name", ["../outside/secret", "/etc/passwd", "a.b", "", "good.hc", "if", "C:\\x", "a/b",
                                  "..", "good\x00"])
def test_names_that_are_not_names_are_refused(name, folder):
    diagnostic = _refusal(name, folder)
    assert diagnostic.code == "HC1005" and "isn't a module name" in diagnostic.message


def test_a_missing_module_is_hc1001_with_the_familiar_words(folder):
    diagnostic = _refusal("nothing_here", folder)
    assert diagnostic.code == "HC1001" and "no module named 'nothing_here'" in diagnostic.message


def test_a_link_inside_the_folder_is_fine(folder, hcvm):
    (folder / "alias.hc").symlink_to(folder / "good.hc")
    done = hcvm("run", _main(folder, "alias"))
    assert done.returncode == 0 and done.stdout == "good\n"


def test_check_names_the_problem_at_the_import(folder, hcvm):
    _make("fifo", folder)
    done = hcvm("check", "--json", _main(folder, "thing"))
    import json
    (diagnostic,) = json.loads(done.stdout)
    assert diagnostic["code"] == "HC1005" and diagnostic["range"]["line"] == 1 and diagnostic["range"]["col"] == 8


def test_sibling_listing_leaves_out_what_cannot_be_imported(folder):
    for kind in ("folder",):
        _make(kind, folder)
    os.mkfifo(folder / "pipe.hc")
    (folder / "out.hc").symlink_to(folder.parent / "outside" / "secret.hc")
    assert modules.sibling_modules(str(folder / "main.hc")) == {"good"}


def test_a_file_swapped_for_a_fifo_after_resolving_is_still_refused(folder):
    path = resolve_import("good", str(folder / "main.hc"))
    path.unlink()
    os.mkfifo(path)
    started = time.monotonic()
    with pytest.raises(ModuleLoadError) as caught:
        load_module_source(path, name="good")
    assert time.monotonic() - started < 2
    assert caught.value.diagnostics[0].code == "HC1005"
