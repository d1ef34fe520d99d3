"""Agent requests in the language server: code actions, `hypercode.agent.*` commands with
`$/progress`, and the `hypercode/agent` request family for hyperflow's panel.

    code action "Explain with HyperCode" → workspace/executeCommand hypercode.agent.explain
        [{uri, range?, diagnostic?, question?}] → $/progress begin "queued" → report "explainer is
        working" → end "done" → result {taskId, markdown, edits, files, findings, agent}
    hypercode.agent.accept [taskId] → workspace/applyEdit (one WorkspaceEdit: one undo step)
    hypercode/agent {kind, uri, range?, diagnostic?, question?} → {taskId}, then notifications
        hypercode/agentProgress {taskId, state, agent?, message?} and hypercode/agentResult
        {taskId, result}; hypercode/agentCancel {taskId} stops it.

The work runs on the swarm's embedded bridge (agent_bridge.client) in worker threads, or in this
process through the specialists directly when the bridge isn't installed. Handlers stay thin:
positions are converted here (client units ⇄ code points) and everything else is the agents'.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
import uuid
from dataclasses import dataclass, field

from lsprotocol import types as t
from pygls.exceptions import JsonRpcInvalidParams

from agent_bridge.specialists import KINDS, ROLE_FOR_KIND, handle_locally
from agent_bridge.specialists import messages as m
from hypercode_lang.diagnostics.catalogue import editor_message as say

COMMAND_FOR_KIND = {kind: f"hypercode.agent.{kind}" for kind in KINDS}
ACCEPT_COMMAND = "hypercode.agent.accept"
FINAL_STATES = ("done", "failed", "cancelled")
RESULT_TIMEOUT = 300.0
KEEP_RESULTS = 50          # answers kept per server so they can be accepted later


# ------------------------------------------------------------------ the backend (shared per process)

_bridge = None
_bridge_lock = threading.Lock()


def shared_bridge():
    """The embedded swarm bridge for this process, started on first use; None without one."""
    global _bridge
    with _bridge_lock:
        if _bridge is None:
            try:
                from agent_bridge.client import Bridge
                _bridge = Bridge.embedded()
            except Exception:  # noqa: BLE001 - no swarm (not installed, data folder unwritable): answer in-process
                _bridge = False
            else:
                atexit.register(_bridge.close)
        return _bridge or None


def _run_on_bridge(bridge, running: "Running", kind: str, payload: dict, notify) -> dict:
    """Blocking: submit, relay events, return the result (raises RuntimeError on failure)."""
    task_id = bridge.submit(kind, payload, priority=3)
    running.bridge_task = task_id
    if running.cancel_requested.is_set():
        bridge.cancel(task_id)
    for event in bridge.events(task_id):
        kind_of_event = event.get("type")
        body = event.get("payload") or {}
        if kind_of_event == "leased":
            running.agent = body.get("agent") or running.agent
            notify("working", None)
        elif kind_of_event == "progress":
            notify("working", body.get("message"))
        elif kind_of_event == "failed":
            notify("working", m.LSP_RETRYING)
    view = bridge.status(task_id)
    if view.get("state") == "cancelled":
        raise Cancelled()
    if view.get("state") != "done":
        error = view.get("error")
        raise RuntimeError(error.get("message") if isinstance(error, dict) else str(error or view.get("state")))
    return view["result"]


def _run_locally(running: "Running", kind: str, payload: dict, notify) -> dict:
    running.agent = {"id": f"local-{ROLE_FOR_KIND[kind]}", "role": ROLE_FOR_KIND[kind]}
    notify("working", None)
    result = handle_locally(kind, payload, progress=lambda message: notify("working", message),
                            cancelled=running.cancel_requested.is_set)
    if running.cancel_requested.is_set():
        raise Cancelled()
    return result


class Cancelled(Exception):
    pass


# ------------------------------------------------------------------ one request in flight

@dataclass
class Running:
    task_id: str
    kind: str
    uri: str
    text: str                               # the document text the request was about
    agent: dict | None = None
    state: str = "queued"
    result: dict | None = None
    bridge_task: str | None = None
    future: "asyncio.Future | None" = None
    cancel_requested: threading.Event = field(default_factory=threading.Event)


class AgentService:
    """The agent requests of one server (one editor connection)."""

    def __init__(self, ls):
        self.ls = ls
        self.tasks: dict[str, Running] = {}

    # -------------------------------------------------------------- requests from the editor
    def start(self, kind: str, params, on_update) -> Running:
        """Begin a request; `on_update(running, state, message)` runs on the event loop."""
        if kind not in KINDS:
            raise JsonRpcInvalidParams(f"'kind' must be one of {', '.join(KINDS)}; got {kind!r}")
        uri = _get(params, "uri")
        if not isinstance(uri, str):
            raise JsonRpcInvalidParams(say("server.needs_uri"))
        text = self.ls.documents.text(uri)
        if text is None:
            raise JsonRpcInvalidParams(say("server.no_document", uri=uri))
        payload = self._payload(uri, text, params)
        running = Running(uuid.uuid4().hex, kind, uri, text)
        self.tasks[running.task_id] = running
        self._forget_old()
        loop = asyncio.get_running_loop()

        def notify(state: str, message: str | None) -> None:  # from a worker thread
            loop.call_soon_threadsafe(self._update, running, state, message, on_update)

        async def work():
            self._update(running, "queued", None, on_update)
            try:
                result = await loop.run_in_executor(None, self._run, running, kind, payload, notify)
            except Cancelled:
                self._update(running, "cancelled", m.LLM_CANCELLED, on_update)
                return
            except Exception as problem:  # noqa: BLE001 - the editor gets a calm message, not a trace
                self._update(running, "failed", m.LSP_FAILED.format(error=problem), on_update)
                return
            running.result = self._for_client(running, result)
            self._update(running, "done", None, on_update)

        running.future = asyncio.ensure_future(work())
        return running

    def cancel(self, task_id: str) -> bool:
        running = self.tasks.get(task_id)
        if running is None or running.state in FINAL_STATES:
            return False
        running.cancel_requested.set()
        if running.bridge_task:
            bridge = shared_bridge()
            if bridge is not None:
                threading.Thread(target=_quietly, args=(bridge.cancel, running.bridge_task), daemon=True).start()
        return True

    @staticmethod
    def _run(running: Running, kind: str, payload: dict, notify) -> dict:
        bridge = shared_bridge()
        if bridge is None:
            return _run_locally(running, kind, payload, notify)
        return _run_on_bridge(bridge, running, kind, payload, notify)

    def _update(self, running: Running, state: str, message: str | None, on_update) -> None:
        if running.state in FINAL_STATES:
            return
        running.state = state
        on_update(running, state, message)

    def _forget_old(self) -> None:
        finished = [key for key, r in self.tasks.items() if r.state in FINAL_STATES]
        for key in finished[:-KEEP_RESULTS]:
            self.tasks.pop(key, None)

    # -------------------------------------------------------------- positions
    def _payload(self, uri: str, text: str, params) -> dict:
        lines = text.split("\n")
        payload = {"uri": uri, "text": text}
        rng = _get(params, "range")
        if rng is not None:
            try:
                l1, c1, l2, c2 = self.ls.positions.from_range(lines, _lsp_range(rng))
            except (TypeError, ValueError, KeyError, AttributeError) as problem:
                raise JsonRpcInvalidParams(f"'range' is not an LSP range: {problem}") from None
            payload["range"] = {"start": {"line": l1 - 1, "character": c1 - 1},
                                "end": {"line": l2 - 1, "character": c2 - 1}}
        diagnostic = _get(params, "diagnostic")
        if isinstance(diagnostic, dict):
            payload["diagnostic"] = _spec_diagnostic(diagnostic, lines, self.ls.positions)
        question = _get(params, "question")
        if isinstance(question, str) and question.strip():
            payload["question"] = question
        user = _local_user()
        if user:
            payload["user"] = user          # whose memory: the person at this editor
        return payload

    def _for_client(self, running: Running, result: dict) -> dict:
        """The result with edit and finding ranges in the client's position units."""
        lines = running.text.split("\n")

        def client_range(rng: dict) -> dict:
            start, end = rng["start"], rng["end"]
            converted = self.ls.positions.range_of(lines, (start["line"] + 1, start["character"] + 1,
                                                           end["line"] + 1, end["character"] + 1))
            return {"start": {"line": converted.start.line, "character": converted.start.character},
                    "end": {"line": converted.end.line, "character": converted.end.character}}

        edits = [{"uri": edit.get("uri") or running.uri, "new_text": edit["new_text"],
                  "range": client_range(edit["range"])} for edit in result.get("edits") or []]
        findings = [{**finding, "range": client_range(finding["range"])}
                    if isinstance(finding.get("range"), dict) and "start" in finding["range"] else finding
                    for finding in result.get("findings") or []]
        return {**result, "edits": edits, "findings": findings, "taskId": running.task_id}

    # -------------------------------------------------------------- accepting an answer
    def workspace_edit(self, task_id: str) -> tuple[t.WorkspaceEdit, str]:
        """One WorkspaceEdit with the answer's edits and new files (one undo step), and its label."""
        running = self.tasks.get(task_id)
        if running is None or running.result is None:
            raise JsonRpcInvalidParams(m.LSP_NO_ANSWER.format(task=task_id))
        if self.ls.documents.text(running.uri) != running.text:
            raise JsonRpcInvalidParams(m.LSP_STALE)
        result = running.result
        text_edits = [t.TextEdit(range=_lsp_range(e["range"]), new_text=e["new_text"]) for e in result["edits"]
                      if e["uri"] == running.uri]
        files = result.get("files") or []
        if not text_edits and not files:
            raise JsonRpcInvalidParams(m.ASK_NO_EDIT)
        label = m.LSP_EDIT_LABEL.format(kind=running.kind)
        if not files or not self.ls.supports("workspace.workspace_edit.document_changes"):
            return t.WorkspaceEdit(changes={running.uri: text_edits}), label
        changes: list = []
        if text_edits:
            version = self.ls.documents.version(running.uri)
            changes.append(t.TextDocumentEdit(
                text_document=t.OptionalVersionedTextDocumentIdentifier(uri=running.uri, version=version),
                edits=text_edits))
        from pygls.uris import from_fs_path
        for item in files:
            file_uri = from_fs_path(item["path"])
            changes.append(t.CreateFile(uri=file_uri, options=t.CreateFileOptions(overwrite=True)))
            changes.append(t.TextDocumentEdit(
                text_document=t.OptionalVersionedTextDocumentIdentifier(uri=file_uri, version=None),
                edits=[t.TextEdit(range=t.Range(start=t.Position(line=0, character=0),
                                                end=t.Position(line=0, character=0)), new_text=item["text"])]))
        return t.WorkspaceEdit(document_changes=changes), label


def _local_user() -> str | None:
    import getpass
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name (some containers): no memory, still an answer
        return None


def _quietly(function, *args) -> None:
    try:
        function(*args)
    except Exception:  # noqa: BLE001 - cancelling a task that just finished is not a problem
        pass


def _get(params, key, default=None):
    if isinstance(params, dict):
        return params.get(key, default)
    return getattr(params, key, default)


def _lsp_range(rng) -> t.Range:
    if isinstance(rng, t.Range):
        return rng
    start, end = _get(rng, "start"), _get(rng, "end")
    return t.Range(start=t.Position(line=int(_get(start, "line")), character=int(_get(start, "character"))),
                   end=t.Position(line=int(_get(end, "line")), character=int(_get(end, "character"))))


def _spec_diagnostic(diagnostic: dict, lines: list[str], positions) -> dict:
    """A diagnostic in the spec §8 shape (1-based code points) from either that shape or LSP's."""
    rng = diagnostic.get("range") or {}
    if "start" not in rng:
        return diagnostic
    line, col, end_line, end_col = positions.from_range(lines, _lsp_range(rng))
    code = diagnostic.get("code")
    return {"code": code if isinstance(code, str) else str(code or ""), "message": diagnostic.get("message", ""),
            "severity": {1: "error", 2: "warning", 3: "hint", 4: "hint"}.get(diagnostic.get("severity"), "error"),
            "range": {"line": line, "col": col, "end_line": end_line, "end_col": end_col}}


def service(ls) -> AgentService:
    found = getattr(ls, "_agent_service", None)
    if found is None:
        found = ls._agent_service = AgentService(ls)
    return found


# ------------------------------------------------------------------ code actions

def code_actions(ls, params: t.CodeActionParams, document) -> list[t.CodeAction]:
    """Explain and Fix on a diagnostic; Explain on a selection; Write tests in a function; Review file."""
    uri = params.text_document.uri
    rng = params.range
    wire_range = {"start": {"line": rng.start.line, "character": rng.start.character},
                  "end": {"line": rng.end.line, "character": rng.end.character}}
    actions = []

    def action(title: str, kind: str, code_action_kind, arguments: dict, diagnostics=None) -> None:
        actions.append(t.CodeAction(title=title, kind=code_action_kind, diagnostics=diagnostics,
                                    command=t.Command(title=title, command=COMMAND_FOR_KIND[kind],
                                                      arguments=[arguments])))

    lines = document.lines
    from . import convert
    for d in convert.shown(document.diagnostics, ls.settings):
        lsp_diagnostic = convert.diagnostic(d, lines, ls.settings, uri, ls.positions)
        if not convert.ranges_overlap(lsp_diagnostic.range, rng):
            continue
        d_range = lsp_diagnostic.range
        arguments = {"uri": uri, "diagnostic": d.to_json(),
                     "range": {"start": {"line": d_range.start.line, "character": d_range.start.character},
                               "end": {"line": d_range.end.line, "character": d_range.end.character}}}
        action(m.LSP_ACTIONS["explain_diagnostic"], "explain", t.CodeActionKind.QuickFix, arguments, [lsp_diagnostic])
        if d.is_error:
            action(m.LSP_ACTIONS["fix"], "fix", t.CodeActionKind.QuickFix, arguments, [lsp_diagnostic])
    selected = (rng.start.line, rng.start.character) != (rng.end.line, rng.end.character)
    if selected:
        action(m.LSP_ACTIONS["explain_selection"], "explain", t.CodeActionKind.RefactorRewrite,
               {"uri": uri, "range": wire_range})
    function = _function_at(document, rng.start.line + 1)
    if function is not None:
        loc = function["loc"]
        f_range = ls.positions.range_of(lines, loc)
        arguments = {"uri": uri, "range": {"start": {"line": f_range.start.line, "character": f_range.start.character},
                                           "end": {"line": f_range.end.line, "character": f_range.end.character}}}
        name = function["def"]["name"]
        if not selected:
            action(m.LSP_ACTIONS["explain_function"].format(name=name), "explain", t.CodeActionKind.RefactorRewrite,
                   arguments)
        action(m.LSP_ACTIONS["test"].format(name=name), "test", t.CodeActionKind.Source, arguments)
    action(m.LSP_ACTIONS["review"], "review", t.CodeActionKind.Source, {"uri": uri})
    return actions


def _function_at(document, line: int):
    from agent_bridge.specialists.common import function_at
    program = getattr(document, "program", None)
    if program is None:
        from hypercode_lang import api
        program = api.parse(getattr(document, "source", "")).program
    return function_at(program, line)


# ------------------------------------------------------------------ commands and requests

def register(server) -> None:
    """Add the agent commands to the server's command table and the custom requests to `server`."""
    from .server import COMMANDS
    for kind, name in COMMAND_FOR_KIND.items():
        COMMANDS[name] = _command_for(kind)
    COMMANDS[ACCEPT_COMMAND] = accept_command

    @server.feature("hypercode/agent")
    async def agent_request(ls, params):
        kind = _get(params, "kind")

        def on_update(running: Running, state: str, message: str | None) -> None:
            progress = {"taskId": running.task_id, "state": state}
            if running.agent:
                progress["agent"] = running.agent
            if message:
                progress["message"] = message
            ls.protocol.notify("hypercode/agentProgress", progress)
            if state == "done":
                ls.protocol.notify("hypercode/agentResult", {"taskId": running.task_id, "result": running.result})
            elif state in ("failed", "cancelled"):
                ls.protocol.notify("hypercode/agentResult", {"taskId": running.task_id, "result": None,
                                                             "state": state, "message": message})

        running = service(ls).start(kind, params, on_update)
        return {"taskId": running.task_id}

    @server.feature("hypercode/agentCancel")
    def agent_cancel(ls, params):
        task_id = _get(params, "taskId")
        if not isinstance(task_id, str):
            raise JsonRpcInvalidParams(say("server.cancel_needs_task"))
        return {"taskId": task_id, "cancelled": service(ls).cancel(task_id)}


def _command_for(kind: str):
    async def run_agent(ls, *arguments):
        params = _command_params(arguments)
        token = None
        if ls.supports("window.work_done_progress"):
            token = f"hypercode-agent-{uuid.uuid4().hex}"
            try:
                await ls.work_done_progress.create_async(token)
            except Exception:  # noqa: BLE001 - progress is a courtesy; the answer still comes
                token = None
        done = asyncio.get_running_loop().create_future()
        title = m.LSP_PROGRESS_TITLE.format(kind=m.LSP_KIND_WORDS.get(kind, kind))

        def on_update(running: Running, state: str, message: str | None) -> None:
            if token is not None:
                words = _progress_words(running, state, message)
                if state == "queued":
                    ls.work_done_progress.begin(token, t.WorkDoneProgressBegin(title=title, message=words,
                                                                               cancellable=True))
                elif state == "working":
                    ls.work_done_progress.report(token, t.WorkDoneProgressReport(message=words, cancellable=True))
                else:
                    ls.work_done_progress.end(token, t.WorkDoneProgressEnd(message=words))
            if state in FINAL_STATES and not done.done():
                done.set_result(state)

        running = service(ls).start(kind, params, on_update)
        if token is not None:
            cancel_future = ls.work_done_progress.tokens.get(token)
            if cancel_future is not None:
                cancel_future.add_done_callback(
                    lambda f: f.cancelled() and service(ls).cancel(running.task_id))
        state = await asyncio.wait_for(done, RESULT_TIMEOUT)
        if token is not None:
            ls.work_done_progress.tokens.pop(token, None)
        if state == "done":
            return running.result
        return {"taskId": running.task_id, "state": state, "markdown": m.LSP_NOT_DONE[state],
                "edits": [], "files": [], "findings": [], "agent": running.agent}
    return run_agent


def _command_params(arguments) -> dict:
    """Commands take one object {uri, range?, diagnostic?, question?} or (uri, range?, diagnostic?, question?)."""
    if len(arguments) == 1 and isinstance(arguments[0], dict):
        return arguments[0]
    names = ("uri", "range", "diagnostic", "question")
    if len(arguments) > len(names):
        raise JsonRpcInvalidParams(say("server.unexpected_arguments", arguments=repr(list(arguments))))
    return {name: value for name, value in zip(names, arguments) if value is not None}


def _progress_words(running: Running, state: str, message: str | None) -> str:
    role = (running.agent or {}).get("role") or ROLE_FOR_KIND[running.kind]
    if state == "queued":
        return m.LSP_QUEUED
    if state == "working":
        return m.LSP_WORKING.format(role=role) + (f": {message}" if message else "")
    return m.LSP_FINISHED[state]


async def accept_command(ls, *arguments):
    """Apply an answer's edits (and new files) with one workspace/applyEdit: one undo step."""
    task_id = arguments[0] if arguments else None
    if isinstance(task_id, dict):
        task_id = task_id.get("taskId")
    if not isinstance(task_id, str):
        raise JsonRpcInvalidParams(say("server.accept_needs_task"))
    edit, label = service(ls).workspace_edit(task_id)
    response = await ls.workspace_apply_edit_async(t.ApplyWorkspaceEditParams(edit=edit, label=label))
    return {"taskId": task_id, "applied": bool(getattr(response, "applied", False)),
            "reason": getattr(response, "failure_reason", None)}
