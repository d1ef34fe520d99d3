"""One gym scenario, run in its own process (see `agent_bridge.gym.run_one`): reads the order as
JSON on stdin, prints `{"result", "ms"}` or `{"error"}` as one JSON line on stdout."""

from __future__ import annotations

import json
import sys
import time


def main() -> int:
    from ..context import AgentContext
    from . import Recipe, make_specialist
    order = json.loads(sys.stdin.read())
    recipe = Recipe(order.get("engine") or "rules", order.get("model"), order.get("handler"))
    try:
        specialist = make_specialist(order["role"], recipe)
        ctx = AgentContext(agent={"id": "gym", "role": order["role"], "engine": getattr(specialist, "engine", "rules")})
        task = {"id": "gym-" + order["name"], "kind": order["kind"], "priority": 3, "payload": order["payload"],
                "created": time.time(), "attempts": 1}
        started = time.perf_counter()
        result = specialist.handle(task, ctx) or {}
        ms = (time.perf_counter() - started) * 1000
    except Exception as problem:  # noqa: BLE001 - a crashing agent fails its scenario; the gym goes on
        print(json.dumps({"error": f"{problem.__class__.__name__}: {problem}"}))
        return 0
    print(json.dumps({"result": result, "ms": ms}, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
