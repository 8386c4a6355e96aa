"""The partner business's project pages: its projects, the workspace, reports, documents.

Who sees what comes from ``core.rules``: the workspace, the reports, their files and the
agreement document are open to the desk, the partner business and the project's departments
(``can_view_project``); only the business writes reports (``can_report_on_project``).
Anyone else gets 404, never 403: another business must not learn that a project exists.
Every write goes through ``projects.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import audit, rules, uploads
from core.antispam import rate_limit

from . import services
from .models import Project, Report, ReportAttachment, ReportState, SiteBooking, Status
from .portal_forms import ReportForm, initial_from

PER_PAGE = 50


# --- reading ------------------------------------------------------------------------------------


def _visible_project(request, pk: int) -> Project:
    """The project ``pk`` if ``request.user`` may open it; 404 otherwise (existence hidden)."""
    project = (
        Project.objects.select_related("proposal", "proposal__organization", "programme")
        .filter(pk=pk)
        .first()
    )
    if project is None or not rules.can_view_project(request.user, project):
        raise Http404
    return project


def _latest_reports(reports) -> dict[str, Report]:
    """The newest report of each kind (``reports`` newest first)."""
    latest: dict[str, Report] = {}
    for report in reports:
        latest.setdefault(report.kind, report)
    return latest


def next_step(project: Project, reports) -> str:
    """What the business should do next (or what it waits for), from the status and reports.

    ``reports`` are the project's reports, newest first (prefetched: no query here).
    """
    reports = list(reports)
    latest = _latest_reports(reports)
    returned = [r for r in latest.values() if r.state == ReportState.RETURNED]
    if returned:
        if returned[0].kind == Report.Kind.FINAL:
            return _(
                "The desk returned your final report with a comment: read it and send "
                "the report again."
            )
        return _(
            "The desk returned your progress report with a comment: read it and send "
            "the report again."
        )
    if any(r.state == ReportState.SUBMITTED for r in latest.values()):
        return _("The desk is reviewing your report. You will be told by e-mail.")
    if project.status == Status.PREPARING:
        if project.agreement_date is None:
            return _("The desk is preparing the agreement (協定) with you.")
        return _(
            "The agreement is concluded. The desk is arranging the field with the departments."
        )
    if project.status == Status.DEMONSTRATING:
        if not reports:
            return _(
                "The project is under way. Send a progress report when you have first results."
            )
        return _(
            "The project is under way. Send progress reports as you go, and a final "
            "report at the end."
        )
    final = latest.get(Report.Kind.FINAL)
    if final is None or final.state != ReportState.ACCEPTED:
        return _("The project has ended. Send your final report with the results.")
    return _(
        "Nothing to do: the project is complete and your final report was accepted. Thank you."
    )


def _not_for_you(request, *, reason: str):
    """A polite refusal for signed-in people whose role this page is not for."""
    user = request.user
    return render(
        request,
        "projects/portal/not_for_you.html",
        {
            "reason": reason,
            "desk_view": rules.can_use_back_office(user),
            "department_view": rules.can_use_department_portal(user),
        },
        status=403,
    )


@login_required
@require_GET
def my_projects(request):
    """The signed-in business member's organisation's projects (constant queries)."""
    user = request.user
    if not rules.can_use_business_portal(user):
        return _not_for_you(
            request,
            reason=_("This page lists the projects of a partner business, for its members."),
        )
    projects = (
        Project.objects.filter(rules.projects_visible_q(user))
        .select_related("proposal", "programme")
        .prefetch_related(
            Prefetch("reports", queryset=Report.objects.order_by("-submitted_at", "-pk"))
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(projects, PER_PAGE).get_page(request.GET.get("page"))
    rows = [(project, next_step(project, project.reports.all())) for project in page]
    return render(request, "projects/portal/mine.html", {"page": page, "rows": rows})


@login_required
@require_GET
def workspace(request, pk: int):
    """The project's working page: status, agreement, sites, reports."""
    project = _visible_project(request, pk)
    user = request.user
    reports = list(project.reports.select_related("submitted_by").order_by("-submitted_at", "-pk"))
    bookings = list(
        SiteBooking.objects.filter(project=project).select_related("site").order_by("start", "pk")
    )
    can_report = rules.can_report_on_project(user, project)
    return render(
        request,
        "projects/portal/workspace.html",
        {
            "project": project,
            "departments": list(project.departments.all()),
            "fields": list(project.fields.all()),
            "bookings": bookings,
            "reports": reports,
            "can_report": can_report,
            "next_step": next_step(project, reports) if can_report else "",
            "desk_view": rules.can_manage_project(user, project),
            "business_view": rules.can_report_on_project(user, project),
        },
    )


# --- reports ------------------------------------------------------------------------------------


@login_required
@rate_limit("project_report")
@require_http_methods(["GET", "POST"])
def new_report(request, pk: int):
    """The business writes a progress or final report: text, figures, files."""
    project = _visible_project(request, pk)
    if not rules.can_report_on_project(request.user, project):
        # The desk and the departments may see the project; only the business reports.
        return _not_for_you(
            request,
            reason=_(
                "Reports are written by the partner business. The desk reviews them on the "
                "project's page."
            ),
        )
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = services.submit_report(
                    project,
                    request.user,
                    kind=form.cleaned_data["kind"],
                    body=form.cleaned_data["body"],
                    figures=form.figures(),
                    files=form.cleaned_data["files"],
                )
            except ValidationError as error:
                form.apply_service_errors(error)
            except services.ProjectError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Your report was sent to the desk. You will be told by e-mail when it has "
                        "been reviewed."
                    ),
                )
                return redirect("projects:report", pk=report.pk)
        if request.FILES.getlist("files"):
            # Browsers never fill a file input again: say so on the field, in the summary
            # at the top, rather than lose the files silently.
            form.add_error(
                "files",
                _(
                    "The files you chose were not sent, because the report could not be accepted "
                    "yet. Your text and figures are kept, but browsers do not keep chosen files: "
                    "choose the files again before sending."
                ),
            )
        status = 400
    else:
        form = ReportForm(initial=_initial(request, project))
        status = 200
    return render(
        request,
        "projects/portal/report_form.html",
        {
            "project": project,
            "form": form,
        },
        status=status,
    )


def _initial(request, project: Project) -> dict | None:
    """``?from=<report>``: start from an earlier report of the same project (one returned
    for changes is usually sent again with a few corrections)."""
    source = request.GET.get("from", "")
    if not source.isdigit():
        return None
    report = Report.objects.filter(pk=int(source), project=project).first()
    return initial_from(report) if report else None


def _visible_report(request, pk: int) -> Report:
    report = (
        Report.objects.select_related(
            "project", "project__proposal", "project__proposal__organization", "submitted_by"
        )
        .filter(pk=pk)
        .first()
    )
    if report is None or not rules.can_view_project(request.user, report.project):
        raise Http404
    return report


@login_required
@require_GET
def report_detail(request, pk: int):
    report = _visible_report(request, pk)
    project = report.project
    return render(
        request,
        "projects/portal/report_detail.html",
        {
            "report": report,
            "project": project,
            "figures": list(report.figures.all()),
            "attachments": list(report.attachments.all()),
            "can_report": rules.can_report_on_project(request.user, project),
            "desk_view": rules.can_manage_project(request.user, project),
        },
    )


@login_required
@require_GET
def report_file(request, pk: int):
    attachment = (
        ReportAttachment.objects.select_related("report__project__proposal").filter(pk=pk).first()
    )
    if attachment is None or not rules.can_view_project(request.user, attachment.report.project):
        raise Http404
    project = attachment.report.project
    if not rules.can_report_on_project(request.user, project):
        # The city's staff opening a business's file is recorded, as for proposals' files.
        audit.record(
            request.user,
            "download_report_file",
            f"project:{project.pk}",
            detail=f"report_attachment:{attachment.pk}",
            request=request,
        )
    return uploads.download_response(
        attachment.file, attachment.original_name, attachment.content_type
    )


@login_required
@require_GET
def agreement_document(request, pk: int):
    project = _visible_project(request, pk)
    if not project.agreement_document:
        raise Http404
    if not rules.can_report_on_project(request.user, project):
        audit.record(request.user, "download_agreement", f"project:{project.pk}", request=request)
    return uploads.download_response(
        project.agreement_document,
        project.agreement_document_name or "agreement.pdf",
        "application/pdf",
    )
