"""The business's side: starting a proposal, the intake steps, submission and receipt,
files, and the dialogue with the desk.

Every step saves the draft, so nothing typed is lost to a validation error, the browser's
back button or a closed tab; a session that expired mid-step keeps what was posted and
restores it after signing in again (``keep_post_through_login``).
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import rules
from core.antispam import rate_limit
from core.arrival import arrival
from themes import selectors as theme_selectors

from . import selectors, services
from .forms import (
    AttachmentsForm,
    ConsentsForm,
    ContentForm,
    RequestsForm,
    StartForm,
    consent_documents,
)
from .models import Attachment, Proposal
from .states import State

STEPS = [
    ("organization", gettext_lazy("Your organisation")),
    ("content", gettext_lazy("Proposal")),
    ("requests", gettext_lazy("What you ask of the city")),
    ("attachments", gettext_lazy("Attachments")),
    ("consents", gettext_lazy("Confidentiality and consents")),
    ("confirm", gettext_lazy("Check and submit")),
]
STEP_NAMES = [name for name, _label in STEPS]
PENDING_KEY = "kyoso_pending_post"


def keep_post_through_login(view):
    """Like login_required, but a POST from an expired session is kept, not lost.

    The posted fields (not files) are stored in the new anonymous session, which survives
    signing in; the step's GET then applies them to the draft.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            data = {
                key: request.POST.getlist(key)
                for key in request.POST
                if key != "csrfmiddlewaretoken"
            }
            request.session[PENDING_KEY] = {
                "path": request.path,
                "data": data,
                # When it reached us: a submission kept through signing in again counts then.
                "arrived_at": arrival(request).isoformat(),
            }
            messages.warning(
                request,
                _(
                    "Your session had expired. Sign in again: what you had typed is kept and will "
                    "be saved. Files you were uploading must be chosen again."
                ),
            )
        return redirect_to_login(request.get_full_path())

    return wrapper


def _editable(request, pk: int) -> Proposal:
    proposal = selectors.proposal_detail(request.user, pk)
    if proposal is None:
        raise Http404
    if not rules.can_edit_proposal(request.user, proposal):
        raise Http404
    return proposal


@rate_limit("proposal_start")
@keep_post_through_login
@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    user = request.user
    if not rules.can_use_business_portal(user):
        raise Http404
    theme = None
    if request.GET.get("theme"):
        # "Propose for this theme": only a published call open by the server's clock.

        published = theme_selectors.published_theme(request.GET["theme"])
        if published is None:
            raise Http404
        if not published.is_open_at():
            messages.error(request, theme_selectors.not_open_message(published))
            return redirect("themes:detail", pk=published.pk)
        theme = published
    form = StartForm(request.POST or None, organization=user.organization, theme=theme)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}
        proposal = services.create_draft(
            user, theme=theme, idempotency_key=form.idempotency_key, **data
        )
        messages.success(
            request,
            _("Your draft is saved. You can come back to it at any time from “Your proposals”."),
        )
        return redirect("proposals:step", pk=proposal.pk, step="organization")
    if theme is not None:
        return render(request, "themes/propose.html", {"form": form, "theme": theme})
    return render(request, "proposals/intake/start.html", {"form": form})


def _save_valid_part(proposal, user, form, extra_departments=None):
    """Save the fields that are valid even when others are not, so nothing is lost."""
    data = {
        name: value
        for name, value in form.cleaned_data.items()
        if name in services.EDITABLE_FIELDS
        and name not in form.errors
        and not form.fields[name].disabled
    }
    if form.non_field_errors():
        data.pop("desired_start", None)
        data.pop("desired_end", None)
    try:
        services.update_draft(proposal, user, data, departments=extra_departments)
    except ValidationError:
        pass  # the form shows the errors; the valid part was not saved as a whole


@keep_post_through_login
@never_cache
@require_http_methods(["GET", "POST"])
def step(request, pk: int, step: str):
    if step not in STEP_NAMES:
        raise Http404
    proposal = _editable(request, pk)
    pending = request.session.get(PENDING_KEY)
    if request.method == "GET" and pending and pending.get("path") == request.path:
        del request.session[PENDING_KEY]
        request.POST = _querydict(pending["data"])
        request.method = "POST"
        messages.info(
            request, _("We restored and saved what you had typed before your session expired.")
        )
    handler = STEP_HANDLERS[step]
    return handler(request, proposal)


def _querydict(data: dict):
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query


def _next(request, proposal, step_name):
    """Where the buttons lead: the next step, or stay here after "save draft"."""
    if "save" in request.POST:
        messages.success(request, _("Draft saved."))
        return redirect("proposals:step", pk=proposal.pk, step=step_name)
    index = STEP_NAMES.index(step_name)
    following = STEP_NAMES[min(index + 1, len(STEP_NAMES) - 1)]
    return redirect("proposals:step", pk=proposal.pk, step=following)


def _render_step(request, proposal, step_name, context, status=200):
    index = STEP_NAMES.index(step_name)
    context.update(
        {
            "proposal": proposal,
            "steps": STEPS,
            "current_step": step_name,
            "step_number": index + 1,
            "step_total": len(STEPS),
            "step_label": STEPS[index][1],
            "previous_step": STEP_NAMES[index - 1] if index else None,
            "revising": proposal.state == State.REVISION_REQUESTED,
        }
    )
    return render(request, f"proposals/intake/{step_name}.html", context, status=status)


def _organization_step(request, proposal):
    if request.method == "POST":
        return _next(request, proposal, "organization")
    problems = proposal.programme.eligibility_problems(proposal.organization)
    return _render_step(
        request,
        proposal,
        "organization",
        {"organization": proposal.organization, "eligibility_problems": problems},
    )


def _model_step(form_class, step_name, with_departments=False):
    def handler(request, proposal):
        kwargs = {"instance": proposal}
        if form_class is ContentForm:
            kwargs["organization"] = proposal.organization
        if request.method == "POST":
            form = form_class(request.POST, **kwargs)
            valid = form.is_valid()
            departments = (
                form.cleaned_data.get("desired_departments")
                if with_departments and "desired_departments" not in form.errors
                else None
            )
            if valid:
                data = {
                    n: v
                    for n, v in form.cleaned_data.items()
                    if n in services.EDITABLE_FIELDS and not form.fields[n].disabled
                }
                services.update_draft(proposal, request.user, data, departments=departments)
                return _next(request, proposal, step_name)
            proposal.refresh_from_db()
            _save_valid_part(proposal, request.user, form, departments)
            messages.error(request, _("Some answers need attention; the others are saved."))
            return _render_step(request, proposal, step_name, {"form": form}, status=400)
        return _render_step(request, proposal, step_name, {"form": form_class(**kwargs)})

    return handler


def _attachments_step(request, proposal):
    form = AttachmentsForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        errors = []
        for uploaded in form.cleaned_data["files"]:
            try:
                services.add_attachment(proposal, request.user, uploaded)
            except ValidationError as exc:
                errors.append(f"{uploaded.name}: {' '.join(exc.messages)}")
        if not errors:
            if form.cleaned_data["files"]:
                messages.success(request, _("Files attached."))
            return _next(request, proposal, "attachments")
        for error in errors:
            form.add_error("files", error)
        status = 400
    elif request.method == "POST":
        status = 400
    return _render_step(
        request,
        proposal,
        "attachments",
        {
            "form": form,
            "attachments": proposal.attachments.filter(message__isnull=True),
        },
        status=status,
    )


def _consents_step(request, proposal):
    documents = consent_documents()
    accepted = {c.document_id for c in proposal.consents.all()}
    editable_consents = proposal.state == State.DRAFT
    form = ConsentsForm(
        request.POST or None,
        documents=documents if editable_consents else (),
        accepted=accepted,
        initial={"confidential_fields": proposal.confidential_fields},
    )
    if request.method == "POST" and form.is_valid():
        services.update_draft(
            proposal,
            request.user,
            {"confidential_fields": form.cleaned_data["confidential_fields"]},
        )
        if editable_consents:
            services.record_consents(proposal, request.user, form.accepted_kinds())
        return _next(request, proposal, "consents")
    return _render_step(
        request,
        proposal,
        "consents",
        {
            "form": form,
            "editable_consents": editable_consents,
            "accepted_consents": proposal.consents.all(),
        },
    )


def _confirm_step(request, proposal):
    if request.method == "POST":
        return redirect("proposals:step", pk=proposal.pk, step="confirm")
    return _render_step(
        request,
        proposal,
        "confirm",
        {
            "problems": proposal.submission_problems() if proposal.state == State.DRAFT else [],
            "attachments": proposal.attachments.filter(message__isnull=True),
            "consents": proposal.consents.all(),
            "confidential": set(proposal.confidential_fields or []),
        },
    )


STEP_HANDLERS = {
    "organization": _organization_step,
    "content": _model_step(ContentForm, "content"),
    "requests": _model_step(RequestsForm, "requests", with_departments=True),
    "attachments": _attachments_step,
    "consents": _consents_step,
    "confirm": _confirm_step,
}


#: A submission kept through signing in again counts at its arrival if the person signs in
#: within this many seconds; later, it counts when they do.
PENDING_SUBMIT_MAX_AGE = 30 * 60


def _kept_submission(request):
    """The submission this session sent to this address before it expired, with the moment it
    reached us, or (None, None)."""
    pending = request.session.get(PENDING_KEY)
    if not pending or pending.get("path") != request.path:
        return None, None
    del request.session[PENDING_KEY]
    data = QueryDict(mutable=True)
    for key, values in pending.get("data", {}).items():
        data.setlist(key, values)
    arrived = None
    try:
        arrived = dt.datetime.fromisoformat(pending.get("arrived_at", ""))
    except (TypeError, ValueError):
        pass
    now = timezone.now()
    if arrived is None or not (0 <= (now - arrived).total_seconds() <= PENDING_SUBMIT_MAX_AGE):
        arrived = now
    return data, arrived


@rate_limit("submit")
@keep_post_through_login
@require_http_methods(["GET", "POST"])
def submit(request, pk: int):
    """Submit a draft, or send a revised proposal back. A second click lands on the receipt.

    A GET arrives after signing in again: the submission the expired session sent is carried
    out, counted at the moment it reached us; without one, the person is sent to where they
    can act (the receipt, or the confirm step).
    """
    # A call's closing is judged by when the request reached us (core.arrival), not by when
    # this view got round to it.
    posted, arrived = request.POST, arrival(request)
    proposal = selectors.proposal_to_submit(request.user, pk)
    if proposal is None or not rules.is_own_organization(request.user, proposal):
        raise Http404
    if request.method == "GET":
        posted, arrived = _kept_submission(request)
        if posted is None:
            if proposal.receipt_number:
                return redirect("proposals:receipt", pk=proposal.pk)
            return redirect("proposals:step", pk=proposal.pk, step="confirm")
    if (
        proposal.state != State.DRAFT
        and proposal.receipt_number
        and posted.get("action", "submit") == "submit"
    ):
        return redirect("proposals:receipt", pk=proposal.pk)
    action = "resubmit" if proposal.state == State.REVISION_REQUESTED else "submit"
    try:
        services.transition_proposal(
            proposal,
            action,
            request.user,
            note=posted.get("note", ""),
            expected_state=posted.get("expected_state"),
            when=arrived,
        )
    except services.ConflictingChange:
        proposal.refresh_from_db()
        if proposal.receipt_number:
            return redirect("proposals:receipt", pk=proposal.pk)
        raise
    except services.LifecycleError as exc:
        messages.error(request, exc.message)
        return redirect("proposals:step", pk=proposal.pk, step="confirm")
    if action == "resubmit":
        messages.success(request, _("Your revised proposal has been sent to the desk."))
        return redirect("proposals:detail", pk=proposal.pk)
    return redirect("proposals:receipt", pk=proposal.pk)


@login_required
@require_GET
def receipt(request, pk: int):
    proposal = selectors.proposal_detail(request.user, pk)
    if proposal is None or not rules.can_view_receipt(request.user, proposal):
        raise Http404
    return render(request, "proposals/receipt.html", {"proposal": proposal})


@login_required
@require_POST
def remove_file(request, pk: int, attachment_id: int):
    attachment = get_object_or_404(
        Attachment.objects.select_related("proposal"), pk=attachment_id, proposal_id=pk
    )
    if not rules.can_view_proposal(request.user, attachment.proposal):
        raise Http404
    try:
        services.remove_attachment(attachment, request.user)
    except services.LifecycleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.original_name})
    return redirect("proposals:step", pk=pk, step="attachments")
