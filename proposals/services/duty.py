"""The duty to answer: the desk's daily digest of what is overdue.

Every active member of the desk (staff and the manager) gets one e-mail, in their language,
listing the proposals past the answer target without a first response and the referrals to
departments past their deadline, each with a link. Nothing is sent when nothing is overdue.

Idempotent per day: each e-mail carries the reference ``daily-digest:<date>``, and a
recipient who already has that day's digest in the outbox is skipped, so beat and a cron job
(or a retried task) running on the same day do not send it twice. (Two runs at the very same
moment could both send; the schedule runs it once a day, so no lock is taken.)
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core import dates, people
from core.links import url_for
from core.mail import queue_email
from core.models import OutboundEmail

from .. import stats

#: At most this many proposals (and referrals) are listed in one e-mail; the rest are counted
#: and the dashboard lists them.
DIGEST_LIMIT = 50


def digest_reference(today: dt.date) -> str:
    return f"daily-digest:{today.isoformat()}"


def desk_recipients():
    return people.desk_members()


def send_daily_digest(today: dt.date | None = None) -> int:
    """Queue today's digest for every active desk member who has not had it yet.

    Returns the number of e-mails queued (0 when nothing is overdue).
    """
    today = today or dates.today()
    proposals = stats.overdue_proposals(today, DIGEST_LIMIT)
    referrals = stats.overdue_referrals(today, DIGEST_LIMIT)
    if not proposals.total and not referrals.total:
        return 0
    reference = digest_reference(today)
    recipients = list(desk_recipients())
    already = {
        address.lower()
        for address in OutboundEmail.objects.filter(
            reference=reference, to__in=[u.email for u in recipients]
        ).values_list("to", flat=True)
    }
    queued = 0
    with transaction.atomic():
        for person in recipients:
            if person.email.lower() in already:
                continue
            language = person.language or "ja"
            context = {
                "person": person,
                "today": today,
                "target_days": stats.response_target_days(),
                "proposals": [
                    {
                        "proposal": p,
                        "days": days,
                        "url": url_for("proposals:detail", language, pk=p.pk),
                    }
                    for p, days in proposals.items
                ],
                "proposals_total": proposals.total,
                "proposals_more": proposals.more,
                "referrals": [
                    {
                        "referral": r,
                        "days": days,
                        "url": url_for("proposals:detail", language, pk=r.proposal_id),
                    }
                    for r, days in referrals.items
                ],
                "referrals_total": referrals.total,
                "referrals_more": referrals.more,
                "dashboard_url": url_for("desk:dashboard", language),
            }
            queue_email(
                person.email, "daily_digest", context, language=language, reference=reference
            )
            queued += 1
    return queued
