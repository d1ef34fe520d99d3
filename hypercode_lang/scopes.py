"""Scopes, symbols and every name occurrence in a program, with Python's scoping rules:
assignment anywhere in a function makes a local; functions see enclosing functions and the
module; comprehensions have their own scope for their target; built-ins come last.

`analyse(program)` is the one entry point. The checker, `hcvm`, and the language server
(definition, references, rename, highlight, completion, hover) all read its result. It sits
below both the checker and the IDE analysis (`analysis/` re-exports it as `analysis.scopes`), so
neither imports the other to get it.
"""

from __future__ import annotations

import re

from .ir.tree import kind_of, statement_blocks
from .language import builtins as bi

STATEMENT_BLOCKS = ("body", "orelse", "finally")

# Plain classes with slots, not dataclasses: the compiler reads this module on every `hcvm run`,
# and the dataclasses module costs ~10 ms of start-up (slots also make an analysis lighter).
# `_Record` gives them a dataclass's equality (where they had it) and a short repr.


class _Record:
    __slots__ = ()
    _fields: tuple = ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._fields)})"


class _ValueRecord(_Record):
    __slots__ = ()

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return tuple(getattr(self, n) for n in self._fields) == tuple(getattr(other, n) for n in self._fields)

    __hash__ = None


class Symbol(_Record):
    __slots__ = ("name", "kind", "scope", "definitions", "references", "node", "values")
    _fields = ("name", "kind")

    def __init__(self, name: str, kind: str, scope: "Scope | None", definitions: list | None = None,
                 references: list | None = None, node: dict | None = None, values: list | None = None):
        self.name = name
        self.kind = kind                        # variable | function | parameter | module | builtin
        self.scope = scope
        self.definitions = [] if definitions is None else definitions  # locs of the name where it is bound
        self.references = [] if references is None else references     # locs of the name where it is read
        self.node = node                        # the `def` statement, for functions
        self.values = [] if values is None else values  # assigned value nodes (None: unknown, e.g. a loop target)

    @property
    def is_builtin(self) -> bool:
        return self.kind == "builtin"


class Scope(_Record):
    __slots__ = ("kind", "name", "node", "parent", "loc", "symbols", "children")
    _fields = ("kind", "name")

    def __init__(self, kind: str, name: str, node: dict | None, parent: "Scope | None",
                 loc: list | None = None, symbols: dict | None = None, children: list | None = None):
        self.kind = kind                        # module | function | comprehension
        self.name = name
        self.node = node
        self.parent = parent
        self.loc = loc
        self.symbols = {} if symbols is None else symbols
        self.children = [] if children is None else children

    def lookup(self, name: str) -> "Symbol | None":
        scope = self
        while scope is not None:
            if name in scope.symbols:
                return scope.symbols[name]
            scope = scope.parent
        return BUILTIN_SYMBOLS.get(name)

    def visible(self) -> dict:
        """Every name visible from here: own first, then enclosing scopes, then built-ins."""
        names = dict(BUILTIN_SYMBOLS)
        chain = []
        scope = self
        while scope is not None:
            chain.append(scope)
            scope = scope.parent
        for scope in reversed(chain):
            names.update(scope.symbols)
        return names


class Occurrence(_ValueRecord):
    __slots__ = _fields = ("loc", "name", "symbol", "scope", "is_definition")

    def __init__(self, loc: list, name: str, symbol: Symbol | None, scope: Scope, is_definition: bool):
        self.loc = loc
        self.name = name
        self.symbol = symbol
        self.scope = scope
        self.is_definition = is_definition


BUILTIN_SYMBOLS = {name: Symbol(name, "builtin", None) for name in bi.FUNCTIONS}


class Analysis(_ValueRecord):
    __slots__ = _fields = ("module", "occurrences", "calls", "attributes", "imports", "scopes")

    def __init__(self, module: Scope, occurrences: list, calls: list, attributes: list, imports: list,
                 scopes: list):
        self.module = module
        self.occurrences = occurrences
        self.calls = calls              # (call node, scope) for argument checks and inlay hints
        self.attributes = attributes    # (attr node, scope)
        self.imports = imports          # (import statement, name loc)
        self.scopes = scopes            # every scope, module first

    def occurrence_at(self, line: int, col: int) -> Occurrence | None:
        best = None
        for occ in self.occurrences:
            l1, c1, l2, c2 = occ.loc
            if (l1, c1) <= (line, col) <= (l2, c2):
                if best is None or (occ.loc[2], occ.loc[3]) <= (best.loc[2], best.loc[3]):
                    best = occ
        return best

    def scope_at(self, line: int, col: int) -> Scope:
        """The innermost scope whose span contains the position."""
        found = self.module
        for scope in self.scopes[1:]:
            if scope.loc and (scope.loc[0], scope.loc[1]) <= (line, col) <= (scope.loc[2], scope.loc[3]):
                if found is self.module or _inside(scope.loc, found.loc):
                    found = scope
        return found

    def unresolved(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.symbol is None and not o.is_definition]

    def release(self) -> None:
        """Break the scope ↔ symbol and scope ↔ child links, so that this analysis is freed as
        soon as its last reader lets go of it, not at the next full collection (a big file's
        analysis is tens of MB, and a server may run full collections only when idle). Only for
        an analysis nothing reads afterwards."""
        for scope in self.scopes:
            scope.symbols, scope.children, scope.parent = {}, [], None


def _inside(inner, outer) -> bool:
    return outer is None or ((outer[0], outer[1]) <= (inner[0], inner[1]) and (inner[2], inner[3]) <= (outer[2], outer[3]))


class _Resolver:
    def __init__(self, lines: list[str] | None):
        self.lines = lines
        self.occurrences: list[Occurrence] = []
        self.calls: list = []
        self.attributes: list = []
        self.imports: list = []
        self.scopes: list[Scope] = []

    # ------------------------------------------------------------ binding pass
    def bind(self, scope: Scope, name: str, loc, kind: str = "variable", node=None, value=None):
        symbol = scope.symbols.get(name)
        if symbol is None:
            symbol = scope.symbols[name] = Symbol(name, kind, scope, node=node)
        elif kind != symbol.kind:
            symbol.kind, symbol.node = "variable", None   # bound in more than one way: just a variable
        if loc:
            symbol.definitions.append(loc)
            self.occurrences.append(Occurrence(loc, name, symbol, scope, True))
        symbol.values.append(value)
        return symbol

    def bind_target(self, scope: Scope, target: dict, value=None):
        kind = kind_of(target)
        if kind == "var":
            self.bind(scope, target["var"], target.get("loc"), value=value)
        elif kind in ("tuple", "list"):
            for item in target[kind]:
                self.bind_target(scope, item, None)

    def collect(self, scope: Scope, body: list):
        """Bind every name the statements assign, without entering nested functions."""
        for statement in body:
            kind = kind_of(statement)
            value = statement[kind]
            if kind == "assign":
                for target in value["targets"]:
                    self.bind_target(scope, target, value["value"] if kind_of(target) == "var" else None)
            elif kind == "augassign":
                self.bind_target(scope, value["target"], None)
            elif kind == "for":
                self.bind_target(scope, value["target"], None)
            elif kind == "def":
                self.bind(scope, value["name"], self.def_name_loc(statement), "function", node=statement)
            elif kind == "import":
                loc = statement.get("loc")
                name_loc = [loc[2], loc[3] - len(value), loc[2], loc[3]] if loc else None
                self.imports.append((statement, name_loc))
                self.bind(scope, value, name_loc, "module")
            elif kind == "try":
                for handler in value["handlers"]:
                    if handler.get("name"):
                        self.bind(scope, handler["name"], self.handler_name_loc(handler))
            elif kind == "match":
                for case in value["cases"]:
                    self.bind_pattern(scope, case["pattern"])
            for block in statement_blocks(statement, into_defs=False):
                self.collect(scope, block)

    def bind_pattern(self, scope: Scope, pattern: dict):
        kind = kind_of(pattern)
        value = pattern[kind]
        loc = pattern.get("loc")
        if kind == "capture":
            self.bind(scope, value, loc)
        elif kind == "star" and value:
            self.bind(scope, value, [loc[0], loc[3] - len(value), loc[2], loc[3]] if loc else None)
        elif kind == "as":
            self.bind_pattern(scope, value["pattern"])
            self.bind(scope, value["name"], [loc[2], loc[3] - len(value["name"]), loc[2], loc[3]] if loc else None)
        elif kind in ("or", "sequence"):
            for item in value:
                self.bind_pattern(scope, item)

    def def_name_loc(self, statement: dict):
        loc = statement.get("loc")
        if not loc:
            return None
        name = statement["def"]["name"]
        col = loc[1] + 4
        if self.lines and loc[0] <= len(self.lines):
            found = re.search(rf"def\s+({re.escape(name)})\b", self.lines[loc[0] - 1])
            if found:
                col = found.start(1) + 1
        return [loc[0], col, loc[0], col + len(name)]

    def handler_name_loc(self, handler: dict):
        loc = handler.get("loc")
        if not loc:
            return None
        name = handler["name"]
        if self.lines and loc[0] <= len(self.lines):
            found = re.search(rf"\bas\s+({re.escape(name)})\b", self.lines[loc[0] - 1])
            if found:
                return [loc[0], found.start(1) + 1, loc[0], found.end(1) + 1]
        return None

    # ------------------------------------------------------------ resolution pass
    def new_scope(self, kind, name, node, parent, loc) -> Scope:
        scope = Scope(kind, name, node, parent, loc)
        if parent is not None:
            parent.children.append(scope)
        self.scopes.append(scope)
        return scope

    def use(self, scope: Scope, name: str, loc):
        symbol = scope.lookup(name)
        if symbol is not None and loc:
            symbol.references.append(loc)
        self.occurrences.append(Occurrence(loc, name, symbol, scope, False))

    def block(self, scope: Scope, body: list):
        for statement in body:
            self.statement(scope, statement)

    def statement(self, scope: Scope, statement: dict):
        kind = kind_of(statement)
        value = statement[kind]
        if kind == "def":
            for param in value["params"]:
                if param["default"] is not None:
                    self.expr(scope, param["default"])
            inner = self.new_scope("function", value["name"], statement, scope, statement.get("loc"))
            for param in value["params"]:
                self.bind(inner, param["name"], param.get("loc"), "parameter")
            self.collect(inner, value["body"])
            self.block(inner, value["body"])
            return
        if kind == "expr":
            self.expr(scope, value)
        elif kind == "assign":
            self.expr(scope, value["value"])
            for target in value["targets"]:
                self.target(scope, target)
        elif kind == "augassign":
            target = value["target"]
            if kind_of(target) == "var":
                self.use(scope, target["var"], target.get("loc"))
            else:
                self.target(scope, target)
            self.expr(scope, value["value"])
        elif kind in ("if", "while"):
            self.expr(scope, value["test"])
        elif kind == "for":
            self.expr(scope, value["iter"])
            self.target(scope, value["target"])
        elif kind in ("return", "raise"):
            if value is not None:
                self.expr(scope, value)
        elif kind == "assert":
            self.expr(scope, value["test"])
            if value["msg"] is not None:
                self.expr(scope, value["msg"])
        elif kind == "match":
            self.expr(scope, value["subject"])
            for case in value["cases"]:
                self.pattern(scope, case["pattern"])
                if case.get("guard") is not None:
                    self.expr(scope, case["guard"])
                self.block(scope, case["body"])
            return
        elif kind == "try":
            self.block(scope, value["body"])
            for handler in value["handlers"]:
                self.block(scope, handler["body"])
            self.block(scope, value.get("orelse") or [])
            self.block(scope, value.get("finally") or [])
            return
        for block in statement_blocks(statement, into_defs=False):
            self.block(scope, block)

    def target(self, scope: Scope, target: dict):
        """Targets bind (already collected); item targets read their container and index."""
        kind = kind_of(target)
        if kind in ("tuple", "list"):
            for item in target[kind]:
                self.target(scope, item)
        elif kind in ("index", "slice"):
            self.expr(scope, target)

    def pattern(self, scope: Scope, pattern: dict):
        kind = kind_of(pattern)
        value = pattern[kind]
        if kind == "value":
            self.expr(scope, value)
        elif kind in ("or", "sequence"):
            for item in value:
                self.pattern(scope, item)
        elif kind == "as":
            self.pattern(scope, value["pattern"])

    def expr(self, scope: Scope, node: dict):
        stack = [node]
        while stack:
            node = stack.pop()
            if not isinstance(node, dict):
                continue
            kind = kind_of(node)
            value = node[kind]
            if kind == "var":
                self.use(scope, value, node.get("loc"))
            elif kind == "const":
                continue
            elif kind == "listcomp":
                self.expr(scope, value["iter"])
                inner = self.new_scope("comprehension", "<listcomp>", node, scope, node.get("loc"))
                self.bind_target(inner, value["target"])
                for part in [value["elt"], *value["ifs"]]:
                    self.expr(inner, part)
            elif kind == "call":
                self.calls.append((node, scope))
                stack.append(value["func"])
                stack.extend(value["args"])
                stack.extend(value["kwargs"].values())
            elif kind == "attr":
                self.attributes.append((node, scope))
                stack.append(value["value"])
            elif kind == "fstring":
                stack.extend(part["value"] for part in value if isinstance(part, dict))
            elif kind == "dict":
                for k, v in value:
                    stack.extend((k, v))
            elif isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, dict):
                for v in value.values():
                    if isinstance(v, dict):
                        stack.append(v)
                    elif isinstance(v, list):
                        stack.extend(v)


def analyse(program: dict, lines: list[str] | None = None, predefined=()) -> Analysis:
    """Resolve every name in `program`. `lines` (the source) sharpens a few name positions;
    `predefined` names are already bound at the top level (earlier REPL entries)."""
    resolver = _Resolver(lines)
    module = resolver.new_scope("module", "<module>", program, None, None)
    for name in predefined:
        module.symbols[name] = Symbol(name, "variable", module)
    resolver.collect(module, program["body"])
    resolver.block(module, program["body"])
    return Analysis(module, resolver.occurrences, resolver.calls, resolver.attributes, resolver.imports,
                    resolver.scopes)


# ------------------------------------------------------------------ slot plans (for the compiler)

class SlotPlan(_Record):
    """Where one scope keeps each of its names, read off the analysis. The bytecode compiler
    allocates slots from it and never resolves a name itself.

    Parameters, then the other names bound here, are the scope's own (fast) slots; `cells` are
    own names an inner scope reads, so they live in cells; `frees` are names read from an
    enclosing function or comprehension (their cells come with the closure). Any other name is
    a module global, or a built-in when the module does not bind it. In the module scope
    every bound name is a global."""
    __slots__ = _fields = ("kind", "params", "locals", "cells", "frees")

    def __init__(self, kind: str, params: tuple = (), locals: tuple = (), cells: frozenset = frozenset(),
                 frees: tuple = ()):
        self.kind = kind        # module | function | comprehension
        self.params = params    # in order
        self.locals = locals    # bound here and not a parameter, sorted
        self.cells = cells
        self.frees = frees      # sorted

    def access(self, name: str) -> str:
        """"deref" (a cell), "fast" (an own slot) or "global" for a name read or bound here."""
        if self.kind == "module":
            return "global"
        if name in self.cells or name in self.frees:
            return "deref"
        if name in self.params or name in self.locals:
            return "fast"
        return "global"


def slot_plans(analysis: Analysis) -> dict[int, SlotPlan]:
    """A SlotPlan per scope, keyed by `id()` of the scope's node: the program for the module,
    the `def` statement for a function, the `listcomp` node for a comprehension."""
    cells: dict[int, set] = {id(scope): set() for scope in analysis.scopes}
    frees: dict[int, set] = {id(scope): set() for scope in analysis.scopes}
    for occ in analysis.occurrences:
        if occ.is_definition or occ.symbol is None:
            continue
        owner = occ.symbol.scope
        if owner is occ.scope or owner is None or owner.kind == "module":
            continue
        cells[id(owner)].add(occ.name)
        scope = occ.scope
        while scope is not owner:                  # every scope in between passes the cell on
            frees[id(scope)].add(occ.name)
            scope = scope.parent
    plans = {}
    for scope in analysis.scopes:
        params = ()
        if scope.kind == "function":
            params = tuple(p["name"] for p in scope.node["def"]["params"])
        own = set(scope.symbols).difference(params)
        plans[id(scope.node)] = SlotPlan(scope.kind, params, tuple(sorted(own)),
                                         frozenset(cells[id(scope)]), tuple(sorted(frees[id(scope)])))
    return plans


# ------------------------------------------------------------------ types (just enough)

LITERAL_TYPES = {"list": "list", "listcomp": "list", "dict": "dict", "tuple": "tuple", "fstring": "str"}
CONVERSIONS = {"str": "str", "int": "int", "float": "float", "list": "list", "dict": "dict", "tuple": "tuple",
               "bool": "bool", "sorted": "list", "input": "str", "len": "int", "type": "str"}
STR_RESULTS = {"upper", "lower", "strip", "lstrip", "rstrip", "replace", "join", "title"}


def infer_type(node: dict | None, scope: Scope | None, _depth: int = 0) -> str | None:
    """The type of an expression when it is certain from the text alone, else None."""
    if node is None or _depth > 8:
        return None
    kind = kind_of(node)
    value = node[kind]
    if kind == "const":
        return type(value).__name__
    if kind in LITERAL_TYPES:
        return LITERAL_TYPES[kind]
    if kind == "var" and scope is not None:
        symbol = scope.lookup(value)
        if symbol is None or symbol.kind not in ("variable",) or not symbol.values:
            return "module" if symbol is not None and symbol.kind == "module" else None
        types = {infer_type(v, symbol.scope, _depth + 1) if v is not None else None for v in symbol.values}
        return types.pop() if len(types) == 1 else None
    if kind == "call":
        func = value["func"]
        if kind_of(func) == "var" and scope is not None:
            symbol = scope.lookup(func["var"])
            if symbol is not None and symbol.is_builtin:
                return CONVERSIONS.get(func["var"])
        if kind_of(func) == "attr":
            receiver = infer_type(func["attr"]["value"], scope, _depth + 1)
            if receiver == "str" and func["attr"]["name"] in STR_RESULTS:
                return "str"
            if receiver == "str" and func["attr"]["name"] == "split":
                return "list"
    if kind == "binop" and value["op"] in ("add", "mul"):
        left = infer_type(value["left"], scope, _depth + 1)
        right = infer_type(value["right"], scope, _depth + 1)
        if left == right and left in ("str", "list"):
            return left
    return None
