"""Delivery of outbox rows (placeholder: the outbox work replaces this with retries)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.utils import timezone

from .models import OutboundEmail


def deliver(email_id: int, *, in_worker: bool = False, task=None) -> str:
    email = OutboundEmail.objects.get(pk=email_id)
    if email.status == OutboundEmail.Status.SENT:
        return email.status
    message = EmailMessage(email.subject, email.body, to=[email.to])
    for attachment in email.attachments.all():
        message.attach(attachment.filename, attachment.file.read(), attachment.mimetype)
    message.send()
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT, sent_at=timezone.now(), attempts=email.attempts + 1)
    return OutboundEmail.Status.SENT
