"""`hypercode/voiceCommand` computes a voice command's edit on the text the language server holds."""

import pytest
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from lsp_server.server import create_server
from lsp_server.voice import VOICE_COMMAND

URI = "file:///tmp/voice-lsp/program.hc"
TEXT = "width = 1\nheight = 2\nprint(width + height)\n"


@pytest.fixture
def server():
    from pygls.workspace import Workspace
    server = create_server()
    server.protocol._workspace = Workspace(None, t.TextDocumentSyncKind.Incremental)   # as after initialize
    server.workspace.put_text_document(t.TextDocumentItem(uri=URI, language_id="hypercode", version=1, text=TEXT))
    return server


def call(server, params):
    handler = server.protocol.fm.features[VOICE_COMMAND]
    return handler(params)          # pygls binds the server


def test_the_edit_is_computed_on_the_servers_text(server):
    result = call(server, {"uri": URI, "text": "rename width to size", "position": {"line": 0, "character": 0}})
    assert result["type"] == "command" and result["name"] == "rename"
    edits = result["edit"]["changes"][URI]
    assert [(e["range"]["start"]["line"], e["newText"]) for e in edits] == [(0, "size"), (2, "size")]


def test_a_refused_rename_says_why(server):
    result = call(server, {"uri": URI, "text": "rename width to height"})
    assert result["type"] == "error" and "height" in result["message"]


def test_bad_params_are_a_clear_jsonrpc_error(server):
    with pytest.raises(JsonRpcInvalidParams):
        call(server, {"uri": URI})
    with pytest.raises(JsonRpcException):       # not open, and outside the workspace
        call(server, {"uri": "file:///tmp/voice-lsp/missing.hc", "text": "run program"})
