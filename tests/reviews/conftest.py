"""Fixtures of the reviews tests: a rubric and calls open now, built by tests.factories."""

from __future__ import annotations

import pytest

from ..factories import make_rubric, open_theme


@pytest.fixture
def rubric(db):
    return make_rubric()


@pytest.fixture
def theme(people, rubric):
    return open_theme(rubric)


@pytest.fixture
def blind_theme(people, rubric):
    return open_theme(rubric, blind=True, title="ブラインド審査の募集")


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English source messages; the Japanese catalogue is tested apart."""
    from django.utils import translation

    with translation.override("en"):
        yield
