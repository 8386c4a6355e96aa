"""The desk's project pages: the list, one page per project, sites and their bookings.

Desk staff and the desk manager only (``core.rules``); others signed in get 404, as on the
rest of the back office, and anonymous visitors the sign-in page. Each section of a
project's page is a form posting to its own address; every change goes through
``projects.services``. On success the page is shown again (post/redirect/get) with a
message; on bad input the same page is rendered with the form as typed and the message on
the field it concerns, and nothing is saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import people, rules
from core.permissions import desk_only
from proposals.services import available_actions

from . import services
from .forms import (
    AgreementForm,
    BookingForm,
    CompleteForm,
    DeskProjectFilter,
    DetailsForm,
    PublicTextForm,
    ReviewForm,
    StartFieldForm,
)
from .models import (
    Field,
    Project,
    Report,
    ReportState,
    SiteBooking,
    Status,
)

PAGE_SIZE = 50


# --- the list ------------------------------------------------------------------------------


def _list_queryset():
    """Every project with what a row shows, in a fixed number of queries."""
    waiting = Q(reports__state=ReportState.SUBMITTED)
    return (
        Project.objects.select_related("proposal", "programme")
        .annotate(
            reports_waiting=Count("reports", filter=waiting),
            oldest_waiting=Min("reports__submitted_at", filter=waiting),
            final_accepted=Exists(
                Report.objects.filter(
                    project=OuterRef("pk"), kind=Report.Kind.FINAL, state=ReportState.ACCEPTED
                )
            ),
        )
        .order_by("-fiscal_year", "-pk")
    )


@desk_only
@require_GET
def project_list(request):
    filterset = DeskProjectFilter(request.GET or None, queryset=_list_queryset())
    valid = filterset.form.is_valid() if filterset.is_bound else True
    queryset = filterset.qs if valid else Project.objects.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "projects/desk/list.html",
        {
            "filter": filterset,
            "valid": valid,
            "page": page,
            "projects": list(page.object_list),
            "query": params.urlencode(),
            "Status": Status,
        },
    )


# --- one project: the page and its context -------------------------------------------------


def _project(pk: int) -> Project:
    project = (
        Project.objects.select_related(
            "proposal", "proposal__organization", "programme", "approved_by"
        )
        .prefetch_related(
            Prefetch("fields", queryset=Field.objects.order_by("sort_order", "pk")), "departments"
        )
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404
    return project


def _detail_context(request, project: Project, **forms) -> dict:
    """Everything the project's page shows; ``forms`` replaces a section's blank form with the
    one the user sent (errors and typed values kept)."""
    user = request.user
    actions = {action.name for action in available_actions(project.proposal, user)}
    agreement_recorded = project.agreement_date is not None
    can_record = "conclude_agreement" in actions
    reports = list(
        project.reports.select_related("submitted_by", "reviewed_by").prefetch_related(
            "figures", "attachments"
        )
    )
    review_forms = forms.pop("review_forms", {})
    for report in reports:
        report.review_form = (
            review_forms.get(report.pk) or ReviewForm.for_report(report)
            if report.state == ReportState.SUBMITTED
            else None
        )
    can_approve = rules.can_approve_project_text(user, project)
    return {
        "project": project,
        "proposal": project.proposal,
        "fields_list": list(project.fields.all()),
        "departments_list": list(project.departments.all()),
        "text_form": forms.get("text_form") or PublicTextForm.for_project(project),
        "can_approve": can_approve,
        "can_publish": rules.can_publish_project(user, project),
        "managers": [] if can_approve else list(people.desk_managers()),
        "publish_error": forms.get("publish_error", ""),
        "approve_error": forms.get("approve_error", ""),
        "details_form": forms.get("details_form") or DetailsForm.for_project(project),
        "agreement_form": forms.get("agreement_form")
        or (AgreementForm(recording=can_record) if can_record or agreement_recorded else None),
        "can_record_agreement": can_record,
        "start_form": forms.get("start_form")
        or (StartFieldForm() if "start_field" in actions else None),
        "complete_form": forms.get("complete_form")
        or (CompleteForm() if "complete" in actions else None),
        "bookings": list(project.bookings.select_related("site", "site__department")),
        "booking_form": forms.get("booking_form") or BookingForm(),
        "reports": reports,
        "completed": project.status in (Status.ROLLED_OUT, Status.ENDED),
    }


def _render_detail(request, pk: int, status: int = 200, **forms):
    # Read afresh: a service that refused may have changed the object in memory.
    project = _project(pk)
    return render(
        request,
        "projects/desk/detail.html",
        _detail_context(request, project, **forms),
        status=status,
    )


def _back(project_or_pk, anchor: str = ""):
    pk = getattr(project_or_pk, "pk", project_or_pk)
    url = reverse("project_desk:detail", args=[pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def form_failed(request, form) -> None:
    """One message at the top too: the section with the error may be far down the page."""
    texts = [str(error) for errors in form.errors.values() for error in errors]
    messages.error(request, _("Nothing was saved: %(errors)s") % {"errors": " ".join(texts)})


def _attempt(
    request,
    pk: int,
    form,
    form_key: str,
    action,
    success: str,
    anchor: str,
    default_field=None,
    rename=None,
):
    """Validate ``form``, call ``action(cleaned_data)`` (a service), then redirect with
    ``success`` or render the page again with the form as typed and the service's message."""
    status = 400
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except services.NotPermitted as exc:
            form.add_error(None, exc.message)
            status = 403
        except services.ProjectError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_service_error(exc, default_field=default_field, rename=rename)
        else:
            messages.success(request, success)
            return _back(pk, anchor)
    form_failed(request, form)
    return _render_detail(request, pk, status=status, **{form_key: form})


@desk_only
@require_GET
def project_detail(request, pk: int):
    project = _project(pk)
    return render(request, "projects/desk/detail.html", _detail_context(request, project))


# --- (a) public text, (b) approval, (c) publication ---------------------------------------


@desk_only
@require_POST
def public_text(request, pk: int):
    project = _project(pk)
    form = PublicTextForm.for_project(project, request.POST)

    def save(data):
        services.update_public_text(
            project,
            request.user,
            title=data["title"],
            summary=data["summary"],
            title_en=data["title_en"],
            summary_en=data["summary_en"],
        )

    return _attempt(
        request,
        pk,
        form,
        "text_form",
        save,
        _("The public text was saved. It waits for the desk manager's approval."),
        "public-text",
    )


def _simple_action(request, pk: int, action, success: str, anchor: str, error_key: str):
    """A button without fields (approve, publish): the service's refusal is shown at the top
    and in the button's section (``error_key``)."""
    project = _project(pk)
    try:
        action(project, request.user)
    except services.ProjectError as exc:
        messages.error(request, exc.message)
        status = 403 if isinstance(exc, services.NotPermitted) else 400
        return _render_detail(request, pk, status=status, **{error_key: exc.message})
    messages.success(request, success)
    return _back(pk, anchor)


@desk_only
@require_POST
def approve_text(request, pk: int):
    fingerprint = request.POST.get("draft_fingerprint") or None  # sent by the approval form

    def approve(project, user):
        return services.approve_public_text(project, user, fingerprint=fingerprint)

    return _simple_action(
        request,
        pk,
        approve,
        _("The public text is approved. Published pages show it now."),
        "public-text",
        "approve_error",
    )


@desk_only
@require_POST
def publish(request, pk: int):
    return _simple_action(
        request,
        pk,
        services.publish,
        _("The project is published on the public list."),
        "publication",
        "publish_error",
    )


@desk_only
@require_POST
def unpublish(request, pk: int):
    return _simple_action(
        request,
        pk,
        services.unpublish,
        _("The project was taken off the public list."),
        "publication",
        "publish_error",
    )


# --- (d) details ---------------------------------------------------------------------------


@desk_only
@require_POST
def details(request, pk: int):
    project = _project(pk)
    form = DetailsForm.for_project(project, request.POST)

    def save(data):
        services.update_details(
            project,
            request.user,
            fields=data["fields"],
            departments=data["departments"],
            locations=data["locations"],
            locations_en=data["locations_en"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            procurement_route=data["procurement_route"],
            partner_name=data["partner_name"],
        )

    return _attempt(
        request, pk, form, "details_form", save, _("The details were saved."), "details"
    )


# --- (e) the agreement ---------------------------------------------------------------------


@desk_only
@require_POST
def agreement(request, pk: int):
    project = _project(pk)
    recording = any(
        a.name == "conclude_agreement" for a in available_actions(project.proposal, request.user)
    )
    if not recording and project.agreement_date is None:
        messages.error(request, _("The agreement cannot be recorded at this stage."))
        return _render_detail(request, pk, status=400)
    form = AgreementForm(request.POST, request.FILES, recording=recording)

    def save(data):
        if recording:
            services.record_agreement(
                project,
                request.user,
                agreement_date=data["agreement_date"],
                document=data["document"] or None,
            )
        else:
            services.attach_agreement_document(project, request.user, data["document"])

    success = (
        _("The agreement was recorded. The proposal is now “Agreement concluded”.")
        if recording
        else _("The agreement document was saved.")
    )
    return _attempt(
        request, pk, form, "agreement_form", save, success, "agreement", default_field="document"
    )


# --- (f) start in the field, (g) complete ---------------------------------------------------


@desk_only
@require_POST
def start_field(request, pk: int):
    project = _project(pk)
    form = StartFieldForm(request.POST)
    return _attempt(
        request,
        pk,
        form,
        "start_form",
        lambda data: services.start_field(project, request.user),
        _("The project is now in the field (demonstration under way)."),
        "lifecycle",
    )


@desk_only
@require_POST
def complete(request, pk: int):
    project = _project(pk)
    form = CompleteForm(request.POST)

    def save(data):
        services.complete(
            project,
            request.user,
            outcome=data["outcome"],
            outcome_summary=data["outcome_summary"],
            outcome_summary_en=data["outcome_summary_en"],
        )

    return _attempt(
        request, pk, form, "complete_form", save, _("The project is completed."), "lifecycle"
    )


# --- (h) field provision --------------------------------------------------------------------


@desk_only
@require_POST
def book_site(request, pk: int):
    project = _project(pk)
    form = BookingForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.book_site(
                project,
                request.user,
                site=data["site"],
                start=data["start"],
                end=data["end"],
                conditions=data["conditions"],
                confirm_overlap=data["confirm_overlap"],
            )
        except services.SiteOverlap as exc:
            form.conflicts = exc.conflicts
            form.add_error(None, exc.message)
        except services.ProjectError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_service_error(exc, default_field="end")
        else:
            messages.success(request, _("The site is booked for this project."))
            return _back(pk, "field-provision")
    form_failed(request, form)
    return _render_detail(request, pk, status=400, booking_form=form)


@desk_only
@require_POST
def cancel_booking(request, pk: int):
    booking = get_object_or_404(SiteBooking.objects.select_related("project", "site"), pk=pk)
    project_pk = booking.project_id
    try:
        services.cancel_booking(booking, request.user)
    except services.ProjectError as exc:
        messages.error(request, exc.message)
        return _render_detail(request, project_pk, status=403)
    messages.success(
        request, _("The booking of “%(site)s” was cancelled.") % {"site": booking.site.name}
    )
    return _back(project_pk, "field-provision")


# --- (i) reports ----------------------------------------------------------------------------


@desk_only
@require_POST
def review_report(request, pk: int):
    report = get_object_or_404(Report.objects.select_related("project"), pk=pk)
    form = ReviewForm.for_report(report, request.POST)
    project_pk = report.project_id
    status = 400
    if form.is_valid():
        accept = form.cleaned_data["decision"] == ReviewForm.ACCEPT
        try:
            services.review_report(
                report, request.user, accept=accept, comment=form.cleaned_data["comment"]
            )
        except services.NotPermitted as exc:
            form.add_error(None, exc.message)
            status = 403
        except services.ProjectError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("The report was accepted.")
                if accept
                else _("The report was returned to the business with your comment."),
            )
            return _back(project_pk, f"report-{report.pk}")
    form_failed(request, form)
    return _render_detail(request, project_pk, status=status, review_forms={report.pk: form})
