"""Fixtures of the call tests: one call at the fixed times of tests.support, in Japan time,
and the English pages the assertions read."""

from __future__ import annotations

import pytest

from ..factories import make_theme


@pytest.fixture
def theme(db):
    return make_theme()


@pytest.fixture(autouse=True)
def _english_pages():
    """Assertions read English source strings; the Japanese catalogue comes later, so the
    tests use the /en/ addresses (reverse() follows the active language)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("ja")


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English source messages; the Japanese catalogue is tested apart."""
    from django.utils import translation

    with translation.override("en"):
        yield
