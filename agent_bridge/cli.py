"""`hypercode-swarm serve|status|dlq|keys` and `hypercode-agent`."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import signal
import socket
import sys
import threading

from .delivery import DeliveryPolicy

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _engine_url(args) -> str | None:
    if getattr(args, "db", None):
        return args.db
    return getattr(args, "redis", None) or os.environ.get("HYPERCODE_REDIS_URL")


def _policy(args) -> DeliveryPolicy:
    return DeliveryPolicy(lease_seconds=args.lease, max_attempts=args.max_attempts, backoff_base=args.backoff_base)


def _add_engine_options(parser, policy: bool = False) -> None:
    parser.add_argument("--redis", metavar="URL", help="use the Redis engine (default: $HYPERCODE_REDIS_URL, "
                                                       "else the embedded engine)")
    parser.add_argument("--db", metavar="PATH", help="the embedded engine's SQLite file (default: in your data folder)")
    if policy:
        parser.add_argument("--lease", type=float, default=10.0, help="lease length in seconds (default 10)")
        parser.add_argument("--max-attempts", type=int, default=5, help="attempts before the dead-letter queue")
        parser.add_argument("--backoff-base", type=float, default=2.0, help="first retry delay in seconds")


def _open_swarm(args, **options):
    from .swarm import Swarm
    return Swarm.open(_engine_url(args), **options)


def _fail(message: str) -> int:
    print(f"hypercode-swarm: {message}", file=sys.stderr)
    return 2


# ---- hypercode-swarm ---------------------------------------------------------------------------
def _serve(args) -> int:
    import uvicorn
    from .api import create_app

    if args.host not in LOOPBACK and not args.host.startswith("127."):
        print(f"Note: listening on {args.host}, beyond this machine. Every request still needs a token.")
    swarm = _open_swarm(args, policy=_policy(args))
    if not swarm.engine.ping():
        return _fail(f"cannot reach the {swarm.engine.name} engine")
    admin = swarm.keys.ensure_admin()
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as error:
        return _fail(f"cannot listen on {args.host}:{args.port} ({error.strerror})")
    port = sock.getsockname()[1]
    names = {args.host, "[::1]" if args.host == "::1" else args.host}
    if args.host in LOOPBACK or args.host.startswith("127."):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    names = {f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names}
    allowed = {f"{n}:{port}" for n in names} | set(args.allow_host or ())
    app = create_app(swarm, allowed_hosts=allowed, allowed_origins=args.allow_origin or ())
    shown = f"[{args.host}]" if ":" in args.host else args.host
    where = getattr(swarm.engine, "path", None) or getattr(swarm.engine, "url", "")
    if admin:
        print(f"Admin key (shown once; keep it, e.g. export HYPERCODE_SWARM_TOKEN={admin}):")
        print(f"  {admin}")
    print(f"hypercode-swarm is ready at http://{shown}:{port}/ (engine: {swarm.engine.name}, {where})", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        swarm.close()
    return 0


def _status(args) -> int:
    swarm = _open_swarm(args)
    status = swarm.status()
    if args.json:
        print(json.dumps(status, indent=2))
        return 0
    print(f"Engine: {status['engine']} ({'reachable' if status['reachable'] else 'NOT reachable'})")
    waiting = sum(status["queues"].values())
    by_priority = ", ".join(f"p{p}: {n}" for p, n in status["queues"].items() if n) or "none"
    print(f"Waiting: {waiting} ({by_priority}); retrying later: {status['delayed']}; being worked on: "
          f"{status['leased']}; dead letters: {status['dead_letters']}; done: {status['done']}")
    if not status["agents"]:
        print("Agents: none registered")
    for agent in status["agents"]:
        state = agent["status"] if agent["online"] else "offline"
        print(f"  {agent['id']}  {agent['role']:<10} {state:<8} load {agent['load']:.2f}  "
              f"seen {agent['last_seen']:g} s ago  {agent['name']}")
    return 0


def _dlq(args) -> int:
    from .delivery import NotDead, TaskNotFound
    swarm = _open_swarm(args)
    try:
        if args.action == "list":
            dead = swarm.delivery.dead_letters()
            if not dead:
                print("The dead-letter queue is empty.")
            for task in dead:
                message = (task.get("error") or {}).get("message", "")
                print(f"{task['id']}  {task['kind']:<8} attempts {task['attempts']}  {message}")
        elif args.action == "retry":
            swarm.delivery.retry_dead(args.id)
            print(f"Task {args.id} is queued again.")
        else:
            swarm.delivery.drop_dead(args.id)
            print(f"Task {args.id} is gone.")
    except (TaskNotFound, NotDead):
        return _fail(f"there is no dead task {args.id}")
    return 0


def _keys(args) -> int:
    from .auth import BadScope
    swarm = _open_swarm(args)
    if args.action == "create":
        try:
            token, record = swarm.keys.create(args.scope or [], name=args.name or "", rate_limit=args.rate_limit)
        except BadScope as error:
            return _fail(str(error))
        print(f"Key {record['id']} ({', '.join(record['scopes'])}); shown once:")
        print(f"  {token}")
    elif args.action == "list":
        for record in swarm.keys.list():
            state = "revoked" if record["revoked"] else "active"
            print(f"{record['id']}  {state:<8} {' '.join(record['scopes']):<40} {record['name']}")
    else:
        if not args.id or not swarm.keys.revoke(args.id):
            return _fail(f"there is no key {args.id}")
        print(f"Key {args.id} is revoked.")
    return 0


def swarm_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hypercode-swarm", description="The HyperCode swarm backend.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the HTTP/WebSocket API")
    _add_engine_options(serve, policy=True)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    serve.add_argument("--allow-origin", action="append", help="a web page origin allowed to call the API")
    serve.add_argument("--allow-host", action="append", help="an extra Host header to answer for (host:port)")
    status = commands.add_parser("status", help="agents, queues by priority, leased tasks, dead letters")
    _add_engine_options(status)
    status.add_argument("--json", action="store_true")
    dlq = commands.add_parser("dlq", help="the dead-letter queue: list | retry ID | drop ID")
    _add_engine_options(dlq)
    dlq.add_argument("action", choices=["list", "retry", "drop"])
    dlq.add_argument("id", nargs="?")
    keys = commands.add_parser("keys", help="API keys: create --scope S… | list | revoke ID")
    _add_engine_options(keys)
    keys.add_argument("action", choices=["create", "list", "revoke"])
    keys.add_argument("id", nargs="?")
    keys.add_argument("--scope", nargs="+", help="scopes, e.g. tasks:submit tasks:read")
    keys.add_argument("--name", help="what the key is for")
    keys.add_argument("--rate-limit", type=int, default=100, help="task submissions a minute (default 100)")
    from .crew.cli import add_commands as add_crew_commands
    handlers = {"serve": _serve, "status": _status, "dlq": _dlq, "keys": _keys, **add_crew_commands(commands)}
    args = parser.parse_args(argv)
    if args.command == "dlq" and args.action != "list" and not args.id:
        parser.error(f"dlq {args.action} needs a task ID")
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:                       # e.g. Redis unreachable: say so, no traceback
        return _fail(f"{type(error).__name__}: {error}")


# ---- hypercode-agent ---------------------------------------------------------------------------
def load_factory(spec: str):
    """`module:attr` or `path/to/file.py:attr` → a specialist factory."""
    module_name, _, attr = spec.rpartition(":")
    if module_name.endswith(".py"):
        loader = importlib.util.spec_from_file_location("_hypercode_agent_handler", module_name)
        module = importlib.util.module_from_spec(loader)
        loader.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    return getattr(module, attr)


def agent_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hypercode-agent", description="Run one HyperCode agent process.")
    parser.add_argument("--role", required=True, help="explainer, fixer, tester, reviewer or llm")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--swarm", metavar="URL", help="a hypercode-swarm serve (token: --token or "
                                                      "$HYPERCODE_SWARM_TOKEN)")
    where.add_argument("--redis", metavar="URL", help="a Redis server, used directly")
    where.add_argument("--db", metavar="PATH", help="an embedded engine's SQLite file on this machine")
    parser.add_argument("--token", help="API key with agents:register (for --swarm)")
    parser.add_argument("--concurrency", type=int, default=1, help="tasks at a time (default 1)")
    parser.add_argument("--name", help="a name shown in status")
    parser.add_argument("--handler", help=argparse.SUPPRESS)        # module:factory, for tests
    parser.add_argument("--heartbeat", type=float, default=10.0, help=argparse.SUPPRESS)
    parser.add_argument("--lease", type=float, default=10.0, help="lease length in seconds (default 10)")
    parser.add_argument("--max-attempts", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument("--backoff-base", type=float, default=2.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not (args.swarm or args.redis or args.db or os.environ.get("HYPERCODE_REDIS_URL")):
        parser.error("say where the swarm is: --swarm URL or --redis URL")

    if args.handler:
        factory = load_factory(args.handler)
    else:
        try:
            from .specialists import SPECIALISTS
        except ImportError as error:
            print(f"hypercode-agent: the built-in specialists could not be loaded ({error})", file=sys.stderr)
            return 2
        if args.role not in SPECIALISTS:
            parser.error(f"unknown role '{args.role}'; choose one of {', '.join(sorted(SPECIALISTS))}")
        factory = SPECIALISTS[args.role]
    specialist = factory()
    if getattr(specialist, "role", None) != args.role:
        specialist.role = args.role          # a test handler serves whichever role it is given

    from .worker import LocalSource, Worker
    if args.swarm:
        from .remote import HttpSource
        token = args.token or os.environ.get("HYPERCODE_SWARM_TOKEN")
        if not token:
            parser.error("--swarm needs a token: --token KEY or $HYPERCODE_SWARM_TOKEN")
        source, where_text = HttpSource(args.swarm, token), args.swarm
    else:
        swarm = _open_swarm(args, policy=_policy(args))
        source, where_text = LocalSource(swarm), swarm.engine.name
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        worker = Worker(source, specialist, concurrency=args.concurrency, name=args.name,
                        heartbeat_every=args.heartbeat).start()
    except Exception as error:
        print(f"hypercode-agent: could not register with {where_text}: {error}", file=sys.stderr)
        return 2
    print(f"agent {worker.agent['id']} ({args.role}) is serving {', '.join(sorted(specialist.kinds))} "
          f"on {where_text}", flush=True)
    try:
        while not stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    worker.stop()
    return 0
