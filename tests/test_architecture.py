"""ARCHITECTURE.md's layering, checked on the import graph: the language core knows nothing of the
tools built on it; the server knows nothing of the editors; the bridge and voice sit beside the
server and call the language package, never the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["hypercode_lang", "lsp_server", "agent_bridge", "hypercode_voice", "editor_web"]

# package -> the project packages it may import (besides itself)
ALLOWED = {
    "hypercode_lang": set(),
    "agent_bridge": {"hypercode_lang", "hypercode_voice"},  # `hypercode-swarm serve` also hosts /voice
    "hypercode_voice": {"hypercode_lang"},
    "lsp_server": {"hypercode_lang", "agent_bridge", "hypercode_voice"},
    "editor_web": {"hypercode_lang", "lsp_server", "agent_bridge", "hypercode_voice"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.add(node.args[0].value.split(".")[0])
    return found & set(PACKAGES)


def test_layers_point_one_way():
    broken = []
    for package in PACKAGES:
        folder = ROOT / package
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.py"):
            for imported in imports_of(path) - {package} - ALLOWED[package]:
                broken.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert not broken, "layering broken:\n" + "\n".join(broken)


def test_the_check_sees_a_violation(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from lsp_server.server import create_server\nimport agent_bridge.client\n")
    assert imports_of(sample) == {"lsp_server", "agent_bridge"}


# ------------------------------------------------------------------ inside hypercode_lang
# ARCHITECTURE.md's order, lowest first. A module may import its own layer or any lower one;
# the module graph (every import, lazy ones inside functions included) must have no cycle.
CORE_LAYERS = [
    {"language", "diagnostics", "ir", "files", "collector"},  # facts, messages, the IR, untrusted files, GC pauses
    {"parser", "scopes", "modules", "cache"},       # source -> IR; names and scopes; imports
    {"checker"},
    {"vm", "jit"},
    {"analysis"},                                   # document / IDE analysis, above the checker
    {"api", "cli", "repl", "runner", "__init__", "__main__"},
]
# Known edges that break the order or close a cycle, allowed for now: none. (The runner used to
# import the API it serves; it now gets the checker from its caller: runner.default_resolver.)
CORE_ALLOWED_FOR_NOW: set[tuple[str, str]] = set()


def core_import_graph(root: Path = ROOT / "hypercode_lang") -> dict[str, set[str]]:
    """module -> the hypercode_lang modules it imports (absolute and relative, at any depth)."""
    modules = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        modules[name] = (path, parts[:-1] if is_package else parts[:-1])
    graph: dict[str, set[str]] = {}
    for name, (path, package) in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = ".".join(package[:len(package) - node.level + 1])
                    module = f"{base}.{node.module}" if node.module else base
                else:
                    module = node.module or ""
                # `from pkg import sub` imports the module pkg.sub when there is one, else a name of pkg
                for alias in node.names:
                    submodule = f"{module}.{alias.name}"
                    targets.append(submodule if submodule in modules else module)
            elif isinstance(node, ast.Import):
                targets += [alias.name for alias in node.names]
            found.update(target for target in targets if target in modules and target != name)
        graph[name] = found
    return graph


def _layer(module: str) -> int:
    parts = module.split(".")
    unit = parts[1] if len(parts) > 1 else "__init__"
    for index, layer in enumerate(CORE_LAYERS):
        if unit in layer:
            return index
    raise AssertionError(f"{module} is in no layer of CORE_LAYERS: add it where it belongs")


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of imports that crosses from one package to another, or None. (Modules of one
    package importing each other, such as parser.engine and parser.tables, are that package's
    own business.)"""
    for a in sorted(graph):
        for b in sorted(graph[a]):
            if _unit(a) == _unit(b):
                continue
            came_from = {b: None}
            queue = [b]
            while queue:
                node = queue.pop(0)
                if node == a:
                    return [a] + _walk_back(came_from, a)  # a -> b -> … -> a
                for nxt in sorted(graph.get(node, ())):
                    if nxt not in came_from:
                        came_from[nxt] = node
                        queue.append(nxt)
    return None


def _walk_back(came_from: dict, end: str) -> list[str]:
    path = []
    node = end
    while node is not None:
        path.append(node)
        node = came_from[node]
    return path[::-1]


def test_core_modules_import_in_layer_order_without_cycles():
    graph = core_import_graph()
    # a package's __init__ importing its own submodules is how packages work, not a layer edge
    edges = {(a, b) for a, targets in graph.items() for b in targets} - CORE_ALLOWED_FOR_NOW
    upward = sorted(f"{a} imports {b}" for a, b in edges if _layer(b) > _layer(a))
    assert not upward, "hypercode_lang layering broken (a lower layer imports a higher one):\n" + "\n".join(upward)
    pruned = {a: {b for b in targets if (a, b) in edges} for a, targets in graph.items()}
    cycle = _cycle(pruned)
    assert cycle is None, "import cycle inside hypercode_lang: " + " -> ".join(cycle)
    # the allowed-for-now list stays honest: each entry is still a real edge
    assert all(b in graph[a] for a, b in CORE_ALLOWED_FOR_NOW)


def test_the_core_check_sees_an_upward_import_and_a_cycle(tmp_path):
    package = tmp_path / "hypercode_lang"
    (package / "checker").mkdir(parents=True)
    (package / "analysis").mkdir()
    (package / "__init__.py").write_text("")
    (package / "checker" / "__init__.py").write_text("from ..analysis import document\n")
    (package / "analysis" / "__init__.py").write_text("")
    (package / "analysis" / "document.py").write_text("def f():\n    from ..checker import x\n")
    graph = core_import_graph(package)
    assert graph["hypercode_lang.checker"] == {"hypercode_lang.analysis.document"}
    assert _layer("hypercode_lang.analysis.document") > _layer("hypercode_lang.checker")
    assert _cycle(graph) is not None
