"""Referrals to the city's departments (関係部局照会): asking, answering, discussing, reminding.

The desk refers a proposal to one or more departments with a question and a deadline; each
department answers once (and may revise its answer while the case is open) with an opinion
and a comment, and may ask the desk questions meanwhile. A periodic job reminds departments
before the deadline and tells them once when it has passed.

Every function checks ``core.rules``, writes in one transaction, and writes its e-mails to the
outbox in that same transaction (``core.mail.queue_email``), so a refusal or a failure leaves
nothing half-saved and sends nothing. Refusals raise ``LifecycleError`` subclasses whose
``message`` is in the active language; ``ReferralInputError`` also says which field is wrong.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import dates, people, rules
from core.dates import JAPAN
from core.links import url_for
from core.mail import queue_email

from ..models import OPEN, Proposal, Referral, ReferralMessage
from .lifecycle import LifecycleError, NotAllowedNow, NotPermitted

#: A referral can be answered, reminded of and counted as overdue only while its proposal is
#: in one of these states (the same list ``core.rules.can_answer_referral`` uses).
OPEN_STATES = tuple(str(state) for state in OPEN)


class ReferralInputError(LifecycleError):
    """Input the desk or a department must correct. ``errors`` maps a field name (or ``None``
    for the whole form) to its messages, so a form can show each next to its field."""

    code = "invalid"

    def __init__(self, errors: dict[str | None, list[str]]):
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))


def join_names(names) -> str:
    """A list of names as the active language writes one (「A、B」 or "A, B")."""
    separator = "、" if (translation.get_language() or "ja").startswith("ja") else ", "
    return separator.join(names)


# --- Who is told ------------------------------------------------------------------------------


def department_recipients(department) -> list[tuple[str, str]]:
    """(address, language) of every active member of ``department``, then its shared contact
    address if it has one that is not a member's."""
    members = people.department_members(department)
    recipients = [(m.email, m.language or "ja") for m in members]
    known = {address.lower() for address, _language in recipients}
    if department.email and department.email.lower() not in known:
        recipients.append((department.email, "ja"))
    return recipients


def desk_recipients(proposal: Proposal) -> list[tuple[str, str]]:
    """The proposal's lead at the desk; without an active lead, every active desk user."""
    lead = proposal.lead if proposal.lead_id else None
    return [(u.email, u.language or "ja") for u in people.lead_or_desk(lead)]


def _send(recipients, template: str, referral: Referral, viewname: str, **context) -> int:
    for address, language in recipients:
        queue_email(
            address,
            template,
            {
                "referral": referral,
                "proposal": referral.proposal,
                "department": referral.department,
                "url": url_for(viewname, language, pk=referral.pk),
                **context,
            },
            language=language,
            reference=f"proposal:{referral.proposal_id}",
        )
    return len(recipients)


# --- The desk refers --------------------------------------------------------------------------


def refer(
    proposal: Proposal, departments, question: str, due_date: dt.date | None, actor
) -> list[Referral]:
    """Refer ``proposal`` to each of ``departments`` with ``question``, to be answered by
    ``due_date`` (a date in Japan, today or later). One referral per department, all or none;
    each department's members are told by e-mail."""
    if not rules.can_refer(actor, proposal):
        if rules.can_use_back_office(actor) and rules.can_view_proposal(actor, proposal):
            raise NotAllowedNow(
                _("A proposal that is “%(state)s” can no longer be referred to departments.")
                % {"state": proposal.internal_label}
            )
        raise NotPermitted(_("You are not permitted to refer this proposal to departments."))

    chosen = list({d.pk: d for d in (departments or [])}.values())
    question = (question or "").strip()
    errors: dict[str | None, list[str]] = {}
    if not chosen:
        errors["departments"] = [_("Choose at least one department.")]
    else:
        already = sorted(
            (
                r.department
                for r in Referral.objects.filter(
                    proposal=proposal, department__in=chosen
                ).select_related("department")
            ),
            key=lambda d: d.code,
        )
        if already:
            errors["departments"] = [
                _(
                    "Already referred to %(departments)s. Each department is asked once; write to "
                    "it on its referral page instead."
                )
                % {"departments": join_names(str(d) for d in already)}
            ]
    if not question:
        errors["question"] = [_("Write what you ask the departments.")]
    if due_date is None:
        errors["due_date"] = [_("Enter the date by which the departments must answer.")]
    elif due_date < dates.today():
        errors["due_date"] = [
            _("The deadline %(date)s has already passed. Choose today or a later date.")
            % {"date": due_date.isoformat()}
        ]
    if errors:
        raise ReferralInputError(errors)

    try:
        with transaction.atomic():
            referrals = [
                Referral.objects.create(
                    proposal=proposal,
                    department=department,
                    question=question,
                    due_date=due_date,
                    created_by=actor,
                )
                for department in sorted(chosen, key=lambda d: d.code)
            ]
            for referral in referrals:
                _send(
                    department_recipients(referral.department),
                    "referral_requested",
                    referral,
                    "department:referral",
                )
    except IntegrityError:
        # Someone referred to one of these departments at the same moment.
        raise ReferralInputError(
            {
                "departments": [
                    _(
                        "Another member of the desk has just referred this proposal to one of these "
                        "departments. Nothing was saved; reload the page and check."
                    )
                ]
            }
        ) from None
    return referrals


# --- The department answers -------------------------------------------------------------------


def answer_referral(
    referral: Referral, actor, opinion: str, comment: str = "", conditions: str = ""
) -> Referral:
    """The department's opinion on ``referral``, with a comment (required unless supportive)
    and conditions (required, and kept, only when supportive with conditions). A later answer
    replaces the earlier one. The desk is told by e-mail."""
    if not rules.can_answer_referral(actor, referral):
        if rules.can_view_referral(actor, referral) and rules.is_department_member(actor):
            raise NotAllowedNow(
                _("The proposal is “%(state)s”: the desk no longer takes answers to this referral.")
                % {"state": referral.proposal.internal_label}
            )
        raise NotPermitted(_("You are not permitted to answer this referral."))
    comment = (comment or "").strip()
    conditions = (conditions or "").strip()
    Opinion = Referral.Opinion
    errors: dict[str | None, list[str]] = {}
    if opinion not in Opinion.values:
        errors["opinion"] = [_("Choose your department's opinion.")]
    elif opinion == Opinion.CONDITIONAL and not conditions:
        errors["conditions"] = [
            _("Write the conditions under which your department supports the proposal.")
        ]
    elif opinion == Opinion.NOT_FEASIBLE and not comment:
        errors["comment"] = [
            _("Explain why it is not feasible: the desk must give the business its reasons.")
        ]
    elif opinion == Opinion.NEEDS_INFO and not comment:
        errors["comment"] = [_("Write what information your department needs.")]
    if errors:
        raise ReferralInputError(errors)

    revised = referral.is_answered
    with transaction.atomic():
        referral.opinion = opinion
        referral.conditions = conditions if opinion == Opinion.CONDITIONAL else ""
        referral.comment = comment
        referral.answered_at = timezone.now()
        referral.answered_by = actor
        referral.save(
            update_fields=["opinion", "conditions", "comment", "answered_at", "answered_by"]
        )
        _send(
            desk_recipients(referral.proposal),
            "referral_answered",
            referral,
            "desk:referral",
            revised=revised,
        )
    return referral


# --- Questions between a department and the desk ----------------------------------------------


def post_referral_message(referral: Referral, author, body: str) -> ReferralMessage:
    """A department's question to the desk about ``referral``, or the desk's reply; the other
    side is told by e-mail."""
    if not rules.can_discuss_referral(author, referral):
        raise NotPermitted(_("You are not permitted to write about this referral."))
    body = (body or "").strip()
    if not body:
        raise ReferralInputError({"body": [_("Write a message.")]})
    with transaction.atomic():
        message = ReferralMessage.objects.create(referral=referral, author=author, body=body)
        if message.from_department:
            _send(
                desk_recipients(referral.proposal),
                "referral_message",
                referral,
                "desk:referral",
                message=message,
                from_department=True,
            )
        else:
            _send(
                department_recipients(referral.department),
                "referral_message",
                referral,
                "department:referral",
                message=message,
                from_department=False,
            )
    return message


# --- Reminders --------------------------------------------------------------------------------


def send_reminders(today: dt.date | None = None) -> dict:
    """Remind departments of unanswered referrals: once ``REFERRAL_REMINDER_DAYS`` before the
    deadline, and once after it has passed. Run daily (beat or cron); running it again sends
    nothing twice, even when two runs overlap (each referral is claimed by a conditional
    UPDATE before its e-mails are written, in the same transaction).

    Referrals made on the same day are not reminded (their first e-mail states the deadline),
    nor those whose proposal is no longer open.
    """
    today = today or dates.today()
    now = timezone.now()
    start_of_today = dt.datetime.combine(today, dt.time.min, tzinfo=JAPAN)
    pending = Referral.objects.filter(answered_at__isnull=True, proposal__state__in=OPEN_STATES)
    counts = {"reminders": 0, "overdue_notices": 0, "emails": 0}

    reminders = pending.filter(
        reminder_sent_at__isnull=True,
        created_at__lt=start_of_today,
        due_date__gte=today,
        due_date__lte=today + dt.timedelta(days=settings.REFERRAL_REMINDER_DAYS),
    )
    for referral in reminders.select_related("proposal", "department"):
        with transaction.atomic():
            claimed = Referral.objects.filter(
                pk=referral.pk, reminder_sent_at__isnull=True, answered_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                counts["reminders"] += 1
                counts["emails"] += _send(
                    department_recipients(referral.department),
                    "referral_reminder",
                    referral,
                    "department:referral",
                    days_left=(referral.due_date - today).days,
                )

    overdue = pending.filter(overdue_notice_sent_at__isnull=True, due_date__lt=today)
    for referral in overdue.select_related("proposal", "department"):
        with transaction.atomic():
            claimed = Referral.objects.filter(
                pk=referral.pk, overdue_notice_sent_at__isnull=True, answered_at__isnull=True
            ).update(overdue_notice_sent_at=now)
            if claimed:
                counts["overdue_notices"] += 1
                counts["emails"] += _send(
                    department_recipients(referral.department),
                    "referral_overdue",
                    referral,
                    "department:referral",
                )
    return counts
