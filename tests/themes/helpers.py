"""What the desk's call pages take and where they are, for the tests of those pages and of
a department's issues."""

from __future__ import annotations

from django.urls import reverse


def form_data(department, programme, **kw):
    """The call form as the desk posts it: the times of tests.support, OPENS to CLOSES with
    questions until QUESTIONS_UNTIL; ``kw`` changes or adds fields."""
    data = {
        "kind": "call",
        "title": "公園の利活用",
        "title_en": "",
        "background": "背景",
        "sought": "求める提案",
        "description_en": "",
        "department": department.pk,
        "programme": programme.pk,
        "opens_at": "2026-12-01 09:00",
        "closes_at": "2026-12-21 17:00",
        "questions_until": "2026-12-10T17:00",
        "results_announced_at": "",
        "allows_sole_proprietors": "on",
        "planned_adoptions": "0",
        "is_published": "on",
    }
    data.update(kw)
    return data


def desk_urls(theme):
    """Every desk page about calls, ``theme``'s own included."""
    return [
        reverse("themes:manage"),
        reverse("themes:create"),
        reverse("themes:edit", args=[theme.pk]),
        reverse("themes:questions", args=[theme.pk]),
    ]
