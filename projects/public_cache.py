"""The public pages' cache: rendered once, served until something public changes.

Every public page and open-data file is cached whole, per language and query string, under a
*generation* number kept in the shared cache (the database cache, or Redis with
``REDIS_CACHE_URL``). When a service changes anything the public sees, it calls
``public_data_changed``: after the transaction commits, the generation goes up — every web
process sees the new number on its next request and renders afresh — and a Celery task
refreshes the static export and the list PDF. Nobody edits a page.

One cache round trip per request: the generation and the page are fetched together with
``get_many``, and a page stored under an older generation is treated as missing.

Only anonymous requests without a session are served from the cache: a signed-in user's
page carries their own menu, and a pending flash message must not be cached for others.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

GENERATION_KEY = "projects:public:generation"
PAGE_PREFIX = "projects:public:page:"
#: Cached pages expire after a day even if nothing changed (statistics follow the clock).
PAGE_TIMEOUT = 24 * 60 * 60


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = 1
        cache.add(GENERATION_KEY, value, timeout=None)
    return int(value)


def bump_generation() -> int:
    """Make every cached public page stale now (every web process, every language)."""
    try:
        return cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): start above anything cached before
        import time

        value = int(time.time())
        cache.set(GENERATION_KEY, value, timeout=None)
        return value


def public_data_changed(project=None) -> None:
    """Call inside the changing transaction: after commit, pages refresh and exports rebuild."""

    def refresh():
        bump_generation()
        from . import tasks

        tasks.refresh_public_outputs.delay()

    transaction.on_commit(refresh)


def _cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get("messages"):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _page_key(request) -> str:
    query = sorted(request.GET.lists())
    raw = f"{get_language()}|{request.path}|{query!r}"
    return PAGE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def cached(view):
    """Decorator for public views: serve the stored response while the generation holds."""
    from functools import wraps

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY)
        if current is None:
            current = generation()
        stored = found.get(key)
        if stored is not None and stored[0] == current:
            _gen, status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Public-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and \
                not getattr(response, "no_public_cache", False):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            headers = [(name, value) for name, value in response.items()
                       if name.lower() in ("content-type", "content-disposition",
                                           "content-language", "link")]
            cache.set(key, (current, response.status_code, headers, response.content),
                      PAGE_TIMEOUT)
            response["X-Public-Cache"] = "miss"
        return response

    return wrapped
