"""Crew manifests (errors name file, line and field) and the Turing Gym: every shipped scenario,
the table, JUnit XML and the exit status."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from agent_bridge.crew.manifest import load_manifest
from agent_bridge.gym import Recipe, SHIPPED, load_scenario, run_one, shipped_scenarios
from agent_bridge.yamlfile import FileProblem

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = str(Path(__file__).with_name("crew_handlers.py"))
GOOD = "name: review\nversion: 1\nagents:\n  - role: reviewer\n"


def problem_with(tmp_path, text: str) -> str:
    path = tmp_path / "crew.yaml"
    path.write_text(text)
    with pytest.raises(FileProblem) as caught:
        load_manifest(path)
    return str(caught.value)


def test_the_example_crew_loads():
    manifest = load_manifest(ROOT / "examples" / "crews" / "review.yaml")
    assert manifest.name == "review" and manifest.roles() == ["explainer", "reviewer", "tester"]
    assert manifest.warm_pool == 1 and manifest.admission_required
    assert all(path.is_file() and path.is_relative_to(SHIPPED) for path in manifest.gym)


@pytest.mark.parametrize("text, line, field, words", [
    (GOOD.replace("role: reviewer", "role: reviewer\n    count: 0"), 5, "agents[0].count", "minimum"),
    (GOOD.replace("role: reviewer", "role: reviewer\n    cuont: 2"), 5, "agents[0].cuont", "spelling"),
    (GOOD.replace("role: reviewer", "role: poet"), 4, "agents[0].role", "poet"),
    ("name: review\nagents:\n  - role: tester\n", 1, "version", "required"),
    (GOOD + "warm_pool: lots\n", 5, "warm_pool", "integer"),
    (GOOD.replace("role: reviewer", "role: reviewer\n    publish: ['#']"), 5, "agents[0].publish[0]", "may not publish"),
    (GOOD.replace("role: reviewer", "role: reviewer\n    engine: llm"), 4, "agents[0].model", "needs a model"),
])
def test_a_bad_manifest_names_file_line_and_field(tmp_path, text, line, field, words):
    message = problem_with(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'crew.yaml'}, line {line}, {field}:"), message
    assert words in message


def test_broken_yaml_and_escaping_gym_files_are_refused(tmp_path):
    assert ", line 3: mapping values are not allowed here" in problem_with(tmp_path, "name: review\nversion: 1\n  indented: oops\n")
    outside = problem_with(tmp_path, GOOD + "admission:\n  gym: ['../../etc/scenario.yaml']\n")
    assert "outside the manifest's folder" in outside


def test_scenarios_ship_for_every_built_in_role():
    roles = {load_scenario(path).role for path in shipped_scenarios()}
    assert roles == {"explainer", "fixer", "tester", "reviewer", "llm"}
    names = " ".join(path.name for path in shipped_scenarios())
    for adversarial in ("injection", "huge", "forever", "outside"):
        assert adversarial in names


@pytest.mark.parametrize("scenario", [p for p in shipped_scenarios() if not p.name.startswith("llm-")],
                         ids=lambda p: p.stem)
def test_every_shipped_scenario_passes_with_the_built_in_agent(scenario):
    outcome = run_one(load_scenario(scenario))
    assert outcome.passed, outcome.why


@pytest.mark.parametrize("scenario", shipped_scenarios("llm"), ids=lambda p: p.stem)
def test_the_llm_agent_is_gymmed_against_a_loopback_model(scenario, monkeypatch):
    from fake_openai import FakeOpenAI
    server = FakeOpenAI()
    server.reply = "`fib` gives back `n` when `n` is less than 2, so fib(0) is 0."
    try:
        monkeypatch.setenv("HYPERCODE_LLM_URL", server.url)
        monkeypatch.setenv("HYPERCODE_LLM_MODEL", "gym-model")
        outcome = run_one(load_scenario(scenario), Recipe("llm", "gym-model"))
    finally:
        server.stop()
    if "injection" in scenario.name:
        sent = str(server.requests[-1])
        assert "ignore all previous instructions" in sent   # the comment went as data…
    assert outcome.passed, outcome.why                       # …and changed nothing


def test_a_wrong_agent_fails_and_the_gym_says_why(tmp_path):
    outcome = run_one(load_scenario(SHIPPED / "explainer-function.yaml"), Recipe(handler=f"{HANDLERS}:Wrong"))
    assert not outcome.passed
    assert "the answer does not mention 'fib'" in outcome.why


def test_gym_command_prints_a_table_writes_junit_and_fails_on_a_failure(tmp_path):
    junit = tmp_path / "gym.xml"
    scenarios = [str(SHIPPED / "explainer-function.yaml"), str(SHIPPED / "explainer-diagnostic.yaml")]
    good = subprocess.run([sys.executable, "-m", "agent_bridge.cli_entry", "gym", *scenarios, "--junit", str(junit)],
                          capture_output=True, text=True, cwd=ROOT)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "explainer narrates a function" in good.stdout and "2 passed, 0 failed" in good.stdout
    suite = ET.parse(junit).getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "0"
    bad = subprocess.run([sys.executable, "-m", "agent_bridge.cli_entry", "gym", scenarios[0], "--handler",
                          f"{HANDLERS}:Wrong", "--junit", str(junit)], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1 and "FAIL" in bad.stdout
    failure = ET.parse(junit).getroot().find("testcase/failure")
    assert failure is not None and "fib" in failure.get("message")
