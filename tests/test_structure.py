"""The house stays small-roomed: no module of the application holds more than about 400 lines
of logic (code, not blank lines, comments or docstrings). A module that grows past it is two
modules, split by role (a models package per noun, statistics by page)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("config", "core", "themes", "proposals", "reviews", "projects", "demo", "bench")
LIMIT = 400


def logic_lines(source: str) -> int:
    """Lines that hold code: not blank, not a comment, not part of a docstring."""
    tree = ast.parse(source)
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    return sum(
        1
        for number, line in enumerate(source.splitlines(), 1)
        if line.strip() and not line.strip().startswith("#") and number not in docstrings
    )


def test_logic_lines_are_counted_as_said():
    source = (
        '"""Doc\nstring."""\n\n# a comment\nimport os\n\n\ndef f():\n    """Doc."""\n    return 1\n'
    )
    assert logic_lines(source) == 3


def test_no_module_is_over_the_limit():
    sizes = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            sizes[path.relative_to(ROOT).as_posix()] = logic_lines(path.read_text("utf-8"))
    assert len(sizes) > 100, "the scan read too few modules"
    too_big = {name: size for name, size in sizes.items() if size > LIMIT}
    assert not too_big, f"split these by role: {too_big}"
