"""The child can reach nothing: no host environment, no inherited descriptors, an empty folder
of its own, only the standard library and HyperCode importable, and (Linux) a seccomp filter
that refuses sockets, new processes and file writes even to code that escaped the language —
tested with the runner's injected escape probe, on both the fork-server and the CLI path."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

HOST_SECRET_NAME = "HYPERCODE_TEST_HOST_SECRET"  # planted by conftest.py (not imported: other
HOST_SECRET = "host-secret-7f3a9c1e"             # test folders have a conftest module too)

ESCAPES = ["socket", "unix_socket", "open_write", "open_append", "os_open_creat", "os_system", "fork",
           "execv", "kill_parent", "mkdir", "thread"]
MARKERS = ["open", "append", "creat", "system", "dir"]
linux_only = pytest.mark.skipif(not os.uname().sysname == "Linux", reason="seccomp and /proc are Linux's")


@linux_only
@pytest.mark.parametrize("inline", [False, True], ids=["fork_server", "cli_fork"])
def test_an_escaped_program_is_refused_everything(probe, inline):
    for marker in MARKERS:
        Path(f"/tmp/hypercode-escape-probe-{marker}").unlink(missing_ok=True)
    result, report = probe(inline=inline)
    assert report["seccomp"] is True and result.usage["seccomp"] is True
    for attempt in ESCAPES:
        assert report[attempt].startswith("refused"), (attempt, report[attempt])
    for marker in MARKERS:
        assert not Path(f"/tmp/hypercode-escape-probe-{marker}").exists()


@linux_only
@pytest.mark.parametrize("inline", [False, True], ids=["fork_server", "cli_fork"])
def test_the_child_has_no_environment_no_extra_fds_and_stdio_is_null(probe, inline):
    _, report = probe(inline=inline)
    assert report["environ"] == [] and HOST_SECRET_NAME in os.environ
    assert len(report["fds"]) <= 6        # 0, 1, 2, its two pipes, and the listing's own
    assert report["stdio"] == ["/dev/null"] * 3


@linux_only
def test_the_child_works_in_a_fresh_empty_folder_removed_after(probe):
    _, report = probe()
    assert report["cwd_entries"] == [] and Path(report["cwd"]).name.startswith("hypercode-run-")
    deadline = time.monotonic() + 5
    while Path(report["cwd"]).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(report["cwd"]).exists()


@linux_only
def test_nothing_from_the_programs_folder_or_site_is_importable(probe, tmp_path):
    (tmp_path / "json.py").write_text("raise SystemExit('planted module ran')\n")
    _, report = probe(folder=tmp_path)
    assert all("-packages" not in entry for entry in report["sys_path"])
    assert str(tmp_path) not in report["sys_path"] and "" not in report["sys_path"] and "." not in report["sys_path"]


@linux_only
def test_rlimits_are_set_from_the_policy(probe):
    _, report = probe(memory_mb=256, timeout=3)
    limits = report["rlimits"]
    assert limits["RLIMIT_AS"] == 256 * 1024 * 1024 and limits["RLIMIT_FSIZE"] == 0
    assert limits["RLIMIT_CPU"] == 5 and limits["RLIMIT_CORE"] == 0 and limits["RLIMIT_NOFILE"] == 64


def test_env_reads_only_the_runs_mapping(run_checked):
    source = f"print(env('{HOST_SECRET_NAME}'))\nprint(env('NAME'))\nprint(env('HOME'))\nprint(env('PATH'))\n"
    result = run_checked(source, env={"NAME": "Ada"})
    assert result.stdout == "None\nAda\nNone\nNone\n" and HOST_SECRET not in result.stdout


def test_the_fork_server_runs_isolated_with_an_empty_environment():
    from hypercode_lang.runner import forkserver, warm_up
    warm_up()
    process = forkserver.shared()._process
    assert process is not None and process.poll() is None
    assert Path(f"/proc/{process.pid}/environ").read_bytes() == b""
    command = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
    assert b"-I" in command and b"-S" in command
    assert os.readlink(f"/proc/{process.pid}/cwd") == "/"


def test_a_killed_child_is_gone_after_the_run(probe):
    from hypercode_lang.api import checked_program
    from hypercode_lang.runner import Policy, execute
    program, _ = checked_program("x = 0.5 in range(10**18)\n", "/tmp/stuck.hc")
    result = execute(program, filename="/tmp/stuck.hc", policy=Policy(timeout=0.5), probe=True)
    assert result.exit_code == 3 and result.diagnostics[0].code == "HC3001"
    pid = result.usage["probe"]["pid"]
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_stop_ends_a_run_with_status_stopped():
    import threading
    from hypercode_lang.api import checked_program
    from hypercode_lang.runner import Policy, RunControl, execute
    program, _ = checked_program("while True:\n    pass\n", "/tmp/forever.hc")
    control = RunControl()
    threading.Timer(0.3, control.stop).start()
    started = time.monotonic()
    result = execute(program, filename="/tmp/forever.hc", policy=Policy(timeout=20), control=control)
    assert result.status == "stopped" and result.exit_code == 130 and time.monotonic() - started < 5
    assert control.stop() is False  # nothing left to stop


def test_input_lines_reach_the_program_and_eof_is_the_normal_error(run_checked):
    result = run_checked("name = input('Name? ')\nprint('Hi', name)\nagain = input('More? ')\n", stdin="Ada\n")
    assert result.stdout == "Name? Hi Ada\nMore? " and result.exit_code == 1
    assert [d.code for d in result.diagnostics] == ["HC2010"] and "EOF" in result.diagnostics[0].message


def test_imports_only_regular_files_beside_the_program(tmp_path):
    from hypercode_lang.api import checked_program
    from hypercode_lang.runner import default_resolver
    outside = tmp_path / "outside"
    inside = tmp_path / "inside"
    outside.mkdir()
    inside.mkdir()
    (outside / "secret.hc").write_text("print('secret')\n")
    (inside / "leak.hc").symlink_to(outside / "secret.hc")
    (inside / "folder.hc").mkdir()
    os.mkfifo(inside / "pipe.hc")
    (inside / "fine.hc").write_text("x = 1\n")
    resolve = default_resolver({}, checked_program)
    importer = str(inside / "main.hc")
    assert resolve("fine", importer)[1] == str(inside / "fine.hc")
    started = time.monotonic()
    for name in ["../outside/secret", str(outside / "secret"), "leak", "folder", "pipe", "__init__", "no_such"]:
        with pytest.raises(Exception) as refused:
            resolve(name, importer)
        assert isinstance(refused.value, FileNotFoundError) or getattr(refused.value, "diagnostics", None)
    assert time.monotonic() - started < 5  # the FIFO is never opened


def test_ir_import_of_a_path_is_refused_in_the_child(tmp_path):
    from hypercode_lang.runner import execute
    (tmp_path / "secret.hc").write_text(f"print('{HOST_SECRET}')\n")
    (tmp_path / "app").mkdir()
    program = {"hypercode": 2, "body": [{"import": "../secret", "loc": [1, 1, 1, 10]}]}
    result = execute(program, filename=str(tmp_path / "app" / "main.hc"))
    assert HOST_SECRET not in result.stdout and result.exit_code in (1, 2)
    assert result.diagnostics and result.diagnostics[0].code in ("HC1001", "HC1005")


def test_a_lone_surrogate_is_not_an_internal_error(run_checked, hcvm, tmp_path):
    result = run_checked('print("\\ud800")\n')
    assert result.exit_code in (0, 1)
    program = tmp_path / "surrogate.hc"
    program.write_text('print("\\ud800")\n')
    assert hcvm("run", program).returncode in (0, 1)
    assert hcvm("run", "--json", program).returncode in (0, 1)


# ---------------------------------------------------------------- the editors' side (lsp_server/run.py)

def test_interactive_session_streams_waits_and_takes_input():
    from lsp_server.run import Runs
    sent = []

    async def scenario():
        runs = Runs()

        def notify(method, params):
            sent.append((method, params))
            if method == "hypercode/runWaiting":
                runs.send_input("r1", "Ada")

        return await runs.run(notify, "print('hello')\nname = input('Name? ')\nprint('Hi', name)\n", None, 5,
                              run_id="r1", interactive=True)

    result = asyncio.run(scenario())
    assert result["status"] == "success" and result["stdout"] == "hello\nName? Hi Ada\n"
    methods = [method for method, _ in sent]
    assert methods[0] == "hypercode/runOutput" and "hypercode/runWaiting" in methods
    waiting = dict(sent)["hypercode/runWaiting"]
    assert waiting == {"runId": "r1", "prompt": "Name? "}
    streamed = "".join(p["text"] for m, p in sent if m == "hypercode/runOutput")
    assert streamed == "hello\nHi Ada\n"  # prompts only in runWaiting


def test_closing_a_session_kills_its_runs():
    from lsp_server.run import Runs

    async def scenario():
        runs = Runs()
        task = asyncio.ensure_future(runs.run(lambda m, p: None, "while True:\n    pass\n", None, 30,
                                              run_id="forever", interactive=True))
        await asyncio.sleep(0.5)
        started = time.monotonic()
        assert runs.close() == 1
        result = await asyncio.wait_for(task, 10)
        return result, time.monotonic() - started, await runs.run(lambda m, p: None, "print(1)\n", None, 5)

    result, took, after = asyncio.run(scenario())
    assert result["status"] == "stopped" and result["exit_code"] == 130 and took < 5
    assert after["status"] == "stopped"  # a closed session starts nothing new


def test_run_stop_by_id_and_eof_input():
    from lsp_server.run import Runs

    async def scenario():
        runs = Runs()

        def notify(method, params):
            if method == "hypercode/runWaiting":
                runs.send_input("eof", None)

        eof = await runs.run(notify, "x = input('? ')\n", None, 5, run_id="eof", interactive=True)
        task = asyncio.ensure_future(runs.run(lambda m, p: None, "while True:\n    pass\n", None, 30, run_id="s"))
        await asyncio.sleep(0.5)
        assert runs.stop("s") is True and runs.stop("nobody") is False
        return eof, await asyncio.wait_for(task, 10)

    eof, stopped = asyncio.run(scenario())
    assert eof["exit_code"] == 1 and eof["diagnostics"][0]["code"] == "HC2010"
    assert stopped["status"] == "stopped"
