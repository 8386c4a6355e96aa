"""Shared factories and fixtures live in one place: data builders in tests/factories.py, other
helpers in tests/support.py (or a package's own helpers module), fixtures in a conftest.py.

No module of the tests imports a test module (test_*.py) or a conftest: what a test module
defines is its own, so changing it cannot break another module's tests, and what is shared is
found where shared things are kept. A conftest is loaded by pytest, never imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def forbidden_imports(source: str, module: str) -> list[str]:
    """The modules of the test tree that ``source`` (the module named ``module``, such as
    ``tests.projects.test_feed``) imports although they are test modules or conftests.

    Every import statement counts, at the top or inside a function: ``import a.b``,
    ``from a.b import c``, relative imports, and ``from . import test_x`` (a module imported
    by name)."""
    package = module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            # ``from package import name``: the name may be a module of the package.
            candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
        else:
            continue
        for dotted in candidates:
            parts = dotted.split(".")
            if parts[0] not in ("tests", "conftest") and not parts[0].startswith("test_"):
                continue  # outside the test tree: django.test, the application, a library
            if any(part.startswith("test_") or part == "conftest" for part in parts):
                found.append(dotted)
                break
    return found


def test_the_detector_flags_what_it_should():
    assert forbidden_imports("from .test_x import y\n", "tests.core.test_a") == [
        "tests.core.test_x"
    ]
    assert forbidden_imports(
        "from tests.core.test_uploads import pdf_bytes\n", "tests.projects.test_portal"
    ) == ["tests.core.test_uploads"]
    assert forbidden_imports(
        "from .conftest import make_theme\n", "tests.reviews.test_rubrics"
    ) == ["tests.reviews.conftest"]
    # The other spellings: a parent package's test module, a module imported by name, a plain
    # import, an import inside a function.
    assert forbidden_imports(
        "from ..proposals.test_documents import squeeze\n", "tests.reviews.test_a"
    )
    assert forbidden_imports("from . import test_accounts\n", "tests.core.test_antispam")
    assert forbidden_imports("import tests.conftest\n", "tests.core.test_a")
    assert forbidden_imports("def f():\n    from .test_x import y\n", "tests.core.test_a")


def test_the_detector_lets_the_shared_modules_through():
    source = (
        "from django.test import RequestFactory\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "from core.rules import proposals_visible_q\n"
        "from .. import factories\n"
        "from ..factories import make_theme\n"
        "from tests.support import require\n"
        "from .helpers import desk_urls\n"
        "from . import urls as site_urls\n"
    )
    assert forbidden_imports(source, "tests.themes.test_desk") == []


def test_no_module_of_the_tests_imports_a_test_module_or_a_conftest():
    offences = {}
    scanned = 0
    for path in sorted(TESTS.rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        scanned += 1
        found = forbidden_imports(path.read_text("utf-8"), module)
        if found:
            offences[path.relative_to(ROOT).as_posix()] = found
    assert scanned > 50, "the scan read too few modules"
    assert not offences, (
        "move what is shared into tests/factories.py (data), tests/support.py or the package's "
        f"helpers module (other helpers), or a conftest.py (fixtures): {offences}"
    )
