"""`hypercode-web`: serve the hyperflow editor and its language server on one port.

Plain HTTP GETs get the static files shipped inside this package
(`editor_web/static/`); a WebSocket upgrade on `/lsp` opens one isolated
language-server session (see `lsp_server.ws`). Binds loopback only.

Every request first passes `lsp_server.guard` (inside `ws.serve`): Host must be this server's own
loopback address, Origin (when present) its own page, and everything except the static files
needs the per-launch token, which the page gets from the URL printed at start
(`http://127.0.0.1:PORT/?token=T`). The paths that are not static files are the `routes()` table.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import logging
import mimetypes
import sys
from functools import lru_cache
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from websockets.asyncio.server import Server, ServerConnection
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from lsp_server import guard, ws
from hypercode_lang.diagnostics import pages
from hypercode_voice.endpoint import VOICE_PATH, serve_websocket as serve_voice

logger = logging.getLogger("hypercode-web")

LSP_PATH = "/lsp"
DEFAULT_FACTORY = "lsp_server.server:create_server"
DOCS_PREFIX = "/docs/errors/"   # public, like the page: the reference holds nothing private
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".hc": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "style-src 'self' 'unsafe-inline'; font-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}


def _static_root():
    return resources.files("editor_web") / "static"


@lru_cache(maxsize=256)
def _read_static(path: str) -> bytes | None:
    """Bytes of a file under static/, or None. `path` is already normalised."""
    node = _static_root()
    for part in PurePosixPath(path).parts:
        node = node / part
    try:
        return node.read_bytes() if node.is_file() else None
    except OSError:
        return None


def _normalise(url_path: str) -> str | None:
    """Map a URL path to a relative static path; None if it tries to leave static/."""
    path = unquote(urlsplit(url_path).path)
    if path.endswith("/"):
        path += "index.html"
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." or "\\" in p or p.startswith(".") for p in parts):
        return None
    return "/".join(parts)


def _response(status: int, reason: str, body: bytes, content_type: str) -> Response:
    headers = Headers(
        {
            "Content-Type": content_type,
            "Content-Length": str(len(body)),
            "Cache-Control": "no-cache",
            "Connection": "close",
            **_SECURITY_HEADERS,
        }
    )
    return Response(status, reason, headers, body)


@dataclass(frozen=True)
class Route:
    """A path that is not a static file. The guard has already checked Host, Origin and the
    token before a route sees a request."""

    #: serves an accepted WebSocket on this path
    socket: Callable[[ServerConnection], Awaitable[None]] | None = None
    #: answers a plain HTTP request on this path
    http: Callable[[ServerConnection, Request], Response] | None = None


def routes(factory) -> dict[str, Route]:
    """Every non-static path hypercode-web serves (one line each)."""
    return {
        LSP_PATH: Route(socket=lambda connection: ws.serve_connection(connection, factory)),
        VOICE_PATH: Route(socket=serve_voice),
    }


def make_guard(table: dict[str, Route], token: str | None = None, allowed_origins=()) -> guard.Guard:
    """The guard for this launch: static files are public, every route needs the token, and
    only the page itself (no Origin-less sockets) may open one."""
    return guard.Guard.create(token, allowed_origins, allow_no_origin=False,
                              public=lambda path: path not in table)


def make_process_request(table: dict[str, Route]):
    """websockets' hook (after the guard): routes by path, static files for everything else."""

    def process_request(connection: ServerConnection, request: Request) -> Response | None:
        path = urlsplit(request.path).path
        route = table.get(path)
        if guard.is_upgrade(request):
            if route is None or route.socket is None:
                return _response(404, "Not Found", b"Not found.\n", _TYPES[".txt"])
            return None
        if route is not None:
            if route.http is not None:
                return route.http(connection, request)
            return _response(426, "Upgrade Required", b"Connect with a WebSocket.\n", _TYPES[".txt"])
        if request.method not in ("GET", "HEAD"):
            return _response(405, "Method Not Allowed", b"Only GET here.\n", _TYPES[".txt"])
        if path.startswith(DOCS_PREFIX):                 # the error reference, from the catalogue
            page = pages.page_html(path[len(DOCS_PREFIX):])
            if page is None:
                return _response(404, "Not Found", b"There is no such diagnostic code.\n", _TYPES[".txt"])
            return _response(200, "OK", page.encode("utf-8"), _TYPES[".html"])
        rel = _normalise(request.path)
        body = _read_static(rel) if rel is not None else None
        if body is None:
            return _response(404, "Not Found", b"Nothing here.\n", _TYPES[".txt"])
        suffix = PurePosixPath(rel).suffix
        content_type = _TYPES.get(suffix) or mimetypes.guess_type(rel)[0] or "application/octet-stream"
        return _response(200, "OK", body, content_type)

    return process_request


def make_handler(table: dict[str, Route]):
    """Serves an accepted WebSocket with its path's route (process_request let only those through)."""

    async def handler(connection: ServerConnection) -> None:
        route = table.get(urlsplit(connection.request.path).path)
        if route is None or route.socket is None:   # unreachable: refused before the upgrade
            await connection.close(1008, "no such socket")
            return
        await route.socket(connection)

    return handler


async def serve(host: str, port: int, factory, rules: guard.Guard | None = None, *,
                table: dict[str, Route] | None = None, on_ready=None) -> None:
    """Serve hyperflow until cancelled (tests call this with `port=0`)."""
    table = table if table is not None else routes(factory)
    rules = rules if rules is not None else make_guard(table)
    await ws.serve(host, port, factory, guard=rules, process_request=make_process_request(table),
                   handler=make_handler(table), on_ready=on_ready)


def load_factory(spec: str):
    """`module:function` or `path/to/file.py:function` -> the factory function."""
    module_name, _, attr = spec.rpartition(":") if spec.count(":") else (spec, "", "")
    if module_name.endswith(".py"):
        loader = importlib.util.spec_from_file_location("_hyperflow_factory", module_name)
        module = importlib.util.module_from_spec(loader)
        loader.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    return getattr(module, attr or "create_server")


async def run(host: str, port: int, factory_spec: str, token: str | None = None,
              allowed_origins=(), on_ready=None) -> None:
    factory = load_factory(factory_spec)
    table = routes(factory)
    rules = make_guard(table, token, allowed_origins)

    def ready(server: Server) -> None:
        print(f"hyperflow is ready at {rules.page_url(host, ws.bound_port(server))}", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        if on_ready is not None:
            on_ready(server)

    await serve(host, port, factory, rules, table=table, on_ready=ready)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="hypercode-web",
        description="Serve hyperflow, the HyperCode web editor, with its language server.",
    )
    parser.add_argument("--host", default=ws.DEFAULT_HOST,
                        help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 or omitted picks a free one")
    parser.add_argument("--token", help=f"the page's token (default ${guard.TOKEN_ENV}, else random per launch)")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                        help="also accept this page origin (e.g. a development server's)")
    parser.add_argument(
        "--server-factory",
        default=DEFAULT_FACTORY,
        metavar="MODULE:FUNC",
        help=argparse.SUPPRESS,  # for development: another language-server factory
    )
    parser.add_argument("--verbose", action="store_true", help="log each session")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(name)s: %(message)s",
    )
    # websockets logs a failed handshake at INFO/ERROR; keep the console calm.
    logging.getLogger("websockets").setLevel(logging.WARNING if args.verbose else logging.CRITICAL)
    problem = guard.check_bind_host(args.host)
    if problem:
        print(f"hyperflow: {problem}", file=sys.stderr)
        return 2
    try:
        load_factory(args.server_factory)
    except (ImportError, AttributeError, OSError) as exc:
        print(
            f"hyperflow could not load its language server ({args.server_factory}): {exc}",
            file=sys.stderr,
        )
        return 1
    try:
        asyncio.run(run(args.host, args.port, args.server_factory, args.token, args.allow_origin))
    except KeyboardInterrupt:
        print("\nhyperflow stopped.", flush=True)
    except OSError as exc:
        print(f"hyperflow could not start on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
