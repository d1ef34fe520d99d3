"""hypercode-web and hypercode-lsp --ws answer only their own page: raw HTTP requests with foreign
Hosts, foreign Origins, DNS-rebinding pairs, missing or wrong tokens are refused before any
upgrade, and the static page alone needs no token."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pygls.lsp.server import LanguageServer

from editor_web import server as web
from lsp_server import guard, ws

TOKEN = "s3cret-launch-token"
ROOT = Path(__file__).resolve().parents[2]
KEY = base64.b64encode(b"0123456789abcdef").decode()


def tiny_server() -> LanguageServer:
    return LanguageServer("tiny-guarded", "0.1")


async def start(coro_factory):
    ready = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(coro_factory(lambda s: ready.set_result(s)))
    port = ws.bound_port(await asyncio.wait_for(ready, 10))
    return task, port


async def stop(task):
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.fixture
async def web_port():
    table = web.routes(tiny_server)
    rules = web.make_guard(table, TOKEN, ["http://allowed.example:3000"])
    task, port = await start(lambda ready: web.serve("127.0.0.1", 0, tiny_server, rules, table=table,
                                                     on_ready=ready))
    yield port
    await stop(task)


@pytest.fixture
async def lsp_port():
    rules = guard.Guard.create(TOKEN, allow_no_origin=True)
    task, port = await start(lambda ready: ws.serve("127.0.0.1", 0, tiny_server, guard=rules, on_ready=ready))
    yield port
    await stop(task)


async def raw(port: int, request: str | bytes) -> tuple[int, dict[str, str], bytes]:
    """Send `request` as it is; return (status, headers, body) of the reply."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request.encode() if isinstance(request, str) else request)
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    body = b""
    if status != 101:
        body = await asyncio.wait_for(reader.read(int(headers.get("content-length", "0")) or -1), 10)
    writer.close()
    return status, headers, body


def get(path: str, host: str | None, **headers: str) -> str:
    lines = [f"GET {path} HTTP/1.1"]
    if host is not None:
        lines.append(f"Host: {host}")
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return "\r\n".join(lines) + "\r\n\r\n"


def upgrade(path: str, host: str | None, **headers: str) -> str:
    return get(path, host, Upgrade="websocket", Connection="Upgrade", Sec_WebSocket_Key=KEY,
               Sec_WebSocket_Version="13", **headers)


# ====================================================================== the static page

async def test_static_page_needs_no_token(web_port):
    status, headers, body = await raw(web_port, get("/", f"127.0.0.1:{web_port}"))
    assert status == 200 and b"hyperflow" in body
    assert headers["referrer-policy"] == "no-referrer"     # the token in the URL never leaks onward


async def test_static_asset_needs_no_token(web_port):
    status, _, body = await raw(web_port, get("/hyperflow.js", f"localhost:{web_port}"))
    assert status == 200 and len(body) > 1000


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/%2e%2e/%2e%2e/pyproject.toml", "/..%2f..%2fserver.py",
                                  "/fonts/../../server.py", "/.%2e/server.py", "/%5c..%5cserver.py",
                                  "/static/../../../etc/passwd", "//etc/passwd"])
async def test_path_traversal_on_static_files_finds_nothing(web_port, path):
    status, _, body = await raw(web_port, get(path + f"?token={TOKEN}", f"127.0.0.1:{web_port}"))
    assert status == 404
    assert b"import" not in body and b"root:" not in body and b"[project]" not in body


async def test_static_page_with_a_foreign_host_is_misdirected(web_port):
    status, _, body = await raw(web_port, get("/", f"evil.example:{web_port}"))
    assert status == 421 and b"127.0.0.1" in body


async def test_request_without_a_host_is_misdirected(web_port):
    status, _, _ = await raw(web_port, get("/", None))
    assert status == 421


async def test_repeated_host_or_origin_headers_are_refused(web_port):
    two_hosts = get("/", f"127.0.0.1:{web_port}").replace("\r\n\r\n", "\r\nHost: evil.example\r\n\r\n")
    assert (await raw(web_port, two_hosts))[0] == 400
    two_origins = upgrade(f"/lsp?token={TOKEN}", f"127.0.0.1:{web_port}", Origin=f"http://127.0.0.1:{web_port}")
    two_origins = two_origins.replace("\r\n\r\n", "\r\nOrigin: http://evil.example\r\n\r\n")
    assert (await raw(web_port, two_origins))[0] == 400


async def test_host_with_another_port_is_misdirected(web_port):
    status, _, _ = await raw(web_port, get("/", "127.0.0.1:1"))
    assert status == 421


# ====================================================================== hypercode-web's /lsp socket

async def test_page_socket_with_token_in_query_is_accepted(web_port):
    status, _, _ = await raw(web_port, upgrade(f"/lsp?token={TOKEN}", f"127.0.0.1:{web_port}",
                                               Origin=f"http://127.0.0.1:{web_port}"))
    assert status == 101


async def test_page_socket_with_bearer_token_is_accepted(web_port):
    status, _, _ = await raw(web_port, upgrade("/lsp", f"localhost:{web_port}", Origin=f"http://localhost:{web_port}",
                                               Authorization=f"Bearer {TOKEN}"))
    assert status == 101


async def test_socket_without_token_is_refused_without_upgrade(web_port):
    status, headers, body = await raw(web_port, upgrade("/lsp", f"127.0.0.1:{web_port}",
                                                        Origin=f"http://127.0.0.1:{web_port}"))
    assert status == 401 and "upgrade" not in headers and b"token" in body


@pytest.mark.parametrize("offered", ["wrong", TOKEN + "x", TOKEN[:-1], "", TOKEN.upper()])
async def test_socket_with_a_wrong_token_is_refused(web_port, offered):
    status, _, _ = await raw(web_port, upgrade(f"/lsp?token={offered}", f"127.0.0.1:{web_port}",
                                               Origin=f"http://127.0.0.1:{web_port}"))
    assert status == 401


async def test_wrong_bearer_token_is_refused(web_port):
    status, _, _ = await raw(web_port, upgrade("/lsp", f"127.0.0.1:{web_port}", Origin=f"http://127.0.0.1:{web_port}",
                                               Authorization="Bearer nope"))
    assert status == 401


async def test_foreign_origin_is_refused_even_with_the_token(web_port):
    status, headers, _ = await raw(web_port, upgrade(f"/lsp?token={TOKEN}", f"127.0.0.1:{web_port}",
                                                     Origin="http://evil.example"))
    assert status == 403 and "sec-websocket-accept" not in headers


@pytest.mark.parametrize("origin", ["null", "https://127.0.0.1:{port}", "http://127.0.0.1:{port}.evil.example",
                                    "http://127.0.0.1", "http://localhost:1"])
async def test_lookalike_origins_are_refused(web_port, origin):
    status, _, _ = await raw(web_port, upgrade(f"/lsp?token={TOKEN}", f"127.0.0.1:{web_port}",
                                               Origin=origin.format(port=web_port)))
    assert status == 403


async def test_dns_rebinding_host_and_origin_pair_is_refused(web_port):
    # evil.example now resolves to 127.0.0.1: the browser sends the page's own name for both.
    status, _, _ = await raw(web_port, upgrade(f"/lsp?token={TOKEN}", f"evil.example:{web_port}",
                                               Origin=f"http://evil.example:{web_port}"))
    assert status == 421


async def test_page_socket_without_origin_is_refused(web_port):
    """hypercode-web's socket is for its page; browsers always send Origin on a WebSocket."""
    status, _, _ = await raw(web_port, upgrade(f"/lsp?token={TOKEN}", f"127.0.0.1:{web_port}"))
    assert status == 403


async def test_listed_origin_is_accepted(web_port):
    status, _, _ = await raw(web_port, upgrade(f"/lsp?token={TOKEN}", f"127.0.0.1:{web_port}",
                                               Origin="http://allowed.example:3000"))
    assert status == 101


async def test_plain_http_on_a_route_needs_the_token(web_port):
    assert (await raw(web_port, get("/lsp", f"127.0.0.1:{web_port}")))[0] == 401
    assert (await raw(web_port, get(f"/lsp?token={TOKEN}", f"127.0.0.1:{web_port}")))[0] == 426


# ====================================================================== hypercode-lsp --ws

async def test_lsp_ws_accepts_a_local_tool_without_origin(lsp_port):
    status, _, _ = await raw(lsp_port, upgrade(f"/?token={TOKEN}", f"127.0.0.1:{lsp_port}"))
    assert status == 101


async def test_lsp_ws_refuses_a_browser_page(lsp_port):
    status, _, _ = await raw(lsp_port, upgrade(f"/?token={TOKEN}", f"127.0.0.1:{lsp_port}",
                                               Origin="http://evil.example"))
    assert status == 403


async def test_lsp_ws_refuses_no_token_and_foreign_host(lsp_port):
    assert (await raw(lsp_port, upgrade("/", f"127.0.0.1:{lsp_port}")))[0] == 401
    assert (await raw(lsp_port, upgrade(f"/?token={TOKEN}", f"attacker.example:{lsp_port}")))[0] == 421
    assert (await raw(lsp_port, get("/", f"127.0.0.1:{lsp_port}")))[0] == 401   # nothing is public


# ====================================================================== the guard on its own

def test_verdict_works_on_any_header_mapping():
    rules = guard.Guard.create("t0k3n", allow_no_origin=False, public=lambda path: path == "/")
    ok = {"Host": "127.0.0.1:80", "Origin": "http://127.0.0.1:80", "Upgrade": "websocket"}
    assert rules.verdict("GET", "/voice?token=t0k3n", ok, "127.0.0.1", 80) is None
    assert rules.verdict("GET", "/voice?token=bad", ok, "127.0.0.1", 80).status == 401
    assert rules.verdict("GET", "/", {"Host": "localhost:80"}, "127.0.0.1", 80) is None
    assert rules.verdict("GET", "/", {"Host": "[::1]:80"}, "127.0.0.1", 80) is None
    assert rules.verdict("GET", "/", {"Host": "127.0.0.1:80", "Origin": "http://a.example"}, "127.0.0.1", 80).status == 403


def test_tokens_are_random_per_launch_unless_chosen(monkeypatch):
    monkeypatch.delenv(guard.TOKEN_ENV, raising=False)
    first, second = guard.chosen_token(None), guard.chosen_token(None)
    assert first != second and len(first) >= 40
    monkeypatch.setenv(guard.TOKEN_ENV, "from-env")
    assert guard.chosen_token(None) == "from-env"
    assert guard.chosen_token("from-flag") == "from-flag"


# ====================================================================== the real commands

def _start(args, env, stream):
    process = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = getattr(process, stream).readline()
    return process, line


def test_hypercode_web_prints_the_page_url_with_a_fresh_token():
    env = {k: v for k, v in os.environ.items() if k != guard.TOKEN_ENV}
    urls = []
    for _ in range(2):
        process, line = _start(["-m", "editor_web.server", "--port", "0"], env, "stdout")
        try:
            found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)", line)
            assert found, line
            urls.append(found.group(2))
        finally:
            process.terminate()
            process.wait(10)
    assert urls[0] != urls[1]


def test_hypercode_lsp_ws_uses_the_token_from_the_environment():
    env = {**os.environ, guard.TOKEN_ENV: "env-chosen-token"}
    process, line = _start(["-m", "lsp_server", "--ws", "127.0.0.1:0"], env, "stderr")
    try:
        assert re.search(r"ws://127\.0\.0\.1:\d+/\?token=env-chosen-token\s*$", line), line
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize("args", [["-m", "lsp_server", "--ws", "0.0.0.0:0"],
                                  ["-m", "editor_web.server", "--host", "192.0.2.1"]])
def test_servers_refuse_to_listen_beyond_loopback(args):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "loopback" in done.stderr
