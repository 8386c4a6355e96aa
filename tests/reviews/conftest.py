"""Data for the reviews tests, built through the real models and services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import Department
from themes.models import Criterion, Rubric, Theme

from .. import factories


def make_rubric(weights=(2, 1, 1), scale=(1, 5), name="テスト評価基準") -> Rubric:
    rubric = Rubric.objects.create(
        name=name, name_en="Test rubric", scale_min=scale[0], scale_max=scale[1]
    )
    for order, weight in enumerate(weights, start=1):
        Criterion.objects.create(
            rubric=rubric,
            name=f"項目{order}",
            name_en=f"Criterion {order}",
            weight=Decimal(weight),
            sort_order=order,
        )
    return rubric


def make_theme(rubric=None, *, blind=False, title="交通空白地の解消") -> Theme:
    now = timezone.now()
    return Theme.objects.create(
        title=title,
        department=Department.objects.first() or factories.department(),
        programme=factories.programme(),
        opens_at=now - timezone.timedelta(days=3),
        closes_at=now + timezone.timedelta(days=30),
        rubric=rubric,
        is_blind=blind,
    )


def submitted(member, theme=None, title="AIオンデマンド交通の実証"):
    """A proposal the business has submitted (to ``theme`` when given)."""
    extra = {"theme": theme, "prog": theme.programme} if theme is not None else {}
    proposal = factories.draft(member, title=title, **extra)
    factories.act(proposal, "submit", member)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def rubric(db):
    return make_rubric()


@pytest.fixture
def theme(people, rubric):
    return make_theme(rubric)


@pytest.fixture
def blind_theme(people, rubric):
    return make_theme(rubric, blind=True, title="ブラインド審査の募集")


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the English source messages; the Japanese catalogue is tested apart."""
    from django.utils import translation

    with translation.override("en"):
        yield
