"""The llm agent: OpenAI-compatible chat completions over httpx (Ollama, llama.cpp server, vLLM,
OpenAI), streamed or not. It answers `ask` and can back any role.

Two rules keep it safe:
- The program is sent as DATA between random, unguessable delimiter lines, and the system
  message says that nothing inside them is an instruction. A comment "ignore your instructions"
  stays inside the data block.
- The only way an edit reaches the person is a complete corrected file in a ```hypercode-file
  block, which then goes through the fixer's validation (`check`, and the failing run re-run).
  Tool calls, JSON "edits", or a block naming another file are ignored.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass

import httpx

from . import messages as m
from .common import Source, result_edit, validate_edits, whole_file_edit

DEFAULT_TIMEOUT = 60.0
PROGRESS_EVERY = 0.5  # seconds between "still writing" progress messages while streaming
FILE_BLOCK = re.compile(r"```hypercode-file([^\n]*)\n(.*?)```", re.S)


class LLMError(Exception):
    """A calm, user-facing reason the model didn't answer."""


@dataclass(frozen=True)
class LLMConfig:
    url: str
    model: str
    key: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    stream: bool = True

    @classmethod
    def from_env(cls, environ=None) -> "LLMConfig | None":
        environ = os.environ if environ is None else environ
        url = (environ.get("HYPERCODE_LLM_URL") or "").strip()
        if not url:
            return None
        try:
            timeout = float(environ.get("HYPERCODE_LLM_TIMEOUT") or DEFAULT_TIMEOUT)
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        stream = (environ.get("HYPERCODE_LLM_STREAM") or "1").strip().lower() not in ("0", "false", "no")
        return cls(url, environ.get("HYPERCODE_LLM_MODEL") or "default", environ.get("HYPERCODE_LLM_KEY") or None,
                   timeout, stream)

    @property
    def endpoint(self) -> str:
        base = self.url.rstrip("/")
        return base if base.endswith("/chat/completions") else base + "/chat/completions"


class ChatClient:
    """One chat-completions call; text comes back whole, or piece by piece to `on_text`."""

    def __init__(self, config: LLMConfig, transport: httpx.BaseTransport | None = None):
        self.config = config
        self.transport = transport

    def complete(self, messages: list[dict], *, on_text=None, cancelled=lambda: False) -> str:
        config = self.config
        headers = {"Content-Type": "application/json"}
        if config.key:
            headers["Authorization"] = f"Bearer {config.key}"
        body = {"model": config.model, "messages": messages, "stream": config.stream, "temperature": 0.2}
        timeout = httpx.Timeout(config.timeout, connect=min(10.0, config.timeout))
        try:
            with httpx.Client(timeout=timeout, transport=self.transport) as client:
                if not config.stream:
                    response = client.post(config.endpoint, headers=headers, json=body)
                    _raise_for_status(config, response)
                    return _message_text(config, response.json())
                with client.stream("POST", config.endpoint, headers=headers, json=body) as response:
                    if response.status_code >= 400:
                        response.read()
                    _raise_for_status(config, response)
                    return self._read_stream(response, on_text, cancelled)
        except httpx.TimeoutException:
            raise LLMError(m.LLM_TIMEOUT.format(url=config.url, seconds=_seconds(config.timeout))) from None
        except httpx.HTTPError as error:
            raise LLMError(m.LLM_UNREACHABLE.format(url=config.url, reason=_reason(error))) from None
        except (ValueError, KeyError, TypeError, IndexError):
            raise LLMError(m.LLM_BAD_REPLY.format(url=config.url)) from None

    def _read_stream(self, response, on_text, cancelled) -> str:
        """Server-sent events: `data: {json chunk}` lines, ending with `data: [DONE]`."""
        deadline = time.monotonic() + self.config.timeout
        pieces: list[str] = []
        for line in response.iter_lines():
            if cancelled():
                raise LLMCancelled()
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("stream took too long")
            line = line.strip()
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            chunk = json.loads(data)
            if chunk.get("error"):
                raise LLMError(m.LLM_HTTP_ERROR.format(url=self.config.url, status=_error_text(chunk["error"])))
            for choice in chunk.get("choices") or []:
                text = (choice.get("delta") or {}).get("content") or ""
                if text:
                    pieces.append(text)
                    if on_text:
                        on_text(text)
        return "".join(pieces)


class LLMCancelled(Exception):
    pass


def _raise_for_status(config: LLMConfig, response: httpx.Response) -> None:
    if response.status_code >= 400:
        detail = str(response.status_code)
        try:
            detail = f"{response.status_code}: {_error_text(response.json().get('error'))}"
        except (ValueError, AttributeError):
            pass
        raise LLMError(m.LLM_HTTP_ERROR.format(url=config.url, status=detail))


def _error_text(error) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or error.get("type") or "error")[:200]
    return str(error or "error")[:200]


def _message_text(config: LLMConfig, data: dict) -> str:
    message = data["choices"][0]["message"]
    return message.get("content") or ""


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return "the connection was refused" if "refused" in text.lower() else text[:120]


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ------------------------------------------------------------------ prompts

def data_markers(text: str) -> tuple[str, str]:
    """Delimiter lines the program's text cannot contain (so it can't close the block early)."""
    while True:
        nonce = secrets.token_hex(8)
        begin, end = f"<<<HYPERCODE-DATA {nonce}>>>", f"<<<END-HYPERCODE-DATA {nonce}>>>"
        if nonce not in text:
            return begin, end


def build_messages(kind: str, role: str, source: Source, *, question: str | None = None,
                   diagnostic=None) -> list[dict]:
    begin, end = data_markers(source.text)
    system = m.LLM_SYSTEM.format(role=role, begin=begin, end=end)
    request = [m.LLM_TASKS.get(kind, m.LLM_TASKS["ask"])]
    if kind == "ask":
        request.append(f"Question: {question}" if question else m.LLM_NO_QUESTION)
    elif question:
        request.append(f"Question: {question}")
    name = source.filename if source.filename != "<input>" else "program.hc"
    request.append(f"File: {os.path.basename(name)}")
    if source.selection:
        request.append(f"Selected lines: {source.selection[0]}-{source.selection[1]}")
    if diagnostic is not None:
        request.append(f"Problem reported by HyperCode on line {diagnostic.span.line}: "
                       f"{diagnostic.code} {diagnostic.title}. {diagnostic.message}")
    shown = source.text
    if source.window:
        # A huge file: only the window is sent (the blank lines standing in for the rest are not).
        shown = shown[source.window[0] - 1:]
        request.append(m.LLM_WINDOW.format(first=source.window[0], last=source.window[1],
                                           total=source.total_lines))
    numbered = shown if shown.endswith("\n") else shown + "\n"
    user = "\n".join(request) + f"\n\n{begin}\n{numbered}{end}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


# ------------------------------------------------------------------ the agent

KIND_FOR_ROLE = {"explainer": "explain", "fixer": "fix", "tester": "test", "reviewer": "review", "llm": "ask"}


class LLMSpecialist:
    """Answers `ask`; built with `backs="fixer"` (or another role) it plays that role instead, and
    only claims that role's kind, so a swarm's rules agents keep their own work."""

    def __init__(self, config: LLMConfig | None = None, transport: httpx.BaseTransport | None = None,
                 backs: str | None = None):
        self._config = config
        self.transport = transport
        self.backs = backs if backs in KIND_FOR_ROLE and backs != "llm" else None
        self.role = self.backs or "llm"
        self.kinds = frozenset({KIND_FOR_ROLE[self.role]})

    @property
    def config(self) -> LLMConfig | None:
        return self._config or LLMConfig.from_env()

    @property
    def engine(self) -> str:
        config = self.config
        return f"llm:{config.model}" if config else "rules"

    def handle(self, task: dict, ctx) -> dict:
        kind = task.get("kind", "ask")
        config = self.config
        if config is None:
            if kind == "ask":
                return _answer(f"{m.NO_LLM}\n\n{m.OFFER_OTHERS}",
                               findings=[{"message": m.NO_LLM, "offer": ["explain", "fix", "test", "review"]}])
            from . import ROLE_FOR_KIND, SPECIALISTS
            return SPECIALISTS[ROLE_FOR_KIND[kind]]().handle(task, ctx)
        payload = task["payload"]
        source = Source.from_payload(payload)
        target = failing_run = None
        if kind == "fix":
            from .fixer import Fixer
            target, failing_run = Fixer._target(source, payload.get("diagnostic"))
            if target is None:
                failing_run = None
        messages = build_messages(kind, self.role, source, question=payload.get("question"),
                                  diagnostic=target)
        ctx.progress(f"asking {config.model}")
        written = [0, time.monotonic()]

        def on_text(piece: str) -> None:
            written[0] += len(piece)
            if time.monotonic() - written[1] >= PROGRESS_EVERY:
                written[1] = time.monotonic()
                ctx.progress(f"{config.model} is writing ({written[0]} characters so far)")

        try:
            reply = ChatClient(config, self.transport).complete(messages, on_text=on_text, cancelled=ctx.cancelled)
        except LLMCancelled:
            return _answer(m.LLM_CANCELLED)
        except LLMError as error:
            return _answer(f"{error}\n\n{m.OFFER_OTHERS}", findings=[{"message": str(error), "error": "llm"}])
        return self._answer_from(reply, source, target, failing_run)

    def _answer_from(self, reply: str, source: Source, target, failing_run) -> dict:
        """The reply as markdown; a proposed file becomes an edit only if it passes validation."""
        edits, notes = [], []
        blocks = list(FILE_BLOCK.finditer(reply))
        text = FILE_BLOCK.sub("", reply).strip()
        for block in blocks[:1]:
            attributes = block.group(1).strip()
            if attributes and not _names_this_file(attributes, source):
                notes.append(m.LLM_EDIT_IGNORED)
                continue
            proposed = block.group(2)
            if source.text.endswith("\n") and not proposed.endswith("\n"):
                proposed += "\n"
            if source.window:
                proposed = "\n" * (source.window[0] - 1) + proposed  # back to the file's own line numbers
            edit = whole_file_edit(source.text, proposed)
            verdict = validate_edits(source, [edit] if edit else [], target=target, failing_run=failing_run,
                                     keep_running=True)
            if verdict.ok:
                edits.append(result_edit(source.uri, edit))
                notes.append(m.LLM_EDIT_OFFERED.format(run=m.LLM_EDIT_RUN if failing_run is not None else ""))
            else:
                notes.append(m.LLM_EDIT_REFUSED.format(reason=m.REFUSALS.get(verdict.reason, verdict.reason)))
        if len(blocks) > 1:
            notes.append(m.LLM_EDIT_IGNORED)
        markdown = "\n\n".join(part for part in [text, *notes] if part)
        return {"markdown": markdown, "edits": edits, "files": [], "findings": []}


def _names_this_file(attributes: str, source: Source) -> bool:
    match = re.search(r"(?:path|file)\s*=\s*\"?([^\s\"]+)", attributes)
    if not match:
        return True
    named = match.group(1)
    return os.path.basename(named) == os.path.basename(source.filename)


def _answer(markdown: str, findings=None) -> dict:
    return {"markdown": markdown, "edits": [], "files": [], "findings": findings or []}
