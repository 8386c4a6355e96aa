"""Record who saw or changed what (the audit log). Views and services call ``record``."""

from __future__ import annotations

from .clientip import client_ip
from .models import AuditEvent


def record(actor, action: str, target: str, detail: str = "", request=None) -> AuditEvent | None:
    """Append one event. Anonymous visitors are not recorded (they see nothing confidential)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    ip = ""
    if request is not None:
        ip = client_ip(request)[:64]
    return AuditEvent.objects.create(
        actor=actor, action=action[:40], target=target[:60], detail=detail[:300], ip_address=ip
    )
