"""A project from adoption to the public page: creation, the public text and its approval,
the details, publication."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rules
from core.audit import record
from core.dates import fiscal_year
from core.models import Department

from .. import notifications, public_cache
from ..models import (
    ProcurementRoute,
    Project,
)
from .base import ProjectError, _check_dates, _require

# --- creation on adoption -------------------------------------------------------------------


def create_project_for(proposal, actor=None) -> Project:
    """The project of an adopted proposal (called by ``projects.receivers`` on ``adopt``).

    Only facts that are public once a proposal is adopted are copied: the partner's name and
    法人番号, the programme, the fiscal year and the departments that were referred. The title is offered as a
    starting draft; the summary is left empty on purpose — the desk writes it for citizens,
    never copying the business's (possibly confidential) text.
    """
    existing = Project.objects.filter(proposal=proposal).first()
    if existing:
        return existing
    organization = proposal.organization
    project = Project.objects.create(
        proposal=proposal,
        title_draft=proposal.title,
        partner_name=organization.name,
        corporate_number=organization.corporate_number or "",
        programme=proposal.programme,
        # The fiscal year of adoption (採択年度), April to March in Japan time.
        fiscal_year=fiscal_year(proposal.decided_at or timezone.now()),
        procurement_route=(
            ProcurementRoute.NO_COST
            if proposal.city_cost == "none"
            else ProcurementRoute.SINGLE_SOURCE
        ),
    )
    # The departments the desk coordinated with (referrals), not the ones the business wished
    # for: a department sees a project's files only once the city has involved it.

    project.departments.set(Department.objects.filter(referrals__proposal=proposal).distinct())
    return project


# --- what the public reads ------------------------------------------------------------------


def update_public_text(
    project: Project, actor, *, title: str, summary: str, title_en: str = "", summary_en: str = ""
) -> Project:
    """The desk writes the public title and summary. They stay a draft until approved."""
    _require(rules.can_manage_project(actor, project))
    title, summary = (title or "").strip(), (summary or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Write a public title.")
    if not summary:
        errors["summary"] = _("Write a public summary for citizens.")
    if errors:
        raise ValidationError(errors)
    project.title_draft, project.summary_draft = title, summary
    project.title_draft_en = (title_en or "").strip()
    project.summary_draft_en = (summary_en or "").strip()
    project.save(
        update_fields=[
            "title_draft",
            "summary_draft",
            "title_draft_en",
            "summary_draft_en",
            "updated_at",
        ]
    )
    return project


def approve_public_text(project: Project, actor, *, fingerprint: str | None = None) -> Project:
    """The desk manager approves the draft: it becomes what the public reads.

    ``fingerprint`` is the ``draft_fingerprint`` of the draft the manager read (the approval
    form sends it): if someone saved another draft since, nothing is approved and the manager
    is asked to read the new one.
    """
    _require(rules.can_approve_project_text(actor, project))
    if not project.title_draft or not project.summary_draft:
        raise ProjectError(_("Write the public title and summary before approving them."))
    if fingerprint is not None and fingerprint != project.draft_fingerprint:
        raise ProjectError(
            _(
                "The draft was changed after you opened this page, so nothing was approved. Read "
                "the new draft below and approve it again."
            )
        )
    with transaction.atomic():
        project.public_title, project.public_summary = project.title_draft, project.summary_draft
        project.public_title_en = project.title_draft_en
        project.public_summary_en = project.summary_draft_en
        project.approved_at, project.approved_by = timezone.now(), actor
        project.save(
            update_fields=[
                "public_title",
                "public_summary",
                "public_title_en",
                "public_summary_en",
                "approved_at",
                "approved_by",
                "updated_at",
            ]
        )
        record(actor, "project.approve_text", f"project:{project.pk}")
        public_cache.public_data_changed(project)
    return project


def update_details(
    project: Project,
    actor,
    *,
    fields=None,
    departments=None,
    locations: str = "",
    locations_en: str = "",
    period_start=None,
    period_end=None,
    procurement_route: str | None = None,
    partner_name: str | None = None,
) -> Project:
    """Departments, fields, locations, period and procurement route of a project."""
    _require(rules.can_manage_project(actor, project))
    _check_dates(period_start=period_start, period_end=period_end)
    if period_start and period_end and period_end < period_start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    if procurement_route is not None and procurement_route not in ProcurementRoute.values:
        raise ValidationError({"procurement_route": _("Choose a procurement route.")})
    with transaction.atomic():
        project.locations = (locations or "").strip()
        project.locations_en = (locations_en or "").strip()
        project.period_start, project.period_end = period_start, period_end
        if procurement_route is not None:
            project.procurement_route = procurement_route
        if partner_name is not None and partner_name.strip():
            project.partner_name = partner_name.strip()
        project.save()
        if fields is not None:
            project.fields.set(fields)
        if departments is not None:
            project.departments.set(departments)
        public_cache.public_data_changed(project)
    return project


def publish(project: Project, actor) -> Project:
    """Put the project on the public list (desk manager), with its approved text only."""
    _require(rules.can_publish_project(actor, project))
    if not project.has_approved_text:
        raise ProjectError(
            _(
                "The public title and summary have not been approved yet. The desk manager must "
                "approve them before the project can be published."
            )
        )
    if project.is_published:
        return project
    with transaction.atomic():
        first_time = project.published_at is None
        project.is_published = True
        project.published_at = project.published_at or timezone.now()
        project.save(update_fields=["is_published", "published_at", "updated_at"])
        record(actor, "project.publish", f"project:{project.pk}")
        public_cache.public_data_changed(project)
        if first_time:
            notifications.project_published(project)
    return project


def unpublish(project: Project, actor) -> Project:
    """Take the project off the public list (desk manager)."""
    _require(rules.can_publish_project(actor, project))
    if not project.is_published:
        return project
    with transaction.atomic():
        project.is_published = False
        project.save(update_fields=["is_published", "updated_at"])
        record(actor, "project.unpublish", f"project:{project.pk}")
        public_cache.public_data_changed(project)
    return project
