"""Who is told what, by e-mail, when something happens to a proposal.

Called by the services inside their transaction; every e-mail goes through the outbox
(``core.mail.queue_email``), so it is sent only if the change commits, and its delivery is
recorded. Each recipient gets the message in their own language, with a link to the page.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import translation

from core import people
from core.links import url_for
from core.mail import MailAttachment, queue_email

from . import documents
from .states import BUSINESS_LABELS, State

logger = logging.getLogger(__name__)

#: Decisions that come with a notice PDF (採択通知書 / 不採択通知書) attached to the e-mail.
NOTICE_ACTIONS = frozenset({"adopt", "decline"})


def business_recipients(proposal):
    """Every active, verified member of the proposing organisation."""
    return people.business_members(proposal.organization)


def transition_recorded(entry) -> None:
    proposal = entry.proposal
    if entry.to_state == State.SUBMITTED:
        _receipt(proposal, entry)
        return
    recipients = business_recipients(proposal)
    notice = _decision_notice(proposal) if recipients and entry.action in NOTICE_ACTIONS else None
    for member in recipients:
        language = member.language or "ja"
        with translation.override(language):
            label = str(BUSINESS_LABELS[State(entry.to_state)])
        queue_email(
            member.email,
            "proposal_status",
            {
                "proposal": proposal,
                "entry": entry,
                "label": label,
                "member": member,
                "note": entry.business_note,
                "notice_attached": notice is not None,
                "notice_url": (
                    url_for("proposals:notice_pdf", language, pk=proposal.pk)
                    if entry.action in NOTICE_ACTIONS
                    else ""
                ),
                "url": url_for("proposals:detail", language, pk=proposal.pk),
            },
            language=language,
            reference=f"proposal:{proposal.pk}",
            attachments=[notice] if notice is not None else (),
        )


def _decision_notice(proposal) -> MailAttachment | None:
    """The decision notice PDF, rendered once for every member's e-mail.

    Rendered inside the deciding transaction (about 0.05 s once WeasyPrint is warm), so the
    notice and the decision commit together. If the PDF cannot be made (a broken font set-up,
    say), the decision still stands and the e-mail still goes out, with the link to download
    the notice instead of the file; the failure is logged as an error.
    """
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the decision intact
            content = documents.render_decision_notice_pdf(proposal)
            filename = documents.notice_filename(proposal)
    except Exception:
        logger.exception("decision notice for proposal %s could not be rendered", proposal.pk)
        return None
    return MailAttachment(filename=filename, content=content, mimetype="application/pdf")


def _receipt(proposal, entry) -> None:
    # The receipt PDF is offered by link, not attached: rendering it here would hold the
    # submitting transaction open for the time WeasyPrint takes.
    for member in business_recipients(proposal):
        language = member.language or "ja"
        queue_email(
            member.email,
            "proposal_received",
            {
                "proposal": proposal,
                "member": member,
                "url": url_for("proposals:receipt", language, pk=proposal.pk),
                "pdf_url": url_for("proposals:receipt_pdf", language, pk=proposal.pk),
            },
            language=language,
            reference=f"proposal:{proposal.pk}",
        )


def message_posted(message) -> None:
    proposal = message.proposal
    if message.visibility != "business":
        return
    if message.from_business:
        recipients = [proposal.lead] if proposal.lead_id and proposal.lead.is_active else []
    else:
        recipients = business_recipients(proposal)
    for person in recipients:
        language = person.language or "ja"
        queue_email(
            person.email,
            "proposal_message",
            {
                "proposal": proposal,
                "message": message,
                "person": person,
                "url": url_for("proposals:detail", language, pk=proposal.pk) + "#dialogue",
            },
            language=language,
            reference=f"proposal:{proposal.pk}",
        )
