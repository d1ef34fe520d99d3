"""Who may talk to a HyperCode server: the one check every HTTP request and WebSocket passes.

Both `hypercode-web` and `hypercode-lsp --ws` listen on the user's own machine, where any web
page the user visits can also reach them. So a request is answered only when:

* its ``Host`` names this server's own loopback address and port (``127.0.0.1:PORT``,
  ``localhost:PORT``, ``[::1]:PORT``) — a page that rebinds its DNS name to 127.0.0.1 still sends
  its own name, and is refused with 421;
* its ``Origin``, when it has one, is this server's own page (``http://127.0.0.1:PORT``,
  ``http://localhost:PORT``, ``http://[::1]:PORT``) or one the user listed with
  ``--allow-origin`` — other sites get 403. Browsers always send ``Origin`` on a WebSocket, so a
  socket without one comes from a local tool: `hypercode-lsp --ws` accepts those
  (``allow_no_origin``), `hypercode-web`, which only its page should use, does not;
* it carries the per-launch token (``?token=T`` or ``Authorization: Bearer T``) — every
  WebSocket and every HTTP request except the static page itself; otherwise 401.

`ws.serve(guard=...)` runs `Guard.refusal` before anything else sees a request, so a route
cannot forget it. Refusals are short plain-text HTTP responses; nothing is upgraded.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from websockets.datastructures import Headers
from websockets.http11 import Request, Response
from hypercode_lang.diagnostics.catalogue import editor_message as say

TOKEN_ENV = "HYPERCODE_TOKEN"
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def new_token() -> str:
    """A fresh random token for one launch (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def chosen_token(option: str | None) -> str:
    """`--token T`, else `$HYPERCODE_TOKEN`, else a fresh random token."""
    for candidate in (option, os.environ.get(TOKEN_ENV)):
        if candidate:
            return candidate
    return new_token()


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or 'localhost') is this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def plain_response(status: int, reason: str, text: str, extra: dict[str, str] | None = None) -> Response:
    """A short plain-text HTTP response that closes the connection."""
    body = text.encode("utf-8")
    headers = Headers({
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Length": str(len(body)),
        "Cache-Control": "no-store",
        "Connection": "close",
        "X-Content-Type-Options": "nosniff",
        **(extra or {}),
    })
    return Response(status, reason, headers, body)


def is_upgrade(request: Request) -> bool:
    return "websocket" in request.headers.get("Upgrade", "").lower()


@dataclass
class Guard:
    """The rules for one server launch.

    `public(path)` says which plain HTTP GETs are the static page (no token needed); every
    other request, and every WebSocket whatever its path, needs the token.
    """

    token: str
    allowed_origins: frozenset[str] = frozenset()
    allow_no_origin: bool = False
    public: Callable[[str], bool] = field(default=lambda path: False)

    @classmethod
    def create(cls, token: str | None = None, allowed_origins: Iterable[str] = (), *,
               allow_no_origin: bool = False, public: Callable[[str], bool] | None = None) -> Guard:
        return cls(chosen_token(token), frozenset(o.rstrip("/") for o in allowed_origins),
                   allow_no_origin, public or (lambda path: False))

    # ------------------------------------------------------------ the check
    def refusal(self, connection, request: Request) -> Response | None:
        """websockets' form: the response refusing `request`, or None when it may go on.

        `connection` is the websockets connection: its local address is this server's own.
        """
        local = getattr(connection, "local_address", None) or ("", -1)
        found = self.verdict(request.method, request.path, request.headers, local[0], local[1])
        return None if found is None else found.response()

    def verdict(self, method: str, target: str, headers, local_host: str, local_port: int) -> Refusal | None:
        """The framework-free check. `target` is the request path with its query; `headers` is any
        case-insensitive mapping with `.get` (websockets', Starlette's); `local_host`/`local_port`
        are the address the connection arrived on."""
        port = int(local_port)
        try:
            host, origin, upgrade_header, authorization = (
                _single(headers, name) for name in ("Host", "Origin", "Upgrade", "Authorization"))
        except _Repeated as repeated:     # two Hosts or two Origins: which one would we check?
            return Refusal(400, "Bad Request", say("guard.repeated_header", header=repeated) + "\n")
        if not self.host_ok(host, local_host, port):
            return Refusal(421, "Misdirected Request",
                           say("guard.wrong_host", port=port) + "\n")
        upgrade = "websocket" in (upgrade_header or "").lower()
        if origin is None:
            if upgrade and not self.allow_no_origin:
                return Refusal(403, "Forbidden", say("guard.page_only") + "\n")
        elif not self.origin_ok(origin, local_host, port):
            return Refusal(403, "Forbidden", say("guard.foreign_origin") + "\n")
        if not upgrade and method in ("GET", "HEAD") and self.public(urlsplit(target).path):
            return None
        if not self.token_ok(target, authorization):
            return Refusal(401, "Unauthorized",
                           say("guard.needs_token") + "\n",
                           {"WWW-Authenticate": 'Bearer realm="hypercode"'})
        return None

    # ------------------------------------------------------------ the parts
    def host_ok(self, host: str | None, local_host: str, port: int) -> bool:
        return bool(host) and host.strip().lower() in _own_names(local_host, port)

    def origin_ok(self, origin: str, local_host: str, port: int) -> bool:
        origin = origin.strip().rstrip("/")
        if origin.lower() in {f"http://{name}" for name in _own_names(local_host, port)}:
            return True
        return origin in self.allowed_origins

    def token_ok(self, target: str, authorization: str | None) -> bool:
        offered = []
        scheme, _, value = (authorization or "").strip().partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            offered.append(value.strip())
        offered += parse_qs(urlsplit(target).query).get("token", [])
        expected = self.token.encode("utf-8")
        # compare_digest on every candidate: the time taken says nothing about the token.
        return any(hmac.compare_digest(candidate.encode("utf-8"), expected) for candidate in offered)

    def page_url(self, host: str, port: int, path: str = "/") -> str:
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{path}?token={self.token}"


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str
    text: str
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> Response:
        return plain_response(self.status, self.reason, self.text, self.headers)


class _Repeated(Exception):
    pass


def _single(headers, name: str) -> str | None:
    """The one value of header `name`, or None; _Repeated when it is given more than once."""
    get_all = getattr(headers, "get_all", None) or getattr(headers, "getlist", None)
    if get_all is None:
        return headers.get(name)
    values = get_all(name)
    if len(values) > 1:
        raise _Repeated(name)
    return values[0] if values else None


def _own_names(local_host: str, port: int) -> set[str]:
    """`host:port` forms naming this server: the loopback names, and the address it is bound to."""
    names = set(_LOOPBACK_NAMES)
    if local_host:
        names.add(f"[{local_host}]" if ":" in local_host else local_host)
    return {f"{name.lower()}:{port}" for name in names}


def check_bind_host(host: str) -> str | None:
    """An error message when `host` is not a loopback address (these servers never listen beyond it)."""
    if is_loopback(host):
        return None
    return say("guard.not_loopback", host=host)


__all__ = ["Guard", "TOKEN_ENV", "new_token", "chosen_token", "plain_response", "is_upgrade",
           "is_loopback", "check_bind_host", "Refusal"]
