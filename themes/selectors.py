"""Reads of themed calls and presented issues that pages share.

Status follows from the clock (``Theme.status_at``), so lists are split in Python from one
query, never by a stored flag.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import rules
from core.dates import JAPAN

from .models import Programme, Theme, ThemeQuestion

WEEKDAYS_JA = "月火水木金土日"


def active_programmes():
    """The programmes that take proposals now, in the desk's order."""
    return Programme.objects.filter(is_active=True)


def jst_text(value: dt.datetime | None) -> str:
    """A moment in Japan time with its weekday: 2026年12月1日（火）17:00 / Tue 1 Dec 2026, 17:00 JST."""
    if value is None:
        return ""
    local = value.astimezone(JAPAN) if timezone.is_aware(value) else value
    if (get_language() or "ja").startswith("en"):
        return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M} JST"
    return (
        f"{local.year}年{local.month}月{local.day}日（{WEEKDAYS_JA[local.weekday()]}）{local:%H:%M}"
    )


def localized_title(theme: Theme) -> str:
    if (get_language() or "ja").startswith("en") and theme.title_en:
        return theme.title_en
    return theme.title


def with_status(theme: Theme, when=None) -> Theme:
    """Attach ``current_status`` and its label, read from the clock at ``when``."""
    theme.current_status = theme.status_at(when)
    theme.current_status_label = Theme.Status(theme.current_status).label
    return theme


def public_themes():
    """Published calls and issues, with what their list rows show (one query)."""
    return (
        Theme.objects.filter(is_published=True)
        .select_related("department", "programme")
        .order_by("closes_at", "pk")
    )


def public_theme_groups(when=None) -> dict[str, list[Theme]]:
    """Published themes by status at ``when``: open (closing soonest first), upcoming,
    and past (closed or results announced, most recent first)."""
    when = when or timezone.now()
    groups: dict[str, list[Theme]] = {"open": [], "upcoming": [], "past": []}
    for theme in public_themes():
        status = with_status(theme, when).current_status
        if status == Theme.Status.OPEN:
            groups["open"].append(theme)
        elif status == Theme.Status.UPCOMING:
            groups["upcoming"].append(theme)
        else:
            groups["past"].append(theme)
    groups["upcoming"].sort(key=lambda t: (t.opens_at, t.pk))
    groups["past"].sort(key=lambda t: (t.closes_at, t.pk), reverse=True)
    return groups


def theme_for_viewer(user, pk: int) -> Theme | None:
    """The theme if ``user`` may see it: published for everyone, any for the desk (preview)."""
    theme = Theme.objects.select_related("department", "programme", "rubric").filter(pk=pk).first()
    if theme is None:
        return None
    if theme.is_published or rules.can_edit_theme(user, theme):
        return theme
    return None


def published_theme(pk) -> Theme | None:
    """A published theme by its id as given in an address (anything else: None)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Theme.objects.select_related("programme", "department")
        .filter(pk=pk, is_published=True)
        .first()
    )


def not_open_message(theme: Theme, when=None) -> str:
    if theme.status_at(when) == Theme.Status.UPCOMING:
        return _("Proposals for “%(title)s” can be made from %(time)s (Japan time).") % {
            "title": localized_title(theme),
            "time": jst_text(theme.opens_at),
        }
    return closing_message(theme)


def published_answers(theme: Theme):
    """The public Q&A: answered and published questions, never who asked (not even loaded)."""
    return (
        ThemeQuestion.objects.filter(theme=theme, published_at__isnull=False)
        .exclude(answer="")
        .only("pk", "question", "answer", "published_at", "asked_at", "theme_id")
        .order_by("published_at", "pk")
    )


def own_questions(theme: Theme, user):
    """The signed-in business's own questions, so it sees what it asked and whether answered."""
    if not rules.can_use_business_portal(user):
        return ThemeQuestion.objects.none()
    return ThemeQuestion.objects.filter(theme=theme, asked_by=user).order_by("asked_at", "pk")


def desk_themes(user=None):
    """The themes ``user`` manages — every one for the desk, a department's own issues for
    its members — with their question counts (one query)."""
    themes = Theme.objects.all()
    if user is not None and not rules.can_manage_themes(user):
        themes = themes.filter(kind=Theme.Kind.ISSUE, department_id=user.department_id)
    return (
        themes.select_related("department", "programme")
        .annotate(
            question_count=Count("questions", distinct=True),
            unanswered_count=Count("questions", distinct=True, filter=Q(questions__answer="")),
            document_count=Count("documents", distinct=True),
        )
        .order_by("-opens_at", "-pk")
    )


def desk_questions(theme: Theme):
    """All questions of a theme with who asked (for the desk only)."""
    return (
        ThemeQuestion.objects.filter(theme=theme)
        .select_related("asked_by", "asked_by__organization", "answered_by")
        .order_by("published_at", "asked_at", "pk")
    )


def closing_message(theme: Theme) -> str:
    return _(
        "The call “%(title)s” closed at %(time)s (Japan time); proposals can no longer "
        "be submitted to it."
    ) % {"title": localized_title(theme), "time": jst_text(theme.closes_at)}
