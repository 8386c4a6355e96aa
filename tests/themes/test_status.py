"""The status of a call follows from the clock, at every boundary."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from themes.models import Theme

from ..factories import make_theme
from ..support import CLOSES, DURING, OPENS, QUESTIONS_UNTIL, RESULTS, SECOND

pytestmark = pytest.mark.integration
S = Theme.Status


@pytest.mark.parametrize(
    "moment, expected",
    [
        (OPENS - SECOND, S.UPCOMING),
        (OPENS, S.OPEN),
        (CLOSES - SECOND, S.OPEN),
        (CLOSES, S.CLOSED),
        (RESULTS - SECOND, S.CLOSED),
        (RESULTS, S.ANNOUNCED),
    ],
)
def test_status_at_each_boundary(theme, moment, expected):
    assert theme.status_at(moment) == expected
    with time_machine.travel(moment, tick=False):
        assert theme.status_at() == expected
        assert theme.is_open_at() == (expected == S.OPEN)


def test_without_an_announcement_a_call_stays_closed(db):
    theme = make_theme(results_announced_at=None)
    assert theme.status_at(RESULTS + SECOND * 10**7) == S.CLOSED


@pytest.mark.parametrize(
    "moment, accepts",
    [
        (OPENS - SECOND, False),
        (OPENS, True),
        (QUESTIONS_UNTIL - SECOND, True),
        (QUESTIONS_UNTIL, False),
        (CLOSES - SECOND, False),
    ],
)
def test_question_period_boundaries(theme, moment, accepts):
    assert theme.accepts_questions_at(moment) is accepts


def test_question_period_defaults_to_the_open_period(db):
    theme = make_theme(questions_until=None)
    assert theme.accepts_questions_at(CLOSES - SECOND)
    assert not theme.accepts_questions_at(CLOSES)


def test_the_public_list_follows_the_clock(client, theme):
    url = reverse("themes:list")
    with time_machine.travel(OPENS - SECOND, tick=False):
        page = client.get(url).content.decode()
        coming = page.index('id="upcoming-heading"')
        assert page.index(theme.title) > coming
        assert "Propose" not in page
    with time_machine.travel(DURING, tick=False):
        page = client.get(url).content.decode()
        assert theme.title in page
        assert "upcoming-heading" not in page and "past-heading" not in page
    with time_machine.travel(CLOSES, tick=False):
        page = client.get(url).content.decode()
        # Closed calls are listed separately, after the (empty) open section.
        assert page.index(theme.title) > page.index('id="past-heading"')


def test_the_list_query_count_does_not_grow_with_rows(client, db, django_assert_max_num_queries):
    make_theme()
    with time_machine.travel(DURING, tick=False):
        with django_assert_max_num_queries(3):
            one = client.get(reverse("themes:list"))
        for _ in range(12):
            make_theme(is_published=True)
        with django_assert_max_num_queries(3):
            many = client.get(reverse("themes:list"))
    assert one.content.decode().count('class="theme-item"') == 1
    assert many.content.decode().count('class="theme-item"') == 13
