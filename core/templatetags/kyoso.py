"""Template helpers used across the site."""

from __future__ import annotations

import datetime as dt

from django import template
from django.urls import translate_url
from django.utils import timezone
from django.utils.http import urlencode

from core import dates

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language: str) -> str:
    """The address of the current page in ``language`` (query string kept)."""
    request = context.get("request")
    if request is None:
        return "/"
    url = translate_url(request.path, language)
    if request.GET:
        url = f"{url}?{urlencode(request.GET, doseq=True)}"
    return url


@register.filter
def wareki(value) -> str:
    """令和8年11月26日 for a date or datetime (in Japan time)."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return dates.wareki(value)


@register.filter
def fiscal_year_label(year) -> str:
    """2026年度（令和8年度）"""
    if not year:
        return ""
    return f"{year}年度（{dates.wareki_fiscal_year(int(year))}）"
