"""`python -m hypercode_voice commands` prints the command table as Markdown (docs/voice.md holds
the same table; a test keeps them equal). `python -m hypercode_voice grammar [FILE.hc]` prints
the JSGF grammar the recogniser would use for that document."""

from __future__ import annotations

import sys

from .commands import COMMANDS, document_names

GROUPS = ["navigation", "editing", "structure", "refactor", "actions", "modes"]


def commands_markdown() -> str:
    lines = []
    for group in GROUPS:
        lines += [f"**{group.capitalize()}**", "", "| say | does |", "| --- | --- |"]
        lines += [f"| {c.spoken} | {c.summary} |" for c in COMMANDS if c.group == group]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["commands"]:
        print(commands_markdown(), end="")
        return 0
    if argv[:1] == ["grammar"]:
        from hypercode_lang.analysis.document import Document
        from .grammar import command_grammar
        text = open(argv[1], encoding="utf-8").read() if len(argv) > 1 else ""
        print(command_grammar(document_names(Document(text))), end="")
        return 0
    print("usage: python -m hypercode_voice commands | grammar [FILE.hc]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
