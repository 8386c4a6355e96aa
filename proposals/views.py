"""Proposal pages shared by every signed-in role; what each sees comes from core.rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import audit, rules
from core.antispam import rate_limit

from . import panels, selectors, services, stats
from .forms import MessageForm, TransitionForm
from .intake_views import keep_post_through_login
from .models import ReasonTemplate
from .referral_selectors import referral_panel_context


@login_required
@require_GET
def proposal_list(request):
    user = request.user
    page = Paginator(selectors.proposals_for(user), 50).get_page(request.GET.get("page"))
    for proposal in page:
        # The list shows only proposals the user may see; a blind call's reviewer still does
        # not learn who proposed (core.rules).
        proposal.identity_hidden = rules.identity_hidden_by_blind_review(user, proposal)
    business_view = rules.can_use_business_portal(user)
    return render(
        request,
        "proposals/list.html",
        {
            "page": page,
            "business_view": business_view,
            # A business's own list needs no column naming itself.
            "show_business": not business_view,
        },
    )


@login_required
@require_GET
def proposal_detail(request, pk: int):
    proposal = selectors.proposal_detail(request.user, pk)
    if proposal is None:
        # 404, not 403: a guessed id must not reveal that the proposal exists.
        raise Http404
    if not rules.is_own_organization(request.user, proposal):
        audit.record(request.user, "view_proposal", f"proposal:{pk}", request=request)
    return render(request, "proposals/detail.html", detail_context(request, proposal))


def detail_context(request, proposal, form=None, message_form=None):
    """Everything the detail page shows ``request.user``, each part gated by core.rules."""
    user = request.user
    dialogue = rules.can_read_dialogue(user, proposal)
    allow_internal = rules.can_view_internal_notes(user, proposal)
    actions = services.available_actions(proposal, user)
    own = rules.is_own_organization(user, proposal)
    if own:
        # The business submits and resubmits from the intake pages, with the summary in view.
        actions = [a for a in actions if a.name not in ("submit", "resubmit")]
    # The agreement, the field and completion are recorded on the project's desk page, with
    # their dates, documents and public outcome: never as bare transitions here.
    actions = [a for a in actions if a.name not in PROJECT_ACTIONS]
    desk = rules.can_use_back_office(user)
    templates: dict[str, list] = {}
    if desk and actions:
        for template in ReasonTemplate.objects.filter(is_active=True):
            templates.setdefault(template.action, []).append(template)
    duty = stats.duty_context(proposal) if desk else {}
    leads = [u for u in services.desk_users() if u.is_active] if desk else []
    return {
        "show_notice": rules.can_view_decision_notice(user, proposal),
        "leads": leads,
        **duty,
        **referral_panel_context(user, proposal),
        "panels": panels.panels_for(user, proposal),
        "proposal": proposal,
        "desk_view": desk,
        "reason_templates": templates,
        "business_view": own,
        "show_full_log": rules.can_view_full_log(user, proposal),
        "show_identity": rules.can_view_business_identity(user, proposal),
        "can_edit": rules.can_edit_proposal(user, proposal),
        "actions": actions,
        "form": form,
        # A blind call hides the business from reviewers, and file names often name it.
        "attachments": [a for a in proposal.attachments.all() if a.message_id is None]
        if rules.can_view_business_identity(user, proposal)
        else [],
        "dialogue": selectors.dialogue_for(user, proposal) if dialogue else None,
        "message_form": message_form
        or (MessageForm(allow_internal=allow_internal) if dialogue else None),
    }


#: Lifecycle actions taken on the project's desk page (``project_desk:detail``).
PROJECT_ACTIONS = frozenset({"conclude_agreement", "start_field", "complete"})


@login_required
@require_POST
def proposal_transition(request, pk: int):
    proposal = selectors.proposal_detail(request.user, pk)
    if proposal is None:
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid():
        # Show the refusal on the page with what was typed, not on a blank one.
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        context = detail_context(request, proposal, form=form)
        context["failed_action"] = request.POST.get("action", "")
        return render(request, "proposals/detail.html", context, status=400)
    data = form.cleaned_data
    if data["action"] in PROJECT_ACTIONS:
        messages.error(
            request,
            _(
                "Record the agreement, the start in the field and the "
                "completion on the project's page."
            ),
        )
        context = detail_context(request, proposal, form=form)
        return render(request, "proposals/detail.html", context, status=400)
    if "insert_template" in request.POST:
        # Without JavaScript: put the chosen wording into the reason box, take no action yet.
        template = ReasonTemplate.objects.filter(
            pk=request.POST.get("template") or 0, action=data["action"], is_active=True
        ).first()
        if template is not None:
            typed = (data["reason"] or "").strip()
            data_copy = request.POST.copy()
            data_copy["reason"] = f"{typed}\n{template.body}".strip() if typed else template.body
            form = TransitionForm(data_copy)
            form.is_valid()
        context = detail_context(request, proposal, form=form)
        context["failed_action"] = data["action"]
        return render(request, "proposals/detail.html", context)
    try:
        services.transition_proposal(
            proposal,
            data["action"],
            request.user,
            reason=data["reason"],
            note=data["note"],
            outcome=data["outcome"],
            expected_state=data["expected_state"],
        )
    except services.LifecycleError as exc:
        messages.error(request, exc.message)
        # Re-render with what was typed, so a long reason is never lost to a refusal.
        proposal = selectors.proposal_detail(request.user, pk)
        if proposal is None:
            raise Http404 from None
        context = detail_context(request, proposal, form=form)
        context["failed_action"] = data["action"]
        status = (
            409
            if isinstance(exc, services.ConflictingChange)
            else 403
            if isinstance(exc, services.NotPermitted)
            else 400
        )
        return render(request, "proposals/detail.html", context, status=status)
    own = rules.is_own_organization(request.user, proposal)
    label = proposal.business_label if own else proposal.internal_label
    messages.success(request, _("Done. The proposal is now “%(state)s”.") % {"state": label})
    return redirect("proposals:detail", pk=pk)


@login_required
@require_POST
def assign_lead(request, pk: int):
    """The desk names (or removes) the lead of one proposal from its page."""
    proposal = selectors.proposal_detail(request.user, pk)
    if proposal is None or not rules.can_use_back_office(request.user):
        raise Http404
    choice = request.POST.get("lead", "")
    lead = None
    if choice != "none":
        lead = next((u for u in services.desk_users() if str(u.pk) == choice and u.is_active), None)
        if lead is None:
            messages.error(request, _("Choose who should lead this proposal."))
            return redirect("proposals:detail", pk=pk)
    try:
        services.assign_lead([proposal.pk], lead, request.user)
    except services.InboxActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The lead is now %(name)s.") % {"name": lead.full_name or lead.email}
            if lead
            else _("The lead was removed."),
        )
    return redirect("proposals:detail", pk=pk)


@rate_limit("message")
@keep_post_through_login
@require_POST
def post_message(request, pk: int):
    proposal = selectors.proposal_detail(request.user, pk)
    if proposal is None or not rules.can_read_dialogue(request.user, proposal):
        raise Http404
    form = MessageForm(
        request.POST,
        request.FILES,
        allow_internal=rules.can_view_internal_notes(request.user, proposal),
    )
    if form.is_valid():
        try:
            services.post_message(
                proposal,
                request.user,
                form.cleaned_data["body"],
                visibility=form.cleaned_data.get("visibility", "business"),
                files=form.cleaned_data["files"],
                idempotency_key=form.idempotency_key,
            )
        except ValidationError as exc:
            form.add_error("files", exc)
        except services.LifecycleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Message sent."))
            return redirect(reverse("proposals:detail", args=[pk]) + "#dialogue")

    context = detail_context(request, proposal, message_form=form)
    return render(request, "proposals/detail.html", context, status=400)
