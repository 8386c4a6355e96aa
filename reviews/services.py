"""Every write of the reviews app: assigning reviewers, conflicts, scores, closing a round,
reminders. Views, admin, commands and tasks all call these functions.

Each function checks ``core.rules``, writes in one transaction and writes its e-mails to the
outbox (``core.mail.queue_email``) in that same transaction, so a refusal or a failure leaves
nothing half-saved and sends nothing. Refusals raise ``ReviewError`` whose ``message`` is in
the active language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import people, rules
from core.dates import JAPAN
from core.links import url_for
from core.mail import queue_email
from themes.models import Criterion, Rubric, Theme

from .models import ReviewAssignment, Score

#: Proposal states in which nobody is assigned or reminded any more.
FINAL_STATES = ("completed", "not_accepted", "declined", "withdrawn", "consultation_closed")


class ReviewError(Exception):
    """A review request that cannot be carried out; ``message`` is for the user."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        #: Field (criterion id or name) → message, for forms that show each next to its field.
        self.errors = errors or {}


class NotPermitted(ReviewError):
    pass


# --- Rubrics ----------------------------------------------------------------------------------


def default_rubric() -> Rubric | None:
    return Rubric.objects.filter(is_default=True).order_by("pk").first()


def rubric_for(proposal) -> Rubric | None:
    """The rubric a proposal is scored on: its themed call's, else the default rubric."""
    theme = proposal.theme if proposal.theme_id else None
    if theme is not None and theme.rubric_id:
        return theme.rubric
    return default_rubric()


def rubric_problem(rubric: Rubric | None, criteria: Iterable[Criterion] | None = None) -> str:
    """Why ``rubric`` cannot be used for scoring, or "" when it can."""
    if rubric is None:
        return _("No rubric is set for this proposal and there is no default rubric.")
    criteria = list(criteria) if criteria is not None else list(rubric.criteria.all())
    if not criteria:
        return _("The rubric “%(rubric)s” has no criteria.") % {"rubric": rubric}
    if not any(c.weight > 0 for c in criteria):
        return _(
            "The rubric “%(rubric)s” cannot be used: all its weights are zero. Give at "
            "least one criterion a weight above zero."
        ) % {"rubric": rubric}
    return ""


# --- Helpers ------------------------------------------------------------------------------------


def desk_recipients(proposal) -> list[tuple[str, str]]:
    """The proposal's lead at the desk; without an active lead, every active desk user."""
    lead = proposal.lead if proposal.lead_id else None
    return [(u.email, u.language or "ja") for u in people.lead_or_desk(lead)]


def _round_closed(proposal) -> bool:
    return ReviewAssignment.objects.filter(proposal=proposal, closed_at__isnull=False).exists()


# --- The desk assigns ---------------------------------------------------------------------------


def assign_reviewers(proposals, reviewers, actor) -> list[ReviewAssignment]:
    """Assign each of ``reviewers`` to each of ``proposals`` (all or none). Pairs already
    assigned are left as they are; each reviewer is e-mailed once per new assignment.

    Refused: a user who is not an active reviewer, a draft (the desk never sees one), a
    proposal whose round is closed, a proposal whose rubric cannot be used.
    """
    if not rules.can_manage_reviews(actor):
        raise NotPermitted(_("You are not permitted to assign reviewers."))
    proposals = list({p.pk: p for p in proposals}.values())
    reviewers = list({r.pk: r for r in reviewers}.values())
    if not proposals:
        raise ReviewError(
            _("Choose at least one proposal."), {"proposals": _("Choose at least one proposal.")}
        )
    if not reviewers:
        raise ReviewError(
            _("Choose at least one reviewer."), {"reviewers": _("Choose at least one reviewer.")}
        )
    not_reviewers = [r for r in reviewers if not rules.can_use_reviewer_portal(r)]
    if not_reviewers:
        message = _("Only active reviewers can be assigned: %(names)s.") % {
            "names": ", ".join(r.full_name or r.email for r in not_reviewers)
        }
        raise ReviewError(message, {"reviewers": message})
    for proposal in proposals:
        if proposal.state == "draft" or not rules.can_view_proposal(actor, proposal):
            raise ReviewError(_("A draft cannot be reviewed: it has not been submitted."))
        if proposal.state in FINAL_STATES:
            raise ReviewError(
                _("%(number)s is closed (“%(state)s”): no reviewers can be assigned.")
                % {"number": proposal.receipt_number, "state": proposal.internal_label}
            )
        if _round_closed(proposal):
            raise ReviewError(
                _("The review round of %(number)s is closed.") % {"number": proposal.receipt_number}
            )
        problem = rubric_problem(rubric_for(proposal))
        if problem:
            raise ReviewError(problem)

    existing = set(
        ReviewAssignment.objects.filter(proposal__in=proposals, reviewer__in=reviewers).values_list(
            "proposal_id", "reviewer_id"
        )
    )
    created = []
    now = timezone.now()
    with transaction.atomic():
        for proposal in proposals:
            for reviewer in reviewers:
                if (proposal.pk, reviewer.pk) in existing:
                    continue
                assignment = ReviewAssignment.objects.create(
                    proposal=proposal, reviewer=reviewer, assigned_by=actor, assigned_at=now
                )
                created.append(assignment)
                language = reviewer.language or "ja"
                queue_email(
                    reviewer.email,
                    "review_assigned",
                    {
                        "reviewer": reviewer,
                        "proposal": proposal,
                        "theme": proposal.theme if proposal.theme_id else None,
                        "url": url_for("reviews:score", language, pk=assignment.pk),
                    },
                    language=language,
                    reference=f"proposal:{proposal.pk}",
                )
    return created


# --- The reviewer -------------------------------------------------------------------------------


def declare_conflict(assignment: ReviewAssignment, user, note: str) -> ReviewAssignment:
    """The reviewer declares a conflict of interest: from then on it is excluded from the
    proposal (it no longer sees it) and the desk is e-mailed."""
    note = (note or "").strip()
    if not (rules.can_use_reviewer_portal(user) and assignment.reviewer_id == user.pk):
        raise NotPermitted(_("You are not permitted to do this."))
    if assignment.conflict_declared:
        raise ReviewError(_("You have already declared a conflict of interest."))
    if assignment.submitted_at:
        raise ReviewError(
            _(
                "You have already submitted your review; ask the desk to withdraw "
                "it if you have a conflict of interest."
            )
        )
    if assignment.closed_at:
        raise ReviewError(_("The review round is closed."))
    if not note:
        raise ReviewError(
            _("Say briefly what the conflict of interest is."),
            {"note": _("Say briefly what the conflict of interest is.")},
        )
    with transaction.atomic():
        updated = ReviewAssignment.objects.filter(
            pk=assignment.pk, conflict_declared=False, submitted_at__isnull=True
        ).update(conflict_declared=True, conflict_note=note)
        if not updated:
            raise ReviewError(_("This review has changed meanwhile; reload the page."))
        assignment.conflict_declared, assignment.conflict_note = True, note
        # The scores typed so far are withdrawn with the reviewer.
        assignment.scores.all().delete()
        proposal = assignment.proposal
        for address, language in desk_recipients(proposal):
            queue_email(
                address,
                "review_conflict",
                {
                    "assignment": assignment,
                    "reviewer": user,
                    "proposal": proposal,
                    "note": note,
                    "url": url_for("reviews:desk", language, pk=proposal.pk),
                },
                language=language,
                reference=f"proposal:{proposal.pk}",
            )
    return assignment


def _parse_value(raw) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise TypeError(raw)
    if isinstance(raw, (int, Decimal)) and int(raw) == raw:
        return int(raw)
    text = str(raw).strip()
    if not text.lstrip("-").isdigit():
        raise ValueError
    return int(text)


def save_scores(
    assignment: ReviewAssignment, user, scores: Mapping[int, tuple[object, str]], submit: bool
) -> ReviewAssignment:
    """Save the reviewer's scores: ``{criterion_id: (value or None to abstain, comment)}``.

    Without ``submit`` the scores are kept as a draft (criteria may be missing). With it,
    every criterion needs a score or an abstention, at least one a score, and the review is
    then final: submitting again is refused. Every value must lie within the rubric's scale;
    on any error nothing is saved.
    """
    if assignment.submitted_at:
        raise ReviewError(
            _("You have already submitted this review; it cannot be submitted or changed again.")
        )
    if not rules.can_review(user, assignment):
        if assignment.reviewer_id == getattr(user, "pk", None) and assignment.closed_at:
            raise ReviewError(_("The review round is closed: scores can no longer be changed."))
        if assignment.reviewer_id == getattr(user, "pk", None) and (
            assignment.proposal.state not in rules.SCORABLE_STATES
        ):
            raise ReviewError(
                _(
                    "The proposal has left review (it is “%(state)s”): scores can no longer be "
                    "given or changed."
                )
                % {"state": assignment.proposal.internal_label}
            )
        raise NotPermitted(_("You are not permitted to score this proposal."))
    proposal = assignment.proposal
    rubric = rubric_for(proposal)
    criteria = list(rubric.criteria.all()) if rubric else []
    problem = rubric_problem(rubric, criteria)
    if problem:
        raise ReviewError(problem)
    by_id = {c.pk: c for c in criteria}
    errors: dict = {}
    cleaned: dict[int, tuple[int | None, str]] = {}
    for key, pair in scores.items():
        try:
            criterion_id = int(key)
        except (TypeError, ValueError):
            criterion_id = None
        criterion = by_id.get(criterion_id)
        if criterion is None:
            errors[key] = _("This criterion is not part of the rubric.")
            continue
        raw, comment = pair
        try:
            value = _parse_value(raw)
        except (TypeError, ValueError):
            errors[criterion.pk] = _(
                "“%(criterion)s”: enter a whole number from %(min)s to %(max)s, or abstain."
            ) % {"criterion": criterion, "min": rubric.scale_min, "max": rubric.scale_max}
            continue
        if value is not None and not rubric.scale_min <= value <= rubric.scale_max:
            errors[criterion.pk] = _(
                "“%(criterion)s”: %(value)s is outside the scale; enter a "
                "score from %(min)s to %(max)s, or abstain."
            ) % {
                "criterion": criterion,
                "value": value,
                "min": rubric.scale_min,
                "max": rubric.scale_max,
            }
            continue
        cleaned[criterion.pk] = (value, (comment or "").strip())
    if submit and not errors:
        missing = [c for c in criteria if c.pk not in cleaned]
        for criterion in missing:
            errors[criterion.pk] = _(
                "“%(criterion)s”: give a score or abstain before submitting."
            ) % {"criterion": criterion}
        if not missing and not any(value is not None for value, _c in cleaned.values()):
            errors[None] = _("Score at least one criterion before submitting.")
    if errors:
        raise ReviewError(" ".join(str(m) for m in errors.values()), errors)

    with transaction.atomic():
        locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.submitted_at:
            raise ReviewError(
                _(
                    "You have already submitted this review; it cannot be submitted "
                    "or changed again."
                )
            )
        if locked.conflict_declared or locked.closed_at:
            raise ReviewError(_("The review round is closed: scores can no longer be changed."))
        existing = {s.criterion_id: s for s in Score.objects.filter(assignment=locked)}
        for criterion_id, (value, comment) in cleaned.items():
            score = existing.get(criterion_id)
            if score is None:
                Score.objects.create(
                    assignment=locked, criterion_id=criterion_id, value=value, comment=comment
                )
            elif score.value != value or score.comment != comment:
                score.value, score.comment = value, comment
                score.save(update_fields=["value", "comment"])
        if submit:
            locked.submitted_at = timezone.now()
            locked.save(update_fields=["submitted_at"])
            assignment.submitted_at = locked.submitted_at
    return assignment


# --- Closing and reminding ------------------------------------------------------------------------


def close_round(target, actor) -> int:
    """Close the review round of ``target`` — a themed call, or proposals — so no score changes
    any more. Returns how many assignments were closed (closing twice closes nothing new)."""
    if not rules.can_manage_reviews(actor):
        raise NotPermitted(_("You are not permitted to close a review round."))
    if isinstance(target, Theme):
        assignments = ReviewAssignment.objects.filter(proposal__theme=target)
    else:
        assignments = ReviewAssignment.objects.filter(proposal__in=[p.pk for p in target])
    with transaction.atomic():
        return assignments.filter(closed_at__isnull=True).update(closed_at=timezone.now())


def send_review_reminders(today: dt.date | None = None) -> dict:
    """Remind reviewers of reviews not yet submitted, once per assignment, from
    ``REVIEW_REMINDER_AFTER_DAYS`` (default 7) days after the assignment. Conflicted, closed
    and submitted assignments are never reminded. Run daily (beat or cron); running it again
    sends nothing twice (each assignment is claimed by a conditional UPDATE)."""
    today = today or timezone.localdate(timezone=JAPAN)
    after = int(getattr(settings, "REVIEW_REMINDER_AFTER_DAYS", 7))
    cutoff = dt.datetime.combine(today - dt.timedelta(days=after - 1), dt.time.min, tzinfo=JAPAN)
    now = timezone.now()
    pending = (
        ReviewAssignment.objects.filter(
            submitted_at__isnull=True,
            conflict_declared=False,
            closed_at__isnull=True,
            reminder_sent_at__isnull=True,
            assigned_at__lt=cutoff,
            reviewer__is_active=True,
        )
        .exclude(proposal__state__in=("draft", *FINAL_STATES))
        .select_related("proposal__theme", "reviewer")
    )
    counts = {"reminders": 0, "emails": 0}
    for assignment in pending:
        with transaction.atomic():
            claimed = ReviewAssignment.objects.filter(
                pk=assignment.pk,
                reminder_sent_at__isnull=True,
                submitted_at__isnull=True,
                conflict_declared=False,
                closed_at__isnull=True,
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            reviewer = assignment.reviewer
            language = reviewer.language or "ja"
            queue_email(
                reviewer.email,
                "review_reminder",
                {
                    "reviewer": reviewer,
                    "proposal": assignment.proposal,
                    "theme": assignment.proposal.theme if assignment.proposal.theme_id else None,
                    "url": url_for("reviews:score", language, pk=assignment.pk),
                },
                language=language,
                reference=f"proposal:{assignment.proposal_id}",
            )
            counts["reminders"] += 1
            counts["emails"] += 1
    return counts
