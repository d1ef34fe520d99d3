"""hypercode/run and hypercode/explain, and the server staying alive under bad requests."""

import pytest
from lsp_helpers import doc_id, open_doc, pos, pull, raw_request, rng
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

PROGRAM = """\
import helpers

def double(n):
    return n * 2

def shout():
    print("hey")

print(helpers.greet("Ada"))
for i in range(2):
    print(double(i))
"""


async def request(client, method, params):
    return await raw_request(client, method, params)


def as_dict(result):
    return result if isinstance(result, dict) else {k: getattr(result, k) for k in result._fields} \
        if hasattr(result, "_fields") else vars(result)


async def test_run_whole_file_with_imports(client):
    uri = await open_doc(client, PROGRAM)
    result = as_dict(await request(client, "hypercode/run", {"uri": uri}))
    assert set(result) >= {"stdout", "stderr", "exit_code", "status", "duration", "diagnostics"}
    assert result["stdout"] == "Hello, Ada!\n0\n2\n" and result["status"] == "success" and result["exit_code"] == 0


async def test_run_selection_and_function(client):
    uri = await open_doc(client, PROGRAM)
    result = as_dict(await request(client, "hypercode/run", {"uri": uri, "range": {
        "start": {"line": 9, "character": 0}, "end": {"line": 11, "character": 0}}}))
    assert result["status"] == "error" and result["exit_code"] == 2   # `double` is not in the selection
    result = as_dict(await request(client, "hypercode/run", {"uri": uri, "range": {
        "start": {"line": 6, "character": 4}, "end": {"line": 6, "character": 16}}}))
    assert result["stdout"] == "hey\n"
    result = as_dict(await request(client, "hypercode/run", {"uri": uri, "function": "shout"}))
    assert result["stdout"] == "Hello, Ada!\n0\n2\nhey\n"


async def test_run_reports_errors_in_the_documents_terms(client):
    uri = await open_doc(client, "xs = [1]\nprint(xs[5])\n")
    result = as_dict(await request(client, "hypercode/run", {"uri": uri}))
    assert result["status"] == "error" and result["exit_code"] == 1
    (d,) = result["diagnostics"]
    d = as_dict(d)
    assert d["code"] == "HC2003" and ".hypercode-run-" not in str(d)


async def test_run_time_limit_kills_runaway_programs(client):
    uri = await open_doc(client, "n = 0\nwhile True:\n    n += 1\n")
    result = as_dict(await request(client, "hypercode/run", {"uri": uri, "timeout": 0.5}))
    assert result["status"] == "timeout" and result["exit_code"] == 3
    assert result["duration"] < 5


async def test_explain(client):
    result = as_dict(await request(client, "hypercode/explain", {"code": "HC1001"}))
    assert result["code"] == "HC1001" and result["title"] == "Unknown name"
    assert result["explanation"].startswith("## HC1001") and len(result["explanation"]) > 100


@pytest.mark.parametrize("method, params", [
    ("hypercode/explain", {"code": "HC9999"}),
    ("hypercode/explain", {}),
    ("hypercode/run", {"uri": 5}),
    ("hypercode/run", {"uri": "file:///no/such/file.hc"}),
    ("hypercode/run", {"uri": "untitled:x", "range": {"start": "nope"}}),
])
async def test_bad_custom_params_get_protocol_errors(client, method, params):
    with pytest.raises(JsonRpcException):
        await request(client, method, params)


async def test_unknown_uris_and_positions_out_of_range(client):
    ghost = doc_id((client.workspace_root / "no-such-place.hc").as_uri())   # outside: tests/security
    assert await client.text_document_hover_async(t.HoverParams(text_document=ghost, position=pos(0, 0))) is None
    assert not await client.text_document_document_symbol_async(t.DocumentSymbolParams(text_document=ghost))
    uri = await open_doc(client, "x = 1\n")
    for where in (pos(50, 3), pos(0, 400)):
        await client.text_document_hover_async(t.HoverParams(text_document=doc_id(uri), position=where))
        await client.text_document_completion_async(t.CompletionParams(text_document=doc_id(uri), position=where))
        await client.text_document_definition_async(t.DefinitionParams(text_document=doc_id(uri), position=where))
    # malformed params: a protocol error, then the server still answers
    with pytest.raises(JsonRpcException):
        await request(client, "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": "x"}})
    assert await pull(client, uri) == []


async def test_huge_file(client):
    body = "".join(f"def f{i}(a, b=2):\n    total = a + b\n    return total * {i}\n\nprint(f{i}(1))\n"
                   for i in range(2000))
    uri = await open_doc(client, body + "print(nope)\n")
    diagnostics = await pull(client, uri)
    assert [d.code for d in diagnostics] == ["HC1001"]
    found = await client.text_document_hover_async(t.HoverParams(text_document=doc_id(uri), position=pos(9999, 7)))
    assert "def f1999" in found.contents.value
    symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(text_document=doc_id(uri)))
    assert len(symbols) == 2000
    assert rng(0, 0, 0, 0)


async def test_a_broken_escape_is_a_diagnostic_and_the_server_keeps_serving(client):
    from lsp_helpers import change, eventually, new_uri
    uri = new_uri(client)
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=uri, language_id="hypercode", version=1, text='x = "\\ue"\n')))
    client.opened[uri] = [1, ""]
    assert [d.code for d in await pull(client, uri)] == ["HC0001"]
    change(client, uri, text="print(nope)\n")
    await eventually(client, uri, lambda ds: [d.code for d in ds] == ["HC1001"])
    other = await open_doc(client, "print(1)\n")
    assert await pull(client, other) == []
