"""`hypercode-web`: serve the hyperflow editor and its language server on one port.

Plain HTTP GETs get the static files shipped inside this package
(`editor_web/static/`); a WebSocket upgrade on `/lsp` opens one isolated
language-server session (see `lsp_server.ws`). Binds 127.0.0.1 by default.
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
from importlib import resources
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from websockets.asyncio.server import Server, ServerConnection
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from lsp_server import ws

logger = logging.getLogger("hypercode-web")

LSP_PATH = "/lsp"
DEFAULT_FACTORY = "lsp_server.server:create_server"
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


def _is_upgrade(request: Request) -> bool:
    return "websocket" in request.headers.get("Upgrade", "").lower()


def _same_origin(request: Request) -> bool:
    """Refuse LSP sockets opened by pages of other sites (a browser always sends Origin)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True  # not a browser: a local tool
    host = request.headers.get("Host", "")
    return origin in (f"http://{host}", f"https://{host}")


def process_request(connection: ServerConnection, request: Request) -> Response | None:
    """websockets' hook: answer static GETs; let `/lsp` upgrades through."""
    path = urlsplit(request.path).path
    if _is_upgrade(request):
        if path != LSP_PATH:
            return _response(404, "Not Found", b"Not found.\n", _TYPES[".txt"])
        if not _same_origin(request):
            return _response(403, "Forbidden", b"This socket is for the hyperflow page only.\n", _TYPES[".txt"])
        return None
    if path == LSP_PATH:
        return _response(426, "Upgrade Required", b"Connect with a WebSocket.\n", _TYPES[".txt"])
    rel = _normalise(request.path)
    body = _read_static(rel) if rel is not None else None
    if body is None:
        return _response(404, "Not Found", b"Nothing here.\n", _TYPES[".txt"])
    suffix = PurePosixPath(rel).suffix
    content_type = _TYPES.get(suffix) or mimetypes.guess_type(rel)[0] or "application/octet-stream"
    return _response(200, "OK", body, content_type)


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


async def run(host: str, port: int, factory_spec: str, on_ready=None) -> None:
    factory = load_factory(factory_spec)

    def ready(server: Server) -> None:
        bound = ws.bound_port(server)
        shown = f"[{host}]" if ":" in host else host
        print(f"hyperflow is ready at http://{shown}:{bound}/", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        if on_ready is not None:
            on_ready(server)

    await ws.serve(host, port, factory, process_request=process_request, on_ready=ready)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="hypercode-web",
        description="Serve hyperflow, the HyperCode web editor, with its language server.",
    )
    parser.add_argument("--host", default=ws.DEFAULT_HOST, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 or omitted picks a free one")
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
    try:
        load_factory(args.server_factory)
    except (ImportError, AttributeError, OSError) as exc:
        print(
            f"hyperflow could not load its language server ({args.server_factory}): {exc}",
            file=sys.stderr,
        )
        return 1
    try:
        asyncio.run(run(args.host, args.port, args.server_factory))
    except KeyboardInterrupt:
        print("\nhyperflow stopped.", flush=True)
    except OSError as exc:
        print(f"hyperflow could not start on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
