"""One gate for permissions: nothing outside the rules tests a role.

Every "may this user…" question is a predicate in ``core.rules`` (registered as a ``kyoso.…``
permission); who someone is is read only there, in the people queries (``core.people``) and
where accounts are made. This scan fails when a view, template, form, service or selector
tests a role itself, and when code or a template asks for a permission that does not exist
(which would silently answer "no").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import rules

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "themes", "proposals", "reviews", "projects", "config")
#: Where a role may be read: the rules, the people queries, the model that defines the
#: roles, the services and admin that make accounts with one.
ALLOWED = {
    "core/models.py",
    "core/people.py",
    "core/services.py",
    "core/admin.py",
}
ALLOWED_DIRS = ("core/rules/",)

ROLE_PROPERTIES = r"is_(?:business|desk|desk_manager|department_member|reviewer|administrator)"
PYTHON_ROLE_TESTS = [
    # A property, not a call: ``rules.is_desk(user)`` is the rules module answering.
    (re.compile(rf"\.{ROLE_PROPERTIES}\b(?!\s*\()"), "a role property"),
    (re.compile(r"\.role\b"), "the role field"),
    (re.compile(r"[(,]\s*role(?:__in)?\s*="), "a query by role"),
    (re.compile(r"\bRole\."), "a role constant"),
    (re.compile(r"\.is_superuser\b"), "the superuser flag"),
]
TEMPLATE_ROLE_TESTS = [
    (re.compile(rf"\.{ROLE_PROPERTIES}\b"), "a role property"),
    (re.compile(r"\.role\b"), "the role field"),
    (re.compile(r"\.is_superuser\b|\.is_staff\b"), "an account flag"),
]
PERMISSION_IN_CODE = re.compile(r"""["'](kyoso\.[a-z_]+)["']""")
PERMISSION_IN_TEMPLATE = re.compile(r"perms\.kyoso\.([a-z_]+)|has_perm ['\"](kyoso\.[a-z_]+)['\"]")


def _python_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            yield relative, path


def _templates():
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            yield path.relative_to(ROOT).as_posix(), path


def _strip_comments(line: str) -> str:
    return line.split("#", 1)[0]


def test_no_code_outside_the_rules_tests_a_role():
    found = []
    for relative, path in _python_files():
        if relative in ALLOWED or relative.startswith(ALLOWED_DIRS):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = _strip_comments(line)
            for pattern, what in PYTHON_ROLE_TESTS:
                if pattern.search(code):
                    found.append(f"{relative}:{number}: {what}: {line.strip()}")
    assert not found, "Ask core.rules instead:\n" + "\n".join(found)


def test_no_template_tests_a_role():
    found = []
    for relative, path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, what in TEMPLATE_ROLE_TESTS:
                if pattern.search(line):
                    found.append(f"{relative}:{number}: {what}: {line.strip()[:120]}")
    assert not found, (
        "Use {% if perms.kyoso.… %} or a value the view got from core.rules:\n" + "\n".join(found)
    )


def test_the_scan_would_catch_a_role_test():
    """The patterns are live: each catches the kind of line it is there for."""
    samples = [
        "if request.user.is_desk:",
        'if user.role == "business":',
        "User.objects.filter(role__in=DESK)",
        "Role.REVIEWER",
        "user.is_superuser",
    ]
    for sample in samples:
        assert any(p.search(sample) for p, _what in PYTHON_ROLE_TESTS), sample
    for sample in ["{% if user.is_business %}", '{% if message.author.role == "x" %}']:
        assert any(p.search(sample) for p, _what in TEMPLATE_ROLE_TESTS), sample
    assert not any(p.search("if rules.can_use_back_office(user):") for p, _w in PYTHON_ROLE_TESTS)


def test_every_permission_asked_for_exists():
    asked = set()
    for _relative, path in _python_files():
        asked.update(PERMISSION_IN_CODE.findall(path.read_text(encoding="utf-8")))
    for _relative, path in _templates():
        for short, full in PERMISSION_IN_TEMPLATE.findall(path.read_text(encoding="utf-8")):
            asked.add(full or f"kyoso.{short}")
    assert asked, "the scan found no permission at all"
    assert not asked - set(rules.PERMISSIONS), sorted(asked - set(rules.PERMISSIONS))


def test_every_permission_is_a_predicate_of_the_rules_module():
    import rules as django_rules

    for name in rules.PERMISSIONS:
        assert django_rules.perm_exists(name), name
