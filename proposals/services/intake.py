"""The business's writes: drafts, consents, files and the dialogue."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core import idempotency, rules, uploads

from .. import notifications
from ..models import Attachment, ConsentDocument, Message, Proposal, ProposalConsent
from ..states import State
from .lifecycle import NotAllowedNow, NotPermitted, ReasonRequired


def record_consents(proposal: Proposal, actor, kinds: list[str]) -> list[ProposalConsent]:
    """Record that ``actor`` accepted the texts now in force for ``kinds``.

    Kinds not listed lose an earlier acceptance of their current text: unticking a box is
    a withdrawal of that consent.
    """
    if not rules.can_edit_proposal(actor, proposal):
        raise NotPermitted(_("You are not permitted to change this proposal."))
    if proposal.state != State.DRAFT:
        raise NotAllowedNow(_("Consents are given once, when the proposal is submitted."))
    current = ConsentDocument.current()
    recorded = []
    with transaction.atomic():
        for kind, document in current.items():
            if kind in kinds:
                consent, _created = ProposalConsent.objects.get_or_create(
                    proposal=proposal, document=document, defaults={"accepted_by": actor}
                )
                recorded.append(consent)
            else:
                ProposalConsent.objects.filter(proposal=proposal, document=document).delete()
    return recorded


EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "programme",
        "title",
        "summary",
        "problem",
        "solution",
        "expected_effect",
        "ask_field",
        "ask_data",
        "ask_publicity",
        "ask_deregulation",
        "ask_other",
        "city_cost",
        "city_cost_detail",
        "desired_location",
        "schedule",
        "desired_start",
        "desired_end",
        "confidential_fields",
    }
)


def update_draft(proposal: Proposal, actor, fields: dict, departments=None) -> Proposal:
    """Save content the business typed (a draft, or a proposal it was asked to revise).

    Only content fields are accepted; the state, numbers and dates are the lifecycle's.
    """
    if not rules.can_edit_proposal(actor, proposal):
        raise NotPermitted(_("You are not permitted to change this proposal."))
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if (
        proposal.state != State.DRAFT
        and "programme" in fields
        and fields["programme"] != proposal.programme
    ):
        raise NotAllowedNow(_("The programme cannot be changed after submission."))
    for name, value in fields.items():
        setattr(proposal, name, value)
    with transaction.atomic():
        proposal.full_clean(exclude=["organization", "created_by", "state", "lead", "theme"])
        proposal.save(update_fields=[*fields, "updated_at"])
        if departments is not None:
            proposal.desired_departments.set(departments)
    return proposal


def add_attachment(
    proposal: Proposal, actor, uploaded, *, message: Message | None = None
) -> Attachment:
    """Attach one uploaded file after checking its content and the size limits."""

    if message is None and not rules.can_change_attachments(actor, proposal):
        raise NotPermitted(_("You are not permitted to change this proposal's files."))
    if message is not None and message.author_id != actor.pk:
        raise NotPermitted(_("You are not permitted to change this proposal's files."))
    info = uploads.inspect_upload(uploaded)
    used = proposal.attachments.aggregate(total=Sum("size"))["total"] or 0
    uploads.check_total(used, [info.size])
    attachment = Attachment(
        proposal=proposal,
        message=message,
        original_name=info.original_name,
        content_type=info.content_type,
        size=info.size,
        uploaded_by=actor,
    )
    attachment.file.save(info.original_name, uploaded, save=False)
    attachment.save()
    return attachment


def remove_attachment(attachment: Attachment, actor) -> None:
    if attachment.message_id or not rules.can_change_attachments(actor, attachment.proposal):
        raise NotPermitted(_("You are not permitted to change this proposal's files."))
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))


def post_message(
    proposal: Proposal,
    author,
    body: str,
    *,
    visibility: str = "business",
    files=(),
    idempotency_key: str = "",
) -> Message:
    """A message in the dialogue (or an internal note), with its files, in one transaction.
    The same message form sent twice (its ``idempotency_key``) is stored and e-mailed once."""
    body = (body or "").strip()
    if visibility not in Message.Visibility.values:
        raise ValueError(visibility)
    if not rules.can_post_message(author, proposal, visibility):
        raise NotPermitted(_("You are not permitted to write in this dialogue."))
    if not body:
        raise ReasonRequired(_("Write a message."))
    message, _created = idempotency.once(
        author,
        "message",
        idempotency_key,
        lambda: _store_message(proposal, author, body, visibility, files),
        lambda pk: Message.objects.filter(pk=pk, proposal=proposal).first(),
    )
    return message


def _store_message(proposal, author, body, visibility, files) -> Message:
    with transaction.atomic():
        message = Message.objects.create(
            proposal=proposal, author=author, body=body, visibility=visibility
        )
        if (
            visibility == "business"
            and not message.from_business
            and proposal.first_response_at is None
        ):
            # A message to the business is an answer too (the duty to answer).
            Proposal.objects.filter(pk=proposal.pk, first_response_at__isnull=True).update(
                first_response_at=message.created_at
            )
            proposal.first_response_at = message.created_at
        for uploaded in files:
            add_attachment(proposal, author, uploaded, message=message)
        notifications.message_posted(message)
    return message


def create_draft(actor, *, idempotency_key: str = "", **fields) -> Proposal:
    """A new draft for the actor's organisation. The same start form sent twice (its
    ``idempotency_key``) gives the first draft back instead of a second one."""
    if not rules.can_use_business_portal(actor):
        raise NotPermitted(_("Only a member of a registered business can write a proposal."))
    departments = fields.pop("desired_departments", None)

    def create() -> Proposal:
        proposal = Proposal(organization_id=actor.organization_id, created_by=actor, **fields)
        proposal.full_clean(exclude=["organization", "created_by", "state"])
        proposal.save()
        if departments:
            proposal.desired_departments.set(departments)
        return proposal

    proposal, _created = idempotency.once(
        actor,
        "proposal_start",
        idempotency_key,
        create,
        lambda pk: Proposal.objects.filter(pk=pk, organization_id=actor.organization_id).first(),
    )
    return proposal
