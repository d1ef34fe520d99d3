"""The HyperCode language server: each handler reads params, asks `hypercode_lang`, and builds
protocol types. `create_server()` returns a fresh server (one per stdio process or WebSocket
connection)."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from pathlib import Path

from lsprotocol import types as t
from pygls.exceptions import JsonRpcContentModified, JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import from_fs_path

from hypercode_lang.analysis import completion, crossfile, hints, hover, navigation, outline, semantic
from hypercode_lang.diagnostics import CATALOGUE
from hypercode_lang.diagnostics.catalogue import editor_message as say

from . import convert, run
from . import workspace as confined
from .documents import DocumentStore, filename_of, tune_gc
from .documents import _LOCK as _ANALYSIS_LOCK
from .positions import Positions

NAME = "hypercode-lsp"
VERSION = "2.0.0"
MAX_WORKSPACE_FILES = 2_000
COMPLETION_KINDS = {"keyword": t.CompletionItemKind.Keyword, "snippet": t.CompletionItemKind.Snippet,
                    "function": t.CompletionItemKind.Function, "builtin": t.CompletionItemKind.Function,
                    "variable": t.CompletionItemKind.Variable, "parameter": t.CompletionItemKind.Variable,
                    "module": t.CompletionItemKind.Module, "method": t.CompletionItemKind.Method,
                    "constant": t.CompletionItemKind.Constant}
SYMBOL_KINDS = {"function": t.SymbolKind.Function, "variable": t.SymbolKind.Variable,
                "module": t.SymbolKind.Module}
FOLD_KINDS = {"comment": t.FoldingRangeKind.Comment, "imports": t.FoldingRangeKind.Imports,
              "region": t.FoldingRangeKind.Region}
LEGEND = t.SemanticTokensLegend(token_types=semantic.TOKEN_TYPES, token_modifiers=semantic.TOKEN_MODIFIERS)


class RequestFailed(JsonRpcException):
    """LSP's RequestFailed: the request was understood but can't be done (the message says why)."""
    CODE = -32803


class _QuietRefusals(logging.Filter):
    """A refused request (RequestFailed, ContentModified) is an answer, not a server problem:
    pygls would log it with a traceback; drop those records."""

    def filter(self, record: logging.LogRecord) -> bool:
        problem = record.exc_info[1] if record.exc_info else None
        return not isinstance(problem, (RequestFailed, JsonRpcContentModified, confined.OutsideWorkspace))


_QUIET = _QuietRefusals()
for _logger in ("pygls.protocol.json_rpc", "pygls.protocol.language_server", "pygls.server"):
    if _QUIET not in logging.getLogger(_logger).filters:
        logging.getLogger(_logger).addFilter(_QUIET)


class _Ignored:
    """A message already answered (with an error) while it was being read."""
    jsonrpc = "answered"


class HyperCodeProtocol(LanguageServerProtocol):
    def structure_message(self, data):
        """A request whose params don't fit its method gets InvalidParams back, on every transport."""
        try:
            return super().structure_message(data)
        except JsonRpcException as problem:
            if isinstance(data, dict) and "id" in data and "method" in data:
                self._send_response(data["id"], error=problem.to_response_error())
                return _Ignored()
            raise


class HyperCodeServer(LanguageServer):
    def __init__(self):
        super().__init__(NAME, VERSION, text_document_sync_kind=t.TextDocumentSyncKind.Incremental,
                         protocol_cls=HyperCodeProtocol)
        self.documents = DocumentStore(self)
        self.settings = convert.Settings()
        self.positions = Positions()
        self.runs = run.Runs(_ANALYSIS_LOCK)
        self.runs.warm()

    def close_session(self) -> int:
        """Kill every run this session started (called when the client's connection ends)."""
        return self.runs.close()

    def log(self, message: str, kind: t.MessageType = t.MessageType.Log) -> None:
        """To the client's log (never stdout: stdout is the protocol)."""
        try:
            self.window_log_message(t.LogMessageParams(type=kind, message=message))
        except Exception:  # noqa: BLE001 - logging must never break a handler
            pass

    def report_server_error(self, error: Exception, source) -> None:
        """Problems outside a request go to the client's log, not a pop-up."""
        if isinstance(error, (RequestFailed, JsonRpcContentModified, confined.OutsideWorkspace)):
            return                       # the client got a clear answer already
        self.log(say("server.problem", source=getattr(source, "__name__", source), problem=error),
                 t.MessageType.Warning)

    async def document(self, uri: str):
        return await self.documents.current(uri)

    def lsp_diagnostics(self, uri: str, document) -> list[t.Diagnostic]:
        return [convert.diagnostic(d, document.lines, self.settings, uri, self.positions)
                for d in convert.shown(document.diagnostics, self.settings)]

    @property
    def pulls_diagnostics(self) -> bool:
        """A client that asks for diagnostics (`textDocument/diagnostic`) gets them only when it
        asks: pushing as well would give it two lists of the same diagnostics (VS Code shows both)."""
        return self.supports("text_document.diagnostic")

    def publish(self, uri: str, document) -> None:
        if uri not in self.workspace.text_documents or self.pulls_diagnostics:
            return
        self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
            uri=uri, diagnostics=self.lsp_diagnostics(uri, document), version=self.documents.version(uri)))

    def supports(self, path: str) -> bool:
        """Whether the client declared a capability, e.g. 'workspace.configuration'."""
        node = self.client_capabilities
        for part in path.split("."):
            node = getattr(node, part, None)
            if node is None:
                return False
        return bool(node)

    def load(self, path: str):
        """A Document for `path`: the open editor buffer when there is one, else the file."""
        uri = from_fs_path(path)
        if uri in self.workspace.text_documents:
            latest = self.documents.latest.get(uri)
            if latest is not None and latest.raw == self.workspace.text_documents[uri].source:
                return latest
        if uri not in self.workspace.text_documents and not confined.may_read(self, path):
            return None                  # a session reads only its workspace (lsp_server.workspace)
        with documents_lock():
            return navigation.read_document(path)


def via_request(method: str, to_params):
    """A command that does what the request `method` does: `to_params(*arguments)` builds its params."""
    async def run(ls: HyperCodeServer, *arguments):
        try:
            params = to_params(*arguments)
        except TypeError:
            raise JsonRpcInvalidParams(say("server.unexpected_arguments", arguments=repr(list(arguments)))) from None
        result = ls.protocol.fm.features[method](params)
        return await result if inspect.isawaitable(result) else result
    return run


#: The commands this server runs for `workspace/executeCommand` (name -> handler(ls, *arguments)).
#: `executeCommandProvider.commands` is this table, less the commands the client said it runs
#: itself (`initializationOptions.clientCommands`: the VS Code extension shows Explain and Run
#: in its own UI, and vscode-languageclient can't register a command id twice). Add a command
#: with `@command("hypercode.agent.explain")` before `create_server()`.
COMMANDS: dict = {
    "hypercode.explain": via_request("hypercode/explain", lambda code=None: {"code": code}),
    "hypercode.run": via_request("hypercode/run", lambda uri=None, options=None: {
        **(options if isinstance(options, dict) else {}), "uri": uri}),
    "hypercode.runFunction": via_request("hypercode/run", lambda uri=None, function=None: {
        "uri": uri, "function": function}),
}


def command(name: str):
    """Decorator: add `handler(ls, *arguments)` to COMMANDS under `name`."""
    def register(handler):
        COMMANDS[name] = handler
        return handler
    return register


def _register_commands(ls: HyperCodeServer, options) -> None:
    client_runs = set()
    if isinstance(options, dict):
        for source in (options, options.get("hypercode")):
            if isinstance(source, dict) and isinstance(source.get("clientCommands"), list):
                client_runs |= {name for name in source["clientCommands"] if isinstance(name, str)}
    for name, handler in COMMANDS.items():
        if name not in client_runs and name not in ls.protocol.fm.commands:
            ls.command(name)(handler)


def documents_lock():
    """Parsing shares one cache with the analysis thread: take turns."""
    return _ANALYSIS_LOCK


def create_server() -> HyperCodeServer:
    tune_gc()
    server = HyperCodeServer()
    _register_sync(server)
    _register_language(server)
    _register_editing(server)
    _register_custom(server)
    from . import agents
    agents.register(server)          # hypercode.agent.* commands and the hypercode/agent requests
    from . import voice
    voice.register(server)           # hypercode/voiceCommand: a voice command's edit on this text
    return server


def _fresh(handler):
    """Answer from the current text or not at all: if the document changed while the answer was
    being worked out, the client gets ContentModified (and asks again) instead of stale ranges."""
    @functools.wraps(handler)
    async def wrapper(ls: HyperCodeServer, params):
        document = getattr(params, "text_document", None)
        uri = getattr(document, "uri", None)
        before = ls.documents.version(uri) if uri else None
        result = await handler(ls, params)
        if uri and ls.documents.version(uri) != before:
            raise JsonRpcContentModified(say("server.content_modified"))
        return result
    return wrapper


def _uri_document(ls: HyperCodeServer, params):
    return ls.document(params.text_document.uri)


async def _focused(ls: HyperCodeServer, params):
    """The current document, analysed enough to answer about the line at `params.position`."""
    document = await ls.document(params.text_document.uri)
    if document is None:
        return None
    return document.focus(ls.positions.from_position(document.lines, params.position)[0])


def _analysed(ls: HyperCodeServer, params):
    """The current document with its full analysis (all references)."""
    return ls.documents.analysed(params.text_document.uri)


def _pos(ls, document, pos: t.Position) -> tuple[int, int]:
    return ls.positions.from_position(document.lines, pos)


# ====================================================================== sync, diagnostics, settings

def _register_sync(server: HyperCodeServer) -> None:
    @server.feature(t.INITIALIZE)
    def initialize(ls: HyperCodeServer, params: t.InitializeParams):
        ls.positions = Positions(ls.workspace.position_encoding)
        options = params.initialization_options
        _register_commands(ls, options)
        if isinstance(options, dict):
            ls.settings.update(options.get("hypercode", options))

    @server.feature(t.INITIALIZED)
    async def initialized(ls: HyperCodeServer, params: t.InitializedParams):
        before = repr(ls.settings)
        await _pull_settings(ls)
        if repr(ls.settings) != before:     # documents opened meanwhile used the defaults
            await _republish(ls)

    @server.feature(t.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: HyperCodeServer, params: t.DidChangeConfigurationParams):
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get("hypercode"), dict):
            ls.settings.update(settings["hypercode"])
        await _pull_settings(ls)
        await _republish(ls)
        if ls.supports("workspace.diagnostics.refresh_support"):
            ls.workspace_diagnostic_refresh(None)
        if ls.supports("workspace.inlay_hint.refresh_support"):
            ls.workspace_inlay_hint_refresh(None)

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: HyperCodeServer, params: t.DidOpenTextDocumentParams):
        ls.documents.changed(params.text_document.uri, ls.publish)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: HyperCodeServer, params: t.DidChangeTextDocumentParams):
        ls.documents.changed(params.text_document.uri, ls.publish)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: HyperCodeServer, params: t.DidSaveTextDocumentParams):
        # A saved file may be a new sibling module: every open document checks its imports again.
        for uri in ls.documents.open_documents():
            ls.documents.latest.pop(uri, None)
            ls.documents.changed(uri, ls.publish)
        if ls.pulls_diagnostics and ls.supports("workspace.diagnostics.refresh_support"):
            ls.workspace_diagnostic_refresh(None)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: HyperCodeServer, params: t.DidCloseTextDocumentParams):
        ls.documents.closed(params.text_document.uri)
        if not ls.pulls_diagnostics:
            ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                            diagnostics=[]))

    @server.feature(t.TEXT_DOCUMENT_DIAGNOSTIC,
                    t.DiagnosticOptions(identifier="hypercode", inter_file_dependencies=True,
                                        workspace_diagnostics=False))
    async def pull_diagnostics(ls: HyperCodeServer, params: t.DocumentDiagnosticParams):
        uri = params.text_document.uri
        document = await ls.document(uri)
        if document is None:
            return t.RelatedFullDocumentDiagnosticReport(items=[])
        items = ls.lsp_diagnostics(uri, document)
        result_id = f"{hash(document.raw)}:{ls.settings}"
        if params.previous_result_id == result_id:
            return t.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return t.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


async def _republish(ls: HyperCodeServer) -> None:
    for uri in ls.documents.open_documents():
        try:
            document = await ls.document(uri)
        except Exception as problem:  # noqa: BLE001 - one broken document must not stop the rest
            ls.log(say("server.document_failed", uri=uri, problem=problem), t.MessageType.Warning)
            continue
        if document is not None:
            ls.publish(uri, document)


async def _pull_settings(ls: HyperCodeServer) -> None:
    if not ls.supports("workspace.configuration"):
        return
    try:
        result = await asyncio.wait_for(ls.workspace_configuration_async(
            t.ConfigurationParams(items=[t.ConfigurationItem(section="hypercode")])), 5)
    except Exception as problem:  # noqa: BLE001 - keep the settings we have
        ls.log(say("server.settings_unreadable", problem=problem))
        return
    if result:
        ls.settings.update(result[0])


# ====================================================================== understanding the code

def _register_language(server: HyperCodeServer) -> None:
    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
    @_fresh
    async def code_action(ls: HyperCodeServer, params: t.CodeActionParams):
        uri = params.text_document.uri
        document = await ls.document(uri)
        if document is None:
            return None
        actions = []
        for d in convert.shown(document.diagnostics, ls.settings):
            lsp_diagnostic = convert.diagnostic(d, document.lines, ls.settings, uri, ls.positions)
            if convert.ranges_overlap(lsp_diagnostic.range, params.range):
                actions += convert.code_actions(d, lsp_diagnostic, document.lines, uri, ls.positions)
        from . import agents
        return actions + agents.code_actions(ls, params, document)

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    @_fresh
    async def on_hover(ls: HyperCodeServer, params: t.HoverParams):
        document = await _focused(ls, params)
        if document is None:
            return None
        found = hover.hover(document, *_pos(ls, document, params.position), load=ls.load)
        if found is None:
            return None
        return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=found.markdown),
                       range=ls.positions.range_of(document.lines, found.loc) if found.loc else None)

    @server.feature(t.TEXT_DOCUMENT_COMPLETION,
                    t.CompletionOptions(trigger_characters=["."], resolve_provider=True))
    @_fresh
    async def on_completion(ls: HyperCodeServer, params: t.CompletionParams):
        document = await _focused(ls, params)
        if document is None:
            return None
        snippets = ls.supports("text_document.completion.completion_item.snippet_support")
        items = []
        for item in completion.complete(document, *_pos(ls, document, params.position)):
            if item.snippet and not snippets:
                continue
            items.append(t.CompletionItem(
                label=item.label, kind=COMPLETION_KINDS.get(item.kind, t.CompletionItemKind.Text),
                detail=item.detail or None, insert_text=item.insert_text,
                insert_text_format=t.InsertTextFormat.Snippet if item.snippet else None,
                sort_text=("0" if item.kind in ("variable", "parameter", "function", "method") else "1") + item.label,
                data={"uri": params.text_document.uri, **item.data}))
        return t.CompletionList(is_incomplete=False, items=items)

    @server.feature(t.COMPLETION_ITEM_RESOLVE)
    @_fresh
    async def on_completion_resolve(ls: HyperCodeServer, item: t.CompletionItem):
        data = item.data if isinstance(item.data, dict) else {}
        document = await ls.document(data["uri"]) if isinstance(data.get("uri"), str) else None
        if document is not None and isinstance(data.get("line"), int):
            document = document.focus(data["line"])
        text = completion.describe(document, data)
        if text:
            item.documentation = t.MarkupContent(kind=t.MarkupKind.Markdown, value=text)
        return item

    @server.feature(t.TEXT_DOCUMENT_SIGNATURE_HELP,
                    t.SignatureHelpOptions(trigger_characters=["(", ","], retrigger_characters=[","]))
    @_fresh
    async def on_signature_help(ls: HyperCodeServer, params: t.SignatureHelpParams):
        document = await _focused(ls, params)
        if document is None:
            return None
        found = hover.signature_help(document, *_pos(ls, document, params.position), load=ls.load)
        if found is None:
            return None
        signature = t.SignatureInformation(
            label=found.label, documentation=t.MarkupContent(kind=t.MarkupKind.Markdown, value=found.doc),
            parameters=[t.ParameterInformation(label=p) for p in found.params])
        return t.SignatureHelp(signatures=[signature], active_signature=0, active_parameter=found.active_param)

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    @_fresh
    async def on_definition(ls: HyperCodeServer, params: t.DefinitionParams):
        document = await _focused(ls, params)
        if document is None:
            return None
        out = []
        for target in navigation.definition(document, *_pos(ls, document, params.position), load=ls.load):
            if target.filename is None:
                out.append(t.Location(uri=params.text_document.uri, range=ls.positions.range_of(document.lines, target.loc)))
            else:
                other = ls.load(target.filename)
                lines = other.lines if other is not None else []
                out.append(t.Location(uri=from_fs_path(target.filename), range=ls.positions.range_of(lines, target.loc)))
        return out or None

    @server.feature(t.TEXT_DOCUMENT_REFERENCES)
    @_fresh
    async def on_references(ls: HyperCodeServer, params: t.ReferenceParams):
        document = await _analysed(ls, params)
        if document is None:
            return None
        line, col = _pos(ls, document, params.position)
        include = params.context.include_declaration
        member = await _module_member(ls, document, line, col)
        if member is None:
            locs = navigation.references(document, line, col, include_declaration=include)
            return [t.Location(uri=params.text_document.uri, range=ls.positions.range_of(document.lines, loc))
                    for loc in locs]
        found = await _across_files(ls, member, lambda files: crossfile.references(member, files, include))
        return [t.Location(uri=_uri_of(ls, filename, params.text_document.uri), range=ls.positions.range_of(doc.lines, loc))
                for filename, (doc, locs) in sorted(found.items()) for loc in locs]

    @server.feature(t.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    @_fresh
    async def on_highlight(ls: HyperCodeServer, params: t.DocumentHighlightParams):
        document = await _analysed(ls, params)
        if document is None:
            return None
        return [t.DocumentHighlight(range=ls.positions.range_of(document.lines, loc),
                                    kind=t.DocumentHighlightKind.Write if write else t.DocumentHighlightKind.Read)
                for loc, write in navigation.highlights(document, *_pos(ls, document, params.position))]

    @server.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)
    @_fresh
    async def on_prepare_rename(ls: HyperCodeServer, params: t.PrepareRenameParams):
        document = await _focused(ls, params)
        if document is None:
            return None
        try:
            loc, name = navigation.prepare_rename(document, *_pos(ls, document, params.position), load=ls.load)
        except navigation.RenameRefused as refused:
            raise RequestFailed(str(refused)) from None
        return t.PrepareRenamePlaceholder(range=ls.positions.range_of(document.lines, loc), placeholder=name)

    @server.feature(t.TEXT_DOCUMENT_RENAME, t.RenameOptions(prepare_provider=True))
    @_fresh
    async def on_rename(ls: HyperCodeServer, params: t.RenameParams):
        document = await _analysed(ls, params)
        if document is None:
            return None
        line, col = _pos(ls, document, params.position)
        try:
            navigation.prepare_rename(document, line, col, load=ls.load)
            member = await _module_member(ls, document, line, col)
            if member is None:
                locs = navigation.rename_edits(document, line, col, params.new_name)
                found = {None: (document, locs)}
            else:
                found = await _across_files(ls, member, lambda files: crossfile.rename(member, params.new_name, files))
        except navigation.RenameRefused as refused:
            raise RequestFailed(str(refused)) from None
        changes = {}
        for filename, (doc, locs) in found.items():
            uri = _uri_of(ls, filename, params.text_document.uri)
            changes[uri] = [t.TextEdit(range=ls.positions.range_of(doc.lines, loc), new_text=params.new_name)
                            for loc in locs]
        return t.WorkspaceEdit(changes=changes)

    @server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @_fresh
    async def on_document_symbol(ls: HyperCodeServer, params: t.DocumentSymbolParams):
        document = await _analysed(ls, params)
        if document is None:
            return None
        return [_symbol(ls, document.lines, s) for s in outline.document_symbols(document)]

    @server.feature(t.WORKSPACE_SYMBOL)
    @_fresh
    async def on_workspace_symbol(ls: HyperCodeServer, params: t.WorkspaceSymbolParams):
        found = []
        for uri, document in await _workspace_documents(ls):
            for symbol in outline.workspace_symbols(document):
                if outline.matches(params.query, symbol.name):
                    found.append(t.SymbolInformation(
                        name=symbol.name, kind=SYMBOL_KINDS[symbol.kind],
                        location=t.Location(uri=uri, range=ls.positions.range_of(document.lines, symbol.selection_loc))))
        return found

    @server.feature(t.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
                    t.SemanticTokensRegistrationOptions(legend=LEGEND, full=True, range=True))
    @_fresh
    async def on_semantic_tokens(ls: HyperCodeServer, params: t.SemanticTokensParams):
        document = await _analysed(ls, params)
        if document is None:
            return t.SemanticTokens(data=[])
        return t.SemanticTokens(data=_encode_tokens(ls, document, semantic.tokens(document)))

    @server.feature(t.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE)
    @_fresh
    async def on_semantic_tokens_range(ls: HyperCodeServer, params: t.SemanticTokensRangeParams):
        document = await _analysed(ls, params)
        if document is None:
            return t.SemanticTokens(data=[])
        first, _, last, _ = ls.positions.from_range(document.lines, params.range)
        return t.SemanticTokens(data=_encode_tokens(ls, document, semantic.tokens(document, first, last)))

    @server.feature(t.TEXT_DOCUMENT_INLAY_HINT)
    @_fresh
    async def on_inlay_hint(ls: HyperCodeServer, params: t.InlayHintParams):
        document = await _analysed(ls, params)
        if document is None or not ls.settings.hints:
            return []
        first, _, last, _ = ls.positions.from_range(document.lines, params.range)
        return [t.InlayHint(position=ls.positions.position(document.lines, h.line, h.col), label=h.label,
                            kind=t.InlayHintKind.Parameter, padding_right=True)
                for h in hints.parameter_hints(document, first, last)]

    @server.feature(t.TEXT_DOCUMENT_CODE_LENS)
    @_fresh
    async def on_code_lens(ls: HyperCodeServer, params: t.CodeLensParams):
        document = await _uri_document(ls, params)
        if document is None:
            return None
        uri = params.text_document.uri
        return [t.CodeLens(range=ls.positions.range_of(document.lines, statement["loc"][:2] * 2),
                           command=t.Command(title=f"▶ Run {statement['def']['name']}()",
                                             command="hypercode.runFunction",
                                             arguments=[uri, statement["def"]["name"]]))
                for statement in document.program["body"] if "def" in statement and statement.get("loc")
                and all(param["default"] is not None for param in statement["def"]["params"])]


async def _module_member(ls: HyperCodeServer, document, line: int, col: int):
    """The top-level name at the position when other files can use it (see `crossfile`)."""
    def find():
        with documents_lock():
            return crossfile.member_at(document, line, col, ls.load)
    return await asyncio.get_running_loop().run_in_executor(None, find)


async def _across_files(ls: HyperCodeServer, member, work):
    """`work(files)` on the module's folder: open buffers as they are, other `.hc` files from disk.
    Listing, reading and parsing run off the event loop."""
    buffers = {}
    for uri in ls.documents.open_documents():
        filename = filename_of(uri)
        if filename and Path(filename).resolve().parent == member.folder:
            document = await ls.document(uri)
            if document is not None:
                buffers[filename] = document

    def run():
        files = dict(module_folder_files(ls, member.folder, skip=buffers))
        files.update(buffers)
        with documents_lock():
            return work(files)
    return await asyncio.get_running_loop().run_in_executor(None, run)


def module_folder_files(ls: HyperCodeServer, folder: Path, skip=()) -> dict[str, str]:
    """{path: text} of the `.hc` files directly in `folder` that this session may read (inside a
    declared workspace folder: `workspace.may_read`), within one scan budget of files and bytes."""
    if not confined.inside(folder, confined.roots(ls)):
        return {}
    budget = confined.Budget()
    skipped = {Path(p).resolve() for p in skip}
    found, total = {}, 0
    try:
        candidates = sorted(folder.glob("*.hc"))
    except OSError:
        return {}
    for path in candidates:
        if len(found) >= budget.files or total > budget.bytes:
            ls.log(say("server.scan_stopped_files", count=f"{len(found):,}", folder=folder))
            break
        if path.resolve() in skipped or not confined.may_read(ls, path):
            continue
        try:
            text = confined.read_unopened(ls, from_fs_path(str(path)), str(path))
        except JsonRpcException:
            continue
        if text is not None:
            found[str(path)] = text
            total += len(text)
    return found


def _uri_of(ls: HyperCodeServer, filename: str | None, default: str) -> str:
    if filename is None:
        return default
    wanted = Path(filename).resolve()
    for uri in ls.documents.open_documents():        # keep the client's own spelling of open files
        own = filename_of(uri)
        if own and Path(own).resolve() == wanted:
            return uri
    return from_fs_path(filename)


def _symbol(ls, lines, symbol) -> t.DocumentSymbol:
    return t.DocumentSymbol(name=symbol.name, kind=SYMBOL_KINDS[symbol.kind], detail=symbol.detail or None,
                            range=ls.positions.range_of(lines, symbol.loc), selection_range=ls.positions.range_of(lines, symbol.selection_loc),
                            children=[_symbol(ls, lines, c) for c in symbol.children])


def _encode_tokens(ls, document, tokens) -> list[int]:
    data = []
    previous_line, previous_start = 0, 0
    for token in tokens:
        text = document.line_text(token.line)
        line = token.line - 1
        start = ls.positions.to_units(text, token.col)
        length = ls.positions.length(text, token.col, token.end_col)
        if length <= 0:
            continue
        delta_start = start - previous_start if line == previous_line else start
        modifiers = sum(1 << semantic.TOKEN_MODIFIERS.index(m) for m in token.modifiers)
        data += [line - previous_line, delta_start, length, semantic.TOKEN_TYPES.index(token.type), modifiers]
        previous_line, previous_start = line, start
    return data


async def _workspace_documents(ls: HyperCodeServer):
    """(uri, Document) for open documents and `.hc` files in the workspace folders (a bounded
    scan on a worker thread: see `lsp_server.workspace`)."""
    seen = {}
    for uri in ls.documents.open_documents():
        document = await ls.documents.analysed(uri)
        if document is not None:
            seen[uri] = document

    def parse(path: str, text: str):      # on the scanner thread: parse and analyse there
        from hypercode_lang.analysis.document import Document
        with documents_lock():
            document = Document(text, path)
            _ = document.analysis
        return from_fs_path(path), document

    open_files = [name for name in map(filename_of, seen) if name]
    scanned = await confined.scan(ls, parse, skip=open_files)
    if scanned.stopped:
        ls.log(say("server.scan_stopped_early", reason=scanned.stopped))
    for uri, document in scanned.found:
        seen.setdefault(uri, document)
    return list(seen.items())


# ====================================================================== editing

def _register_editing(server: HyperCodeServer) -> None:
    @server.feature(t.TEXT_DOCUMENT_FOLDING_RANGE)
    @_fresh
    async def on_folding(ls: HyperCodeServer, params: t.FoldingRangeParams):
        document = await _uri_document(ls, params)
        if document is None:
            return None
        return [t.FoldingRange(start_line=f.start - 1, end_line=f.end - 1, kind=FOLD_KINDS[f.kind])
                for f in outline.folding_ranges(document)]

    @server.feature(t.TEXT_DOCUMENT_SELECTION_RANGE)
    @_fresh
    async def on_selection_range(ls: HyperCodeServer, params: t.SelectionRangeParams):
        document = await _uri_document(ls, params)
        if document is None:
            return None
        result = []
        for pos in params.positions:
            parent = None
            for loc in reversed(outline.selection_chain(document, *_pos(ls, document, pos))):
                parent = t.SelectionRange(range=ls.positions.range_of(document.lines, loc), parent=parent)
            result.append(parent)
        return result

    @server.feature(t.TEXT_DOCUMENT_FORMATTING)
    @_fresh
    async def on_formatting(ls: HyperCodeServer, params: t.DocumentFormattingParams):
        document = await _uri_document(ls, params)
        return _format_edits(ls, document, None)

    @server.feature(t.TEXT_DOCUMENT_RANGE_FORMATTING)
    @_fresh
    async def on_range_formatting(ls: HyperCodeServer, params: t.DocumentRangeFormattingParams):
        document = await _uri_document(ls, params)
        if document is None:
            return []
        first, _, last, last_col = ls.positions.from_range(document.lines, params.range)
        return _format_edits(ls, document, (first, last if last_col > 1 or last == first else last - 1))


def _format_edits(ls: HyperCodeServer, document, lines_wanted) -> list[t.TextEdit]:
    """Minimal edits to the formatted text (only those touching `lines_wanted`, when given)."""
    from hypercode_lang.analysis.formatting import format_edits
    if document is None:
        return []
    edits = format_edits(document.source, *(lines_wanted or (None, None)))
    if edits is None:
        ls.log(say("server.format_syntax_errors"),
               t.MessageType.Info)
        return []
    return convert.text_edits(edits, document.lines, ls.positions)


# ====================================================================== custom requests

def _param(params, key, default=None):
    if isinstance(params, dict):
        return params.get(key, default)
    return getattr(params, key, default)


def _register_custom(server: HyperCodeServer) -> None:
    @server.feature("hypercode/run")
    async def run_request(ls: HyperCodeServer, params):
        uri = _param(params, "uri")
        if not isinstance(uri, str):
            raise JsonRpcInvalidParams("hypercode/run needs a 'uri' string")
        source = ls.documents.text(uri)
        if source is None:
            raise JsonRpcInvalidParams(say("server.no_document", uri=uri))
        selection = None
        rng = _param(params, "range")
        if rng is not None:
            try:
                start, end = _param(rng, "start"), _param(rng, "end")
                lines = source.split("\n")
                first = ls.positions.from_position(lines, t.Position(line=int(_param(start, "line")),
                                                        character=int(_param(start, "character"))))
                last = ls.positions.from_position(lines, t.Position(line=int(_param(end, "line")),
                                                       character=int(_param(end, "character"))))
            except (TypeError, ValueError) as problem:
                raise JsonRpcInvalidParams(f"'range' is not an LSP range: {problem}") from None
            selection = _slice(lines, first, last)
        timeout = _param(params, "timeout")
        limit = ls.settings.time_limit  # a client may ask for less time, never more
        if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0:
            limit = min(float(timeout), limit)
        try:
            text = run.program_text(source, selection, _param(params, "function"))
        except ValueError as problem:
            raise JsonRpcInvalidParams(str(problem)) from None
        run_id = _param(params, "runId")
        return await ls.runs.run(ls.protocol.notify, text, filename_of(uri), limit,
                                 run_id=run_id if isinstance(run_id, str) else None,
                                 interactive=_param(params, "interactive") is True)

    @server.feature("hypercode/runStop")
    def run_stop_request(ls: HyperCodeServer, params):
        return {"stopped": ls.runs.stop(_param(params, "runId"))}

    @server.feature("hypercode/runInput")
    def run_input_notification(ls: HyperCodeServer, params):
        ls.runs.send_input(_param(params, "runId"), None if _param(params, "eof") is True else
                           str(_param(params, "text", "")))

    @server.feature(t.SHUTDOWN)
    def shutdown_request(ls: HyperCodeServer, *args):
        ls.close_session()

    @server.feature("hypercode/explain")
    def explain_request(ls: HyperCodeServer, params):
        code = _param(params, "code")
        entry = CATALOGUE.get(code.upper()) if isinstance(code, str) else None
        if entry is None:
            raise JsonRpcInvalidParams(say("server.no_such_code", code=code))
        explanation = f"## {entry.code} · {entry.title}\n\n{entry.why}\n\n{entry.explanation}\n"
        return {"code": entry.code, "title": entry.title, "explanation": explanation}


def _slice(lines: list[str], first: tuple[int, int], last: tuple[int, int]) -> str:
    (l1, c1), (l2, c2) = first, last
    if (l2, c2) < (l1, c1):
        (l1, c1), (l2, c2) = (l2, c2), (l1, c1)
    if l1 == l2:
        return lines[l1 - 1][c1 - 1:c2 - 1] if l1 <= len(lines) else ""
    parts = [lines[l1 - 1][c1 - 1:]] + lines[l1:l2 - 1] + [lines[l2 - 1][:c2 - 1] if l2 <= len(lines) else ""]
    return "\n".join(parts)


__all__ = ["create_server", "HyperCodeServer"]
