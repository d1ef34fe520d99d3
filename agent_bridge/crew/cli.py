"""`hypercode-swarm crew up|status|down` and `hypercode-swarm gym`: added to the swarm CLI by
`add_commands(subparsers)`; each handler translates arguments to `agent_bridge.crew` / `gym` calls."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path


def add_commands(commands) -> dict:
    crew = commands.add_parser("crew", help="start, inspect or stop a crew of agents from a manifest")
    crew_actions = crew.add_subparsers(dest="crew_action", metavar="up|status|down", required=True)
    up = crew_actions.add_parser("up", help="start the crew in FILE and keep it alive (Ctrl+C stops it)")
    up.add_argument("file", help="a crew manifest (YAML)")
    where = up.add_mutually_exclusive_group()
    where.add_argument("--redis", metavar="URL", help="serve a Redis engine (default $HYPERCODE_REDIS_URL)")
    where.add_argument("--db", metavar="PATH", help="serve an embedded engine's SQLite file")
    where.add_argument("--swarm", metavar="URL", help="serve a hypercode-swarm server (token: $HYPERCODE_SWARM_TOKEN)")
    up.add_argument("--lease", type=float, default=10.0, help="lease length in seconds (default 10)")
    status = crew_actions.add_parser("status", help="the running crews and their agents")
    status.add_argument("--json", action="store_true")
    down = crew_actions.add_parser("down", help="stop a running crew")
    down.add_argument("name")

    gym = commands.add_parser("gym", help="run Turing Gym scenarios against the agents")
    gym.add_argument("files", nargs="*", help="scenario files (default: the shipped ones)")
    gym.add_argument("--role", help="only this role's scenarios")
    gym.add_argument("--engine", choices=["rules", "llm"], default="rules", help="the agent under test")
    gym.add_argument("--model", help="the model, with --engine llm")
    gym.add_argument("--junit", metavar="OUT.xml", help="also write a JUnit XML report")
    gym.add_argument("--handler", help=argparse.SUPPRESS)       # module:factory, for tests
    return {"crew": crew_command, "gym": gym_command}


def _fail(message: str) -> int:
    print(f"hypercode-swarm: {message}", file=sys.stderr)
    return 2


def crew_command(args) -> int:
    from . import Crew, read_status, stop_crew
    from ..yamlfile import FileProblem
    from .manifest import load_manifest
    if args.crew_action == "status":
        crews = read_status()
        if args.json:
            print(json.dumps(crews, indent=1))
            return 0
        if not crews:
            print("No crew is running.")
            return 0
        for state in crews:
            print(f"crew {state['name']} (version {state['version']}, supervisor pid {state['pid']})")
            for member in state["members"]:
                print(f"  {member['slot']:<32} {member['state']:<9} agent {member['agent_id'] or '-':<17} "
                      f"restarts {member['restarts']}")
            warm = sum(1 for m in state["pool"] if m["state"] == "warm")
            print(f"  warm pool: {warm} ready of {len(state['pool'])}")
            for refused in state["refused"]:
                print(f"  not admitted: {refused['role']} ({refused['engine']}) — failed "
                      + "; ".join(f["scenario"] for f in refused["failed"]))
        return 0
    if args.crew_action == "down":
        if not stop_crew(args.name):
            return _fail(f"no running crew is called '{args.name}' (see 'hypercode-swarm crew status').")
        print(f"Crew {args.name} stopped.")
        return 0
    try:
        manifest = load_manifest(args.file)
    except FileProblem as problem:
        return _fail(str(problem))
    if read_status(manifest.name):
        return _fail(f"a crew called '{manifest.name}' is already running; stop it with "
                     f"'hypercode-swarm crew down {manifest.name}'.")
    redis = args.redis or (None if (args.db or args.swarm) else os.environ.get("HYPERCODE_REDIS_URL"))
    db = args.db
    if not (redis or db or args.swarm):
        from ..paths import default_db_path
        db = str(default_db_path())
    crew = Crew(manifest, redis=redis, db=db, swarm_url=args.swarm, token=os.environ.get("HYPERCODE_SWARM_TOKEN"),
                lease=args.lease, log=lambda text: print(text, flush=True),
                handler=os.environ.get("HYPERCODE_CREW_HANDLER"))
    signal.signal(signal.SIGTERM, lambda *_: crew.stop())
    try:
        crew.up()
        serving = sum(spec.count for spec in manifest.agents if spec.role not in [r["role"] for r in crew.refused])
        print(f"Crew {manifest.name} is starting {serving} agent(s) and a warm pool of {manifest.warm_pool} "
              f"on {redis or db or args.swarm}. Ctrl+C stops it.", flush=True)
        crew.run()
    except KeyboardInterrupt:
        pass
    finally:
        crew.down()
    print(f"Crew {manifest.name} stopped.", flush=True)
    return 0


def gym_command(args) -> int:
    from ..gym import Recipe, junit_xml, run_scenarios, shipped_scenarios, table
    files = [Path(f) for f in args.files] or shipped_scenarios(args.role)
    if not files:
        return _fail("no scenarios to run.")
    if args.engine == "llm" and not os.environ.get("HYPERCODE_LLM_URL"):
        return _fail("--engine llm needs a model server: set HYPERCODE_LLM_URL.")
    recipe = Recipe(args.engine, args.model, args.handler)
    outcomes = run_scenarios(files, recipe, role=args.role)
    print(table(outcomes))
    if args.junit:
        Path(args.junit).write_text(junit_xml(outcomes), encoding="utf-8")
    return 0 if outcomes and all(o.passed for o in outcomes) else 1
