"""`hypercode/voiceCommand`: a voice command's edit, computed on the text this server holds.

params `{"uri", "text", "position"?}` (the transcript and the LSP cursor) → the `command` message
of VOICE.md §3 (`{"type": "command", "name", "args", "description", "edit", "action"}`), or
`{"type": "not_understood", "text", "suggestions"}`, or `{"type": "error", "message"}` when the
command is understood but can't be done here (e.g. a refused rename). For clients that keep their
own LSP session (VS Code): the voice socket says what was heard, this request turns it into the
edit on the server's copy of the document. The logic is `hypercode_voice.commands`.
"""

from __future__ import annotations

from pygls.exceptions import JsonRpcInvalidParams
from hypercode_lang.diagnostics.catalogue import editor_message as say

from .documents import filename_of

VOICE_COMMAND = "hypercode/voiceCommand"


def _param(params, key):
    return params.get(key) if isinstance(params, dict) else getattr(params, key, None)


def register(server) -> None:
    @server.feature(VOICE_COMMAND)
    def voice_command(ls, params):
        from hypercode_voice.commands import execute
        uri, text, position = _param(params, "uri"), _param(params, "text"), _param(params, "position")
        if not isinstance(uri, str) or not isinstance(text, str):
            raise JsonRpcInvalidParams(f"{VOICE_COMMAND} needs 'uri' and 'text' strings")
        source = ls.documents.text(uri)
        if source is None:
            raise JsonRpcInvalidParams(say("server.no_document", uri=uri))
        if position is not None and not isinstance(position, dict):
            position = {"line": getattr(position, "line", 0), "character": getattr(position, "character", 0)}
        return execute(text, source, uri, position, filename=filename_of(uri))


__all__ = ["register", "VOICE_COMMAND"]
