"""The voice commands: ONE table of phrase patterns → command builders.

The recogniser's grammar (`grammar.py`), the help list (`suggestions`), `docs/voice.md` and the
tests all come from `COMMANDS`. A builder gets a `Context` (the document text, the cursor, the
names in the file) and the slot values, and returns an `Outcome`: text edits on the document
and/or an action for the editor (move the cursor, select, undo, run, speak, change mode, …).

Structural builders write whole, correctly indented statements (4 spaces a level) so the result
passes `check` where the surrounding code does; "rename" goes through the language's rename
(`hypercode_lang.analysis.navigation`), so every use changes and a refused rename says why.

Positions inside this module are 1-based lines and code-point columns (like the IR); `to_lsp`
turns an outcome into the LSP shapes the `command` message carries (0-based, UTF-16).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from hypercode_lang.analysis import navigation
from hypercode_lang.analysis.document import Document, def_name_loc
from hypercode_lang.analysis.scopes import kind_of

from . import messages
from .patterns import Name, Names, example, literal, match, normalise_words, parse_pattern

INDENT = "    "


class Refused(Exception):
    """The command was understood but can't be done here; the message says why, calmly."""


@dataclass
class Edit:
    line: int
    col: int
    end_line: int
    end_col: int
    new_text: str


@dataclass
class Outcome:
    description: str
    edits: list[Edit] = field(default_factory=list)
    action: dict | None = None       # cursor positions in it are 1-based (line, col), after the edits


@dataclass
class Context:
    text: str
    line: int = 1                     # cursor, 1-based
    col: int = 1
    filename: str | None = None

    @cached_property
    def document(self) -> Document:
        return Document(self.text, self.filename)

    @property
    def lines(self) -> list[str]:
        return self.document.lines

    @cached_property
    def names(self) -> Names:
        return Names(document_names(self.document))

    def line_text(self, line: int | None = None) -> str:
        return self.document.line_text(self.line if line is None else line)


def document_names(document: Document) -> list[str]:
    """Every name the file defines or uses (variables, functions, parameters, modules)."""
    found = {o.name for o in document.analysis.occurrences}
    for scope in document.analysis.scopes:
        found.update(scope.symbols)
    return sorted(n for n in found if n and not n.startswith("_"))


@dataclass(frozen=True)
class Command:
    pattern: str
    name: str
    group: str
    build: Callable[..., Outcome]
    summary: str

    @cached_property
    def items(self) -> tuple:
        return parse_pattern(self.pattern)

    @property
    def spoken(self) -> str:
        return example(self.items)


# ============================================================================ text helpers

def _indent(text: str) -> str:
    return text[: len(text) - len(text.lstrip(" "))]


def _code_part(text: str) -> str:
    """A line without its comment (strings keep their '#')."""
    out, quote = [], None
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            break
        out.append(ch)
    return "".join(out).rstrip()


def _opens_block(text: str) -> bool:
    return _code_part(text).endswith(":")


def _end_col(text: str) -> int:
    return len(text) + 1


def _insert_lines_after(ctx: Context, line: int, new_lines: list[str]) -> Edit:
    text = ctx.line_text(line)
    return Edit(line, _end_col(text), line, _end_col(text), "".join("\n" + n for n in new_lines))


def _replace_line(ctx: Context, line: int, new_lines: list[str]) -> Edit:
    return Edit(line, 1, line, _end_col(ctx.line_text(line)), "\n".join(new_lines))


def _expected_indent(ctx: Context, line: int) -> str:
    """The indentation a statement written on (blank) `line` gets: the line's own spaces when the
    editor already indented it, else what follows the nearest code line above."""
    own = ctx.line_text(line)
    if own and not own.strip():
        return own
    for above in range(line - 1, 0, -1):
        text = ctx.line_text(above)
        if text.strip() and not text.strip().startswith("#"):
            return _indent(text) + (INDENT if _opens_block(text) else "")
    return ""


def _statement(ctx: Context, lines: list[str], description: str, cursor_offset: int = 0,
               cursor_text: str | None = None) -> Outcome:
    """Write a statement (one or more lines, relative indentation) at the cursor: on the cursor's
    line when it is blank or a lone `pass`, else on a new line after it (inside a block when the
    line opens one, replacing that block's placeholder `pass`)."""
    current = ctx.line_text()
    stripped = current.strip()
    if not stripped or stripped == "pass":
        indent = _indent(current) if stripped == "pass" else _expected_indent(ctx, ctx.line)
        body = [indent + n for n in lines]
        edit = _replace_line(ctx, ctx.line, body)
        first = ctx.line
    else:
        indent = _indent(current) + (INDENT if _opens_block(current) else "")
        body = [indent + n for n in lines]
        following = ctx.line_text(ctx.line + 1)
        if _opens_block(current) and following.strip() == "pass" and _indent(following) == indent:
            edit = _replace_line(ctx, ctx.line + 1, body)
        else:
            edit = _insert_lines_after(ctx, ctx.line, body)
        first = ctx.line + 1
    target = first + cursor_offset
    col = len(body[cursor_offset]) + 1
    if cursor_text is not None:
        col = body[cursor_offset].find(cursor_text) + 1
    return Outcome(description, [edit], _move(target, col))


def _block(header: str) -> list[str]:
    return [header, INDENT + "pass"]


def _move(line: int, col: int) -> dict:
    return {"kind": "move", "line": line, "col": col}


def _find_def(ctx: Context, name: str):
    for statement, _depth in ctx.document.defs():
        if statement["def"]["name"] == name:
            return statement
    raise Refused(messages.NO_FUNCTION.format(name=name))


def _innermost(ctx: Context, kind: str, line: int):
    best = None
    for statement, _depth in ctx.document.statements():
        loc = statement.get("loc")
        if kind_of(statement) == kind and loc and loc[0] <= line <= loc[2]:
            if best is None or loc[0] >= best["loc"][0]:
                best = statement
    return best


def _check_name(name: str) -> str:
    import keyword
    from hypercode_lang.analysis.builtins import KEYWORDS
    if not name.isidentifier() or keyword.iskeyword(name) or name in KEYWORDS:
        raise Refused(messages.NOT_A_NAME.format(name=name))
    return name


def _values(values) -> str:
    return ", ".join(literal(v) for v in values or [])


# ============================================================================ navigation

def go_to_line(ctx: Context, number: int) -> Outcome:
    if not 1 <= number <= len(ctx.lines):
        raise Refused(messages.LINE_OUT_OF_RANGE.format(count=len(ctx.lines), line=number))
    text = ctx.line_text(number)
    return Outcome(f"Go to line {number}", action=_move(number, len(_indent(text)) + 1))


def go_to_function(ctx: Context, name: str) -> Outcome:
    statement = _find_def(ctx, name)
    loc = def_name_loc(ctx.document, statement)
    return Outcome(f"Go to function {name}", action=_move(loc[0], loc[1]))


def _diagnostics(ctx: Context):
    found = [d for d in ctx.document.diagnostics if d.severity in ("error", "warning")]
    if not found:
        raise Refused(messages.NO_ERRORS)
    return found


def next_error(ctx: Context) -> Outcome:
    found = _diagnostics(ctx)
    after = [d for d in found if (d.span.line, d.span.col) > (ctx.line, ctx.col)]
    target = after[0] if after else found[0]
    note = "" if after else " " + messages.NO_MORE_ERRORS.format(direction="after", edge="top")
    return Outcome(f"Next problem: {target.title} (line {target.span.line}).{note}",
                   action=_move(target.span.line, target.span.col))


def previous_error(ctx: Context) -> Outcome:
    found = _diagnostics(ctx)
    before = [d for d in found if (d.span.line, d.span.col) < (ctx.line, ctx.col)]
    target = before[-1] if before else found[-1]
    note = "" if before else " " + messages.NO_MORE_ERRORS.format(direction="before", edge="end")
    return Outcome(f"Previous problem: {target.title} (line {target.span.line}).{note}",
                   action=_move(target.span.line, target.span.col))


def top_of_file(ctx: Context) -> Outcome:
    return Outcome("Top of file", action=_move(1, 1))


def end_of_file(ctx: Context) -> Outcome:
    last = len(ctx.lines)
    return Outcome("End of file", action=_move(last, _end_col(ctx.line_text(last))))


# ============================================================================ editing

def new_line(ctx: Context) -> Outcome:
    current = ctx.line_text()
    indent = _indent(current) + (INDENT if _opens_block(current) else "")
    return Outcome("New line", [_insert_lines_after(ctx, ctx.line, [indent])],
                   _move(ctx.line + 1, len(indent) + 1))


def delete_lines(ctx: Context, number: int = 1) -> Outcome:
    count = max(1, number)
    first, last = ctx.line, min(len(ctx.lines), ctx.line + count - 1)
    if last < len(ctx.lines):
        edit = Edit(first, 1, last + 1, 1, "")
    elif first > 1:
        edit = Edit(first - 1, _end_col(ctx.line_text(first - 1)), last, _end_col(ctx.line_text(last)), "")
    else:
        edit = Edit(first, 1, last, _end_col(ctx.line_text(last)), "")
    stay = min(first, max(1, len(ctx.lines) - (last - first + 1)))
    gone = last - first + 1
    return Outcome(f"Delete {gone} line{'s' if gone != 1 else ''}", [edit], _move(stay, 1))


def delete_line(ctx: Context) -> Outcome:
    return delete_lines(ctx, 1)


def indent_line(ctx: Context) -> Outcome:
    return Outcome("Indent line", [Edit(ctx.line, 1, ctx.line, 1, INDENT)],
                   _move(ctx.line, ctx.col + len(INDENT)))


def dedent_line(ctx: Context) -> Outcome:
    remove = min(len(INDENT), len(_indent(ctx.line_text())))
    edits = [Edit(ctx.line, 1, ctx.line, 1 + remove, "")] if remove else []
    return Outcome("Dedent line", edits, _move(ctx.line, max(1, ctx.col - remove)))


def comment_line(ctx: Context) -> Outcome:
    text = ctx.line_text()
    indent = len(_indent(text))
    rest = text[indent:]
    if rest.startswith("#"):
        drop = 2 if rest.startswith("# ") else 1
        return Outcome("Uncomment line", [Edit(ctx.line, indent + 1, ctx.line, indent + 1 + drop, "")])
    return Outcome("Comment line", [Edit(ctx.line, indent + 1, ctx.line, indent + 1, "# ")])


def select_function(ctx: Context, name: str) -> Outcome:
    loc = _find_def(ctx, name)["loc"]
    return Outcome(f"Select function {name}",
                   action={"kind": "select", "line": loc[0], "col": 1, "end_line": loc[2],
                           "end_col": _end_col(ctx.line_text(loc[2]))})


def undo_voice(ctx: Context) -> Outcome:
    return Outcome("Undo the last voice command", action={"kind": "undo"})


def redo_voice(ctx: Context) -> Outcome:
    return Outcome("Redo", action={"kind": "redo"})


def type_letters(ctx: Context, letters: str) -> Outcome:
    return _type_text(ctx, letters, f"Type '{letters}'")


def _type_text(ctx: Context, text: str, description: str) -> Outcome:
    return Outcome(description, [Edit(ctx.line, ctx.col, ctx.line, ctx.col, text)],
                   _move(ctx.line, ctx.col + len(text)))


# ============================================================================ structure

def define_function(ctx: Context, name: str, names=None) -> Outcome:
    _check_name(name)
    params = [_check_name(p) for p in names or []]
    header = f"def {name}({', '.join(params)}):"
    code = [header, INDENT + "pass"]
    container = None
    for statement in ctx.document.program["body"]:
        loc = statement.get("loc")
        if loc and loc[0] <= ctx.line <= loc[2]:
            container = statement
    current = ctx.line_text()
    if container is None and not current.strip():
        before = ctx.line_text(ctx.line - 1) if ctx.line > 1 else ""
        after = ctx.line_text(ctx.line + 1) if ctx.line < len(ctx.lines) else ""
        lead = [""] if before.strip() else []
        trail = [""] if after.strip() or ctx.line == len(ctx.lines) else []
        edit = _replace_line(ctx, ctx.line, lead + code + trail)
        first = ctx.line + len(lead)
    else:
        end = container["loc"][2] if container else ctx.line
        after = ctx.line_text(end + 1) if end < len(ctx.lines) else ""
        trail = [""] if after.strip() else []
        edit = _insert_lines_after(ctx, end, [""] + code + trail)
        first = end + 2
    with_params = f" with {' and '.join(params)}" if params else ""
    return Outcome(f"Define function {name}{with_params}", [edit], _move(first + 1, len(INDENT) + 1))


def add_parameter(ctx: Context, name: str) -> Outcome:
    _check_name(name)
    statement = _innermost(ctx, "def", ctx.line)
    if statement is None:
        above = [s for s, _ in ctx.document.defs() if s.get("loc") and s["loc"][0] <= ctx.line]
        if not above:
            raise Refused(messages.NOT_IN_FUNCTION)
        statement = above[-1]
    function = statement["def"]["name"]
    params = statement["def"]["params"]
    if any(p["name"] == name for p in params):
        raise Refused(messages.PARAMETER_EXISTS.format(function=function, name=name))
    close = _closing_paren(ctx, def_name_loc(ctx.document, statement))
    if close is None:
        raise Refused(messages.NOT_IN_FUNCTION)
    line, col = close
    before = ctx.line_text(line)[: col - 1].rstrip()
    text = name if not params else (f" {name}" if before.endswith(",") else f", {name}")
    if params and before.endswith(","):
        text = f" {name},"          # keep a trailing-comma style
    return Outcome(f"Add parameter {name} to {function}", [Edit(line, col, line, col, text)])


def _closing_paren(ctx: Context, name_loc) -> tuple[int, int] | None:
    """(line, col) of the ')' that closes a def's parameter list."""
    depth = 0
    line, col = name_loc[0], name_loc[3]
    while line <= len(ctx.lines):
        text = ctx.line_text(line)
        for index in range(col - 1, len(text)):
            ch = text[index]
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return line, index + 1
        line, col = line + 1, 1
    return None


def _expression(value) -> str:
    """A slot value as code: a name from a name slot is written bare, anything else as a literal."""
    return str(value) if isinstance(value, str) else literal(value)


def return_value(ctx: Context, value) -> Outcome:
    return _statement(ctx, [f"return {_expression(value)}"], f"Return {value}")


_COMPARISONS = {"greater": ">", "less": "<", "equals": "=="}


def _if(op: str):
    def build(ctx: Context, name: str, value) -> Outcome:
        return _statement(ctx, _block(f"if {name} {_COMPARISONS[op]} {literal(value)}:"),
                          f"If {name} {_COMPARISONS[op]} {value}", cursor_offset=1, cursor_text="pass")
    build.__name__ = f"if_{op}"
    return build


def for_each(ctx: Context, item: str, items: str) -> Outcome:
    _check_name(item)
    return _statement(ctx, _block(f"for {item} in {items}:"), f"For each {item} in {items}",
                      cursor_offset=1, cursor_text="pass")


def while_less(ctx: Context, name: str, value) -> Outcome:
    return _statement(ctx, _block(f"while {name} < {literal(value)}:"), f"While {name} < {value}",
                      cursor_offset=1, cursor_text="pass")


def call_function(ctx: Context, name: str, values=None) -> Outcome:
    return _statement(ctx, [f"{name}({_values(values)})"], f"Call {name}")


def set_variable(ctx: Context, name: str, value) -> Outcome:
    _check_name(name)
    return _statement(ctx, [f"{name} = {literal(value)}"], f"Set {name} to {value}")


def print_value(ctx: Context, value) -> Outcome:
    return _statement(ctx, [f"print({_expression(value)})"], f"Print {value}")


def insert_pass(ctx: Context) -> Outcome:
    return _statement(ctx, ["pass"], "Insert pass")


def insert_else(ctx: Context) -> Outcome:
    statement = _innermost(ctx, "if", ctx.line)
    if statement is None:
        ifs = [s for s, _ in ctx.document.statements()
               if kind_of(s) == "if" and s.get("loc") and s["loc"][2] < ctx.line]
        if not ifs:
            raise Refused(messages.NO_IF)
        statement = max(ifs, key=lambda s: (s["loc"][2], s["loc"][0]))
    last = statement
    while True:
        orelse = last["if"]["orelse"]
        if len(orelse) == 1 and kind_of(orelse[0]) == "if" and \
                ctx.line_text(orelse[0]["loc"][0]).lstrip().startswith("elif"):
            last = orelse[0]
            continue
        if orelse:
            raise Refused(messages.HAS_ELSE)
        break
    indent = _indent(ctx.line_text(statement["loc"][0]))
    end = statement["loc"][2]
    edit = _insert_lines_after(ctx, end, [indent + "else:", indent + INDENT + "pass"])
    return Outcome("Insert else", [edit], _move(end + 2, len(indent + INDENT) + 1))


# ============================================================================ refactor

def rename(ctx: Context, old: str, new: str) -> Outcome:
    _check_name(new)
    occurrences = [o for o in ctx.document.analysis.occurrences if o.name == old and o.loc]
    if not occurrences:
        raise Refused(messages.NO_NAME.format(name=old))
    # The use nearest the cursor decides which `old` is meant when scopes reuse the name.
    nearest = min(occurrences, key=lambda o: (abs(o.loc[0] - ctx.line), o.loc[1]))
    try:
        locs = _rename_locs(ctx, nearest.loc[0], nearest.loc[1], new)
    except navigation.RenameRefused as refused:
        raise Refused(str(refused)) from None
    edits = [Edit(*loc, new) for loc in locs]
    return Outcome(f"Rename {old} to {new} ({len(edits)} place{'s' if len(edits) != 1 else ''})", edits)


def _rename_locs(ctx: Context, line: int, col: int, new: str) -> list:
    return navigation.rename_edits(ctx.document, line, col, new)


# ============================================================================ actions, modes

def _action(kind: str, description: str, **extra):
    def build(ctx: Context) -> Outcome:
        return Outcome(description, action={"kind": kind, **extra})
    build.__name__ = kind
    return build


def _current_diagnostic(ctx: Context, want_fix: bool = False):
    found = _diagnostics(ctx)
    if want_fix:
        found = [d for d in found if d.fixes] or found
    on_line = [d for d in found if d.span.line <= ctx.line <= d.span.end_line]
    after = [d for d in found if (d.span.line, d.span.col) >= (ctx.line, 1)]
    return (on_line or after or found)[0]


def explain_error(ctx: Context) -> Outcome:
    diagnostic = _current_diagnostic(ctx)
    return Outcome(f"Explain {diagnostic.code}: {diagnostic.title}",
                   action={"kind": "explain", "code": diagnostic.code, "line": diagnostic.span.line,
                           "col": diagnostic.span.col})


def fix_error(ctx: Context) -> Outcome:
    diagnostic = _current_diagnostic(ctx, want_fix=True)
    if not diagnostic.fixes:
        raise Refused(messages.NO_FIX)
    fix = diagnostic.fixes[0]
    edits = [Edit(e.span.line, e.span.col, e.span.end_line, e.span.end_col, e.new_text) for e in fix.edits]
    return Outcome(f"Fix: {fix.title}", edits)


def format_file(ctx: Context) -> Outcome:
    from hypercode_lang.analysis.formatting import format_edits
    edits = format_edits(ctx.text)
    if edits is None:
        raise Refused(messages.FORMAT_NEEDS_SYNTAX)
    return Outcome("Format file", [Edit(e.span.line, e.span.col, e.span.end_line, e.span.end_col, e.new_text)
                                   for e in edits])


def read_line(ctx: Context) -> Outcome:
    text = ctx.line_text().strip()
    return Outcome(f"Read line {ctx.line}", action={"kind": "speak", "text": text or "blank line"})


def _mode(mode: str):
    return _action("mode", f"{mode.capitalize()} mode", mode=mode)


# ============================================================================ the table

C = Command
COMMANDS: list[Command] = [
    # navigation
    C("go to line <number>", "go_to_line", "navigation", go_to_line, "Move the cursor to a line."),
    C("go to function <name>", "go_to_function", "navigation", go_to_function, "Move to a function's definition."),
    C("next error", "next_error", "navigation", next_error, "Move to the next problem."),
    C("previous error", "previous_error", "navigation", previous_error, "Move to the previous problem."),
    C("top of file", "top_of_file", "navigation", top_of_file, "Move to the first line."),
    C("end of file", "end_of_file", "navigation", end_of_file, "Move to the last line."),
    # editing
    C("new line", "new_line", "editing", new_line, "Start a new, indented line below."),
    C("delete line", "delete_line", "editing", delete_line, "Delete the cursor's line."),
    C("delete <number> lines", "delete_lines", "editing", delete_lines, "Delete lines from the cursor down."),
    C("indent", "indent", "editing", indent_line, "Indent the line by one level."),
    C("dedent", "dedent", "editing", dedent_line, "Dedent the line by one level."),
    C("comment line", "comment_line", "editing", comment_line, "Comment or uncomment the line."),
    C("select function <name>", "select_function", "editing", select_function, "Select a whole function."),
    C("(undo | scratch) that", "scratch_that", "editing", undo_voice, "Undo the last voice command."),
    C("redo", "redo", "editing", redo_voice, "Redo what was undone."),
    C("spell <letters>", "spell", "editing", type_letters, "Type letters (by voice: 'spell mode', then 't o t a l')."),
    # structure
    C("define function <new:name> [with <news:names>]", "define_function", "structure", define_function,
      "Write a new function."),
    C("add parameter <new:name>", "add_parameter", "structure", add_parameter, "Add a parameter to this function."),
    C("return <name:value>", "return", "structure", return_value, "Write a return statement."),
    C("if <name> is greater than <value>", "if_greater", "structure", _if("greater"), "Write an if (>)."),
    C("if <name> is less than <value>", "if_less", "structure", _if("less"), "Write an if (<)."),
    C("if <name> equals <value>", "if_equals", "structure", _if("equals"), "Write an if (==)."),
    C("for each <new:item> in <name:items>", "for_each", "structure", for_each, "Write a for loop."),
    C("while <name> is less than <value>", "while_less", "structure", while_less, "Write a while loop."),
    C("call <name> [with <values>]", "call", "structure", call_function, "Call a function."),
    C("set <new:name> to <value>", "set", "structure", set_variable, "Give a variable a value."),
    C("print <name:value>", "print", "structure", print_value, "Print a value."),
    C("insert else", "insert_else", "structure", insert_else, "Add an else to the if here."),
    C("insert pass", "insert_pass", "structure", insert_pass, "Write pass."),
    # refactor
    C("rename <name:old> to <new:new>", "rename", "refactor", rename, "Rename everywhere it is used."),
    # actions
    C("run program", "run", "actions", _action("run", "Run the program"), "Run the program."),
    C("check program", "check", "actions", _action("check", "Check the program"), "Check for problems."),
    C("explain error", "explain_error", "actions", explain_error, "Explain the problem here."),
    C("fix error", "fix_error", "actions", fix_error, "Apply the quick fix for the problem here."),
    C("format file", "format_file", "actions", format_file, "Format the whole file."),
    C("read line", "read_line", "actions", read_line, "Speak the current line."),
    C("yes", "confirm", "actions", _action("confirm", "Yes"), "Go ahead with the command asked about."),
    C("no", "dismiss", "actions", _action("dismiss", "No"), "Drop the command asked about."),
    # modes
    C("command mode", "command_mode", "modes", _mode("command"), "Listen for commands."),
    C("spell mode", "spell_mode", "modes", _mode("spell"), "Listen for letters."),
    C("dictation mode", "dictation_mode", "modes", _mode("dictation"), "Listen for free text."),
    C("stop listening", "stop_listening", "modes", _action("stop", "Stop listening"), "Turn the microphone off."),
]
BY_NAME = {command.name: command for command in COMMANDS}
MODE_COMMANDS = [c for c in COMMANDS if c.group == "modes"]


# ============================================================================ parsing a transcript

@dataclass
class Parsed:
    command: Command
    args: dict
    text: str


def parse(text: str, names: Names | None = None, commands: list[Command] | None = None) -> Parsed | None:
    """The command a transcript says, or None. Among several readings the one that names things
    already in the file wins, then the one with the fewest words spent on names."""
    names = names or Names()
    words = normalise_words(text)
    best = None
    for order, command in enumerate(commands or COMMANDS):
        for found in match(command.items, words, names):
            score = (found.known_names, -found.name_words, -order)
            if best is None or score > best[0]:
                best = (score, command, found.args)
    if best is None:
        return None
    return Parsed(best[1], best[2], " ".join(words))


def run(parsed: Parsed, ctx: Context) -> Outcome:
    """Build the command's outcome on the document (Refused says why it can't be done)."""
    return parsed.command.build(ctx, **parsed.args)


def suggestions(text: str = "", limit: int = 5) -> list[str]:
    """What can be said, closest first to what was heard."""
    heard = set(normalise_words(text))
    ranked = sorted(COMMANDS, key=lambda c: (-len(heard & set(c.pattern.split())), COMMANDS.index(c)))
    chosen = [c.spoken for c in ranked[:limit]] if heard else \
        ["go to line TEN", "define function NAME [with NAME and …]", "scratch that", "run program", "read line"]
    return chosen[:limit]


def help_list() -> list[dict]:
    return [{"say": c.spoken, "group": c.group, "does": c.summary, "name": c.name} for c in COMMANDS]


# ============================================================================ LSP shapes

def _utf16(text: str, col: int) -> int:
    prefix = text[: col - 1]
    return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def _position(lines: list[str], line: int, col: int) -> dict:
    text = lines[line - 1] if 1 <= line <= len(lines) else ""
    return {"line": line - 1, "character": _utf16(text, col)}


def from_lsp_position(lines: list[str], position: dict | None) -> tuple[int, int]:
    """(line, col) 1-based code points for an LSP position (UTF-16), clamped into the text."""
    if not isinstance(position, dict):
        return 1, 1
    try:
        line = min(max(int(position.get("line", 0)), 0), max(len(lines) - 1, 0)) + 1
        units = max(int(position.get("character", 0)), 0)
    except (TypeError, ValueError):
        return 1, 1
    text = lines[line - 1] if lines else ""
    col, count = 1, 0
    for ch in text:
        if count >= units:
            break
        count += 2 if ord(ch) > 0xFFFF else 1
        col += 1
    return line, col


def apply_edits(text: str, edits: list[Edit]) -> str:
    """The text after the edits (non-overlapping, positions in the original text)."""
    lines = text.split("\n")
    offsets, total = [], 0
    for line in lines:
        offsets.append(total)
        total += len(line) + 1

    def offset(line: int, col: int) -> int:
        if line > len(lines):
            return len(text)
        return offsets[line - 1] + min(col - 1, len(lines[line - 1]))

    out = text
    for edit in sorted(edits, key=lambda e: (e.line, e.col), reverse=True):
        start, end = offset(edit.line, edit.col), offset(edit.end_line, edit.end_col)
        out = out[:start] + edit.new_text + out[end:]
    return out


def to_message(parsed: Parsed, outcome: Outcome, ctx: Context, uri: str) -> dict:
    """The `command` message of the voice protocol (VOICE.md §3) for an outcome on `ctx`."""
    lines = ctx.lines
    edit = None
    if outcome.edits:
        edit = {"changes": {uri: [{"range": {"start": _position(lines, e.line, e.col),
                                             "end": _position(lines, e.end_line, e.end_col)},
                                   "newText": e.new_text} for e in outcome.edits]}}
    action = outcome.action
    if action is not None and ("line" in action):
        after = apply_edits(ctx.text, outcome.edits).split("\n") if outcome.edits else lines
        action = dict(action)
        action["position"] = _position(after, action.pop("line"), action.pop("col"))
        if "end_line" in action:
            action["end"] = _position(after, action.pop("end_line"), action.pop("end_col"))
    args = {k: (str(v) if isinstance(v, Name) else [str(x) if isinstance(x, Name) else x for x in v]
                if isinstance(v, list) else v) for k, v in parsed.args.items()}
    return {"type": "command", "name": parsed.command.name, "args": args,
            "description": outcome.description, "edit": edit, "action": action}


def execute(text: str, document_text: str, uri: str, position: dict | None = None,
            filename: str | None = None) -> dict:
    """Transcript + document → the protocol message: `command`, or `not_understood`, or `error`
    (understood but refused). Used by the /voice endpoint and the `hypercode/voiceCommand` request."""
    ctx = Context(document_text, filename=filename)
    ctx.line, ctx.col = from_lsp_position(ctx.lines, position)
    parsed = parse(text, ctx.names)
    if parsed is None:
        return {"type": "not_understood", "text": text, "suggestions": suggestions(text)}
    try:
        outcome = run(parsed, ctx)
    except Refused as refused:
        return {"type": "error", "message": str(refused), "command": parsed.command.name}
    return to_message(parsed, outcome, ctx, uri)


def typed_text_message(text: str, document_text: str, uri: str, position: dict | None, description: str) -> dict:
    """A `command` message that types `text` at the cursor (spell and dictation modes)."""
    ctx = Context(document_text)
    ctx.line, ctx.col = from_lsp_position(ctx.lines, position)
    parsed = Parsed(BY_NAME["spell"], {"letters": text}, text)
    message = to_message(parsed, _type_text(ctx, text, description), ctx, uri)
    message["name"] = "type_text"
    message["args"] = {"text": text}
    return message


__all__ = ["COMMANDS", "BY_NAME", "Command", "Context", "Outcome", "Edit", "Refused", "Parsed", "parse",
           "run", "execute", "suggestions", "help_list", "apply_edits", "to_message", "from_lsp_position",
           "document_names", "typed_text_message"]
