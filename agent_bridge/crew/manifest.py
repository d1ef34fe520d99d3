"""Crew manifests (AGENTS.md §6): a YAML file naming the agents of a team, checked against the
schema shipped beside this module. Errors name the file, the line and the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..bus import AccessDenied, acl_for, check_pattern, pattern_within
from ..yamlfile import FileProblem, load_checked

SCHEMA = Path(__file__).with_name("manifest.schema.json")
SHIPPED_PREFIX = "shipped:"


@dataclass(frozen=True)
class AgentSpec:
    role: str
    count: int = 1
    engine: str = "rules"
    model: str | None = None
    capabilities: tuple = ()
    publish: tuple = ()
    subscribe: tuple = ()


@dataclass(frozen=True)
class Policy:
    token_ttl: int = 900
    max_concurrency: int = 1
    one_use: bool = False
    max_restarts: int = 5
    silent_after: float = 30.0


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    agents: tuple
    warm_pool: int = 0
    gym: tuple = ()              # scenario files, resolved against the manifest's folder
    admission_required: bool = False
    policy: Policy = field(default_factory=Policy)
    path: Path | None = None

    def roles(self) -> list[str]:
        return sorted({spec.role for spec in self.agents})


def load_manifest(path: str | Path) -> Manifest:
    path = Path(path)
    lines: dict = {}
    data = load_checked(path, SCHEMA, lines)
    agents = []
    for index, item in enumerate(data["agents"]):
        spec = AgentSpec(role=item["role"], count=item.get("count", 1), engine=item.get("engine", "rules"),
                         model=item.get("model"), capabilities=tuple(item.get("capabilities", ())),
                         publish=tuple(item.get("publish", ())), subscribe=tuple(item.get("subscribe", ())))
        _check_acl(path, index, spec, lines)
        if spec.engine == "llm" and not spec.model:
            raise FileProblem(f"{path}, line {lines.get(('agents', index), 1)}, agents[{index}].model: an agent with engine 'llm' needs a model name.")
        agents.append(spec)
    admission = data.get("admission", {})
    folder = path.resolve().parent
    gym = []
    for entry in admission.get("gym", ()):
        if entry.startswith(SHIPPED_PREFIX):           # one of the package's own scenarios
            from ..gym import SHIPPED
            base, entry = SHIPPED, entry[len(SHIPPED_PREFIX):]
        else:
            base = folder
        scenario = (base / entry).resolve()
        if not scenario.is_relative_to(base):
            raise FileProblem(f"{path}, admission.gym: '{entry}' is outside the manifest's folder.")
        gym.append(scenario)
    policy = Policy(**data.get("policy", {}))
    return Manifest(name=data["name"], version=str(data["version"]), agents=tuple(agents),
                    warm_pool=data.get("warm_pool", 0), gym=tuple(gym),
                    admission_required=admission.get("required", False), policy=policy, path=path)


def _check_acl(path: Path, index: int, spec: AgentSpec, lines: dict) -> None:
    """A manifest may narrow a role's publish/subscribe rights, never widen them."""
    allowed = acl_for(spec.role, "{self}")
    for direction, patterns in (("publish", spec.publish), ("subscribe", spec.subscribe)):
        for number, pattern in enumerate(patterns):
            where = f"{path}, line {lines.get(('agents', index, direction, number), 1)}, agents[{index}].{direction}[{number}]"
            try:
                check_pattern(pattern.replace("{self}", "self"))
            except (AccessDenied, ValueError) as problem:
                raise FileProblem(f"{where}: {problem}") from None
            if not pattern_within(pattern, allowed[direction]):
                raise FileProblem(f"{where}: the role '{spec.role}' may not "
                                  f"{direction} to '{pattern}'.")
