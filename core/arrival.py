"""When a request reached us, and its reference.

A call closes at a second, and a proposal sent in time must be accepted in time even when the
server is busy: the request may wait in the listen backlog, then in middleware, before a view
runs. So the very first middleware (``core.middleware.RequestStampMiddleware``) stamps
``request.arrived_at`` and views judge deadlines by it (``arrival(request)``).

Behind a proxy the request reached *us* earlier, at the proxy. When ``REQUEST_START_HEADER``
names the ``request.META`` key of a header the proxy stamps (nginx
``proxy_set_header X-Request-Start "t=${msec}";`` gives ``t=1733391234.567``; seconds,
milliseconds and microseconds since the epoch are all understood), that moment is used —
clamped so it is never in the future and never older than ``REQUEST_START_MAX_AGE`` seconds
(a proxy's clock far off, or a client forging the header, moves nothing by more than that).
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.utils import timezone

_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


def parse_request_start(value: str) -> dt.datetime | None:
    """The moment in a request-start header (``t=1733391234.567``, ``1733391234567`` …)."""
    match = _NUMBER.search(value or "")
    if not match:
        return None
    number = float(match.group(1))
    # Seconds since 1970 are about 1.7e9 today; milliseconds 1.7e12; microseconds 1.7e15.
    for divisor in (1, 1_000, 1_000_000):
        seconds = number / divisor
        if seconds < 1e11:
            break
    try:
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def arrival_from(meta: dict, now: dt.datetime) -> dt.datetime:
    """When the request reached the site: the trusted proxy's stamp, clamped, else ``now``."""
    header = getattr(settings, "REQUEST_START_HEADER", None)
    if not header:
        return now
    stamped = parse_request_start(meta.get(header, ""))
    if stamped is None:
        return now
    oldest = now - dt.timedelta(seconds=float(getattr(settings, "REQUEST_START_MAX_AGE", 120)))
    return min(now, max(stamped, oldest))


def arrival(request) -> dt.datetime:
    """When ``request`` reached us (``now`` for a request that never passed the middleware,
    e.g. one a test builds by hand)."""
    return getattr(request, "arrived_at", None) or timezone.now()
