"""What the running system is made of and whether each part answers, for /status (readiness)
and the start-up message. ``/healthz`` (liveness) needs none of it (``core.middleware``)."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from urllib.parse import urlsplit

import redis
from celery import current_app
from django.conf import settings
from django.db import connection

from . import jobs
from .models import WorkerHeartbeat


def database_description() -> dict:
    vendor = connection.vendor
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    version = ""
    try:
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("SHOW server_version")
            else:
                cursor.execute("select sqlite_version()")
            version = cursor.fetchone()[0]
    except Exception:
        version = "?"
    return {"vendor": vendor, "name": names.get(vendor, vendor), "version": version}


def task_mode() -> dict:
    if settings.TASKS_INLINE:
        return {"mode": "inline", "broker": ""}
    parts = urlsplit(settings.CELERY_BROKER_URL)
    # Never show a password: scheme, host and port are enough to recognise the broker.
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return {"mode": "queue", "broker": f"{parts.scheme}://{host}{port}{parts.path}"}


@lru_cache(maxsize=1)
def cjk_fonts() -> tuple[str, ...]:
    """Families of installed fonts that cover Japanese (what WeasyPrint will find)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return ()
    try:
        out = subprocess.run(
            [fc_list, ":lang=ja", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families = {line.split(",")[0].strip() for line in out.splitlines() if line.strip()}
    return tuple(sorted(families))


def last_heartbeat():
    return WorkerHeartbeat.objects.order_by("-created_at").first()


def cache_description() -> dict:
    """The shared cache: Redis (up or down, asked now) or the database."""
    url = getattr(settings, "REDIS_CACHE_URL", "")
    if not url:
        return {"kind": "database", "up": True}
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping()
    except (redis.RedisError, OSError):
        return {"kind": "redis", "up": False}
    return {"kind": "redis", "up": True}


def broker_description() -> dict:
    """The task broker: asked now (unless tasks run inline), and the tasks it still owes us."""
    state = {"up": True, **jobs.broker_status()}
    if settings.TASKS_INLINE:
        return state
    try:
        with current_app.connection_for_write() as connection:
            # One try, no pause before it: a readiness probe must answer within its own timeout.
            connection.ensure_connection(max_retries=0, interval_start=0, timeout=1)
    except Exception:
        state["up"] = False
    return state
