"""Counting requests per address in fixed windows, atomically, on Redis or in the database.

A window is aligned to the clock (``int(now // period)``) and named in the key, so it never
moves with each hit and expires on its own. Counting is one atomic operation: Redis ``INCR``
(with ``EXPIRE … NX`` setting the expiry only once), or in the database one upsert of the
window's row that returns the new count. So 130 simultaneous requests against a limit of 120 let exactly 120 through.

Where the count lives:

* with ``REDIS_CACHE_URL`` set, in that Redis (fast, shared by every web process);
* without it, or **while Redis is down**, in the database (``core.models.RateCounter``),
  equally shared and atomic (one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``). This is the documented fallback: a Redis outage never refuses
  everyone and never shows an error page; limits keep holding, a little slower.

Rows of old windows are removed by ``prune`` (run with the task heartbeat, every minute).
The two stores do not see each other's counts: in the window in which Redis goes away or comes
back, an address may get up to twice its limit. That is the price of never refusing everyone.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import timedelta

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import cache as resilient
from .models import RateCounter

logger = logging.getLogger(__name__)

_clients: dict[str, redis.Redis] = {}


def _redis() -> redis.Redis | None:
    url = getattr(settings, "REDIS_CACHE_URL", "") or ""
    if not url or not resilient._available():
        return None
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        _clients[url] = client
    return client


def count(key: str, period: int, now: float | None = None) -> int:
    """Add one hit to ``key`` (one window of ``period`` seconds) and return the hits so far."""
    client = _redis()
    if client is not None:
        try:
            pipe = client.pipeline()
            pipe.incr(f"kyoso:ratelimit:{key}")
            pipe.expire(f"kyoso:ratelimit:{key}", period + 60, nx=True)
            hits, _expiry = pipe.execute()
        except (redis.RedisError, OSError) as exc:
            resilient._failed(exc)
        else:
            resilient._answered()
            return int(hits)
    return _count_in_database(key, period, now)


#: One statement, atomic on PostgreSQL and SQLite alike: the first hit of a window inserts
#: its row, every later one adds one to it, and the new count comes back.
_UPSERT = (
    "INSERT INTO core_ratecounter (key, count, expires_at) VALUES (%s, 1, %s) "
    "ON CONFLICT (key) DO UPDATE SET count = core_ratecounter.count + 1 RETURNING count"
)


def _count_in_database(key: str, period: int, now: float | None) -> int:
    expires = timezone.now() + timedelta(seconds=period + 60)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, connection.ops.adapt_datetimefield_value(expires)])
        return int(cursor.fetchone()[0])


def hit(scope: str, ip_key: str, limit: int, period: int, now: float | None = None):
    """Count one request of ``scope`` from ``ip_key``. Returns (allowed, seconds until the
    window resets)."""
    now = time.time() if now is None else now
    window = int(now // period)
    retry_after = max(1, math.ceil((window + 1) * period - now))
    hits = count(f"{scope}:{ip_key}:{window}", period, now)
    return hits <= limit, retry_after


def prune() -> int:
    """Remove the database rows of windows that are over."""
    deleted, _ = RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
