"""Agent requests through the real language server, driven by a raw JSON-RPC client: code action →
command → $/progress → result → workspace/applyEdit, the hypercode/agent request family, and
cancelling."""

import asyncio
from pathlib import Path

import pytest
import pytest_asyncio

from hypercode_lang import api
from raw_lsp import RawClient

pytestmark = pytest.mark.asyncio(loop_scope="module")
MISTAKE = "message = 'hi'\nprint(mesage)\n"
SLOW = "def countdown(n):\n    while n != 0:\n        n = n - 2\n    return n\n"
AGENT_COMMANDS = ["hypercode.agent.explain", "hypercode.agent.fix", "hypercode.agent.test",
                  "hypercode.agent.review", "hypercode.agent.ask"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def lsp(tmp_path_factory):
    """One real server for the module (starting one costs seconds on a busy machine)."""
    tmp_path = tmp_path_factory.mktemp("lsp-agents")
    env = {"HYPERCODE_DATA": str(tmp_path / "data"), "HYPERCODE_CONFIG": str(tmp_path / "config"),
           "HYPERCODE_LLM_URL": ""}
    workspace = tmp_path / "ws"
    workspace.mkdir()
    client = await RawClient.start(env, workspace)
    client.init = await client.initialize()
    yield client
    await client.stop()


def since(lsp, mark: int, method: str) -> list[dict]:
    return [r for r in lsp.server_requests[mark:] if r["method"] == method]


def apply(text: str, edits: list[dict]) -> str:
    lines = text.split("\n")

    def offset(position):
        return sum(len(line) + 1 for line in lines[:position["line"]]) + position["character"]
    for edit in sorted(edits, key=lambda e: offset(e["range"]["start"]), reverse=True):
        start, end = offset(edit["range"]["start"]), offset(edit["range"]["end"])
        text = text[:start] + edit.get("newText", edit.get("new_text")) + text[end:]
    return text


async def actions_at(lsp, uri, line, character, end=None):
    end_line, end_character = end or (line, character)
    reply = await lsp.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "context": {"diagnostics": []},
        "range": {"start": {"line": line, "character": character},
                  "end": {"line": end_line, "character": end_character}}})
    return {action["title"]: action for action in reply["result"]}


async def execute(lsp, action) -> dict:
    command = action["command"]
    reply = await lsp.request("workspace/executeCommand", {"command": command["command"],
                                                          "arguments": command.get("arguments", [])})
    assert "error" not in reply, reply
    return reply["result"]


async def test_commands_are_advertised(lsp):
    advertised = lsp.init["capabilities"]["executeCommandProvider"]["commands"]
    assert set(AGENT_COMMANDS + ["hypercode.agent.accept"]) <= set(advertised)


async def test_fix_on_a_diagnostic_with_progress_then_accept_as_one_edit(lsp):
    uri = (lsp.workspace / "prog.hc").as_uri()
    await lsp.open(uri, MISTAKE)
    actions = await actions_at(lsp, uri, 1, 8)
    assert {"Explain with HyperCode", "Fix with HyperCode", "Review file"} <= set(actions)
    fix = actions["Fix with HyperCode"]
    mark = len(lsp.server_requests)
    assert fix["kind"] == "quickfix" and fix["command"]["command"] == "hypercode.agent.fix"
    assert fix["command"]["arguments"][0]["diagnostic"]["code"] == "HC1001"
    result = await execute(lsp, fix)
    assert set(result) >= {"markdown", "edits", "files", "findings", "agent", "taskId"}
    assert result["agent"]["role"] == "fixer"
    assert result["edits"][0]["new_text"] == "message"
    # $/progress: created by the server, begin "Queued" → report by which agent → end "Done".
    created = since(lsp, mark, "window/workDoneProgress/create")
    assert len(created) == 1
    token = created[0]["params"]["token"]
    values = [p["value"] for p in lsp.of_method("$/progress") if p["token"] == token]
    assert values[0]["kind"] == "begin" and values[0]["title"] == "HyperCode: Fix"
    assert values[0]["message"] == "Queued" and values[0]["cancellable"] is True
    assert any(v["kind"] == "report" and v["message"].startswith("The fixer is working") for v in values)
    assert values[-1] == {"kind": "end", "message": "Done"}
    # Accepting sends one workspace/applyEdit: one undo step.
    accepted = await execute(lsp, {"command": {"command": "hypercode.agent.accept", "arguments": [result["taskId"]]}})
    assert accepted["applied"] is True
    [apply_edit] = since(lsp, mark, "workspace/applyEdit")
    changes = apply_edit["params"]["edit"]["changes"]
    assert list(changes) == [uri]
    fixed = apply(MISTAKE, changes[uri])
    assert fixed == "message = 'hi'\nprint(message)\n"
    assert not api.check(fixed)


async def test_explain_a_function_and_a_selection(lsp):
    text = "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n"
    uri = (lsp.workspace / "fib.hc").as_uri()
    await lsp.open(uri, text)
    actions = await actions_at(lsp, uri, 2, 4)
    assert "Explain fib with HyperCode" in actions and "Write tests for fib" in actions
    result = await execute(lsp, actions["Explain fib with HyperCode"])
    assert "`fib` takes one value, `n`." in result["markdown"]
    selected = await actions_at(lsp, uri, 1, 0, end=(1, 13))
    result = await execute(lsp, selected["Explain with HyperCode"])
    assert "If `n` is less than `2`, it gives back `n`." in result["markdown"]
    assert "takes one value" not in result["markdown"]


async def test_write_tests_arrive_as_a_new_file_in_the_same_edit(lsp):
    text = "def half(n):\n    return n // 2\n"
    program = lsp.workspace / "halves.hc"
    program.write_text(text)
    uri = program.as_uri()
    await lsp.open(uri, text)
    mark = len(lsp.server_requests)
    result = await execute(lsp, (await actions_at(lsp, uri, 1, 4))["Write tests for half"])
    [test_file] = result["files"]
    assert Path(test_file["path"]) == lsp.workspace / "test_halves.hc"
    assert "assert halves.half(0) == 0" in test_file["text"]
    await execute(lsp, {"command": {"command": "hypercode.agent.accept", "arguments": [{"taskId": result["taskId"]}]}})
    [apply_edit] = since(lsp, mark, "workspace/applyEdit")
    changes = apply_edit["params"]["edit"]["documentChanges"]
    assert changes[0]["kind"] == "create" and changes[0]["uri"].endswith("/test_halves.hc")
    assert changes[1]["edits"][0]["newText"] == test_file["text"]


async def test_the_hypercode_agent_request_family(lsp):
    uri = (lsp.workspace / "review_me.hc").as_uri()
    await lsp.open(uri, "def f(list):\n    return list\n    print(1)\n")
    reply = await lsp.request("hypercode/agent", {"kind": "review", "uri": uri})
    task_id = reply["result"]["taskId"]
    result = await lsp.wait_for(lambda: [r for r in lsp.of_method("hypercode/agentResult") if r["taskId"] == task_id])
    states = [p["state"] for p in lsp.of_method("hypercode/agentProgress") if p["taskId"] == task_id]
    assert states[0] == "queued" and "working" in states and states[-1] == "done"
    working = [p for p in lsp.of_method("hypercode/agentProgress") if p["state"] == "working"
               and p["taskId"] == task_id]
    assert working[0]["agent"]["role"] == "reviewer"
    answer = result[0]["result"]
    assert {c["rule"] for c in answer["findings"]} >= {"shadowed_builtin", "dead_code"}


async def test_cancel_with_agent_cancel(lsp):
    uri = (lsp.workspace / "spin.hc").as_uri()
    await lsp.open(uri, SLOW)
    reply = await lsp.request("hypercode/agent", {"kind": "test", "uri": uri})
    task_id = reply["result"]["taskId"]
    await lsp.wait_for(lambda: any(p["taskId"] == task_id and p["state"] == "working"
                                   for p in lsp.of_method("hypercode/agentProgress")))
    cancelled = await lsp.request("hypercode/agentCancel", {"taskId": task_id})
    assert cancelled["result"] == {"taskId": task_id, "cancelled": True}
    final = await lsp.wait_for(lambda: [p for p in lsp.of_method("hypercode/agentProgress")
                                        if p["taskId"] == task_id and p["state"] in ("done", "cancelled", "failed")])
    assert final[0]["state"] == "cancelled"


async def test_cancel_with_work_done_progress_cancel(lsp):
    uri = (lsp.workspace / "spin2.hc").as_uri()
    await lsp.open(uri, SLOW)
    mark = len(lsp.server_requests)
    command = asyncio.ensure_future(lsp.request("workspace/executeCommand", {
        "command": "hypercode.agent.test", "arguments": [{"uri": uri}]}))
    token = (await lsp.wait_for(lambda: since(lsp, mark, "window/workDoneProgress/create")))[0]["params"]["token"]
    await lsp.wait_for(lambda: any(p["token"] == token and p["value"]["kind"] == "report"
                                   for p in lsp.of_method("$/progress")))
    lsp.notify("window/workDoneProgress/cancel", {"token": token})
    result = (await command)["result"]
    assert result["state"] == "cancelled" and result["markdown"] == "Stopped, as you asked."
    values = [p["value"] for p in lsp.of_method("$/progress") if p["token"] == token]
    assert values[-1] == {"kind": "end", "message": "Cancelled"}


async def test_bad_requests_get_clear_errors(lsp):
    uri = (lsp.workspace / "prog2.hc").as_uri()
    await lsp.open(uri, MISTAKE)
    bad_kind = await lsp.request("hypercode/agent", {"kind": "summarise", "uri": uri})
    assert bad_kind["error"]["code"] == -32602 and "'kind' must be one of" in bad_kind["error"]["message"]
    not_open = await lsp.request("hypercode/agent", {"kind": "explain", "uri": "file:///nowhere/x.hc"})
    assert not_open["error"]["code"] in (-32602, -32803) and not_open["error"]["message"]   # RequestFailed: outside the workspace
    bad_range = await lsp.request("hypercode/agent", {"kind": "explain", "uri": uri, "range": {"start": 3}})
    assert bad_range["error"]["code"] == -32602
    unknown = await lsp.request("workspace/executeCommand", {"command": "hypercode.agent.accept",
                                                            "arguments": ["no-such-task"]})
    assert unknown["error"]["code"] == -32602


async def test_an_answer_for_old_text_is_not_applied(lsp):
    uri = (lsp.workspace / "stale.hc").as_uri()
    await lsp.open(uri, MISTAKE)
    result = await execute(lsp, (await actions_at(lsp, uri, 1, 8))["Fix with HyperCode"])
    mark = len(lsp.server_requests)
    lsp.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                          "contentChanges": [{"text": "print(1)\n" + MISTAKE}]})
    await asyncio.sleep(0.3)
    refused = await lsp.request("workspace/executeCommand", {"command": "hypercode.agent.accept",
                                                            "arguments": [result["taskId"]]})
    assert refused["error"]["code"] == -32602 and "changed" in refused["error"]["message"]
    assert not since(lsp, mark, "workspace/applyEdit")
