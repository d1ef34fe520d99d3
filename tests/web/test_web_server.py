"""hypercode-web serves the page and the LSP socket on one port, safely."""

from __future__ import annotations

import asyncio
import json

import pytest
from pygls.lsp.server import LanguageServer
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from editor_web import server as web
from lsp_server import ws

TOKEN = "web-test-token"


def tiny_server() -> LanguageServer:
    return LanguageServer("tiny-web", "0.1")


@pytest.fixture
async def port():
    ready = asyncio.get_running_loop().create_future()
    table = web.routes(tiny_server)
    task = asyncio.create_task(
        web.serve("127.0.0.1", 0, tiny_server, web.make_guard(table, TOKEN), table=table,
                  on_ready=lambda s: ready.set_result(s))
    )
    yield ws.bound_port(await asyncio.wait_for(ready, 5))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def http_get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    raw = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, body


async def test_serves_the_page_and_bundle(port):
    status, headers, body = await http_get(port, "/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in headers["content-security-policy"]
    assert b"hyperflow" in body and b"hyperflow.js" in body

    status, headers, body = await http_get(port, "/hyperflow.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert int(headers["content-length"]) == len(body) > 1000

    status, headers, _ = await http_get(port, "/fonts/opendyslexic-latin-400-normal.woff2")
    assert status == 200 and headers["content-type"] == "font/woff2"


@pytest.mark.parametrize(
    "path",
    ["/nope.html", "/../server.py", "/%2e%2e/server.py", "/..%2fserver.py", "/.git/config", "/fonts/../../server.py"],
)
async def test_nothing_outside_static_is_served(port, path):
    status, _, body = await http_get(port, path)
    assert status == 404
    assert b"import" not in body


async def test_lsp_socket_only_on_lsp_path_and_same_origin(port):
    with pytest.raises(InvalidStatus) as wrong_path:
        async with connect(f"ws://127.0.0.1:{port}/elsewhere?token={TOKEN}", origin=f"http://127.0.0.1:{port}"):
            pass
    assert wrong_path.value.response.status_code == 404

    with pytest.raises(InvalidStatus) as other_site:
        async with connect(f"ws://127.0.0.1:{port}/lsp?token={TOKEN}", origin="http://evil.example"):
            pass
    assert other_site.value.response.status_code == 403

    with pytest.raises(InvalidStatus) as no_token:
        async with connect(f"ws://127.0.0.1:{port}/lsp", origin=f"http://127.0.0.1:{port}"):
            pass
    assert no_token.value.response.status_code == 401

    async with connect(f"ws://127.0.0.1:{port}/lsp?token={TOKEN}", origin=f"http://127.0.0.1:{port}") as socket:
        await socket.send(
            json.dumps(
                {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}}
            )
        )
        reply = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert reply["result"]["serverInfo"]["name"] == "tiny-web"

    status, _, _ = await http_get(port, f"/lsp?token={TOKEN}")
    assert status == 426
    status, _, _ = await http_get(port, "/lsp")
    assert status == 401


def test_bad_factory_is_a_calm_error(capsys):
    assert web.main(["--server-factory", "no_such_module_here:create_server"]) == 1
    assert "could not load its language server" in capsys.readouterr().err


def test_refuses_to_listen_beyond_loopback(capsys):
    assert web.main(["--host", "0.0.0.0"]) == 2
    assert "not a loopback address" in capsys.readouterr().err


async def test_serves_the_error_reference_from_the_catalogue(port):
    from hypercode_lang.diagnostics import CATALOGUE
    status, headers, body = await http_get(port, "/docs/errors/HC1001")
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = body.decode()
    assert "<h1>HC1001: Unknown name</h1>" in page and CATALOGUE["HC1001"].why in page
    assert "<pre><code>message = &quot;hi&quot;" in page or "<pre><code>message = \"hi\"" in page
    status, _, body = await http_get(port, "/docs/errors/index")
    assert status == 200 and all(code in body.decode() for code in CATALOGUE)
    status, _, _ = await http_get(port, "/docs/errors/HC9999")
    assert status == 404
