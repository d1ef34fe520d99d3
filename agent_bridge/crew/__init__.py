"""Crews (AGENTS.md §6): a team of agent processes assembled from a manifest, kept alive by a
watchdog, with a warm pool of ready processes, admitted only after passing the Turing Gym.

    hypercode-swarm crew up FILE [--redis URL | --db PATH]   # runs in the foreground
    hypercode-swarm crew status [--json]
    hypercode-swarm crew down NAME

`Crew` is the supervisor. Each member is a child process (`agent_bridge.crew.member`) that reports
its state as JSON lines. The watchdog restarts a member that died or went silent (no heartbeat in
the registry for `policy.silent_after` seconds) — from the warm pool when it can, so the new agent
is serving in milliseconds — with exponential backoff when a member keeps dying soon after it
starts, and gives up visibly after `policy.max_restarts` such deaths. Each restart is published as
`agent.<id>.restarted`; giving up as `agent.<id>.gave_up`. The crew's state is kept in a JSON file
in the user's data folder so `crew status` and `crew down` can find it.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import data_dir
from .manifest import AgentSpec, Manifest, load_manifest

QUICK_DEATH_SECONDS = 10.0     # a member that dies sooner than this after starting is crash-looping
BACKOFF_FIRST, BACKOFF_CAP = 1.0, 30.0
TICK_SECONDS = 0.2


def crews_dir() -> Path:
    folder = data_dir() / "crews"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def state_file(name: str) -> Path:
    return crews_dir() / f"{name}.json"


@dataclass
class Member:
    slot: str                      # stable name: crew-<crew>-<role>-<n>, or pool-<n>
    spec: AgentSpec | None         # None while pooled
    process: subprocess.Popen | None = None
    lines: queue.Queue = field(default_factory=queue.Queue)
    state: str = "starting"        # starting → warm (pool) → serving → stopped | dead | gave_up
    agent_id: str | None = None
    started: float = 0.0
    serving_since: float | None = None
    restarts: int = 0
    quick_deaths: int = 0
    next_start: float = 0.0
    served: int = 0

    def summary(self) -> dict:
        return {"slot": self.slot, "role": self.spec.role if self.spec else None, "state": self.state,
                "agent_id": self.agent_id, "pid": self.process.pid if self.process else None,
                "restarts": self.restarts, "start_ms": self.start_ms()}

    def start_ms(self) -> float | None:
        return round((self.serving_since - self.started) * 1000, 1) if self.serving_since else None


class Crew:
    def __init__(self, manifest: Manifest, *, redis: str | None = None, db: str | None = None,
                 swarm_url: str | None = None, token: str | None = None, lease: float = 10.0,
                 heartbeat: float | None = None, log=print, handler: str | None = None):
        if not (redis or db or swarm_url):
            raise ValueError("a crew needs an engine: redis, db or swarm_url")
        self.manifest = manifest
        self.where = {"redis": redis, "db": db, "swarm": swarm_url}
        self.token = token
        self.lease = lease
        self.heartbeat = heartbeat or max(0.2, manifest.policy.silent_after / 3)
        self.log = log
        self.handler = handler      # tests: a module:factory every member serves with
        self.members: list[Member] = []
        self.pool: list[Member] = []
        self.refused: list[dict] = []
        self.events: list[dict] = []
        self._stop = threading.Event()
        self._swarm = None
        self._pool_serial = 0

    # ---- the swarm the crew serves (registry and bus, when the engine is reachable directly) ----
    @property
    def swarm(self):
        if self._swarm is None and (self.where["redis"] or self.where["db"]):
            from ..swarm import Swarm
            self._swarm = Swarm.open(self.where["redis"] or self.where["db"])
        return self._swarm

    def publish(self, agent_id: str | None, what: str, payload: dict) -> None:
        event = {"topic": f"agent.{agent_id or 'unknown'}.{what}", "type": what, "payload": payload,
                 "time": time.time()}
        self.events.append(event)
        if self.swarm is not None:
            try:
                self.swarm.bus.publish(event["topic"], what, payload, sender=f"crew:{self.manifest.name}")
            except Exception as problem:  # noqa: BLE001 - a lost bus must not stop the watchdog
                self.log(f"could not publish {event['topic']}: {problem}")

    # ---- admission --------------------------------------------------------------------------
    def admit(self) -> list[AgentSpec]:
        """The agent specs that may serve: with `admission.required`, each must pass its role's
        scenarios first (run against exactly the agent it would start)."""
        from ..gym import Recipe, admit
        admitted = []
        for spec in self.manifest.agents:
            if not self.manifest.admission_required:
                admitted.append(spec)
                continue
            recipe = Recipe(spec.engine, spec.model, self.handler)
            ok, outcomes = admit(spec.role, recipe, self.manifest.gym)
            if ok:
                admitted.append(spec)
                self.log(f"{spec.role} ({spec.engine}) passed {len(outcomes)} gym scenario(s)")
            else:
                failed = [{"scenario": o.scenario.name, "why": o.why} for o in outcomes if not o.passed]
                self.refused.append({"role": spec.role, "engine": spec.engine, "failed": failed})
                self.publish(None, "refused", {"role": spec.role, "failed": failed})
                self.log(f"{spec.role} ({spec.engine}) was not admitted: failed " +
                         "; ".join(f"'{f['scenario']}' ({', '.join(f['why'])})" for f in failed))
        return admitted

    # ---- processes ---------------------------------------------------------------------------
    def _command(self, member: Member, pool: bool) -> list[str]:
        command = [sys.executable, "-m", "agent_bridge.crew.member", "--name", member.slot,
                   "--heartbeat", str(self.heartbeat), "--lease", str(self.lease),
                   "--concurrency", str(self.manifest.policy.max_concurrency)]
        for option, value in self.where.items():
            if value:
                command += [f"--{option}", value]
        if self.manifest.policy.one_use:
            command.append("--one-use")
        if pool:
            command.append("--pool")
        else:
            command += ["--role", member.spec.role, "--engine", member.spec.engine]
            if member.spec.model:
                command += ["--model", member.spec.model]
            if self.handler:
                command += ["--handler", self.handler]
            for pattern in member.spec.subscribe:
                command += ["--subscribe", pattern]
            for pattern in member.spec.publish:
                command += ["--publish", pattern]
            for capability in member.spec.capabilities:
                command += ["--capability", capability]
        return command

    def _spawn(self, member: Member, pool: bool = False) -> None:
        env = dict(os.environ)
        if self.token:
            env["HYPERCODE_AGENT_TOKEN"] = self.token
        member.process = subprocess.Popen(self._command(member, pool), stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        member.started = time.monotonic()
        member.serving_since = None
        member.state = "starting"
        member.agent_id = None
        member.lines = queue.Queue()
        threading.Thread(target=_read_lines, args=(member.process, member.lines), daemon=True).start()

    def _assign(self, pooled: Member, spec: AgentSpec, slot: str) -> Member:
        """Give a warm pooled process a role: it registers and serves at once."""
        pooled.slot, pooled.spec = slot, spec
        pooled.started = time.monotonic()
        pooled.serving_since = None
        assignment = {"role": spec.role, "engine": spec.engine, "model": spec.model, "handler": self.handler,
                      "subscribe": list(spec.subscribe), "publish": list(spec.publish),
                      "capabilities": list(spec.capabilities)}
        pooled.process.stdin.write(json.dumps(assignment) + "\n")
        pooled.process.stdin.flush()
        pooled.state = "starting"
        return pooled

    def _refill_pool(self) -> None:
        while len(self.pool) < self.manifest.warm_pool:
            self._pool_serial += 1
            member = Member(slot=f"pool-{self.manifest.name}-{self._pool_serial}", spec=None)
            self._spawn(member, pool=True)
            self.pool.append(member)

    def _take_warm(self) -> Member | None:
        for member in self.pool:
            if member.state == "warm":
                self.pool.remove(member)
                return member
        return None

    # ---- lifecycle -------------------------------------------------------------------------
    def up(self) -> "Crew":
        admitted = self.admit()
        for spec in admitted:
            for n in range(spec.count):
                member = Member(slot=f"crew-{self.manifest.name}-{spec.role}-{n + 1}", spec=spec)
                self._spawn(member)
                self.members.append(member)
        self._refill_pool()
        self.save()
        return self

    def tick(self) -> None:
        now = time.monotonic()
        for member in self.members + self.pool:
            self._read(member)
        for member in list(self.members):
            self._watch(member, now)
        for member in list(self.pool):
            if member.process.poll() is not None:       # a pooled process died: replace it
                self.pool.remove(member)
        self._serve_backlog()
        self._refill_pool()
        self.save()

    def _read(self, member: Member) -> None:
        while True:
            try:
                line = member.lines.get_nowait()
            except queue.Empty:
                return
            try:
                message = json.loads(line)
            except ValueError:
                continue
            state = message.get("state")
            if state == "warm":
                member.state = "warm"
            elif state == "serving":
                member.state, member.agent_id = "serving", message.get("agent_id")
                member.serving_since = time.monotonic()
            elif state == "stopped":
                member.served += int(message.get("served", 0))

    def _watch(self, member: Member, now: float) -> None:
        if member.state == "gave_up":
            return
        if member.state == "dead":
            if now >= member.next_start:
                self._restart(member)
            return
        alive = member.process.poll() is None
        if alive and member.state == "serving" and self._silent(member):
            self.log(f"{member.slot} ({member.agent_id}) stopped answering; restarting it")
            member.process.kill()
            member.process.wait()
            alive = False
            member.quick_deaths = 0                       # silence is not a crash loop
        if alive:
            if member.serving_since and now - member.serving_since > QUICK_DEATH_SECONDS:
                member.quick_deaths = 0
            return
        code = member.process.returncode
        if code == 0 and self.manifest.policy.one_use and member.state in ("serving", "starting"):
            self.log(f"{member.slot} served its one task; replacing it")
            self._restart(member, reason="one_use")
            return
        lived = now - member.started
        if lived < QUICK_DEATH_SECONDS:
            member.quick_deaths += 1
        if member.quick_deaths > self.manifest.policy.max_restarts:
            member.state = "gave_up"
            self.publish(member.agent_id, "gave_up", {"slot": member.slot, "restarts": member.restarts,
                                                      "exit_code": code})
            self.log(f"{member.slot} keeps stopping (exit code {code}); the watchdog gave up after "
                     f"{member.restarts} restarts")
            return
        delay = 0.0 if member.quick_deaths <= 1 else min(BACKOFF_CAP, BACKOFF_FIRST * 2 ** (member.quick_deaths - 2))
        member.state, member.next_start = "dead", now + delay
        self.log(f"{member.slot} stopped (exit code {code}); restarting" + (f" in {delay:.0f} s" if delay else ""))
        if delay == 0:
            self._restart(member)

    def _silent(self, member: Member) -> bool:
        if self.swarm is None or not member.agent_id:
            return False
        try:
            agent = self.swarm.registry.get(member.agent_id)
        except Exception:  # noqa: BLE001 - deregistered or unreachable: the process check decides
            return False
        return time.time() - agent.get("last_seen", time.time()) > self.manifest.policy.silent_after

    def _restart(self, member: Member, reason: str = "died") -> None:
        old_id = member.agent_id
        self._forget(old_id)
        warm = self._take_warm()
        index = self.members.index(member)
        if warm is not None:
            replacement = self._assign(warm, member.spec, member.slot)
            replacement.restarts, replacement.quick_deaths = member.restarts, member.quick_deaths
            self.members[index] = replacement
            member = replacement
        else:
            self._spawn(member)
        member.restarts += 1
        if reason != "one_use":
            self.publish(old_id, "restarted", {"slot": member.slot, "restarts": member.restarts,
                                               "warm": warm is not None})

    def _forget(self, agent_id: str | None) -> None:
        """A dead member's registration is removed at once, so its leases go back to the queue
        without waiting for the registry to notice the silence."""
        if self.swarm is None or not agent_id:
            return
        try:
            self.swarm.registry.deregister(agent_id)
        except Exception:  # noqa: BLE001 - already gone
            pass

    def _serve_backlog(self) -> None:
        """Tasks are waiting and every member of a role is busy: put a pooled agent on that role."""
        if self.swarm is None or not self.pool:
            return
        try:
            waiting = sum(self.swarm.engine.counts()["queued"].values())
        except Exception:  # noqa: BLE001
            return
        if not waiting:
            return
        busy_roles = {}
        for agent in self.swarm.registry.agents():
            busy_roles.setdefault(agent["role"], []).append(agent.get("status") == "busy")
        for spec in self.manifest.agents:
            if spec.role in [r["role"] for r in self.refused]:
                continue
            statuses = busy_roles.get(spec.role, [])
            if statuses and all(statuses):
                warm = self._take_warm()
                if warm is None:
                    return
                slot = f"crew-{self.manifest.name}-{spec.role}-extra-{len(self.members) + 1}"
                self.members.append(self._assign(warm, spec, slot))
                self.log(f"every {spec.role} is busy; a pooled agent took the role")

    def run(self) -> None:
        """The watchdog loop, until `stop()` or SIGTERM."""
        while not self._stop.wait(TICK_SECONDS):
            self.tick()

    def stop(self) -> None:
        self._stop.set()

    def down(self) -> None:
        for member in self.members + self.pool:
            if member.process and member.process.poll() is None:
                member.process.terminate()
        deadline = time.monotonic() + 5
        for member in self.members + self.pool:
            if member.process:
                try:
                    member.process.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    member.process.kill()
                    member.process.wait()
        for member in self.members:
            self._forget(member.agent_id)
        state_file(self.manifest.name).unlink(missing_ok=True)
        if self._swarm is not None:
            self._swarm.close()

    # ---- state for `crew status` ------------------------------------------------------------
    def status(self) -> dict:
        return {"name": self.manifest.name, "version": self.manifest.version, "pid": os.getpid(),
                "manifest": str(self.manifest.path) if self.manifest.path else None,
                "members": [m.summary() for m in self.members],
                "pool": [m.summary() for m in self.pool], "refused": self.refused,
                "events": self.events[-20:], "updated": time.time()}

    def save(self) -> None:
        target = state_file(self.manifest.name)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.status(), indent=1), encoding="utf-8")
        os.replace(temporary, target)


def _read_lines(process: subprocess.Popen, lines: queue.Queue) -> None:
    for line in process.stdout:
        lines.put(line)


def read_status(name: str | None = None) -> list[dict]:
    """Every running crew's last saved state (crews whose supervisor is gone are dropped)."""
    found = []
    for path in sorted(crews_dir().glob("*.json")):
        if name and path.stem != name:
            continue
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            os.kill(int(state["pid"]), 0)
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            continue
        found.append(state)
    return found


def stop_crew(name: str, timeout: float = 15.0) -> bool:
    """Ask a running crew's supervisor to stop its members and exit."""
    states = read_status(name)
    if not states:
        return False
    pid = int(states[0]["pid"])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # The supervisor removes its state file as its last act (a zombie still answers kill 0).
        if not state_file(name).exists():
            return True
        try:
            os.kill(pid, 0)
        except OSError:
            return True
        time.sleep(0.1)
    return False


__all__ = ["Crew", "Manifest", "load_manifest", "read_status", "stop_crew", "state_file"]
