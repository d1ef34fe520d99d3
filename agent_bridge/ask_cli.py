"""`hcvm ask explain|fix|test|review|ask FILE[:LINE[-LINE]]` — the agents from the terminal.

Plugged into `hcvm` through the `hcvm.commands` entry point (hypercode_lang never imports this
package). Embedded by default: the request is answered in this process, through the swarm's
embedded bridge when it is available; `--swarm URL` sends it to `hypercode-swarm serve`.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
from pathlib import Path

from .specialists import KINDS, handle_locally
from .specialists import messages as m
from .specialists.common import text_edit_from_range

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
TARGET = re.compile(r"^(?P<path>.+?)(?::(?P<first>\d+)(?:-(?P<last>\d+))?)?$")
RESULT_TIMEOUT = 120.0


def register(subparsers) -> "callable":
    ask = subparsers.add_parser("ask", help="ask an agent to explain, fix, test or review code",
                                description="Ask HyperCode's agents about a file or some of its lines.")
    ask.add_argument("kind", choices=KINDS, help="what to ask for")
    ask.add_argument("target", metavar="FILE[:LINE[-LINE]]", help="the file, optionally a line or lines")
    ask.add_argument("--question", metavar="TEXT", help="a question for `ask` (or extra context)")
    ask.add_argument("--json", action="store_true", help="print the result as one JSON object")
    ask.add_argument("--apply", action="store_true", help="write the proposed fix (or replace an existing test file)")
    ask.add_argument("--swarm", metavar="URL", help="send the request to a running hypercode-swarm")
    ask.add_argument("--stdin", metavar="FILE", help="input for the program when `fix` runs it ('-' reads it from stdin)")
    ask.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                     help="a value the program can read with env(NAME) when it runs; may be repeated")
    return run


def parse_target(target: str) -> tuple[str, tuple[int, int] | None]:
    """'file.hc' · 'file.hc:3' · 'file.hc:3-7' → (path, (first, last) or None)."""
    if os.path.exists(target):
        return target, None
    match = TARGET.match(target)
    if not match or not match.group("path"):
        raise ValueError(m.ASK_BAD_TARGET.format(target=target))
    first = match.group("first")
    if first is None:
        return match.group("path"), None
    last = match.group("last") or first
    first, last = int(first), int(last)
    if first < 1 or last < first:
        raise ValueError(m.ASK_BAD_TARGET.format(target=target))
    return match.group("path"), (first, last)


def build_payload(path: str, text: str, lines: tuple[int, int] | None, args) -> dict:
    payload = {"uri": Path(path).resolve().as_uri(), "text": text}
    if lines:
        first, last = lines
        end_len = len(text.split("\n")[last - 1]) if last <= len(text.split("\n")) else 0
        payload["range"] = {"start": {"line": first - 1, "character": 0},
                            "end": {"line": last - 1, "character": end_len}}
    if args.question:
        payload["question"] = args.question
    if args.stdin:
        payload["stdin"] = sys.stdin.read() if args.stdin == "-" else Path(args.stdin).read_text(encoding="utf-8")
    env = {}
    for item in args.env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"--env needs NAME=VALUE; '{item}' has no '='.")
        env[name] = value
    if env:
        payload["env"] = env
    user = os.environ.get("USER") or os.environ.get("USERNAME")
    if user:
        payload["user"] = user
    return payload


def answer(kind: str, payload: dict, *, swarm: str | None = None, progress=lambda message: None) -> dict:
    """The result for one request: from the swarm at `swarm`, else answered in this process."""
    if swarm:
        try:
            from .client import Bridge
        except ImportError:
            raise RuntimeError(m.ASK_NO_REMOTE) from None
        return _through(Bridge.remote(swarm, os.environ.get("HYPERCODE_SWARM_TOKEN")), kind, payload, progress)
    try:
        from .client import Bridge
    except ImportError:
        Bridge = None
    if Bridge is None or not hasattr(Bridge, "embedded"):
        return handle_locally(kind, payload, progress=progress)
    return _through(Bridge.embedded(), kind, payload, progress)


def _through(bridge, kind: str, payload: dict, progress) -> dict:
    try:
        task_id = bridge.submit(kind, payload, priority=3)
        for event in bridge.events(task_id):
            if event.get("type") == "leased":
                agent = (event.get("payload") or {}).get("agent") or {}
                progress(f"{agent.get('role', 'an agent')} is working")
            elif event.get("type") == "progress":
                progress((event.get("payload") or {}).get("message", ""))
        outcome = bridge.result(task_id, timeout=RESULT_TIMEOUT)
    finally:
        bridge.close()
    if outcome.get("state") != "done":
        raise RuntimeError(m.ASK_FAILED.format(error=outcome.get("error") or outcome.get("state")))
    return outcome["result"]


def run(args) -> int:
    try:
        path, lines = parse_target(args.target)
    except ValueError as problem:
        print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        print(m.ASK_NO_FILE.format(path=path), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (OSError, UnicodeDecodeError) as problem:
        print(f"'{path}' can't be read ({getattr(problem, 'strerror', None) or problem}).", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        payload = build_payload(path, text, lines, args)
    except (ValueError, OSError) as problem:
        print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    show_progress = sys.stderr.isatty() and not args.json
    try:
        result = answer(args.kind, payload, swarm=args.swarm,
                        progress=(lambda message: print(f"… {message}", file=sys.stderr)) if show_progress
                        else (lambda message: None))
    except RuntimeError as problem:
        print(problem, file=sys.stderr)
        return EXIT_FAILED
    except Exception as problem:  # noqa: BLE001 - a swarm that can't be reached is a message, not a traceback
        if os.environ.get("HYPERCODE_DEBUG"):
            raise
        print(m.ASK_FAILED.format(error=problem), file=sys.stderr)
        return EXIT_FAILED
    written = _write_outputs(path, text, result, args)
    if args.json:
        print(json.dumps({**result, "written": written}, ensure_ascii=False))
        return EXIT_OK
    print(for_terminal(result.get("markdown", "").rstrip()))
    _show_proposals(path, text, result, args, written)
    agent = result.get("agent") or {}
    print(f"\n{m.ASK_ANSWERED_BY.format(role=agent.get('role', '?'), engine=agent.get('engine', '?'))}")
    return EXIT_OK


def for_terminal(markdown: str) -> str:
    """Markdown bold as terminal bold (or plain text when not a terminal, or NO_COLOR is set)."""
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return re.sub(r"\*\*(.+?)\*\*", (lambda found: f"\033[1m{found.group(1)}\033[0m") if bold
                  else (lambda found: found.group(1)), markdown)


def edited_text(text: str, edits: list[dict]) -> str:
    from hypercode_lang.diagnostics.model import apply_edits
    return apply_edits(text, [text_edit_from_range(e["range"], e["new_text"]) for e in edits])


def _write_outputs(path: str, text: str, result: dict, args) -> list[str]:
    """Write an accepted fix (--apply) and new test files (an existing one only with --apply)."""
    written = []
    edits = result.get("edits") or []
    if args.apply and edits:
        Path(path).write_text(edited_text(text, edits), encoding="utf-8")
        written.append(path)
    for item in result.get("files") or []:
        target = Path(item["path"])
        if not target.exists() or args.apply:
            target.write_text(item["text"], encoding="utf-8")
            written.append(str(target))
    return written


def _show_proposals(path: str, text: str, result: dict, args, written: list[str]) -> None:
    edits = result.get("edits") or []
    if edits and path in written:
        print("\n" + m.ASK_APPLIED.format(path=path))
    elif edits:
        new = edited_text(text, edits)
        diff = difflib.unified_diff(text.splitlines(keepends=True), new.splitlines(keepends=True),
                                    fromfile=path, tofile=path)
        print("\n" + m.ASK_DIFF_HEAD)
        sys.stdout.write("".join(diff))
    elif args.apply and args.kind == "fix":
        print("\n" + m.ASK_NO_EDIT)
    for item in result.get("files") or []:
        if item["path"] in written:
            print("\n" + m.ASK_WROTE.format(path=item["path"]))
        else:
            print("\n" + m.ASK_FILE_HEAD.format(path=item["path"]))
            print(item["text"].rstrip())


def main(argv: list[str] | None = None) -> int:
    """`python -m agent_bridge.ask_cli …` (the same as `hcvm ask …`)."""
    parser = argparse.ArgumentParser(prog="hcvm")
    handler = register(parser.add_subparsers(dest="command"))
    return handler(parser.parse_args(["ask", *(sys.argv[1:] if argv is None else argv)]))


if __name__ == "__main__":
    raise SystemExit(main())
