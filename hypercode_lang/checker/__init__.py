"""Static checks on the IR (no running): unknown names (HC1001), unused locals (HC1002),
argument counts and keyword names for known functions (HC1003), misplaced return / break /
continue (HC1004), unknown error kinds and methods on values whose type is certain (HC2006).

`check_program(program, filename=…)` returns diagnostics; it never raises for any IR the
parser can produce.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, Span, catalogue, closest
from ..ir.tree import all_statements
from ..language import builtins as bi
from ..language.errors import ERROR_KINDS
from ..language.keywords import CONSTANTS
from ..language.methods import METHODS
from ..scopes import Analysis, analyse, infer_type, kind_of
from .rules import check_rules, is_name

NAME_EXTRAS = list(CONSTANTS)  # suggestions may be True / False / None too


def check_program(program: dict, *, filename: str | None = None, module_names: set | None = None,
                  analysis: Analysis | None = None, lines: list[str] | None = None,
                  predefined=()) -> list[Diagnostic]:
    analysis = analysis or analyse(program, lines, predefined)
    found: list[Diagnostic] = []
    found += _unknown_names(analysis)
    found += _imports(analysis, module_names, filename)
    found += _calls(analysis)
    found += _attributes(analysis)
    found += check_rules(program)
    found += _error_kinds(program["body"])
    found += _unused(analysis)
    for d in found:
        d.filename = filename
    return found


def _suggest_fix(loc, name, suggestion):
    return [catalogue.fix_rename(Span.from_loc(loc), name, suggestion)] if suggestion and loc else []


def _unknown_names(analysis: Analysis) -> list[Diagnostic]:
    found = []
    for occurrence in analysis.unresolved():
        if not occurrence.loc:
            continue
        visible = list(occurrence.scope.visible()) + NAME_EXTRAS
        suggestion = closest(occurrence.name, visible)
        found.append(catalogue.diagnostic("HC1001", occurrence.loc,
                                          fixes=_suggest_fix(occurrence.loc, occurrence.name, suggestion),
                                          name=occurrence.name, suggestion=suggestion))
    return found


def _imports(analysis: Analysis, module_names: set | None, filename: str | None = None) -> list[Diagnostic]:
    found = []
    if module_names is None:
        return found
    for statement, name_loc in analysis.imports:
        name = statement["import"]
        if name == "math" or name in module_names or not name_loc or not is_name(name):
            continue  # (a name that isn't one is rules.py's HC1005)
        if filename:
            # The file may be there but unusable (a folder, a pipe, a link out of the folder, …).
            from ..modules import ModuleLoadError, resolve_import
            try:
                resolve_import(name, filename, span=Span.from_loc(name_loc))
            except ModuleLoadError as refused:
                if refused.diagnostics[0].code != "HC1001":
                    found.extend(refused.diagnostics)
                    continue
            else:
                continue  # it appeared since the folder was listed
        suggestion = closest(name, list(module_names) + ["math"])
        found.append(catalogue.diagnostic("HC1001", name_loc, fixes=_suggest_fix(name_loc, name, suggestion),
                                          name=name, suggestion=suggestion, module=True))
    return found


def signature_of(func: dict, scope) -> tuple[str, object] | None:
    """('def', def-node) or ('builtin', Signature) for a call's function when it is known."""
    kind = kind_of(func)
    if kind == "var":
        symbol = scope.lookup(func["var"])
        if symbol is None:
            return None
        if symbol.is_builtin:
            return "builtin", bi.FUNCTIONS[symbol.name]
        if symbol.kind == "function" and len(symbol.definitions) == 1 and symbol.node is not None:
            return "def", symbol.node
        return None
    if kind == "attr":
        receiver = func["attr"]["value"]
        name = func["attr"]["name"]
        receiver_type = infer_type(receiver, scope)
        if receiver_type == "module" and kind_of(receiver) == "var" and receiver["var"] == "math" and name in bi.MATH:
            return "builtin", bi.MATH[name]
        if receiver_type in METHODS and name in METHODS[receiver_type]:
            return "builtin", METHODS[receiver_type][name]
    return None


def _calls(analysis: Analysis) -> list[Diagnostic]:
    found = []
    for call, scope in analysis.calls:
        value = call["call"]
        known = signature_of(value["func"], scope)
        if known is None:
            continue
        kind, target = known
        if kind == "def":
            params = target["def"]["params"]
            name = target["def"]["name"]
            low = sum(1 for p in params if p["default"] is None)
            high = len(params)
            keywords = [p["name"] for p in params]
            positional_names = keywords
        else:
            name = target.name
            low, high = target.arity()
            keywords = target.keyword_names()
            positional_names = target.positional_names()
            if target.any_keywords:
                keywords = (*keywords, *value["kwargs"])
        got = len(value["args"])
        problem = None
        if high is not None and not value["kwargs"]:
            # The common call, positional arguments only: a count is all there is to check.
            wrong_count = not low <= got <= high
        else:
            filled = set(positional_names[:got]) if high is not None else set()
            for keyword, argument in value["kwargs"].items():
                if keyword not in keywords or keyword in filled:
                    problem = dict(keyword=keyword, suggestion=closest(keyword, [k for k in keywords if k not in filled]),
                                   loc=argument.get("loc"))
                    break
                filled.add(keyword)
            if problem is None:
                missing = [p for p in positional_names[:low] if p not in filled]
                too_many = high is not None and got > high
                # `*values` are positional only: max(key=f) still gives max() no values.
                too_few = got + len(value["kwargs"]) < low or (high is None and got < low)
                wrong_count = bool(missing or too_many or too_few)
        if problem is None:
            if wrong_count:
                found.append(catalogue.diagnostic("HC1003", call["loc"], func=name, expected=_expected(low, high),
                                                  got=got, keyword=None))
            continue
        loc = problem.pop("loc") or call["loc"]
        keyword_span = Span(loc[0], max(1, loc[1] - len(problem["keyword"]) - 1), loc[0],
                            max(1, loc[1] - 1)) if loc else None
        fixes = [catalogue.fix_rename(keyword_span, problem["keyword"], problem["suggestion"])] \
            if problem["suggestion"] and keyword_span else []
        found.append(catalogue.diagnostic("HC1003", keyword_span or call["loc"], fixes=fixes, func=name,
                                          expected=_expected(low, high), got=got, **problem))
    return found


def _expected(low: int, high: int | None) -> str:
    if high is None:
        return f"at least {low}"
    if low == high:
        return str(low)
    return f"{low} to {high}"


def _attributes(analysis: Analysis) -> list[Diagnostic]:
    found = []
    for node, scope in analysis.attributes:
        value = node["attr"]
        name = value["name"]
        if isinstance(name, str) and name.startswith("_"):
            continue        # rules.py's HC2006 already: nothing of that shape is reachable
        receiver = value["value"]
        receiver_type = infer_type(receiver, scope)
        if receiver_type == "module" and kind_of(receiver) == "var" and receiver["var"] == "math":
            known = list(bi.MATH) + list(bi.MATH_CONSTANTS)
            type_word = "module"
        elif receiver_type in METHODS:
            known = list(METHODS[receiver_type])
            type_word = receiver_type
        else:
            continue
        if name in known:
            continue
        suggestion = closest(name, known)
        span = catalogue.name_span(node)
        fixes = [catalogue.fix_rename(span, name, suggestion)] if suggestion and span else []
        found.append(catalogue.diagnostic("HC2006", span or node["loc"], fixes=fixes, name=name, type=type_word,
                                          suggestion=suggestion,
                                          module=receiver["var"] if type_word == "module" else None))
    return found


def _error_kinds(body: list) -> list[Diagnostic]:
    """`except Kind:` names a known error kind (they're names too, so HC1001 with a suggestion)."""
    known = ERROR_KINDS
    found = []
    for statement in all_statements(body):
        if kind_of(statement) != "try":
            continue
        for handler in statement["try"]["handlers"]:
            name, loc = handler.get("kind"), handler.get("loc")
            if name and name not in known and loc:
                span = Span(loc[0], loc[1] + len("except "), loc[0], loc[1] + len("except ") + len(name))
                suggestion = closest(name, known)
                found.append(catalogue.diagnostic("HC1001", span, fixes=_suggest_fix(span.to_loc(), name, suggestion),
                                                  name=name, suggestion=suggestion))
    return found


def _unused(analysis: Analysis) -> list[Diagnostic]:
    found = []
    for scope in analysis.scopes:
        if scope.kind != "function":
            continue
        for symbol in scope.symbols.values():
            if symbol.kind != "variable" or symbol.references or symbol.name.startswith("_"):
                continue
            # Only plain `name = value` assignments: loop targets and unpacking are often deliberate.
            if not symbol.definitions or any(v is None for v in symbol.values):
                continue
            found.append(catalogue.diagnostic("HC1002", symbol.definitions[0], name=symbol.name))
    return found


def load_ir_program(text: str, filename: str | None = None, *,
                    module_names: set | None = None) -> tuple[dict | None, list[Diagnostic]]:
    """(program, diagnostics) for IR given as JSON text (`hcvm run file.json`): the same rules
    and checks as source, in an order that is safe for any input — JSON, depth (HC0010), schema,
    the shared rules (rules.py), then everything `check_program` reports. The program is None
    when it can't be checked further."""
    from ..ir import IRError, IRTooDeep, load
    from ..ir.tree import MAX_NESTING
    try:
        program = load(text)
    except IRTooDeep as error:
        at = error.loc or [1, 1, 1, 1]
        return None, [catalogue.diagnostic("HC0010", Span(at[0], at[1], at[0], at[1] + 1), filename=filename,
                                           limit=MAX_NESTING)]
    except IRError as error:
        detail = catalogue.ir_rule_detail("schema", path=error.path, message=error.message)
        return None, [catalogue.diagnostic("HC0001", Span(1, 1, 1, 1), filename=filename, detail=detail)]
    from ..ir.shape import fill_locs
    fill_locs(program)  # positions are optional in IR; the checker's diagnostics need one
    problems = check_rules(program)
    if any(d.is_error for d in problems):
        for d in problems:
            d.filename = filename
        return None, problems
    if module_names is None:
        from ..modules import sibling_modules
        module_names = sibling_modules(filename)
    found = check_program(program, filename=filename, module_names=module_names)
    found.sort(key=lambda d: (d.span.line, d.span.col, d.code))
    return program, found
