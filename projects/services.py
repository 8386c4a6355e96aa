"""Every write with business meaning on projects, sites and reports.

Views, the admin, commands, tasks and the demo data call these functions, never the models'
fields directly. Each one checks who acts (``core.rules``), validates, writes in one
transaction, records what matters in the audit log, and tells the public site to refresh
when something the public sees has changed (``public_cache.public_data_changed``).

The project's status is never set here: it is read from the proposal's lifecycle, the one
owner of what happens after adoption. These services move the proposal with
``proposals.services.transition_proposal`` (audited in its log), and ``projects.receivers``
refreshes the public pages in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rules, uploads
from core.audit import record
from core.dates import fiscal_year
from core.models import Department
from proposals.services import LifecycleError, transition_proposal

from . import notifications, public_cache
from .models import (
    ProcurementRoute,
    Project,
    Report,
    ReportAttachment,
    ReportFigure,
    ReportState,
    Site,
    SiteBooking,
)


class ProjectError(Exception):
    """A request that cannot be carried out; ``message`` is for the user, in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotPermitted(ProjectError):
    pass


class SiteOverlap(ProjectError):
    """The site is already provided to another project for part of the period."""

    def __init__(self, conflicts: list):
        self.conflicts = conflicts
        names = "、".join(
            f"{b.project} ({b.start:%Y-%m-%d}–{b.end:%Y-%m-%d})" for b in conflicts)
        super().__init__(_(
            "This site is already provided to another project for part of this period: "
            "%(bookings)s. Check with the department in charge; to book it anyway, confirm "
            "the overlap.") % {"bookings": names})


#: Dates a project, a booking or an agreement can have; anything else is a typing mistake.
EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


def _check_dates(**dates) -> None:
    errors = {name: _("Check the year: give a date between %(first)s and %(last)s.")
              % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
              for name, value in dates.items()
              if value is not None and not EARLIEST <= value <= LATEST}
    if errors:
        raise ValidationError(errors)


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You are not permitted to do this."))


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
        procurement_route=(ProcurementRoute.NO_COST if proposal.city_cost == "none"
                           else ProcurementRoute.SINGLE_SOURCE),
    )
    # The departments the desk coordinated with (referrals), not the ones the business wished
    # for: a department sees a project's files only once the city has involved it.

    project.departments.set(Department.objects.filter(referrals__proposal=proposal).distinct())
    return project


# --- what the public reads ------------------------------------------------------------------

def update_public_text(project: Project, actor, *, title: str, summary: str,
                       title_en: str = "", summary_en: str = "") -> Project:
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
    project.save(update_fields=["title_draft", "summary_draft", "title_draft_en",
                                "summary_draft_en", "updated_at"])
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
        raise ProjectError(_(
            "The draft was changed after you opened this page, so nothing was approved. Read "
            "the new draft below and approve it again."))
    with transaction.atomic():
        project.public_title, project.public_summary = project.title_draft, project.summary_draft
        project.public_title_en = project.title_draft_en
        project.public_summary_en = project.summary_draft_en
        project.approved_at, project.approved_by = timezone.now(), actor
        project.save(update_fields=["public_title", "public_summary", "public_title_en",
                                    "public_summary_en", "approved_at", "approved_by",
                                    "updated_at"])
        record(actor, "project.approve_text", f"project:{project.pk}")
        public_cache.public_data_changed(project)
    return project


def update_details(project: Project, actor, *, fields=None, departments=None,
                   locations: str = "", locations_en: str = "", period_start=None,
                   period_end=None, procurement_route: str | None = None,
                   partner_name: str | None = None) -> Project:
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
        raise ProjectError(_(
            "The public title and summary have not been approved yet. The desk manager must "
            "approve them before the project can be published."))
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


# --- the agreement, the field, completion: the proposal moves, the project follows ----------

def _transition(project: Project, action: str, actor, **kwargs):

    try:
        return transition_proposal(project.proposal, action, actor, **kwargs)
    except LifecycleError as error:
        raise ProjectError(error.message) from None


def record_agreement(project: Project, actor, *, agreement_date: dt.date,
                     document=None, note: str = "") -> Project:
    """The agreement (協定) is concluded on ``agreement_date``; its document is kept privately.

    ``document`` is an uploaded PDF (checked by content); it may follow later with
    ``attach_agreement_document``.
    """
    _require(rules.can_manage_project(actor, project))
    if agreement_date is None:
        raise ValidationError({"agreement_date": _("Give the date of the agreement.")})
    _check_dates(agreement_date=agreement_date)
    if agreement_date > timezone.localdate():
        raise ValidationError({"agreement_date": _("The agreement date cannot be in the future.")})
    info = _check_pdf(document) if document else None
    with transaction.atomic():
        # The proposal moves first: if it cannot, no file is written to storage.
        _transition(project, "conclude_agreement", actor, note=note)
        project.agreement_date = agreement_date
        if info:
            project.agreement_document.save("agreement", document, save=False)
            project.agreement_document_name = info.original_name
        project.save()
        public_cache.public_data_changed(project)
    return project


def attach_agreement_document(project: Project, actor, document) -> Project:
    _require(rules.can_manage_project(actor, project))
    info = _check_pdf(document)
    project.agreement_document.save("agreement", document, save=False)
    project.agreement_document_name = info.original_name
    project.save(update_fields=["agreement_document", "agreement_document_name", "updated_at"])
    return project


def _check_pdf(document):

    info = uploads.inspect_upload(document)
    if info.kind != "pdf":
        raise ValidationError({"document": _("The agreement document must be a PDF file.")})
    return info


def start_field(project: Project, actor) -> Project:
    """The city provides the field: 実証中."""
    _require(rules.can_manage_project(actor, project))
    with transaction.atomic():
        _transition(project, "start_field", actor)  # follow_proposal refreshes the public
        project.refresh_from_db()
    return project


def complete(project: Project, actor, *, outcome: str, outcome_summary: str = "",
             outcome_summary_en: str = "", note: str = "") -> Project:
    """The project ends: rolled out (社会実装) or ended (終了), with a public outcome text."""
    _require(rules.can_manage_project(actor, project))
    with transaction.atomic():
        project.outcome_summary = (outcome_summary or "").strip()
        project.outcome_summary_en = (outcome_summary_en or "").strip()
        project.save(update_fields=["outcome_summary", "outcome_summary_en", "updated_at"])
        _transition(project, "complete", actor, outcome=outcome, note=note)
        project.refresh_from_db()  # follow_proposal has refreshed the public pages
    return project


def follow_proposal(entry) -> None:
    """What a proposal's transition means for projects (called by ``projects.receivers``).

    Adoption creates the project. Its status needs no update: it is read from the proposal
    (``Project.status``); the public pages that show it are refreshed when it changes.
    """
    if entry.action in ("adopt", "decline"):
        public_cache.public_data_changed()  # the public statistics count decisions
    if entry.action == "adopt":
        create_project_for(entry.proposal, entry.actor)
    elif entry.action in ("start_field", "complete"):
        project = Project.objects.filter(proposal_id=entry.proposal_id).first()
        if project is not None:
            public_cache.public_data_changed(project)


# --- sites and field provision --------------------------------------------------------------

def save_site(actor, *, site: Site | None = None, name: str, address: str, department,
              notes: str = "", is_active: bool = True) -> Site:
    _require(rules.can_manage_sites(actor))
    site = site or Site()
    site.name, site.address = name.strip(), address.strip()
    site.department, site.notes, site.is_active = department, notes.strip(), is_active
    if not site.name or not site.address:
        raise ValidationError(_("Give the facility's name and address."))
    site.save()
    return site


def book_site(project: Project, actor, *, site: Site, start: dt.date, end: dt.date,
              conditions: str = "", confirm_overlap: bool = False) -> SiteBooking:
    """Provide ``site`` to ``project`` from ``start`` to ``end`` (both days included).

    When another project has the site for part of the period, raises ``SiteOverlap`` with
    the conflicting bookings unless the desk confirms the overlap (a shared road or park may
    be fine); the confirmation is kept on the booking.
    """
    _require(rules.can_manage_project(actor, project))
    if start is None or end is None:
        raise ValidationError(_("Give the first and the last day."))
    _check_dates(start=start, end=end)
    if end < start:
        raise ValidationError({"end": _("The period cannot end before it starts.")})
    with transaction.atomic():
        # Lock the site's row so two bookings made at once cannot both miss each other.
        Site.objects.select_for_update().filter(pk=site.pk).first()
        same = SiteBooking.objects.filter(project=project, site=site, start=start,
                                          end=end).first()
        if same is not None:  # sent twice: the booking already made
            return same
        conflicts = list(SiteBooking.objects.overlapping(site, start, end)
                         .exclude(project=project).select_related("project", "site"))
        if conflicts and not confirm_overlap:
            raise SiteOverlap(conflicts)
        booking = SiteBooking.objects.create(
            project=project, site=site, start=start, end=end,
            conditions=(conditions or "").strip(), overlap_confirmed=bool(conflicts),
            created_by=actor)
        record(actor, "project.book_site", f"project:{project.pk}")
    return booking


def cancel_booking(booking: SiteBooking, actor) -> None:
    _require(rules.can_manage_project(actor, booking.project))
    with transaction.atomic():
        record(actor, "project.cancel_booking", f"project:{booking.project.pk}")
        booking.delete()


# --- reports --------------------------------------------------------------------------------

#: The same report (or booking) sent again within this time is the one already received.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)


def submit_report(project: Project, actor, *, kind: str, body: str,
                  figures: list[tuple[str, str, str]] = (), files=()) -> Report:
    """The business reports progress or results: text, figures (label, value, unit), files.

    Files are checked by content before anything is saved; an executable renamed ``.pdf`` is
    refused with the reason and nothing is written.
    """

    _require(rules.can_report_on_project(actor, project))
    if kind not in Report.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of report.")})
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the report.")})
    clean_figures = []
    for label, value, unit in figures:
        label, value, unit = (label or "").strip(), str(value or "").strip(), (unit or "").strip()
        if not label and not value:
            continue
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            raise ValidationError({"figures": _("“%(value)s” is not a number.")
                                   % {"value": value}}) from None
        if not label:
            raise ValidationError({"figures": _("Say what each figure measures.")})
        clean_figures.append((label, number, unit))
    infos = [(uploaded, uploads.inspect_upload(uploaded)) for uploaded in files]
    uploads.check_total(0, [info.size for _f, info in infos])
    with transaction.atomic():
        # A double click, or the form sent again after a slow upload: the same text from the
        # same person within minutes is the report already received, not a second one.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        same = (Report.objects.filter(project=project, kind=kind, body=body, submitted_by=actor,
                                      submitted_at__gte=timezone.now() - DUPLICATE_WINDOW)
                .order_by("-pk").first())
        if same is not None:
            return same
        report = Report.objects.create(project=project, kind=kind, body=body,
                                       submitted_by=actor)
        ReportFigure.objects.bulk_create([
            ReportFigure(report=report, label=label, value=value, unit=unit, position=index)
            for index, (label, value, unit) in enumerate(clean_figures)])
        for uploaded, info in infos:
            attachment = ReportAttachment(report=report, original_name=info.original_name,
                                          content_type=info.content_type, size=info.size)
            attachment.file.save("report", uploaded, save=False)
            attachment.save()
        _notify_report(report)
    return report


def review_report(report: Report, actor, *, accept: bool, comment: str = "") -> Report:
    """The desk accepts a report or returns it with a comment the business reads."""
    _require(rules.can_manage_project(actor, report.project))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say what the business should change.")})
    if report.state != ReportState.SUBMITTED:
        raise ProjectError(_("This report has already been reviewed."))
    with transaction.atomic():
        report.accept() if accept else report.return_for_changes()
        report.reviewed_by, report.reviewed_at = actor, timezone.now()
        report.review_comment = comment
        report.save()
        record(actor, "project.review_report", f"project:{report.project.pk}")
        _notify_report(report)
    return report


def _notify_report(report: Report) -> None:

    notifications.report_changed(report)
