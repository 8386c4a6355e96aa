"""``seed_demo --if-empty``, as the container runs it at every start: it seeds an empty
database and leaves one with users alone.

These tests need a database of their own, empty when they start: test_seed_demo.py keeps the
demo data in the database for the whole of its module, so they are here, each with ``db``."""

from __future__ import annotations

import pytest

from core.models import Role, User

from .helpers import counts, seed

pytestmark = pytest.mark.integration


def test_if_empty_does_nothing_when_users_exist(db):
    assert not User.objects.exists()  # not the demo data of test_seed_demo.py
    User.objects.create_user(
        email="someone@example.jp", password="x" * 12, full_name="誰か", role=Role.DESK_STAFF
    )
    before = counts()
    output = seed("--if-empty")
    assert counts() == before
    assert len(output.strip().splitlines()) == 1


def test_if_empty_seeds_an_empty_database(db):
    assert not User.objects.exists()  # not the demo data of test_seed_demo.py
    seed("--if-empty")
    assert User.objects.filter(email="desk@example.jp").exists()
