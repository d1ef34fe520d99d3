"""`hypercode-lsp`: the HyperCode language server over stdio (default) or WebSocket.

    hypercode-lsp                      # stdio, for editors that start the server themselves
    hypercode-lsp --ws 127.0.0.1:8765  # WebSocket, one isolated session per connection
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from . import ws


def parse_address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT (for example 127.0.0.1:8765), got {text!r}")
    return host or ws.DEFAULT_HOST, int(port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hypercode-lsp", description="The HyperCode language server.")
    parser.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    parser.add_argument("--ws", type=parse_address, metavar="HOST:PORT",
                        help="serve over WebSocket instead, one session per connection")
    parser.add_argument("--log-level", default="WARNING", help="stderr logging level (default WARNING)")
    args = parser.parse_args(argv)
    # Logs go to stderr; stdout carries the protocol.
    logging.basicConfig(stream=sys.stderr, level=args.log_level.upper(),
                        format="hypercode-lsp %(levelname)s %(name)s: %(message)s")
    from .server import create_server
    if args.ws:
        host, port = args.ws

        def ready(server):
            print(f"hypercode-lsp: listening on ws://{host}:{ws.bound_port(server)}", file=sys.stderr, flush=True)

        try:
            asyncio.run(ws.serve(host, port, create_server, on_ready=ready))
        except KeyboardInterrupt:
            pass
        return 0
    create_server().start_io()
    return 0


if __name__ == "__main__":
    sys.exit(main())
