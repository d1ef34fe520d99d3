"""Every limit ends a run with its normal diagnostic (HC3001 time, HC3002 size or memory, HC2007
depth), exit 3 or 1, never exit 70, with peak memory under the limit and within limit + 2 s —
including work done inside one long built-in call, which the VM's own checks never see."""

from __future__ import annotations

import json

import pytest

MEMORY_BOMBS = {
    "percent_star_width": '"%*d" % (2000000000, 1)\n',
    "print_huge_separator": "print(" + ", ".join(map(str, range(100))) + ', sep="y" * 10**7)\n',
    "dict_of_ten_million_pairs": "d = dict(zip(range(10**7), range(10**7)))\n",
    "hundred_lists_of_ten_million": "xs = []\nfor i in range(100):\n    xs.append([0] * 10**7)\n",
    "strings_kept_alive": 'x = "a" * 9000000\nxs = []\nfor i in range(200):\n    xs.append(x + str(i))\n',
    "nested_lists_growing": "xs = [0] * 5000000\nys = []\nfor i in range(100):\n    ys.append(list(xs))\n",
}


@pytest.mark.parametrize("name", sorted(MEMORY_BOMBS))
def test_memory_bombs_end_with_hc3002(run_checked, name):
    result = run_checked(MEMORY_BOMBS[name], timeout=20)
    assert [d.code for d in result.diagnostics] == ["HC3002"]
    assert result.exit_code == 3 and result.status == "error"


STUCK_BUILTINS = {
    "float_in_huge_range": "x = 0.5 in range(10**18)\n",
    "round_to_huge_negative_digits": "x = round(1, -10**8)\n",
    "all_over_reversed_range": "x = all(reversed(range(1, 10**18)))\n",
    "compare_shared_deep_tuples": "t = (1,)\nu = (1,)\nfor i in range(100):\n    t = (t, t)\n    u = (u, u)\nx = t == u\n",
    "hash_shared_deep_tuple": "t = (1,)\nfor i in range(100):\n    t = (t, t)\nd = {t: 1}\n",
}


@pytest.mark.parametrize("name", sorted(STUCK_BUILTINS))
def test_one_stuck_builtin_call_is_stopped_at_the_time_limit(run_checked, name):
    result = run_checked(STUCK_BUILTINS[name], timeout=1.5)
    assert [d.code for d in result.diagnostics] == ["HC3001"]
    assert result.exit_code == 3 and result.status == "timeout"
    assert result.diagnostics[0].message.startswith("The program was stopped after 1.5 seconds")


def test_a_loop_is_stopped_by_the_vm_with_its_line(run_checked):
    result = run_checked("n = 0\nwhile True:\n    n += 1\n", timeout=1)
    (found,) = result.diagnostics
    assert found.code == "HC3001" and result.exit_code == 3 and found.span.line in (2, 3)


def test_output_cap_keeps_the_output_so_far(run_checked):
    result = run_checked("i = 0\nwhile True:\n    print('line', i)\n    i += 1\n", max_output=5000)
    assert [d.code for d in result.diagnostics] == ["HC3002"] and result.exit_code == 3
    assert len(result.stdout.encode()) == 5000 and result.stdout.startswith("line 0\nline 1\n")


def test_one_huge_print_is_cut_at_the_cap(run_checked):
    result = run_checked('print("y" * 9000000)\nprint("y" * 9000000)\n')
    assert [d.code for d in result.diagnostics] == ["HC3002"]
    assert len(result.stdout) == 10_000_000


def test_depth_limit_is_hc2007_exit_1(run_checked):
    result = run_checked("def f(n):\n    return f(n + 1)\nf(0)\n")
    assert [d.code for d in result.diagnostics] == ["HC2007"] and result.exit_code == 1


def test_memory_limit_is_configurable(run_checked):
    source = "xs = [0] * 9000000\nys = [1] * 9000000\nprint(len(xs) + len(ys))\n"
    assert run_checked(source, memory_mb=512).stdout == "18000000\n"
    small = run_checked(source, memory_mb=100)
    assert [d.code for d in small.diagnostics] == ["HC3002"] and small.exit_code == 3
    assert "100" in small.diagnostics[0].message


def test_cli_memory_and_json_shape(hcvm, tmp_path):
    program = tmp_path / "big.hc"
    program.write_text("xs = [0] * 9000000\nys = [1] * 9000000\n")
    done = hcvm("run", "--json", "--memory", "100", program)
    result = json.loads(done.stdout)
    assert done.returncode == 3 and result["exit_code"] == 3 and result["status"] == "error"
    assert set(result) == {"stdout", "stderr", "exit_code", "status", "duration", "diagnostics"}
    assert [d["code"] for d in result["diagnostics"]] == ["HC3002"]


def test_cli_json_print_loop_is_capped(hcvm, tmp_path):
    program = tmp_path / "loop.hc"
    program.write_text("i = 0\nwhile True:\n    print(i)\n    i += 1\n")
    done = hcvm("run", "--json", "--max-output", "100000", "--timeout", "10", program)
    result = json.loads(done.stdout)
    assert done.returncode == 3 and [d["code"] for d in result["diagnostics"]] == ["HC3002"]
    assert len(result["stdout"]) == 100000 and done.elapsed < 12


def test_cli_max_output_streams_the_part_that_fits(hcvm, tmp_path):
    program = tmp_path / "spam.hc"
    program.write_text("while True:\n    print('spam')\n")
    done = hcvm("run", "--plain", "--max-output", "100", program)
    assert done.returncode == 3 and done.stdout == ("spam\n" * 20) and "HC3002" in done.stderr


def test_cli_stuck_builtin_is_hc3001(hcvm, tmp_path):
    program = tmp_path / "stuck.hc"
    program.write_text("x = 0.5 in range(10**18)\n")
    done = hcvm("run", "--plain", "--timeout", "1", program)
    assert done.returncode == 3 and "HC3001" in done.stderr and done.elapsed < 1 + 8


def test_memory_error_inside_the_child_is_hc3002_not_internal(run_checked):
    result = run_checked("xs = [0] * 9000000\n", memory_mb=64)
    (found,) = result.diagnostics
    assert result.exit_code == 3 and found.code == "HC3002" and "64" in found.message and found.span.line == 1
