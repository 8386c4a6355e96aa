"""The outbox: every e-mail the system sends goes through ``queue_email``.

``queue_email`` renders the message in the recipient's language and writes it as an
``OutboundEmail`` row inside the caller's transaction; the ``send_outbound_email`` task sends
it after the commit (``core.jobs.enqueue``), so a change that rolls back sends nothing, and a
change that commits always leaves a record of its e-mail with its delivery status.

Templates: ``templates/email/<name>_subject.txt`` (one line) and ``templates/email/<name>.txt``.
They are plain text, rendered without HTML escaping. Delivery, retries and the periodic job
are in ``core.outbox``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.template.context import make_context
from django.template.loader import get_template
from django.utils import translation

from . import jobs
from .models import OutboundAttachment, OutboundEmail

#: The task that delivers one outbox row (``core.tasks.send_outbound_email``).
SEND_TASK = "core.tasks.send_outbound_email"


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content: bytes
    mimetype: str


def render_email(template: str, context: dict, language: str = "ja") -> tuple[str, str]:
    """(subject, body) of ``template`` rendered in ``language``."""
    with translation.override(language):
        subject = _render_text(f"email/{template}_subject.txt", context)
        body = _render_text(f"email/{template}.txt", context)
    return " ".join(subject.split()), body


def _render_text(name: str, context: dict) -> str:
    # Plain text, not HTML: "A&B株式会社" must reach the reader as typed, not as "A&amp;B".
    return get_template(name).template.render(make_context(context, autoescape=False))


def _storage_name(filename: str) -> str:
    """A neutral name in the file store (the reader sees ``filename``): whatever the reader's
    name holds — Japanese, spaces, slashes, nothing after cleaning — the store gets a safe one."""
    suffix = PurePath(filename).suffix.lower()
    if not (1 < len(suffix) <= 10 and suffix[1:].isascii() and suffix[1:].isalnum()):
        suffix = ""
    return f"{uuid.uuid4().hex}{suffix}"


def queue_email(
    to: str,
    template: str,
    context: dict,
    *,
    language: str = "ja",
    reference: str = "",
    attachments: Iterable[MailAttachment] = (),
) -> OutboundEmail:
    """Write one e-mail to the outbox and have it sent once the transaction commits.

    Call it inside the transaction of the change the e-mail reports: if that rolls back, no
    row is left and nothing is sent.
    """
    subject, body = render_email(template, context, language)
    email = OutboundEmail.objects.create(
        to=to, subject=subject[:255], body=body, reference=reference[:60]
    )
    for item in attachments:
        attachment = OutboundAttachment(email=email, filename=item.filename, mimetype=item.mimetype)
        attachment.file.save(_storage_name(item.filename), ContentFile(item.content), save=True)
    jobs.enqueue(SEND_TASK, email.pk, durable=False)  # the outbox row is the record
    return email
