"""Absolute links for e-mails, documents and feeds.

They use the configured ``SITE_URL``, never the request's Host header (which a client
chooses), and the recipient's language: ``/en/…`` for English, ``/…`` for Japanese.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse``) on the site's own address."""
    return f"{settings.SITE_URL}{path}"


def url_for(viewname: str, language: str = "ja", **kwargs) -> str:
    """The absolute address of ``viewname`` in ``language``."""
    with translation.override(language):
        return absolute_url(reverse(viewname, kwargs=kwargs))
