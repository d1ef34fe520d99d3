"""One crew member: an agent process started by `hypercode-swarm crew up`.

It loads everything an agent needs (the specialists, the parser tables, the checker) before it is
given work, so a *pooled* member (`--pool`) is ready the moment the crew assigns it a role: it
prints `{"state": "warm"}`, reads one assignment line `{"role", "engine", "model", "handler"}` on
stdin, registers and serves. A member started for a role directly registers at once. With
`--one-use` it serves one task, deregisters and exits, so no state can cross tasks.

Every state change is one JSON line on stdout, read by the crew's watchdog.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time


def say(**fields) -> None:
    print(json.dumps(fields), flush=True)


def warm_up() -> None:
    """Import and exercise what serving needs, so the first task doesn't pay for it."""
    from hypercode_lang.api import check
    check("def warm(n):\n    return n + 1\n\nprint(warm(1))\n", "<warm-up>")
    from .. import specialists, worker  # noqa: F401 - imported for their start-up cost


def build_specialist(assignment: dict):
    from ..gym import Recipe, make_specialist
    recipe = Recipe(assignment.get("engine") or "rules", assignment.get("model"), assignment.get("handler"))
    specialist = make_specialist(assignment["role"], recipe)
    if getattr(specialist, "role", None) != assignment["role"]:
        specialist.role = assignment["role"]
    return specialist


def open_source(args):
    from ..worker import LocalSource
    if args.swarm:
        from ..remote import HttpSource
        return HttpSource(args.swarm, os.environ.get("HYPERCODE_AGENT_TOKEN") or "")
    from ..delivery import DeliveryPolicy
    from ..swarm import Swarm
    policy = DeliveryPolicy(lease_seconds=args.lease)
    return LocalSource(Swarm.open(args.redis or args.db, policy=policy))


def make_worker(source, specialist, args, one_use: bool):
    from ..worker import Worker

    class CrewWorker(Worker):
        def _serve(self) -> None:
            if not one_use:
                return super()._serve()
            kinds = sorted(self.specialist.kinds)
            while not self._stop.is_set():        # claim exactly one task, then stop claiming
                lease = self.source.claim(kinds, wait=0.5)
                if lease is not None:
                    self._run(lease)
                    self._stop.set()

    return CrewWorker(source, specialist, concurrency=1 if one_use else args.concurrency, name=args.name,
                      heartbeat_every=args.heartbeat, dedup_key=f"{args.name}:{time.time_ns()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hypercode-crew-member")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--redis")
    where.add_argument("--db")
    where.add_argument("--swarm")
    parser.add_argument("--name", required=True)
    parser.add_argument("--role")
    parser.add_argument("--engine", default="rules")
    parser.add_argument("--model")
    parser.add_argument("--handler")
    parser.add_argument("--pool", action="store_true")
    parser.add_argument("--one-use", action="store_true")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--heartbeat", type=float, default=2.0)
    parser.add_argument("--lease", type=float, default=10.0)
    parser.add_argument("--subscribe", action="append", default=[], help="topic patterns the manifest gives")
    parser.add_argument("--publish", action="append", default=[], help="topic patterns the manifest gives")
    parser.add_argument("--capability", action="append", default=[])
    args = parser.parse_args(argv)

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    supervisor = os.getppid()
    warm_up()
    source = open_source(args)
    if args.pool:
        # While waiting for a role there is nothing to finish: SIGTERM ends the wait at once.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        say(state="warm", pid=os.getpid())
        line = sys.stdin.readline()
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        if not line.strip():
            return 0                               # the crew went away before needing us
        assignment = json.loads(line)
    else:
        assignment = {"role": args.role, "engine": args.engine, "model": args.model, "handler": args.handler}
    specialist = build_specialist(assignment)
    subscribe = assignment.get("subscribe", args.subscribe)
    publish = assignment.get("publish", args.publish)
    capabilities = assignment.get("capabilities", args.capability)
    register = source.register

    def register_as_the_manifest_says(**info):
        # The registry checks these patterns against the role's ACL: a manifest can narrow, never widen.
        return register(**{**info, "topics": list(subscribe), "publish": list(publish),
                           "capabilities": list(capabilities) or info.get("capabilities", [])})
    source.register = register_as_the_manifest_says
    worker = make_worker(source, specialist, args, args.one_use).start()
    say(state="serving", agent_id=worker.agent["id"], role=assignment["role"], pid=os.getpid())
    while not stopping.wait(0.05):
        if worker._stop.is_set():                 # one-use: the one task is done
            break
        if os.getppid() != supervisor:            # the crew's supervisor is gone: so are we
            break
    worker.stop()
    say(state="stopped", served=worker.served)
    return 0


if __name__ == "__main__":
    sys.exit(main())
