"""The built-in specialists. Four work offline with the language's own parser, checker, VM and
catalogue; the fifth speaks to an OpenAI-compatible model and can back any role.

    SPECIALISTS[role]()  -> a Specialist (role, kinds, handle(task, ctx) -> partial result)
    ROLE_FOR_KIND[kind]  -> the role that answers a request kind
    specialist_for(role, engine="rules"|"llm")
    handle_locally(kind, payload, ...) -> a full result, in this process (no swarm)
"""

from __future__ import annotations

import time
import uuid
from typing import Callable, Protocol

from .explainer import Explainer
from .fixer import Fixer
from .llm import LLMSpecialist
from .reviewer import Reviewer
from .tester import Tester


class Specialist(Protocol):
    role: str
    kinds: frozenset

    def handle(self, task: dict, ctx) -> dict: ...


SPECIALISTS: dict[str, Callable[[], Specialist]] = {
    "explainer": Explainer,
    "fixer": Fixer,
    "tester": Tester,
    "reviewer": Reviewer,
    "llm": LLMSpecialist,
}
ROLE_FOR_KIND = {"explain": "explainer", "fix": "fixer", "test": "tester", "review": "reviewer", "ask": "llm"}
KINDS = tuple(ROLE_FOR_KIND)


def specialist_for(role: str, engine: str = "rules") -> Specialist:
    """The specialist for a role; with engine "llm" the model plays that role (same validation)."""
    if engine == "llm" and role != "llm":
        return LLMSpecialist(backs=role)
    return SPECIALISTS[role]()


def engine_of(specialist) -> str:
    return getattr(specialist, "engine", "rules")


def complete_result(partial: dict, agent: dict, started: float) -> dict:
    """A specialist's partial result with every field of the contract present."""
    result = {"markdown": "", "edits": [], "files": [], "findings": []}
    result.update(partial or {})
    result["agent"] = agent
    result["duration"] = round(time.perf_counter() - started, 6)
    return result


def handle_locally(kind: str, payload: dict, *, progress=lambda message: None, cancelled=lambda: False,
                   memory=None, priority: int = 3) -> dict:
    """Answer one request in this process, exactly as an agent would (used when no swarm runs)."""
    from ..context import AgentContext
    if kind not in ROLE_FOR_KIND:
        raise ValueError(f"unknown request kind {kind!r}")
    role = ROLE_FOR_KIND[kind]
    specialist = SPECIALISTS[role]()
    agent = {"id": f"local-{role}", "role": role, "engine": engine_of(specialist)}
    ctx = AgentContext(agent=agent, progress=progress, cancelled=cancelled, memory=memory)
    task = {"id": uuid.uuid4().hex, "kind": kind, "priority": priority, "payload": payload,
            "created": time.time(), "attempts": 1}
    started = time.perf_counter()
    return complete_result(specialist.handle(task, ctx), agent, started)


__all__ = ["SPECIALISTS", "ROLE_FOR_KIND", "KINDS", "Specialist", "specialist_for", "handle_locally",
           "complete_result", "Explainer", "Fixer", "Tester", "Reviewer", "LLMSpecialist"]
