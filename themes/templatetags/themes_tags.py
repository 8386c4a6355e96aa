"""Template helpers of the call pages."""

from django import template

from themes import selectors

register = template.Library()


@register.filter
def jst(value) -> str:
    """A moment in Japan time with its weekday."""
    return selectors.jst_text(value)


@register.filter
def theme_title(theme) -> str:
    return selectors.localized_title(theme)
