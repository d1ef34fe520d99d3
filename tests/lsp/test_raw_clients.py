"""The server as bare JSON-RPC clients see it: one diagnostics model per client (pull or push,
never both), the commands it advertises and runs, and refused renames that stay calm."""

import asyncio

import pytest
from raw_client import RawClient

PULL = {"textDocument": {"diagnostic": {"dynamicRegistration": False},
                         "publishDiagnostics": {"versionSupport": True}},
        "workspace": {"diagnostics": {"refreshSupport": True}}}
PUSH = {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}


@pytest.fixture
def root(tmp_path):
    return tmp_path


async def settle(seconds: float = 1.0) -> None:
    """Give the server time to send anything it was going to send (debounce + analysis)."""
    await asyncio.sleep(seconds)


async def test_a_client_that_pulls_gets_no_pushed_diagnostics(root):
    client = await RawClient.start(PULL, root)
    try:
        assert client.initialized["result"]["capabilities"]["diagnosticProvider"]["identifier"] == "hypercode"
        uri = (root / "main.hc").as_uri()
        await client.open(uri, "print(nope)\n")
        reply = await client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        assert [d["code"] for d in reply["result"]["items"]] == ["HC1001"]
        await client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": "nope = 1\nprint(nope)\nprint(nada)\n"}]})
        reply = await client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        assert [d["range"]["start"]["line"] for d in reply["result"]["items"]] == [2]
        await client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        await client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        await settle()
        # one list per client: a pushed copy would show every diagnostic twice (VS Code keeps both)
        assert client.received("textDocument/publishDiagnostics") == []
        assert client.received("workspace/diagnostic/refresh"), "a save asks a pulling client to pull again"
    finally:
        await client.stop()


async def test_a_client_that_does_not_pull_gets_pushes(root):
    client = await RawClient.start(PUSH, root)
    try:
        uri = (root / "main.hc").as_uri()
        await client.open(uri, "print(nope)\n")
        for _ in range(1200):   # up to 60 s: the machine may be shared
            if client.received("textDocument/publishDiagnostics"):
                break
            await asyncio.sleep(0.05)
        (pushed,) = client.received("textDocument/publishDiagnostics")
        assert pushed["params"]["uri"] == uri and pushed["params"]["version"] == 1
        assert [d["code"] for d in pushed["params"]["diagnostics"]] == ["HC1001"]
        await client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        for _ in range(1200):   # up to 60 s: the machine may be shared
            if len(client.received("textDocument/publishDiagnostics")) == 2:
                break
            await asyncio.sleep(0.05)
        assert client.received("textDocument/publishDiagnostics")[-1]["params"]["diagnostics"] == []
    finally:
        await client.stop()


async def test_advertised_commands_are_the_ones_it_runs(root):
    client = await RawClient.start(PUSH, root)
    try:
        commands = client.initialized["result"]["capabilities"]["executeCommandProvider"]["commands"]
        assert {"hypercode.explain", "hypercode.run", "hypercode.runFunction"} <= set(commands)
        # eglot's "Explain this error" runs the code action's command on the server
        reply = await client.request("workspace/executeCommand",
                                     {"command": "hypercode.explain", "arguments": ["HC1001"]})
        assert reply["result"]["title"] == "Unknown name" and "HC1001" in reply["result"]["explanation"]
        uri = (root / "run_me.hc").as_uri()
        await client.open(uri, 'def main():\n    print("hi from main")\n\nprint("top")\n')
        reply = await client.request("workspace/executeCommand",
                                     {"command": "hypercode.run", "arguments": [uri]})
        assert reply["result"]["stdout"] == "top\n"
        reply = await client.request("workspace/executeCommand",
                                     {"command": "hypercode.runFunction", "arguments": [uri, "main"]})
        assert "hi from main" in reply["result"]["stdout"]
        reply = await client.request("workspace/executeCommand",
                                     {"command": "hypercode.explain", "arguments": ["HC9999"]})
        assert reply["error"]["code"] == -32602 and "HC9999" in reply["error"]["message"]
    finally:
        await client.stop()


async def test_commands_the_client_runs_itself_are_not_advertised(root):
    # vscode-languageclient registers every advertised command id; the HyperCode extension
    # already owns hypercode.explain and hypercode.runFunction, and a second registration fails.
    client = await RawClient.start(PUSH, root, {"hypercode": {}, "clientCommands": ["hypercode.explain",
                                                                                  "hypercode.runFunction"]})
    try:
        commands = client.initialized["result"]["capabilities"]["executeCommandProvider"]["commands"]
        assert "hypercode.run" in commands
        assert "hypercode.explain" not in commands and "hypercode.runFunction" not in commands
    finally:
        await client.stop()


async def test_refused_renames_are_calm_errors_without_tracebacks(root):
    client = await RawClient.start(PUSH, root)
    try:
        uri = (root / "count.hc").as_uri()
        await client.open(uri, "count = 1\nnumbers = [1, 2]\nprint(count, numbers)\n")
        reply = await client.request("textDocument/rename", {
            "textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}, "newName": "numbers"})
        assert reply["error"]["code"] == -32803
        message = reply["error"]["message"]
        assert "'numbers' is already a variable (line 2 of count.hc)" in message and "'count'" in message
        reply = await client.request("textDocument/prepareRename", {
            "textDocument": {"uri": uri}, "position": {"line": 2, "character": 2}})
        assert reply["error"]["code"] == -32803 and "built-in" in reply["error"]["message"]
        reply = await client.request("textDocument/rename", {
            "textDocument": {"uri": uri}, "position": {"line": 0, "character": 1}, "newName": "total"})
        assert len(reply["result"]["changes"][uri]) == 2
    finally:
        stderr = await client.stop()
    assert "Traceback" not in stderr, stderr
    logged = [m["params"]["message"] for m in client.received("window/logMessage")]
    assert not [m for m in logged if "numbers" in m or "built-in" in m], logged


async def test_a_document_past_two_million_characters_is_read_to_the_end(root):
    # Was cut at 2,000,000 characters: the string below lost its closing quote (a false
    # syntax error) and the real mistake on the last line was never seen.
    client = await RawClient.start(PULL, root)
    try:
        uri = (root / "long.hc").as_uri()
        text = 'banner = "' + "=" * 2_100_000 + '"\nprint(banner)\nprint(nope)\n'
        await client.open(uri, text)
        reply = await client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        found = [(d["code"], d["range"]["start"]["line"]) for d in reply["result"]["items"]]
        assert found == [("HC1001", 2)]
    finally:
        await client.stop()
