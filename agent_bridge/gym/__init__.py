"""The Turing Gym (AGENTS.md §6): scenarios an agent must pass before it serves.

A scenario is a YAML file `{name, role, request: {kind, file | text | generate, uri?, range?,
question?, stdin?}, expect: {contains?, not_contains?, has_edit?, edits_pass_check?, run_passes?,
findings_at_least?, max_ms?}}`, checked against `scenario.schema.json`. `run_scenarios` runs each
one against a fresh specialist, exactly the code an agent of that role runs, and judges the answer
by the language's own tools: edits are applied and `check`ed, written tests and fixed programs are
run in the sandbox. `admit` is the gate a crew applies before an agent may register.

    hypercode-swarm gym [--role R] [FILES…] [--junit OUT.xml]
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from ..yamlfile import FileProblem, load_checked

SCHEMA = Path(__file__).with_name("scenario.schema.json")
SHIPPED = Path(__file__).with_name("scenarios")
HARD_LIMIT_SECONDS = 120.0   # a scenario that never answers is failed, whatever its max_ms
RUN_SECONDS = 10.0


@dataclass
class Scenario:
    name: str
    role: str
    request: dict
    expect: dict
    path: Path


@dataclass
class Outcome:
    scenario: Scenario
    agent: str
    passed: bool
    why: list = field(default_factory=list)
    ms: float = 0.0


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    data = load_checked(path, SCHEMA)
    request = data["request"]
    if sum(key in request for key in ("file", "text", "generate")) > 1:
        raise FileProblem(f"{path}, request: give one of 'file', 'text' or 'generate'.")
    return Scenario(data["name"], data["role"], request, data.get("expect", {}), path)


def shipped_scenarios(role: str | None = None) -> list[Path]:
    return sorted(p for p in SHIPPED.glob("*.yaml") if role is None or p.name.startswith(f"{role}-"))


def payload_for(scenario: Scenario) -> dict:
    """The request an editor would send: the text travels with it, the URI only names it."""
    request = scenario.request
    folder = scenario.path.resolve().parent
    uri = request.get("uri")
    text = None
    if "file" in request:
        program = (folder / request["file"]).resolve()
        if not program.is_relative_to(folder):
            raise FileProblem(f"{scenario.path}, request.file: '{request['file']}' is outside the scenario's folder.")
        try:
            text = program.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise FileProblem(f"{scenario.path}, request.file: '{request['file']}' can't be read.") from None
        uri = uri or program.as_uri()
    elif "text" in request:
        text = request["text"]
    elif "generate" in request:
        text = request["generate"]["repeat"] * request["generate"].get("times", 1)
    payload = {"uri": uri or (folder / "scenario.hc").as_uri()}
    if text is not None:
        payload["text"] = text
    if "range" in request:
        payload["range"] = {"start": {"line": request["range"]["start"] - 1, "character": 0},
                            "end": {"line": request["range"]["end"] - 1, "character": 10_000}}
    for key in ("question", "stdin"):
        if key in request:
            payload[key] = request[key]
    return payload


@dataclass(frozen=True)
class Recipe:
    """How to build the agent under test, in a child process: the role's built-in specialist,
    the LLM playing the role (`engine="llm"`, `model`), or a `module:factory` handler."""
    engine: str = "rules"
    model: str | None = None
    handler: str | None = None

    def describe(self, role: str) -> str:
        if self.handler:
            return f"{role} ({self.handler})"
        return f"{role} (llm:{self.model})" if self.engine == "llm" else f"{role} (rules)"


def make_specialist(role: str, recipe: Recipe):
    if recipe.handler:                    # tests: `module:factory` or `path/to/file.py:factory`
        from ..cli import load_factory
        specialist = load_factory(recipe.handler)()
        specialist.role = role
        return specialist
    from ..specialists import specialist_for
    if recipe.engine == "llm":
        import os
        if recipe.model:
            os.environ["HYPERCODE_LLM_MODEL"] = recipe.model
        from ..specialists.llm import LLMSpecialist
        return LLMSpecialist(backs=role) if role != "llm" else LLMSpecialist()
    return specialist_for(role)


def run_scenarios(paths, recipe: Recipe = Recipe(), *, role: str | None = None) -> list[Outcome]:
    """Run each scenario (for `role`, when given) against a fresh agent built from `recipe`."""
    outcomes = []
    for path in paths:
        try:
            scenario = load_scenario(path)
        except FileProblem as problem:
            dummy = Scenario(Path(path).name, role or "?", {}, {}, Path(path))
            outcomes.append(Outcome(dummy, recipe.describe(role or "?"), False, [str(problem)]))
            continue
        if role is not None and scenario.role != role:
            continue
        outcomes.append(run_one(scenario, recipe))
    return outcomes


def run_one(scenario: Scenario, recipe: Recipe = Recipe()) -> Outcome:
    """One scenario in a child process of its own, so an agent that hangs or crashes is killed
    and can't hold anything the next scenario needs."""
    import json
    import subprocess
    import sys
    agent = recipe.describe(scenario.role)
    try:
        payload = payload_for(scenario)
    except FileProblem as problem:
        return Outcome(scenario, agent, False, [str(problem)])
    limit = scenario.expect.get("max_ms")
    seconds = min(HARD_LIMIT_SECONDS, limit / 1000 * 3 + 5) if limit else HARD_LIMIT_SECONDS
    order = {"role": scenario.role, "kind": scenario.request["kind"], "payload": payload,
             "engine": recipe.engine, "model": recipe.model, "handler": recipe.handler, "name": scenario.path.stem}
    started = time.perf_counter()
    try:
        child = subprocess.run([sys.executable, "-m", "agent_bridge.gym.child"], input=json.dumps(order),
                               capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        return Outcome(scenario, agent, False, [f"no answer after {seconds:.0f} s"], (time.perf_counter() - started) * 1000)
    try:
        answer = json.loads(child.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        answer = {"error": f"the agent process ended with exit code {child.returncode}"}
    if "error" in answer:
        return Outcome(scenario, agent, False, [f"the agent failed: {answer['error']}"], answer.get("ms", 0.0))
    ms = answer["ms"]
    why = judge(scenario, payload, answer["result"], ms)
    return Outcome(scenario, agent, not why, why, ms)


def judge(scenario: Scenario, payload: dict, result: dict, ms: float) -> list[str]:
    """Every expectation the answer misses, in plain words (empty: it passed)."""
    expect = scenario.expect
    words = "\n".join([result.get("markdown") or ""]
                      + [f.get("message", "") for f in result.get("findings") or []]
                      + [f.get("text", "") for f in result.get("files") or []])
    words = words.replace("`", "")  # Markdown code marks don't change what was said
    why = []
    for needle in expect.get("contains", ()):
        if needle.lower() not in words.lower():
            why.append(f"the answer does not mention '{needle}'")
    for needle in expect.get("not_contains", ()):
        if needle.lower() in words.lower():
            why.append(f"the answer mentions '{needle}'")
    edits = result.get("edits") or []
    if expect.get("has_edit") and not edits:
        why.append("no edit was proposed")
    if expect.get("has_edit") is False and edits:
        why.append("an edit was proposed")
    edited = apply_edits(payload.get("text", ""), edits) if edits else None
    if expect.get("edits_pass_check") and edited is not None:
        from hypercode_lang.api import check
        errors = [d for d in check(edited, "<edited>") if d.is_error]
        if errors:
            why.append(f"the edited file does not pass check ({errors[0].code})")
    if expect.get("run_passes"):
        why.extend(_run_problems(scenario, payload, result, edited))
    if "findings_at_least" in expect and len(result.get("findings") or []) < expect["findings_at_least"]:
        why.append(f"{len(result.get('findings') or [])} findings, expected at least {expect['findings_at_least']}")
    if "max_ms" in expect and ms > expect["max_ms"]:
        why.append(f"took {ms:.0f} ms (limit {expect['max_ms']} ms)")
    return why


def apply_edits(text: str, edits: list[dict]) -> str:
    """Apply LSP-style edits (0-based lines and characters), last first so offsets stay valid."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: dict) -> int:
        line = min(position["line"], len(lines))
        if line == len(lines):
            return len(text)
        content = lines[line].rstrip("\r\n")
        return starts[line] + min(position["character"], len(content))

    spans = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e.get("new_text", "")) for e in edits),
                   reverse=True)
    for start, end, new_text in spans:
        text = text[:start] + new_text + text[end:]
    return text


def _run_problems(scenario: Scenario, payload: dict, result: dict, edited: str | None) -> list[str]:
    """Run what the agent made — the tests it wrote, or the fixed program — in the sandbox."""
    from hypercode_lang.api import run
    program_name = Path(payload.get("uri", "program.hc")).name or "program.hc"
    with tempfile.TemporaryDirectory(prefix="hypercode-gym-") as folder:
        program = Path(folder) / program_name
        program.write_text(edited if edited is not None else payload.get("text", ""), encoding="utf-8")
        targets = []
        for made in result.get("files") or []:
            target = Path(folder) / Path(made["path"]).name
            target.write_text(made["text"], encoding="utf-8")
            targets.append(target)
        targets = targets or [program]
        problems = []
        for target in targets:
            outcome = run(target.read_text(encoding="utf-8"), filename=str(target), timeout=RUN_SECONDS,
                          stdin=payload.get("stdin", ""))
            if outcome.exit_code != 0:
                first = outcome.diagnostics[0].code if outcome.diagnostics else f"exit {outcome.exit_code}"
                problems.append(f"{target.name} does not run cleanly ({first})")
        return problems


def admit(role: str, recipe: Recipe, scenarios) -> tuple[bool, list[Outcome]]:
    """May an agent of `role` serve? Every scenario for its role must pass (none means yes)."""
    outcomes = run_scenarios(scenarios, recipe, role=role)
    return all(o.passed for o in outcomes), outcomes


def table(outcomes: list[Outcome]) -> str:
    rows = [("scenario", "agent", "result", "why", "time")]
    rows += [(o.scenario.name, o.agent, "pass" if o.passed else "FAIL", "; ".join(o.why) or "-",
              f"{o.ms:.0f} ms") for o in outcomes]
    widths = [min(60, max(len(r[i]) for r in rows)) for i in range(5)]
    lines = ["  ".join(cell[:60].ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    passed = sum(o.passed for o in outcomes)
    lines.append(f"\n{passed} passed, {len(outcomes) - passed} failed")
    return "\n".join(lines)


def junit_xml(outcomes: list[Outcome]) -> str:
    suite = ElementTree.Element("testsuite", name="turing-gym", tests=str(len(outcomes)),
                                failures=str(sum(not o.passed for o in outcomes)),
                                time=f"{sum(o.ms for o in outcomes) / 1000:.3f}")
    for o in outcomes:
        case = ElementTree.SubElement(suite, "testcase", classname=f"gym.{o.scenario.role}", name=o.scenario.name,
                                      time=f"{o.ms / 1000:.3f}")
        if not o.passed:
            failure = ElementTree.SubElement(case, "failure", message="; ".join(o.why)[:500])
            failure.text = "\n".join(o.why)
    return ElementTree.tostring(suite, encoding="unicode", xml_declaration=True)
