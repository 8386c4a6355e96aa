"""What the running system is made of, for /status and the start-up message."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

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
