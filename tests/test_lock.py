"""Reproducible installs: every dependency is pinned, with hashes, in the lock files that
`make run`, `make test` and production install, and the development tools stay out of what
production installs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.M)


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins(path: Path) -> dict[str, str]:
    return {
        name.lower().replace("_", "-"): version
        for name, version in PIN.findall(path.read_text(encoding="utf-8"))
    }


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_every_runtime_dependency_is_pinned_in_both_locks():
    runtime = [_name(r) for r in _project()["dependencies"]]
    for lock in ("requirements.lock", "requirements-dev.lock"):
        pins = _pins(ROOT / lock)
        assert not [name for name in runtime if name not in pins], lock


def test_the_tools_are_pinned_for_development_and_absent_from_production():
    extras = _project()["optional-dependencies"]
    tools = [_name(r) for group in ("test", "dev") for r in extras[group]]
    dev, production = _pins(ROOT / "requirements-dev.lock"), _pins(ROOT / "requirements.lock")
    assert not [name for name in tools if name not in dev]
    for tool in ("pytest", "playwright", "graphviz", "ruff", "import-linter", "uv"):
        assert tool in tools and tool not in production, tool


def test_every_pin_carries_a_hash():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text(encoding="utf-8")
        blocks = [b for b in re.split(r"\n(?=[A-Za-z0-9])", text) if PIN.match(b)]
        assert blocks and all("--hash=sha256:" in block for block in blocks), lock


def test_make_installs_from_the_lock_with_hashes():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements-dev.lock" in makefile
