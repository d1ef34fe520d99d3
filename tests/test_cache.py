"""The checked-program cache: a repeat run skips the parser, and nothing stale is ever used."""

from __future__ import annotations

import subprocess
import sys

from hypercode_lang import api, cache


def test_clean_program_is_cached_and_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERCODE_CACHE", str(tmp_path / "cache"))
    source = "print('cached')\n"
    program, diagnostics = api.checked_program(source, "<input>")
    assert diagnostics == []
    calls = []
    monkeypatch.setattr(api, "parse", lambda *a, **k: calls.append(a))
    again, _ = api.checked_program(source, "<input>")
    assert again == program and calls == []


def test_programs_with_diagnostics_are_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("HYPERCODE_CACHE", str(tmp_path / "cache"))
    api.checked_program("print(mesage)\n", "<input>")
    assert not list((tmp_path / "cache").glob("programs/*.json"))


def test_key_changes_with_source_siblings_and_front_end(monkeypatch):
    base = cache.program_key("x = 1\n", "a.hc", {"a"})
    assert base != cache.program_key("x = 2\n", "a.hc", {"a"})
    assert base != cache.program_key("x = 1\n", "a.hc", {"a", "helper"})
    monkeypatch.setattr(cache, "_fingerprint", lambda: "a different parser")
    assert base != cache.program_key("x = 1\n", "a.hc", {"a"})


def test_cache_off_and_unwritable_folder_still_run(tmp_path):
    program = tmp_path / "p.hc"
    program.write_text("print(6 * 7)\n")
    for setting in ("off", str(tmp_path / "file-not-folder")):
        (tmp_path / "file-not-folder").write_text("")
        result = subprocess.run([sys.executable, "-m", "hypercode_lang", "run", str(program)],
                                capture_output=True, text=True, timeout=60,
                                env={"HYPERCODE_CACHE": setting, "PATH": "/usr/bin:/bin"})
        assert result.stdout == "42\n" and result.returncode == 0, result.stderr


def test_a_new_sibling_module_is_seen_by_a_cached_program(tmp_path):
    main = tmp_path / "main.hc"
    main.write_text("import helper\nprint(helper.x)\n")
    run = lambda: subprocess.run([sys.executable, "-m", "hypercode_lang", "run", str(main)],  # noqa: E731
                                 capture_output=True, text=True, timeout=60)
    assert run().returncode == 2
    (tmp_path / "helper.hc").write_text("x = 5\n")
    assert run().stdout == "5\n"
