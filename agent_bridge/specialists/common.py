"""What every specialist needs: the task's program (parsed once), positions, IR walking, the
sandboxed run, and the one validation every proposed edit goes through (fixer and llm alike)."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import unquote, urlparse

from hypercode_lang import api
from hypercode_lang.diagnostics import Span
from hypercode_lang.diagnostics.model import TextEdit, apply_edits

RUN_TIMEOUT = 5.0           # seconds a sandboxed run of the user's program may take
# Above either size a request reads a window of the file, not all of it: the parser takes about
# two minutes for a 1 MB file on a small machine, and an answer should come in a few seconds.
HUGE_CHARS = 100_000
HUGE_LINES = 3_000
WINDOW_LINES = 400          # the most lines a specialist parses from a huge file
CONTINUATION_WORDS = ("else", "elif", "except", "finally", "case")
BUILTIN_FUNCTIONS = None    # filled lazily from hypercode_lang.analysis.builtins


# ------------------------------------------------------------------ the program in a task

def filename_for(uri: str | None) -> str:
    """A file path for `file://` URIs and plain paths; "<input>" when there is none."""
    if not uri:
        return "<input>"
    if uri.startswith("file:"):
        return unquote(urlparse(uri).path)
    if "://" in uri or uri.startswith("untitled:"):
        return "<input>"
    return uri


@dataclass
class Source:
    """The task's text with its IR and diagnostics, computed once."""
    text: str
    uri: str = ""
    selection: tuple[int, int] | None = None  # 1-based first and last line, when the task has a range
    stdin: str = ""
    env: dict = field(default_factory=dict)
    window: tuple[int, int] | None = None     # the lines read from a huge file (None: all of it)
    total_lines: int = 0

    @classmethod
    def from_payload(cls, payload: dict, *, names_from_rest: bool = False) -> "Source":
        # The text always comes with the task: a specialist never reads files named by a request
        # (a task from the swarm's HTTP API must not be a way to read the agent's disk).
        text = payload.get("text")
        text = text if isinstance(text, str) else ""
        uri = payload.get("uri") if isinstance(payload.get("uri"), str) else ""
        stdin = payload.get("stdin") if isinstance(payload.get("stdin"), str) else ""
        env = payload.get("env") if isinstance(payload.get("env"), dict) else {}
        env = {str(k): str(v) for k, v in env.items()}
        selection = _selection(payload.get("range"))
        lines = text.split("\n")
        if len(text) <= HUGE_CHARS and len(lines) <= HUGE_LINES:
            return cls(text, uri, selection, stdin, env, total_lines=len(lines))
        first, last = window_for(lines, selection or _diagnostic_lines(payload.get("diagnostic")))
        # Blank lines stand in for the rest, so every line number, range and edit stays the file's own.
        kept = [""] * len(lines)
        kept[first - 1:last] = lines[first - 1:last]
        if names_from_rest:
            # The window's names may be defined elsewhere: keep those definitions, where they are.
            for start, end in top_level_definitions(lines, skip=(first, last)):
                kept[start - 1:end] = lines[start - 1:end]
        windowed = "\n".join(kept).rstrip("\n") + ("\n" if text.endswith("\n") else "")
        return cls(windowed, uri, selection, stdin, env, window=(first, last), total_lines=len(lines))

    @property
    def filename(self) -> str:
        return filename_for(self.uri)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @cached_property
    def parsed(self):
        return api.parse(self.text, self.filename)

    @property
    def program(self) -> dict:
        return self.parsed.program

    @cached_property
    def diagnostics(self) -> list:
        return api.check(self.text, self.filename, parsed=self.parsed)

    @property
    def errors(self) -> list:
        return [d for d in self.diagnostics if d.is_error]

    def code_of(self, loc) -> str:
        """The source text a node's loc covers (one line's worth is enough for a quote)."""
        line, col, end_line, end_col = loc
        if line == end_line:
            return self.lines[line - 1][col - 1:end_col - 1] if line <= len(self.lines) else ""
        return self.lines[line - 1][col - 1:].rstrip() + " …"

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def diagnostics_in_selection(self) -> list:
        if not self.selection:
            return []
        first, last = self.selection
        return [d for d in self.diagnostics if first <= d.span.line <= last]


def says_when_partial(handle):
    """Wraps a specialist's `handle`: an answer about part of a huge file says which part."""
    @functools.wraps(handle)
    def answer(self, task: dict, ctx) -> dict:
        result = handle(self, task, ctx)
        payload = task.get("payload") if isinstance(task, dict) else None
        text = payload.get("text") if isinstance(payload, dict) else None
        if not isinstance(result, dict) or not isinstance(text, str) or (
                len(text) <= HUGE_CHARS and text.count("\n") < HUGE_LINES):
            return result
        from . import messages as m
        lines = text.split("\n")
        wanted = _selection(payload.get("range")) or _diagnostic_lines(payload.get("diagnostic"))
        first, last = window_for(lines, wanted)
        note = (m.HUGE_WINDOW_AROUND if wanted else m.HUGE_WINDOW).format(lines=f"{len(lines):,}", first=first, last=last)
        return {**result, "markdown": f"{note}\n\n{result.get('markdown') or ''}".rstrip()}
    return answer


def window_for(lines: list[str], wanted: tuple[int, int] | None) -> tuple[int, int]:
    """1-based (first, last) lines to read from a huge file: the top-level statements around the
    wanted lines (or the file's start), at most WINDOW_LINES of them, cut between statements."""
    total = len(lines)
    if wanted is None:
        first, last = 1, min(total, WINDOW_LINES)
    else:
        first, last = max(1, min(wanted[0], total)), max(1, min(wanted[1], total))
        while first > 1 and not _starts_top_level(lines[first - 1]) and last - first < WINDOW_LINES:
            first -= 1
        last = min(last, first + WINDOW_LINES - 1)
    # Grow to the end of the statement the window ends in (a function's whole body), within budget.
    limit = min(total, first + WINDOW_LINES - 1)
    while last < limit and not _starts_top_level(lines[last]):
        last += 1
    if last < total and not _starts_top_level(lines[last]):
        # Still inside a statement at the budget: stop before it, unless that leaves nothing.
        cut = last
        while cut > first and not _starts_top_level(lines[cut - 1]):
            cut -= 1
        if cut > first:
            last = cut - 1
    return first, last


TOP_LEVEL_NAME = re.compile(r"^(?:def\s+([A-Za-z_]\w*)\s*\(|([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)|import\s+(\w+))")
MAX_KEPT_DEFINITIONS = 300  # top-level definitions kept from outside a huge file's window
MAX_KEPT_DEF_LINES = 40     # a function longer than this is left out (its name may then be unknown)


def top_level_definitions(lines: list[str], skip: tuple[int, int]) -> list[tuple[int, int]]:
    """1-based (first, last) lines of the first top-level definition of each name outside `skip`:
    one-line assignments and imports, and short functions. Read from the text; nothing is parsed."""
    found, seen = [], set()
    total = len(lines)
    number = 0
    while number < total and len(found) < MAX_KEPT_DEFINITIONS:
        number += 1
        line = lines[number - 1]
        if skip[0] <= number <= skip[1] or not _starts_top_level(line):
            continue
        match = TOP_LEVEL_NAME.match(line)
        if not match:
            continue
        name = next(group for group in match.groups() if group)
        end = number
        while end < total and not _starts_top_level(lines[end]):
            end += 1
        while end > number and not lines[end - 1].strip():
            end -= 1
        is_def = match.group(1) is not None
        if name in seen or (end - number + 1 > (MAX_KEPT_DEF_LINES if is_def else 1)) or end >= skip[0] > number:
            continue
        seen.add(name)
        found.append((number, end))
    return found


def _starts_top_level(line: str) -> bool:
    """Whether a line begins a new top-level statement (a guess from the text alone: no parsing)."""
    if not line or line[0] in " \t#" or not line.strip():
        return False
    word = line.split(None, 1)[0].rstrip(":")
    return word not in CONTINUATION_WORDS and line[0] not in ")]}"


def _diagnostic_lines(diagnostic) -> tuple[int, int] | None:
    try:
        rng = diagnostic["range"]
        if "line" in rng:
            return int(rng["line"]), int(rng.get("end_line", rng["line"]))
        return int(rng["start"]["line"]) + 1, int(rng["end"]["line"]) + 1
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _selection(rng) -> tuple[int, int] | None:
    """1-based (first, last) lines of an LSP-shaped range; None when there is no usable range."""
    try:
        first, last = int(rng["start"]["line"]) + 1, int(rng["end"]["line"]) + 1
        end_character = int(rng["end"].get("character", 0))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    first, last = max(1, min(first, last)), max(1, first, last)
    # A range ending at column 0 of a line doesn't include that line.
    if last > first and end_character == 0:
        last -= 1
    return first, last


# ------------------------------------------------------------------ IR walking

def kind(node) -> str | None:
    """The node's kind: its one key besides `loc`."""
    if not isinstance(node, dict):
        return None
    for key in node:
        if key != "loc":
            return key
    return None


def value(node):
    return node[kind(node)]


def child_blocks(statement: dict) -> list[list]:
    """The statement lists nested directly inside a statement."""
    k, v = kind(statement), value(statement)
    if k in ("if", "while", "for"):
        return [v["body"], v["orelse"]]
    if k == "def":
        return [v["body"]]
    if k == "try":
        return [v["body"], *[h["body"] for h in v["handlers"]], v.get("orelse") or [], v["finally"]]
    if k == "match":
        return [case["body"] for case in v["cases"]]
    return []


def walk_statements(body: list, depth: int = 0, function: dict | None = None):
    """(statement, depth, enclosing def) for every statement, outermost first."""
    for statement in body:
        yield statement, depth, function
        inner = statement if kind(statement) == "def" else function
        for block in child_blocks(statement):
            yield from walk_statements(block, depth + 1, inner)


def walk_nodes(node):
    """Every dict node inside `node` (itself included), depth first."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if kind(item):
                yield item
            stack.extend(v for k, v in reversed(list(item.items())) if k != "loc")
        elif isinstance(item, list):
            stack.extend(reversed(item))


def functions(program: dict) -> list[dict]:
    return [s for s, _, _ in walk_statements(program["body"]) if kind(s) == "def"]


def function_at(program: dict, first: int, last: int | None = None) -> dict | None:
    """The innermost `def` whose lines contain the selection (or whose header line it is on)."""
    last = last or first
    found = None
    for statement in functions(program):
        loc = statement.get("loc")
        if loc and loc[0] <= first and last <= loc[2]:
            found = statement  # later = nested deeper
    return found


def same_shape(node) -> str:
    """A node's text without positions: equal for code that is written the same way."""
    def strip(item):
        if isinstance(item, dict):
            return {k: strip(v) for k, v in item.items() if k != "loc"}
        if isinstance(item, list):
            return [strip(v) for v in item]
        return item
    return json.dumps(strip(node), sort_keys=True)


def expression_text(node: dict) -> str:
    from hypercode_lang.ir.formatter import ExpressionPrinter
    return ExpressionPrinter()(node)


def builtin_names() -> set[str]:
    global BUILTIN_FUNCTIONS
    if BUILTIN_FUNCTIONS is None:
        from hypercode_lang.analysis.builtins import FUNCTIONS
        BUILTIN_FUNCTIONS = set(FUNCTIONS) | {"math"}
    return BUILTIN_FUNCTIONS


# ------------------------------------------------------------------ positions

def lsp_range(line: int, col: int, end_line: int, end_col: int) -> dict:
    """A HyperCode span (1-based, code points) as an LSP-shaped range (0-based)."""
    return {"start": {"line": line - 1, "character": col - 1},
            "end": {"line": end_line - 1, "character": end_col - 1}}


def span_range(span: Span) -> dict:
    return lsp_range(span.line, span.col, span.end_line, span.end_col)


def loc_range(loc) -> dict:
    return lsp_range(*loc)


def result_edit(uri: str, edit: TextEdit) -> dict:
    return {"uri": uri, "range": span_range(edit.span), "new_text": edit.new_text}


def text_edit_from_range(rng: dict, new_text: str) -> TextEdit:
    start, end = rng["start"], rng["end"]
    return TextEdit(Span(start["line"] + 1, start["character"] + 1, end["line"] + 1, end["character"] + 1),
                    new_text)


def whole_file_edit(old: str, new: str) -> TextEdit | None:
    """One edit turning `old` into `new`: the changed lines between a common head and tail."""
    if old == new:
        return None
    old_lines, new_lines = old.split("\n"), new.split("\n")
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (tail < min(len(old_lines), len(new_lines)) - head
           and old_lines[-1 - tail] == new_lines[-1 - tail]):
        tail += 1
    old_mid = old_lines[head:len(old_lines) - tail]
    new_mid = new_lines[head:len(new_lines) - tail]
    if old_mid:
        last = head + len(old_mid)  # 1-based number of the last changed line
        span = Span(head + 1, 1, last, len(old_lines[last - 1]) + 1)
        return TextEdit(span, "\n".join(new_mid))
    # Pure insertion of whole lines before line head+1.
    return TextEdit(Span(head + 1, 1, head + 1, 1), "\n".join(new_mid) + "\n")


# ------------------------------------------------------------------ running and validating

def sandbox_run(text: str, filename: str, *, stdin: str = "", env: dict | None = None,
                timeout: float | None = None):
    """Run a program with the language's sandboxed runner (api.run routes through it)."""
    return api.run(text, filename=filename, stdin=stdin, env=env or {},
                   timeout=RUN_TIMEOUT if timeout is None else timeout)


def fault_of(result) -> tuple[str, int] | None:
    """(code, line) of the run's failure, or None when it succeeded."""
    if result.status == "success":
        return None
    problems = [d for d in result.diagnostics if d.is_error]
    if not problems:
        return (result.status, 0)
    return (problems[0].code, problems[0].span.line)


@dataclass
class Verdict:
    ok: bool
    reason: str = ""            # a key of messages.REFUSALS when not ok
    new_text: str = ""
    new_run: object = None


def _error_keys(diagnostics) -> list[tuple[str, str]]:
    return sorted((d.code, d.message) for d in diagnostics if d.is_error)


def validate_edits(source: Source, edits: list[TextEdit], *, target=None, failing_run=None,
                   keep_running: bool = False) -> Verdict:
    """The one gate for every proposed edit: the edited file must pass `check` (no error it didn't
    already have for another reason, and not `target`), and a run that failed must no longer fail
    the same way with the same stdin and env. With `keep_running` (edits nobody asked a rule
    for, e.g. a model's), a program that ran cleanly must still run cleanly."""
    if failing_run is not None and failing_run.status == "success":
        failing_run = None  # nothing failed: the edit must simply keep it running (keep_running)
    if not edits:
        return Verdict(False, "empty")
    new_text = apply_edits(source.text, edits)
    if new_text == source.text:
        return Verdict(False, "empty")
    after = api.check(new_text, source.filename)
    remaining = _error_keys(after)
    allowed = _error_keys(d for d in source.errors if d is not target
                          and not (target is not None and d.code == target.code and d.span == target.span))
    for key in remaining:
        if key in allowed:
            allowed.remove(key)
        else:
            return Verdict(False, "check", new_text)
    if remaining:
        return Verdict(True, "", new_text)
    if failing_run is None:
        if not keep_running or source.errors:
            return Verdict(True, "", new_text)
        before = sandbox_run(source.text, source.filename, stdin=source.stdin, env=source.env)
        rerun = sandbox_run(new_text, source.filename, stdin=source.stdin, env=source.env)
        if before.status == "success" and rerun.status != "success":
            return Verdict(False, "now_fails", new_text, rerun)
        return Verdict(True, "", new_text, rerun)
    rerun = sandbox_run(new_text, source.filename, stdin=source.stdin, env=source.env)
    if rerun.status == "timeout":
        return Verdict(False, "timeout", new_text, rerun)
    before, now = fault_of(failing_run), fault_of(rerun)
    if now is not None and before is not None and now[0] == before[0]:
        return Verdict(False, "same_failure", new_text, rerun)
    return Verdict(True, "", new_text, rerun)
