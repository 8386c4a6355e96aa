"""Test configuration shared by every layer.

* Services that a test needs (PostgreSQL, Redis, Chromium) skip with the reason printed on a
  machine without them, and fail instead when CI=true.
* The PostgreSQL pass (``make test-postgres``) stops at once, with the reason, when the server
  cannot be reached.
"""

from __future__ import annotations

import os

import pytest

from core.models import Role

from . import factories
from .smtp import smtp_server  # noqa: F401 — a fixture for every test module
from .support import IN_CI, port_open
from .worker import redis_worker  # noqa: F401 — a fixture for every test module

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_sessionstart(session):
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        if not port_open(parts.hostname or "127.0.0.1", parts.port or 5432):
            reason = f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432}"
            if IN_CI:
                pytest.exit(f"CI=true: {reason}", returncode=3)
            pytest.exit(f"SKIPPED the PostgreSQL pass: {reason} (with CI=true this fails)",
                        returncode=0)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = str(item.fspath)
        if f"{os.sep}e2e{os.sep}" in path:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        from .support import require

        require(connection.vendor == "postgresql",
                "needs PostgreSQL: run with DATABASE_URL=postgres://… (make test-postgres)")


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
