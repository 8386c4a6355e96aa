"""Who is told what when a project's report is submitted or reviewed, or it is published.

Called by ``projects.services`` inside the transaction of the change; every e-mail goes
through the outbox (``core.mail.queue_email``), so nothing is sent if the change rolls
back. Each recipient gets the message in their own language (``User.language``) with a
link to the page where they act:

* a report is submitted → the proposal's lead at the desk, or, when the proposal has no
  active lead, every active desk staff member and manager → the desk's project page;
* a report is reviewed (accepted or returned) → every active member of the partner
  business, with the desk's comment → the report's page;
* a project is published → every active member of the partner business → the public page.
"""

from __future__ import annotations

from django.utils import translation

from core import people
from core.links import url_for
from core.mail import queue_email

from .models import ReportState


def desk_recipients(proposal) -> list:
    """The proposal's lead if it has an active one; otherwise the whole active desk."""
    return people.lead_or_desk(proposal.lead if proposal.lead_id else None)


def business_recipients(proposal) -> list:
    """Every active member of the partner business."""
    return people.business_members(proposal.organization)


def report_changed(report) -> None:
    if report.state == ReportState.SUBMITTED:
        _submitted(report)
    else:
        _reviewed(report)


def _submitted(report) -> None:
    project = report.project
    proposal = project.proposal
    for person in desk_recipients(proposal):
        language = person.language or "ja"
        queue_email(
            person.email,
            "project_report_submitted",
            {
                "report": report,
                "project": project,
                "proposal": proposal,
                "person": person,
                "url": url_for("project_desk:detail", language, pk=project.pk),
            },
            language=language,
            reference=f"project:{project.pk}",
        )


def _reviewed(report) -> None:
    project = report.project
    proposal = project.proposal
    for member in business_recipients(proposal):
        language = member.language or "ja"
        queue_email(
            member.email,
            "project_report_reviewed",
            {
                "report": report,
                "project": project,
                "proposal": proposal,
                "member": member,
                "accepted": report.state == ReportState.ACCEPTED,
                "comment": report.review_comment,
                "url": url_for("projects:report", language, pk=report.pk),
            },
            language=language,
            reference=f"project:{project.pk}",
        )


def project_published(project) -> None:
    """The partner business is told that its project is on the public list, with both
    addresses: the public page and its own project page."""
    for member in business_recipients(project.proposal):
        language = member.language or "ja"
        with translation.override(language):
            title = project.display_title
        queue_email(
            member.email,
            "project_published",
            {
                "project": project,
                "member": member,
                "title": title,
                "public_url": url_for("projects:detail", language, pk=project.pk),
                "url": url_for("projects:workspace", language, pk=project.pk),
            },
            language=language,
            reference=f"project:{project.pk}",
        )
