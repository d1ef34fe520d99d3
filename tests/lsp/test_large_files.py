"""A 2 MB file of ordinary code opens in the real server with exactly its real diagnostics:
nothing cut off, no false syntax error, mistakes found at the start, in the middle and past the
two-millionth character (issue 8 B4). The budget (lsp_server/README.md) is 2 s of server CPU
and 100 MB per MB; the machine running tests may be shared, so the only bound on time here is
a generous one."""

import time

from raw_client import RawClient

PULL = {"textDocument": {"diagnostic": {"dynamicRegistration": False}}}


def function(i: int) -> list[str]:
    return [f"# Add things up for step {i}.",
            f"def step_{i}(count, factor=2):",
            "    total = 0",
            '    words = "a b c".split()',
            "    for k in range(count):",
            "        if k % 3 == 0:",
            "            total += k * factor",
            "        else:",
            "            total -= math.sqrt(k)",
            '    label = f"step {count}: {words[0]!r:>4}"',
            "    print(label, len(words))",
            "    return total",
            "",
            f"value_{i} = step_{i}({i % 7}, factor=3)",
            ""]


def large_program(characters: int) -> tuple[str, list[tuple[str, int]]]:
    """(text, the diagnostics it must give as (code, 0-based line))."""
    lines = ["import math", ""]
    expected = []
    i = size = 0
    while size < characters:
        i += 1
        lines += function(i)
        size += sum(len(line) + 1 for line in lines[-15:])
        if i == 3:                          # near the start: a misspelled name
            lines[-5] = "    print(label, len(wrods))"
            expected.append(("HC1001", len(lines) - 5))
        if i == 4_000:                      # in the middle: an unused variable
            lines.insert(len(lines) - 3, "    unused = 1")
            expected.append(("HC1002", len(lines) - 4))
    lines.append("print(value_1 + nope)")  # past two million characters: an unknown name
    expected.append(("HC1001", len(lines) - 1))
    return "\n".join(lines) + "\n", expected


async def test_a_two_megabyte_file_opens_with_its_real_diagnostics(tmp_path):
    text, expected = large_program(2_000_000)
    assert len(text) > 2_000_000 and expected[-1][1] > 40_000
    client = await RawClient.start(PULL, tmp_path)
    try:
        uri = (tmp_path / "large.hc").as_uri()
        started = time.monotonic()
        await client.open(uri, text)
        reply = await client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout=120)
        elapsed = time.monotonic() - started
        found = [(d["code"], d["range"]["start"]["line"]) for d in reply["result"]["items"]]
        assert found == expected
        assert elapsed < 60, f"{elapsed:.1f} s to open a 2 MB file"
    finally:
        await client.stop()
