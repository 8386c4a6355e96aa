"""Referral pages: the desk's (refer a proposal, one referral and its questions) under
/desk/referrals/, and the department portal under /department/.

Who gets in is decided by ``core.rules`` (through ``proposals.referral_selectors``); anyone
else gets a 404, so a guessed id does not reveal that a referral or proposal exists.
Changes go through ``proposals.services``; a refusal is shown next to the field it concerns,
with what was typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import audit, dates, rules
from core.permissions import desk_only, permission_required

from . import referral_selectors as selectors
from . import services
from .forms_referrals import AnswerForm, ReferForm, ReferralFilter, ReferralMessageForm
from .models import Proposal
from .services.referrals import join_names

PER_PAGE = 50

department_only = permission_required("kyoso.use_department_portal")


def _posted(request):
    """The posted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _apply_errors(form, error: services.ReferralInputError) -> None:
    """Put the service's refusal next to the field it concerns."""
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


# --- The desk ---------------------------------------------------------------------------------


@desk_only
@require_http_methods(["GET", "POST"])
def refer(request, pk: int):
    """Refer a proposal to one or more departments, with a question and a deadline."""
    proposal = Proposal.objects.select_related("organization", "programme").filter(pk=pk).first()
    if proposal is None or not rules.can_view_proposal(request.user, proposal):
        raise Http404
    detail_url = reverse("proposals:detail", args=[proposal.pk])
    if not rules.can_refer(request.user, proposal):
        messages.error(
            request,
            _("A proposal that is “%(state)s” can no longer be referred to departments.")
            % {"state": proposal.internal_label},
        )
        return redirect(detail_url)
    form = ReferForm(_posted(request), proposal=proposal)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                referrals = services.refer(
                    proposal, data["departments"], data["question"], data["due_date"], request.user
                )
            except services.ReferralInputError as exc:
                _apply_errors(form, exc)
            except services.LifecycleError as exc:
                form.add_error(None, exc.message)
            else:
                names = join_names(str(r.department) for r in referrals)
                messages.success(
                    request,
                    _("Referred to %(departments)s. Their members have been told by e-mail.")
                    % {"departments": names},
                )
                return redirect(detail_url + "#referrals")
        status = 400
    return render(
        request,
        "proposals/referrals/refer.html",
        {
            "proposal": proposal,
            "form": form,
            "referrals": selectors.referrals_for_panel(request.user, proposal),
            "today": dates.today(),
        },
        status=status,
    )


@desk_only
@require_http_methods(["GET", "POST"])
def desk_referral(request, pk: int):
    """One referral as the desk sees it: the department's answer and the questions; the desk
    replies here."""
    referral = selectors.desk_referral(request.user, pk)
    if referral is None:
        raise Http404
    form = ReferralMessageForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.post_referral_message(referral, request.user, form.cleaned_data["body"])
            except services.ReferralInputError as exc:
                _apply_errors(form, exc)
            except services.LifecycleError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Your message was sent to %(department)s.")
                    % {"department": referral.department},
                )
                return redirect(reverse("desk:referral", args=[referral.pk]) + "#messages")
        status = 400
    return render(
        request,
        "proposals/referrals/desk_referral.html",
        {
            "referral": referral,
            "proposal": referral.proposal,
            "form": form,
        },
        status=status,
    )


# --- The department portal --------------------------------------------------------------------


@department_only
@require_GET
def portal(request):
    """The referrals to the member's department, unanswered first, with a filter."""
    today = dates.today()
    base = selectors.referrals_for_department(request.user, today)
    filterset = ReferralFilter(request.GET or None, queryset=base)
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(base)
    current = (
        filterset.form.cleaned_data.get("status")
        if filterset.is_bound and filterset.form.is_valid()
        else ""
    )
    filters = [("", _("All"), counts["all"])] + [
        (value, label, counts[value]) for value, label in ReferralFilter.STATUS_CHOICES
    ]
    return render(
        request,
        "proposals/referrals/portal.html",
        {
            "department": request.user.department,
            "page": page,
            "filterset": filterset,
            "filters": filters,
            "current": current or "",
            "counts": counts,
            "today": today,
        },
    )


@department_only
@require_http_methods(["GET", "POST"])
def department_referral(request, pk: int):
    """A referral to the member's department: the proposal, the answer form and the questions
    to the desk. Nothing else of the proposal: no dialogue, no internal notes, no other
    department's opinion."""
    referral = selectors.department_referral(request.user, pk)
    if referral is None:
        raise Http404
    user = request.user
    if request.method == "GET":
        audit.record(
            user,
            "view_referral",
            f"proposal:{referral.proposal_id}",
            detail=f"referral:{referral.pk}",
            request=request,
        )
    can_answer = rules.can_answer_referral(user, referral)
    initial = (
        {
            "opinion": referral.opinion,
            "conditions": referral.conditions,
            "comment": referral.comment,
        }
        if referral.is_answered
        else None
    )
    posted = request.POST.get("form") if request.method == "POST" else None
    answer_form = (
        AnswerForm(request.POST if posted == "answer" else None, initial=initial, prefix="answer")
        if can_answer
        else None
    )
    message_form = ReferralMessageForm(
        request.POST if posted == "message" else None, department_side=True, prefix="message"
    )
    status = 200
    if posted == "answer" and answer_form is not None:
        if answer_form.is_valid():
            data = answer_form.cleaned_data
            try:
                services.answer_referral(
                    referral,
                    user,
                    data["opinion"],
                    comment=data["comment"],
                    conditions=data["conditions"],
                )
            except services.ReferralInputError as exc:
                _apply_errors(answer_form, exc)
            except services.LifecycleError as exc:
                answer_form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Your answer was sent to the desk. You can change "
                        "it while the proposal is open."
                    ),
                )
                return redirect(reverse("department:referral", args=[referral.pk]) + "#answer")
        status = 400
    elif posted == "message":
        if message_form.is_valid():
            try:
                services.post_referral_message(referral, user, message_form.cleaned_data["body"])
            except services.ReferralInputError as exc:
                _apply_errors(message_form, exc)
            except services.LifecycleError as exc:
                message_form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your question was sent to the desk."))
                return redirect(reverse("department:referral", args=[referral.pk]) + "#messages")
        status = 400
    elif posted == "answer":
        # An answer posted after the proposal closed (the page no longer offers the form).
        messages.error(request, _("The desk no longer takes answers to this referral."))
        status = 409
    elif request.method == "POST":
        status = 400  # a form this page does not have: show the page again
    proposal = referral.proposal
    return render(
        request,
        "proposals/referrals/department_referral.html",
        {
            "referral": referral,
            "proposal": proposal,
            "attachments": list(
                proposal.attachments.filter(message__isnull=True).order_by("created_at", "pk")
            ),
            "show_identity": rules.can_view_business_identity(user, proposal),
            "can_answer": can_answer,
            "answer_form": answer_form,
            "message_form": message_form,
            "today": dates.today(),
        },
        status=status,
    )
