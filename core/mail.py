"""The outbox: every e-mail the system sends goes through ``queue_email``.

``queue_email`` renders the message in the recipient's language and writes it as an
``OutboundEmail`` row inside the caller's transaction; the ``send_outbound_email`` task sends
it after the commit (``delay_on_commit``), so a change that rolls back sends nothing, and a
change that commits always leaves a record of its e-mail with its delivery status.

Templates: ``templates/email/<name>_subject.txt`` (one line) and ``templates/email/<name>.txt``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from .models import OutboundAttachment, OutboundEmail


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content: bytes
    mimetype: str


def render_email(template: str, context: dict, language: str = "ja") -> tuple[str, str]:
    """(subject, body) of ``template`` rendered in ``language``."""
    with translation.override(language):
        subject = render_to_string(f"email/{template}_subject.txt", context)
        body = render_to_string(f"email/{template}.txt", context)
    return " ".join(subject.split()), body


def queue_email(
    to: str,
    template: str,
    context: dict,
    *,
    language: str = "ja",
    reference: str = "",
    attachments: Iterable[MailAttachment] = (),
) -> OutboundEmail:
    """Write one e-mail to the outbox and have it sent once the transaction commits."""
    from .tasks import send_outbound_email

    subject, body = render_email(template, context, language)
    email = OutboundEmail.objects.create(to=to, subject=subject[:255], body=body,
                                         reference=reference[:60])
    for item in attachments:
        attachment = OutboundAttachment(email=email, filename=item.filename, mimetype=item.mimetype)
        attachment.file.save(item.filename, ContentFile(item.content), save=True)
    send_outbound_email.delay_on_commit(email.pk)
    return email
