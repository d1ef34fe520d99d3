"""The specialists' table (the contract with the swarm core) and answering in-process."""

import pytest

from agent_bridge.specialists import ROLE_FOR_KIND, SPECIALISTS, handle_locally, specialist_for


def test_the_table_matches_the_contract():
    assert set(SPECIALISTS) == {"explainer", "fixer", "tester", "reviewer", "llm"}
    assert ROLE_FOR_KIND == {"explain": "explainer", "fix": "fixer", "test": "tester", "review": "reviewer",
                             "ask": "llm"}
    for kind, role in ROLE_FOR_KIND.items():
        specialist = SPECIALISTS[role]()
        assert specialist.role == role and specialist.kinds == {kind}
    # No two roles claim the same kind, so a swarm's workers never take each other's work.
    claimed = [k for factory in SPECIALISTS.values() for k in factory().kinds]
    assert len(claimed) == len(set(claimed))
    assert specialist_for("reviewer").role == "reviewer"


def test_answering_in_process_fills_the_whole_result():
    progress = []
    result = handle_locally("explain", {"uri": "file:///tmp/x.hc", "text": "print(1)\n"}, progress=progress.append)
    assert set(result) == {"markdown", "edits", "files", "findings", "agent", "duration"}
    assert result["agent"] == {"id": "local-explainer", "role": "explainer", "engine": "rules"}
    assert result["duration"] >= 0 and progress == ["reading the code"]
    with pytest.raises(ValueError):
        handle_locally("summarise", {"text": ""})


@pytest.mark.parametrize("kind", ["explain", "fix", "test", "review"])
@pytest.mark.parametrize("payload", [{}, {"text": 5, "uri": 3, "range": "x", "env": [1], "stdin": 2},
                                     {"text": "def f(\n", "range": {"start": {"line": 9}, "end": {}}}])
def test_odd_payloads_get_an_answer_not_an_exception(kind, payload):
    result = handle_locally(kind, payload)
    assert isinstance(result["markdown"], str) and result["markdown"]
