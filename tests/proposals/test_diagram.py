"""The checked-in lifecycle diagrams are generated from the code and must match it."""

from pathlib import Path

import pytest

from proposals.diagram import lifecycle_dot, lifecycle_edges, lifecycle_mermaid
from proposals.states import State

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.unit


def test_checked_in_dot_matches_the_code():
    checked_in = (ROOT / "docs" / "lifecycle.dot").read_text(encoding="utf-8")
    assert checked_in == lifecycle_dot(), "docs/lifecycle.dot is stale: run `make diagram`"


def test_checked_in_mermaid_and_readme_match_the_code():
    mermaid = lifecycle_mermaid()
    assert (ROOT / "docs" / "lifecycle.mmd").read_text(encoding="utf-8") == mermaid
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{mermaid}```" in readme, "README's diagram is stale: run `make diagram`"


def test_every_state_is_in_the_diagram_and_reachable_from_draft():
    edges = lifecycle_edges()
    reachable, frontier = {State.DRAFT.value}, [State.DRAFT.value]
    while frontier:
        here = frontier.pop()
        for source, target, _action in edges:
            if source == here and target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == {s.value for s in State}
