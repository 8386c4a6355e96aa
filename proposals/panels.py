"""Parts of the proposal page that apps above proposals provide.

The proposal page is shared by every role. What the apps built on proposals add to it — the
review panel (``reviews``), the link to the adopted project (``projects``) — arrives through
this registry, so proposals never imports them: each registers a ``Panel`` in its
``AppConfig.ready``, and the page asks every panel for its context and includes the panel's
template at its slot. A panel decides itself (through ``core.rules``) what a person sees, and
returns ``None`` to show nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Where on the proposal page a panel appears.
SLOTS = ("after_facts", "after_files")


@dataclass(frozen=True)
class Panel:
    name: str
    slot: str
    template: str
    #: ``(user, proposal) -> dict | None``: the template's ``panel`` variable, or None.
    context: Callable[..., dict | None]

    def __post_init__(self):
        if self.slot not in SLOTS:
            raise ValueError(f"unknown slot {self.slot!r}; choose one of {SLOTS}")


@dataclass(frozen=True)
class ShownPanel:
    name: str
    template: str
    context: dict


_registry: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add (or replace, by name) a panel of the proposal page."""
    _registry[panel.name] = panel


def registered() -> list[Panel]:
    return list(_registry.values())


def panels_for(user, proposal) -> dict[str, list[ShownPanel]]:
    """Every slot of the page, with the panels ``user`` gets on ``proposal`` (in order of
    registration)."""
    shown: dict[str, list[ShownPanel]] = {slot: [] for slot in SLOTS}
    for panel in _registry.values():
        context = panel.context(user, proposal)
        if context is not None:
            shown[panel.slot].append(ShownPanel(panel.name, panel.template, context))
    return shown
