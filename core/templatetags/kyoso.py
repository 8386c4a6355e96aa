"""Template helpers used across the site."""

from __future__ import annotations

import datetime as dt

from django import template
from django.urls import translate_url
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

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


@register.simple_tag
def field_widget(field):
    """Render a form field's input tied to its help text and error message for screen readers."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_group(field) -> bool:
    """Radio buttons and checkbox lists are fieldsets with a legend, not one labelled input."""
    return field.widget_type in ("radioselect", "checkboxselectmultiple")


@register.filter
def filesize(value) -> str:
    """1.2 MB, 340 KB — sizes people read."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return ""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key`` — a dict lookup with a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


#: Lines a text keeps in a document (PDF); more are joined into its last paragraph. Every
#: character stays, and a page of 5,000 one-character lines does not cost seconds of layout.
DOCUMENT_MAX_LINES = 100


@register.filter
def document_text(value) -> str:
    """Multi-line text for a PDF: like ``linebreaksbr``, with at most ``DOCUMENT_MAX_LINES``
    lines (the rest joined with spaces into the last one) and runs of blank lines shortened."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    kept: list[str] = []
    for line in lines:
        if not line and kept and not kept[-1]:
            continue  # one blank line is a paragraph break; more add nothing
        kept.append(line)
    if len(kept) > DOCUMENT_MAX_LINES:
        rest = " ".join(line.strip() for line in kept[DOCUMENT_MAX_LINES - 1 :] if line.strip())
        kept = kept[: DOCUMENT_MAX_LINES - 1] + [rest]
    return mark_safe("<br>".join(escape(line) for line in kept))
