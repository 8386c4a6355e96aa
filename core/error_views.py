"""Our own error pages, in the visitor's language, with the site header and a way back.

400, 403, 404 and the CSRF failure extend the site's layout (header, menu, language switch).
The 500 page is a page of its own that reads neither the database nor the session — it must
render when they are what failed — and shows the request's reference (``X-Request-ID``, in the
log beside the error), so the desk can find it when someone phones.
"""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def _language(request) -> str:
    return "en" if request.path.startswith("/en/") else "ja"


def _page(request, template: str, status: int, **context):
    with translation.override(_language(request)):
        return render(request, template, {"status": status, **context}, status=status)


def bad_request(request, exception=None):
    return _page(request, "errors/400.html", 400)


def permission_denied(request, exception=None):
    return _page(request, "errors/403.html", 403)


def page_not_found(request, exception=None):
    return _page(request, "errors/404.html", 404)


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: usually a page left open for hours, or cookies
    blocked. Say what to do; nothing else happened."""
    return _page(request, "errors/csrf.html", 403)


def server_error(request):
    reference = getattr(request, "reference", "")
    logger.error(
        "error page shown for %s %s (reference %s)", request.method, request.path, reference
    )
    with translation.override(_language(request)):
        html = render_to_string(
            "errors/500.html", {"reference": reference, "language": _language(request)}
        )
    return HttpResponseServerError(html)
