"""A Redis cache that a Redis outage cannot turn into an error page.

Django's ``RedisCache`` raises when Redis is down, so every page that touches the cache (the
public pages' generation, locks of the static export, the PDF queue flag) became a 500.
``ResilientRedisCache`` answers as an empty cache instead: a read misses, a write is dropped,
``add`` fails, ``incr`` raises ``ValueError`` (as for a missing key), and callers fall back to
rendering or to their documented fallback. Connections time out quickly (``socket_timeout``),
and after a failure the cache does not ask Redis again for ``RETRY_AFTER`` seconds (a circuit
breaker), so an outage costs a request nothing. One log line says Redis went away, one that it
came back; ``status()`` tells /status.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: Seconds during which a cache that failed is not asked again.
RETRY_AFTER = 5.0

_state = {"down_since": None, "retry_at": 0.0}
_lock = threading.Lock()
#: Called (no arguments) when Redis answers again after this process saw it down: what was
#: written while it was away is lost, so e.g. the public pages' generation is bumped again.
recovery_callbacks: list = []


def status() -> dict:
    """Whether this process last found the Redis cache down, and since when (epoch seconds)."""
    return {"down_since": _state["down_since"]}


def _available() -> bool:
    return _state["down_since"] is None or time.monotonic() >= _state["retry_at"]


def _failed(exc: BaseException) -> None:
    with _lock:
        first = _state["down_since"] is None
        if first:
            _state["down_since"] = time.time()
        _state["retry_at"] = time.monotonic() + RETRY_AFTER
    if first:
        logger.error(
            "cache: Redis is unreachable (%s); until it is back each web process keeps the "
            "public pages on its own (PUBLIC_CACHE_OUTAGE_SECONDS) and rate limits count in "
            "the database",
            exc,
        )


def _answered() -> None:
    if _state["down_since"] is None:
        return
    with _lock:
        since, _state["down_since"] = _state["down_since"], None
    if since is not None:
        logger.warning("cache: Redis answers again after %.0f s", time.time() - since)
        for callback in list(recovery_callbacks):
            try:
                callback()
            except Exception:
                logger.exception("cache: recovery callback %r failed", callback)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        params["OPTIONS"] = options
        super().__init__(server, params)

    def _call(self, method: str, fallback, *args, **kwargs):
        if not _available():
            return fallback()
        if _state["down_since"] is not None:
            # Redis was down and may be back: see first, so the recovery callbacks run before
            # this operation (a read must not return what was stale before they ran).
            try:
                super().has_key("kyoso:cache:probe")
            except (RedisError, OSError) as exc:
                _failed(exc)
                return fallback()
            _answered()
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except (RedisError, OSError) as exc:
            _failed(exc)
            return fallback()
        _answered()
        return result

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")

        return self._call("incr", missing, key, delta, version)

    def clear(self):
        return self._call("clear", lambda: False)
