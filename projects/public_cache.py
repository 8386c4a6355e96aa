"""The public pages' cache: rendered once for all processes, served until something public
changes.

Public views are marked with ``cached``. ``PublicPageCacheMiddleware`` sits right after
WhiteNoise: for an anonymous request (no session, no pending message) under the public
project pages (``/projects/``, ``/en/projects/``) it answers, before sessions, CSRF,
authentication and the view, from the first of two places that holds the page:

1. the process's own memory (nearly as cheap as a static file);
2. the shared cache (Redis with ``REDIS_CACHE_URL``, else the database), which every web
   process and node reads, so a page rendered by one worker is served by all of them and a
   new worker, or a worker busy-free after a burst of desk work, does not render it again.

Otherwise the request goes through the whole stack, and a marked 200 response is kept in both
places for the next visitor.

If the shared cache is down, no generation can be read: each process then keeps its pages in
its own memory only, for at most ``PUBLIC_CACHE_OUTAGE_SECONDS`` (default 5 s; 0 = render every
request), so the public site keeps its speed through a Redis restart. A change made by this
process is on its pages at once (its kept pages are dropped); other processes show it within
those seconds, and every process drops what it kept in the outage when Redis answers again.

Staleness is ruled by a *generation* number in the shared cache (the database cache, or Redis
with ``REDIS_CACHE_URL``). Every service that changes something public calls
``public_data_changed``: after the transaction commits, the generation goes up (and a Celery
task rebuilds the static export and the list PDF). A process re-reads the generation at most
every ``PUBLIC_CACHE_RECHECK_SECONDS`` (default 1 s; 0 = on every request, as the tests do), so
a published change is on every web node's pages within that time, with no page edited by
anyone. The process that made the change sees it at once.

Only complete, anonymous responses are kept: never one that sets a cookie, never a signed-in
user's page (it carries their own menu), never a response marked ``no_public_cache``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from core import cache as core_cache
from core import jobs

GENERATION_KEY = "projects:public:generation"
#: Pages kept per process, and their bytes together (oldest dropped first), so made-up query
#: strings cannot fill a worker's memory.
MAX_PAGES = 500
MAX_BYTES = 48 * 1024 * 1024
#: Headers of a kept response that are given again (never Set-Cookie).
_SKIP_HEADERS = {"set-cookie", "x-public-cache", "content-length"}

_lock = threading.Lock()
_pages: OrderedDict[str, tuple[int, int, list, bytes]] = OrderedDict()
_known = {"generation": None, "checked": 0.0, "bytes": 0}


def generation() -> int | None:
    """The current generation (created on first use from the clock, so a new or emptied cache
    never reuses a number an earlier one had); None while the shared cache is unavailable."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, int(time.time() * 1000), timeout=None)
        value = cache.get(GENERATION_KEY)
    if value is None:  # the shared cache is down (core.cache)
        return None
    _remember(int(value))
    return int(value)


def _outage_generation(*, checked: bool = True) -> int | None:
    """While the shared cache is down: a process-local generation that changes every
    ``PUBLIC_CACHE_OUTAGE_SECONDS`` (negative, so it is never a real one and nothing kept
    under it is shared), or None when pages must not be kept at all."""
    seconds = getattr(settings, "PUBLIC_CACHE_OUTAGE_SECONDS", 5.0)
    if seconds <= 0:
        _forget()
        return None
    value = -1 - int(time.time() // seconds)
    _remember(value, checked=checked)
    return value


def _forget() -> None:
    with _lock:
        _pages.clear()
        _known["generation"], _known["checked"], _known["bytes"] = None, 0.0, 0


def bump_generation() -> int | None:
    """Make every kept public page stale (every process, every language). Returns the new
    generation, or None when the shared cache could not store it (it is down)."""
    try:
        value = cache.incr(GENERATION_KEY)
    except ValueError:  # not there (new or evicted), or the cache is down: start from the clock
        value = int(time.time() * 1000)
        cache.set(GENERATION_KEY, value, timeout=None)
        if cache.get(GENERATION_KEY) is None:
            _forget()
            return None
    _remember(int(value))
    return int(value)


def _after_cache_outage() -> None:
    """Redis answers again: a change made while it was away could not bump the generation
    (and Redis may be back with its old data), so every kept page is made stale now."""
    bump_generation()


core_cache.recovery_callbacks.append(_after_cache_outage)


def _remember(value: int, *, checked: bool = True) -> None:
    with _lock:
        if value != _known["generation"]:
            _pages.clear()
            _known["bytes"] = 0
        _known["generation"] = value
        if checked:
            _known["checked"] = time.monotonic()


def _current_generation() -> int | None:
    """The generation, re-read from the shared cache when the last look is too old."""
    recheck = getattr(settings, "PUBLIC_CACHE_RECHECK_SECONDS", 1.0)
    known = _known["generation"]
    if known is None or time.monotonic() - _known["checked"] >= recheck:
        value = generation()
        return value if value is not None else _outage_generation()
    if known < 0:  # kept during an outage: never longer than the outage window
        return _outage_generation(checked=False)
    return known


def reset_local() -> None:
    """Forget this process's pages (tests; a new process starts empty anyway)."""
    _forget()


def _refresh() -> None:
    # If the shared cache is down the bump is lost: the refresh task, kept in the task outbox
    # and run when the broker (usually the same Redis) is back, bumps the generation again.
    stored = bump_generation() is not None
    jobs.enqueue("projects.tasks.refresh_public_outputs", bump=not stored)


def public_data_changed(project=None) -> None:
    """Call inside the changing transaction: after commit, pages refresh and exports rebuild."""
    transaction.on_commit(_refresh)


def cached(view):
    """Mark a public view's responses as the same for every anonymous visitor."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not getattr(response, "no_public_cache", False):
            response.public_cacheable = True
        return response

    return wrapped


_prefixes: list[str] = []


def _public_prefixes() -> list[str]:
    """Where the public project pages live, in every language: /projects/, /en/projects/."""
    if not _prefixes:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                _prefixes.append(reverse("projects:list"))
    return _prefixes


def _cacheable_request(request) -> bool:
    """Only anonymous GETs under the public project pages; any other page costs nothing."""
    if request.method not in ("GET", "HEAD"):
        return False
    if not request.path.startswith(tuple(_public_prefixes())):
        return False
    cookies = request.COOKIES
    return not (cookies.get(settings.SESSION_COOKIE_NAME) or cookies.get("messages"))


def _key(request) -> str:
    return request.get_full_path()


#: Pages larger than this are kept in the process only, never in the shared cache.
MAX_SHARED_BYTES = 4 * 1024 * 1024
#: How long the shared cache keeps a page of a generation (a new generation makes it unused).
SHARED_TIMEOUT = 24 * 3600


def _shared_key(generation: int, key: str) -> str:
    return f"projects:public:page:{generation}:{hashlib.sha256(key.encode()).hexdigest()[:40]}"


class PublicPageCacheMiddleware:
    """Answer anonymous requests for kept public pages before the rest of the stack runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        current = _current_generation()
        if current is None:  # the shared cache is down and nothing may be kept: render
            return self.get_response(request)
        kept = _pages.get(key)
        if kept is not None and kept[0] == current:
            return self._replay(kept, request)
        shared = cache.get(_shared_key(current, key)) if current > 0 else None
        if shared is not None:
            self._keep(key, (current, *shared))
            return self._replay((current, *shared), request, source="shared")
        response = self.get_response(request)
        if self._keepable(request, response):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in _SKIP_HEADERS
            ]
            page = (response.status_code, headers, response.content)
            self._keep(key, (current, *page))
            if current > 0 and len(response.content) <= MAX_SHARED_BYTES:
                cache.set(_shared_key(current, key), page, timeout=SHARED_TIMEOUT)
            response["X-Public-Cache"] = "miss"
        return response

    @staticmethod
    def _keep(key: str, kept: tuple) -> None:
        current, _status, _headers, content = kept
        with _lock:
            if _known["generation"] == current and len(content) <= MAX_BYTES:
                old = _pages.pop(key, None)
                _known["bytes"] -= len(old[3]) if old else 0
                _pages[key] = kept
                _known["bytes"] += len(content)
                while len(_pages) > MAX_PAGES or _known["bytes"] > MAX_BYTES:
                    _oldest, dropped = _pages.popitem(last=False)
                    _known["bytes"] -= len(dropped[3])

    @staticmethod
    def _keepable(request, response) -> bool:
        if not getattr(response, "public_cacheable", False) or response.status_code != 200:
            return False
        if response.streaming or response.cookies:
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)

    @staticmethod
    def _replay(kept, request, source: str = "hit") -> HttpResponse:
        _generation, status, headers, content = kept
        response = HttpResponse(b"" if request.method == "HEAD" else content, status=status)
        for name, value in headers:
            response[name] = value
        response["Content-Length"] = str(len(content))
        response["X-Public-Cache"] = source
        return response
