"""Shared data of the call tests: one call with fixed times in Japan time."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from core.dates import JAPAN
from themes.models import Theme

from .. import factories

OPENS = dt.datetime(2026, 12, 1, 9, 0, tzinfo=JAPAN)  # a Tuesday
QUESTIONS_UNTIL = dt.datetime(2026, 12, 10, 17, 0, tzinfo=JAPAN)
CLOSES = dt.datetime(2026, 12, 21, 17, 0, tzinfo=JAPAN)  # a Monday
RESULTS = dt.datetime(2027, 1, 15, 10, 0, tzinfo=JAPAN)
SECOND = dt.timedelta(seconds=1)
DURING = OPENS + dt.timedelta(days=2)

_seq = itertools.count(1)


def make_theme(**kw) -> Theme:
    n = next(_seq)
    fields = {
        "title": f"子育て支援のデジタル化{n}",
        "title_en": "",
        "background": "待機児童の情報が分散している。",
        "sought": "保護者向けの一元的な案内。",
        "department": kw.pop("department", None) or factories.department(),
        "programme": kw.pop("programme", None) or factories.programme(),
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "questions_until": QUESTIONS_UNTIL,
        "results_announced_at": RESULTS,
        "planned_adoptions": 1,
    }
    fields.update(kw)
    return Theme.objects.create(**fields)


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
