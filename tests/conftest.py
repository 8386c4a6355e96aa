"""Test configuration shared by every layer.

* Services that a test needs (PostgreSQL, Redis, Chromium) skip with the reason printed on a
  machine without them, and fail instead when CI=true.
* The PostgreSQL pass (``make test-postgres``) stops at once, with the reason, when the server
  cannot be reached.
"""

from __future__ import annotations

import importlib
import os

import pytest
from django.db.models.signals import post_migrate

from core.models import Role

from . import factories
from .smtp import smtp_server  # noqa: F401 — a fixture for every test module
from .support import IN_CI, cjk_font_installed, port_open, require
from .worker import redis_worker  # noqa: F401 — a fixture for every test module

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _restore_reference_data(sender, using="default", **kwargs):
    """The reference rows the migrations write (the policy fields, the default rubric), written
    again after a transactional test's ``flush`` empties them — as Django's own ``post_migrate``
    receivers restore content types — so no test depends on which tests ran before it."""
    from django.apps import apps

    if sender.label == "projects":
        fields = importlib.import_module("projects.migrations.0002_fields")
        if not apps.get_model("projects", "Field").objects.using(using).exists():
            fields.add_fields(apps, None)
    elif sender.label == "themes":
        Rubric = apps.get_model("themes", "Rubric")
        Criterion = apps.get_model("themes", "Criterion")
        default = importlib.import_module("reviews.migrations.0003_default_rubric")
        if not Rubric.objects.using(using).filter(name=default.NAME).exists():
            rubric = Rubric.objects.using(using).create(
                name=default.NAME,
                name_en="Fukuoka demonstration full-support criteria",
                scale_min=1,
                scale_max=5,
                is_default=not Rubric.objects.using(using).filter(is_default=True).exists(),
            )
            for order, (name, name_en, description) in enumerate(default.CRITERIA, start=1):
                Criterion.objects.using(using).create(
                    rubric=rubric,
                    name=name,
                    name_en=name_en,
                    description=description,
                    weight=1,
                    sort_order=order,
                )


post_migrate.connect(_restore_reference_data, dispatch_uid="tests.restore_reference_data")


def pytest_sessionstart(session):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if not port_open(parts.hostname or "127.0.0.1", parts.port or 5432):
            reason = f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432}"
            if IN_CI:
                pytest.exit(f"CI=true: {reason}", returncode=3)
            pytest.exit(
                f"SKIPPED the PostgreSQL pass: {reason} (with CI=true this fails)", returncode=0
            )


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = str(item.fspath)
        if f"{os.sep}e2e{os.sep}" in path:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        require(
            connection.vendor == "postgresql",
            "needs PostgreSQL: run with DATABASE_URL=postgres://… (make test-postgres)",
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 is slow on purpose; tests create hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads of each test go to its own temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fresh_public_cache(settings):
    """Each test starts with no kept public pages, and checks for changes on every request
    (in production a process looks at most once a second)."""
    from projects import public_cache

    settings.PUBLIC_CACHE_RECHECK_SECONDS = 0
    public_cache.reset_local()
    yield
    public_cache.reset_local()


@pytest.fixture(autouse=True)
def _japanese_by_default():
    """Tests start in the site's default language, whatever the last test activated."""
    from django.utils import translation

    translation.activate("ja")
    yield
    translation.activate("ja")


@pytest.fixture
def cjk_font():
    """For the tests that read a rendered PDF back: WeasyPrint drops Japanese glyphs silently
    when no Japanese font is installed, so such a test skips (or fails under CI=true) instead."""
    require(
        cjk_font_installed(),
        "no Japanese font: apt-get install fonts-ipaexfont-gothic fonts-ipaexfont-mincho",
    )


@pytest.fixture
def people(db):
    """One user of every role, two businesses, two departments."""
    dept_a, dept_b = factories.department(), factories.department()
    org_a, org_b = factories.organization(), factories.organization()
    return {
        "business": factories.user(Role.BUSINESS, organization=org_a),
        "colleague": factories.user(Role.BUSINESS, organization=org_a),
        "other_business": factories.user(Role.BUSINESS, organization=org_b),
        "desk_staff": factories.user(Role.DESK_STAFF),
        "desk_manager": factories.user(Role.DESK_MANAGER),
        "department": factories.user(Role.DEPARTMENT, department=dept_a),
        "other_department": factories.user(Role.DEPARTMENT, department=dept_b),
        "reviewer": factories.user(Role.REVIEWER),
        "other_reviewer": factories.user(Role.REVIEWER),
        "administrator": factories.user(Role.ADMINISTRATOR),
    }
