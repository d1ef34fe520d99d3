"""`hypercode-lsp`: the HyperCode language server over stdio (default) or WebSocket.

    hypercode-lsp                      # stdio, for editors that start the server themselves
    hypercode-lsp --ws 127.0.0.1:8765  # WebSocket, one isolated session per connection

Over WebSocket it listens on loopback only and prints `ws://127.0.0.1:PORT/?token=T`: clients
pass the token as `?token=T` or `Authorization: Bearer T` (choose it with `--token` or
`$HYPERCODE_TOKEN`; otherwise it is random per launch). Browser pages are refused unless their
Origin is listed with `--allow-origin`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from . import guard, ws


def parse_address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT (for example 127.0.0.1:8765), got {text!r}")
    return host.strip("[]") or ws.DEFAULT_HOST, int(port)   # [::1]:8765 is host ::1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hypercode-lsp", description="The HyperCode language server.")
    parser.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    parser.add_argument("--ws", type=parse_address, metavar="HOST:PORT",
                        help="serve over WebSocket instead, one session per connection")
    parser.add_argument("--token", help=f"the WebSocket token (default ${guard.TOKEN_ENV}, else random per launch)")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                        help="also accept WebSockets from this page origin (e.g. http://localhost:5173)")
    parser.add_argument("--log-level", default="WARNING", help="stderr logging level (default WARNING)")
    args = parser.parse_args(argv)
    # Logs go to stderr; stdout carries the protocol.
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper(),
                        format="hypercode-lsp %(levelname)s %(name)s: %(message)s")
    from .server import create_server
    if args.ws:
        host, port = args.ws
        problem = guard.check_bind_host(host)
        if problem:
            print(f"hypercode-lsp: {problem}", file=sys.stderr)
            return 2
        # A local tool sends no Origin; a browser page does, and must be listed.
        rules = guard.Guard.create(args.token, args.allow_origin, allow_no_origin=True)
        shown = f"[{host}]" if ":" in host else host

        def ready(server):
            print(f"hypercode-lsp: listening on ws://{shown}:{ws.bound_port(server)}/?token={rules.token}",
                  file=sys.stderr, flush=True)

        try:
            asyncio.run(ws.serve(host, port, create_server, guard=rules, on_ready=ready))
        except KeyboardInterrupt:
            pass
        except OSError as exc:
            print(f"hypercode-lsp: could not listen on {shown}:{port}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        return 0
    from .transport import serve_stdio
    return serve_stdio(create_server())


if __name__ == "__main__":
    sys.exit(main())
