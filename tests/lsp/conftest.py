"""End-to-end fixtures: the real server (`python -m lsp_server`) driven over stdio by pytest-lsp
clients that announce the VS Code and the Neovim capabilities."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from lsp_helpers import SETTINGS

CLIENTS = ["visual-studio-code", "neovim"]
HELPERS = """\
# Say hello to someone.
# Returns the greeting text.
def greet(name, greeting="Hello"):
    return f"{greeting}, {name}!"

PI_ISH = 3.14
"""


def make_workspace(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "helpers.hc").write_text(HELPERS, encoding="utf-8")
    (root / "other.hc").write_text("def area(w, h):\n    return w * h\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("ws"))


@pytest_lsp.fixture(
    scope="module",
    params=CLIENTS,
    config=ClientServerConfig(server_command=[sys.executable, "-m", "lsp_server"]),
)
async def client(lsp_client: LanguageClient, request, workspace):
    lsp_client.set_configuration(SETTINGS, section="hypercode")
    lsp_client.refreshes = []
    for method in (t.WORKSPACE_INLAY_HINT_REFRESH, t.WORKSPACE_SEMANTIC_TOKENS_REFRESH, t.WORKSPACE_CODE_LENS_REFRESH):
        lsp_client.feature(method)(lambda ls, params, method=method: lsp_client.refreshes.append(method))
    capabilities = client_capabilities(request.param)
    # Neovim 0.10+ pulls diagnostics (`textDocument/diagnostic`); the VS Code 1.65 profile only takes pushes.
    lsp_client.pulls = capabilities.text_document.diagnostic is not None
    result = await lsp_client.initialize_session(t.InitializeParams(
        capabilities=capabilities,
        root_uri=workspace.as_uri(),
        workspace_folders=[t.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        initialization_options={"hypercode": SETTINGS},
    ))
    lsp_client.encoding = str(getattr(result.capabilities.position_encoding, "value",
                                      result.capabilities.position_encoding) or "utf-16")
    lsp_client.workspace_root = workspace
    lsp_client.client_name = request.param
    lsp_client.opened = {}
    yield
    await lsp_client.shutdown_session()




def pytest_collection_modifyitems(items):
    """The client fixture lives for a module; its tests must share the module's event loop."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here and inspect.iscoroutinefunction(getattr(item, "function", None)):
            item.add_marker(pytest.mark.asyncio(loop_scope="module"), append=False)
