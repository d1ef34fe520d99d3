"""The program cache is private and believes nothing it reads (issue 7 item 4). Tests run as
root, so folders and files "of another user" are planted with os.chown."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hypercode_lang import api, cache

OTHER_UID = 4242
SOURCE = "print('the real program')\n"
PLANTED = {"hypercode": 2, "body": [{"expr": {"call": {"func": {"var": "print"}, "args": [{"const": "PLANTED"}],
                                                    "kwargs": {}}}}]}

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0,
                                reason="planting files of another user needs root (CI runs as root)")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    target = tmp_path / "cache"
    monkeypatch.setenv("HYPERCODE_CACHE", str(target))
    cache._warned.clear()
    return target


def _key(source=SOURCE):
    return cache.program_key(source, "<input>", None)


def _plant(folder: Path, key: str, entry, *, owner=None, mode=0o600):
    programs = folder / "programs"
    programs.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    path = programs / f"{key}.json"
    path.write_text(json.dumps(entry))
    os.chmod(path, mode)
    if owner is not None:
        os.chown(path, owner, -1)
    return path


def _entry(key, program=PLANTED):
    return {"format": cache.FORMAT, "key": key, "program": program}


def test_default_folder_follows_xdg_and_is_created_private(tmp_path, monkeypatch):
    monkeypatch.delenv("HYPERCODE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = Path(cache.cache_dir())
    assert folder == tmp_path / "xdg" / "hypercode"
    assert folder.stat().st_mode & 0o777 == 0o700


def test_a_relative_xdg_value_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Path(cache.default_folder()) == tmp_path / ".cache" / "hypercode"


@pytest.mark.parametrize("platform, expected", [
    ("darwin", Path("Library") / "Caches" / "HyperCode"),
    ("win32", Path("Local") / "HyperCode" / "Cache"),
])
def test_platform_folders(platform, expected, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert str(cache.default_folder()).endswith(str(expected))


def test_the_old_predictable_tmp_folder_is_not_used(tmp_path, monkeypatch):
    import tempfile
    monkeypatch.delenv("HYPERCODE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert not str(cache.cache_dir()).startswith(tempfile.gettempdir() + "/hypercode-cache")


@pytest.mark.parametrize("problem", ["another owner", "group-writable", "world-writable"])
def test_an_unsafe_folder_is_ignored_with_one_calm_warning(problem, folder, capsys):
    folder.mkdir(mode=0o700)
    if problem == "another owner":
        os.chown(folder, OTHER_UID, OTHER_UID)
    else:
        os.chmod(folder, 0o770 if problem == "group-writable" else 0o707)
    key = _key()
    _plant_into_existing(folder, key)
    assert cache.cache_dir() is None and cache.cache_dir() is None
    program, diagnostics = api.checked_program(SOURCE, "<input>")
    assert diagnostics == [] and program["body"][0]["expr"]["call"]["args"][0]["const"] == "the real program"
    warnings = [line for line in capsys.readouterr().err.splitlines() if "not using the cache folder" in line]
    assert len(warnings) == 1 and "Programs still run" in warnings[0]


def _plant_into_existing(folder: Path, key: str):
    programs = folder / "programs"
    programs.mkdir(exist_ok=True)
    (programs / f"{key}.json").write_text(json.dumps(_entry(key)))


def test_a_programs_folder_of_another_user_is_ignored(folder):
    key = _key()
    _plant(folder, key, _entry(key))
    os.chown(folder / "programs", OTHER_UID, -1)
    assert cache.load_program(key) is None
    cache.store_program(key, PLANTED)  # nor written into
    assert json.loads((folder / "programs" / f"{key}.json").read_text())["program"] == PLANTED


def test_a_file_of_another_user_is_ignored(folder):
    key = _key()
    _plant(folder, key, _entry(key), owner=OTHER_UID)
    assert cache.load_program(key) is None


def test_a_symlinked_entry_is_ignored(folder, tmp_path):
    key = _key()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps(_entry(key)))
    (folder / "programs").mkdir(parents=True, mode=0o700)
    os.chmod(folder, 0o700)
    (folder / "programs" / f"{key}.json").symlink_to(elsewhere)
    assert cache.load_program(key) is None


def test_an_entry_under_another_key_is_ignored(folder):
    key, other = _key(), _key("print(2)\n")
    _plant(folder, key, _entry(other))
    assert cache.load_program(key) is None


@pytest.mark.parametrize("program", [
    {"hypercode": 2, "body": [{"expr": {"var": "x", "const": 1}}]},
    {"hypercode": 2, "body": [{"import": {"var": "x"}}]},
    {"hypercode": 2, "body": "not a list"},
    ["not", "a", "program"],
    {"hypercode": 2, "body": [{"expr": {"attr": {"value": {"var": "x"}, "name": 3}}}]},
])
def test_an_entry_that_is_not_ir_is_ignored(program, folder):
    key = _key()
    _plant(folder, key, _entry(key, program))
    assert cache.load_program(key) is None


def test_a_deep_entry_is_ignored_without_recursing(folder):
    key = _key()
    programs = folder / "programs"
    programs.mkdir(parents=True, mode=0o700)
    os.chmod(folder, 0o700)
    deep = '{"expr": ' + '{"list": [' * 50_000 + ']}' * 50_000 + '}'
    (programs / f"{key}.json").write_text(
        '{"format": %d, "key": "%s", "program": {"hypercode": 2, "body": [%s]}}' % (cache.FORMAT, key, deep))
    assert cache.load_program(key) is None


def test_a_fifo_entry_never_blocks(folder):
    key = _key()
    programs = folder / "programs"
    programs.mkdir(parents=True, mode=0o700)
    os.chmod(folder, 0o700)
    os.mkfifo(programs / f"{key}.json")
    started = time.monotonic()
    assert cache.load_program(key) is None
    assert time.monotonic() - started < 2


def test_a_good_entry_is_used_and_files_are_private(folder):
    key = _key()
    program, _ = api.checked_program(SOURCE, "<input>")
    path = folder / "programs" / f"{key}.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert (folder / "programs").stat().st_mode & 0o777 == 0o700
    assert cache.load_program(key) == program


def test_a_planted_pickle_is_never_loaded(tmp_path):
    """Lark's pickle cache used to be read from the cache folder: plant one that would leave a
    mark if unpickled, and parse in a fresh process with that folder."""
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    marker = tmp_path / "unpickled"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    payload = pickle.dumps(Exploit())
    for name in ("grammar.lark.cache", "lark.cache"):
        (folder / name).write_bytes(payload)
    env = {**os.environ, "HYPERCODE_CACHE": str(folder)}
    program = tmp_path / "p.hc"
    program.write_text("print(1 + 1)\n")
    done = subprocess.run([sys.executable, "-m", "hypercode_lang", "run", str(program)], capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 0 and done.stdout == "2\n", done.stderr
    assert not marker.exists()


def test_a_planted_folder_of_another_user_cannot_run_code_as_you(tmp_path):
    """End to end: a folder owned by someone else holding a correct-key entry that prints
    PLANTED. `hcvm run` ignores it, says so once, and runs the real program."""
    folder = tmp_path / "shared-cache"
    program = tmp_path / "hello.hc"
    program.write_text(SOURCE)
    key = cache.program_key(SOURCE, str(program), api._sibling_modules(str(program)))
    _plant(folder, key, _entry(key))
    env = {**os.environ, "HYPERCODE_CACHE": str(folder)}

    def run():
        return subprocess.run([sys.executable, "-m", "hypercode_lang", "run", str(program)], capture_output=True,
                              text=True, timeout=60, env=env)
    assert run().stdout == "PLANTED\n"  # control: in a folder of our own, the entry is trusted
    os.chown(folder, OTHER_UID, OTHER_UID)
    done = run()
    assert done.returncode == 0 and done.stdout == "the real program\n"
    assert done.stderr.count("not using the cache folder") == 1
