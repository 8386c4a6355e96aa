"""A department presents its own issues (課題提示): it may create and edit issues of its own
department only, answer their questions, and never touch calls or other departments' issues."""

from __future__ import annotations

import pytest
from django.urls import reverse

from themes.models import Theme, ThemeQuestion

from .. import factories
from ..factories import make_theme
from ..support import DURING
from .helpers import desk_urls, form_data

pytestmark = pytest.mark.integration


def test_a_department_presents_an_issue_of_its_own(client, people):
    member = people["department"]
    other_dept, prog = factories.department(), factories.programme()
    client.force_login(member)
    assert client.get(reverse("themes:manage")).status_code == 200
    # Whatever is posted, the theme is an issue of the member's own department.
    response = client.post(
        reverse("themes:create"), form_data(other_dept, prog, kind="call", title="道路の維持管理")
    )
    assert response.status_code == 302
    theme = Theme.objects.get(title="道路の維持管理")
    assert theme.kind == Theme.Kind.ISSUE and theme.department == member.department
    response = client.post(
        reverse("themes:edit", args=[theme.pk]),
        form_data(other_dept, prog, title="道路の維持管理（改訂）"),
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.title == "道路の維持管理（改訂）" and theme.department == member.department


def test_a_department_cannot_touch_calls_or_other_departments_issues(client, people):
    member = people["department"]
    call = make_theme(department=member.department)  # a call, even of its own department
    others = make_theme(kind=Theme.Kind.ISSUE, department=people["other_department"].department)
    client.force_login(member)
    for theme in (call, others):
        for url in desk_urls(theme)[2:]:
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"title": "乗っ取り"}).status_code == 404, url
    page = client.get(reverse("themes:manage")).content.decode()
    assert call.title not in page and others.title not in page
    call.refresh_from_db()
    assert call.title != "乗っ取り"


def test_a_department_answers_questions_on_its_issue(client, people):
    import time_machine

    member = people["department"]
    issue = make_theme(kind=Theme.Kind.ISSUE, department=member.department)
    question = ThemeQuestion.objects.create(
        theme=issue, asked_by=people["business"], question="対象地域は？", asked_at=DURING
    )
    client.force_login(member)
    with time_machine.travel(DURING):
        response = client.post(
            reverse("themes:questions", args=[issue.pk]),
            {"question_id": question.pk, "answer": "市内全域です。", "publish": "on"},
        )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "市内全域です。" and question.published_at is not None
