"""The lifecycle diagram, generated from the transitions declared on Proposal.

``graph_transitions`` (django-fsm-2) builds the graph; it walks Python sets, so the order of
its lines changes from run to run. ``lifecycle_dot`` sorts the node and edge lines so the
checked-in file changes only when the lifecycle does. ``lifecycle_mermaid`` gives the same
graph for README.md, where code hosts render it.
"""

from __future__ import annotations

import re

from django.utils import translation
from django_fsm.management.commands.graph_transitions import generate_dot, one_fsm_fields_data

from .models import Proposal
from .states import State

NODE = re.compile(
    r'^(?P<indent>\s*)"(?P<name>proposals\.proposal\.state\.(?P<state>\w+))" '
    r'\[label=(?:"[^"]*"|\S+) (?P<rest>shape=\w+)\]$'
)


def lifecycle_dot() -> str:
    """DOT of the lifecycle. Node names come from the English model name so they never change
    with a translation; each node is labelled with its Japanese and English internal labels."""
    with translation.override("en"):
        graph = generate_dot([one_fsm_fields_data(Proposal, "state")])
        lines = str(graph).splitlines()
    labels = {}
    for state in State:
        with translation.override("ja"):
            ja = str(state.label)
        with translation.override("en"):
            en = str(state.label)
        labels[state.value] = ja if ja == en else f"{ja}\\n{en}"

    def relabel(line: str) -> str:
        match = NODE.match(line)
        if not match:
            return line
        return f'{match.group("indent")}"{match.group("name")}" [label="{labels[match.group("state")]}" {match.group("rest")}]'

    head, body, tail = [], [], []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(("digraph", "subgraph", "graph [")):
            head.append(line)
        elif stripped == "}":
            tail.append(line)
        else:
            body.append(relabel(line))
    return "\n".join(head + sorted(body) + tail) + "\n"


def lifecycle_edges() -> list[tuple[str, str, str]]:
    """(source, target, action) for every declared transition, sorted."""
    edges = set()
    for transition in Proposal._meta.get_field("state").get_all_transitions(Proposal):
        edges.add((str(transition.source), str(transition.target), transition.name))
    return sorted(edges)


def lifecycle_mermaid() -> str:
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for source, target, action in lifecycle_edges():
        lines.append(f"    {source} --> {target}: {action}")
    finals = {s.value for s in State} - {source for source, _t, _a in lifecycle_edges()}
    for state in sorted(finals):
        lines.append(f"    {state} --> [*]")
    return "\n".join(lines) + "\n"
