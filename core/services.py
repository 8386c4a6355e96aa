"""Writes with business meaning on people, organisations and the task runner."""

from __future__ import annotations

import socket

from django.conf import settings
from django.db import transaction

from .models import Organization, User, WorkerHeartbeat


def record_heartbeat(mode: str | None = None, hostname: str = "") -> WorkerHeartbeat:
    """Note that the task runner ran a task just now (shown on /status).

    ``mode`` is "queue" when a worker ran it, "inline" when it ran in the calling process;
    the management command (cron) passes nothing and gets the configured mode.
    """
    if mode is None:
        mode = "inline" if settings.TASKS_INLINE else "queue"
    return WorkerHeartbeat.objects.create(mode=mode,
                                          hostname=(hostname or socket.gethostname())[:200])


def prune_heartbeats(keep: int = 100) -> int:
    """Keep only the newest beats; the table is a signal, not a history."""
    keep_ids = list(WorkerHeartbeat.objects.order_by("-created_at").values_list("pk", flat=True)[:keep])
    deleted, _ = WorkerHeartbeat.objects.exclude(pk__in=keep_ids).delete()
    return deleted


@transaction.atomic
def register_organization(*, member_email: str, member_name: str, password: str | None,
                          **organization_fields) -> tuple[Organization, User]:
    """Create a business and its first member, validated as a whole."""
    organization = Organization(**organization_fields)
    organization.full_clean()
    organization.save()
    user = User(email=member_email, full_name=member_name, role="business",
                organization=organization)
    user.full_clean(exclude=["password"])
    user.set_password(password)
    user.save()
    return organization, user
