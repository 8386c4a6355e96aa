"""Review pages: the reviewer's portal and scoring form, the desk's reviews of a proposal,
the ranking within a call and its result sheet (審査結果一覧).

Who gets in is decided by ``core.rules``; anyone else gets a 404, so a guessed id reveals
nothing. Changes go through ``reviews.services``; a refusal is shown with what was typed kept.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import audit, rules
from core.permissions import permission_required
from proposals.models import Proposal
from themes.models import Theme

from . import aggregates, selectors, services
from .documents import render_result_sheet, result_sheet_filename
from .forms import AssignForm, ConflictForm, ScoreForm, reviewer_choices
from .models import ReviewAssignment, Score

desk_only = permission_required("kyoso.manage_reviews")
reviewer_only = permission_required("kyoso.use_reviewer_portal")


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- The reviewer -------------------------------------------------------------------------------


@reviewer_only
@require_GET
def mine(request):
    assignments = list(selectors.assignments_for_reviewer(request.user))
    conflicted = ReviewAssignment.objects.filter(
        reviewer=request.user, conflict_declared=True
    ).count()
    return render(
        request,
        "reviews/mine.html",
        {
            "to_do": [a for a in assignments if not a.submitted_at and not a.closed_at],
            "done": [a for a in assignments if a.submitted_at or a.closed_at],
            "conflicted_count": conflicted,
        },
    )


def _others(assignment, rubric, criteria):
    """The other reviewers' submitted scores, anonymised (審査員A, B…), and the aggregate."""
    others = [
        a
        for a in selectors.assignments_of_proposal(assignment.proposal)
        if a.submitted_at and not a.conflict_declared and a.pk != assignment.pk
    ]
    names = aggregates.letters(len(others))
    return {
        "others": [
            {"name": name, "scores": {s.criterion_id: s for s in a.scores.all()}}
            for name, a in zip(names, others, strict=True)
        ],
        "aggregate": aggregates.aggregate_for(assignment.proposal),
    }


def _score_context(request, assignment, form=None, conflict_form=None, error=None):
    proposal = assignment.proposal
    rubric = services.rubric_for(proposal)
    criteria = list(rubric.criteria.all()) if rubric else []
    existing = {s.criterion_id: s for s in Score.objects.filter(assignment=assignment)}
    rubric_problem = services.rubric_problem(rubric, criteria)
    can_score = rules.can_review(request.user, assignment) and not assignment.submitted_at
    if form is None and rubric is not None:
        form = ScoreForm(rubric=rubric, criteria=criteria, scores=existing)
    show_identity = rules.can_view_business_identity(request.user, proposal)
    context = {
        "assignment": assignment,
        "proposal": proposal,
        "rubric": rubric,
        "criteria": criteria,
        "rubric_problem": rubric_problem,
        "form": form,
        "conflict_form": conflict_form or ConflictForm(),
        "can_score": can_score and not rubric_problem,
        "can_declare_conflict": can_score,
        "show_identity": show_identity,
        # In a blind call the business's files are not listed: their names and contents
        # often carry its name.
        "attachments": (
            [a for a in proposal.attachments.all() if a.message_id is None] if show_identity else []
        ),
        "existing": existing,
        "error": error,
        "see_others": rules.can_see_other_scores(request.user, assignment),
    }
    if context["see_others"]:
        context.update(_others(assignment, rubric, criteria))
    return context


@reviewer_only
@require_http_methods(["GET", "POST"])
def score(request, pk: int):
    assignment = selectors.reviewer_assignment(request.user, pk)
    if assignment is None:
        raise Http404
    if request.method == "GET":
        audit.record(
            request.user, "view_for_review", f"proposal:{assignment.proposal_id}", request=request
        )
        return render(request, "reviews/score.html", _score_context(request, assignment))

    rubric = services.rubric_for(assignment.proposal)
    if rubric is None:
        raise Http404
    form = ScoreForm(request.POST, rubric=rubric, criteria=rubric.criteria.all())
    form.is_valid()
    submit = "submit" in request.POST
    try:
        services.save_scores(assignment, request.user, form.scores(), submit=submit)
    except services.ReviewError as exc:
        for key, message in exc.errors.items():
            name = f"value_{key}" if key is not None else None
            form.add_error(name if name in form.fields else None, message)
        if not exc.errors:
            form.add_error(None, exc.message)
        messages.error(request, exc.message)
        return render(
            request,
            "reviews/score.html",
            _score_context(request, assignment, form=form, error=exc.message),
            status=400,
        )
    if submit:
        messages.success(request, _("Your review has been submitted. Thank you."))
    else:
        messages.success(
            request, _("Your scores have been saved as a draft; submit them when you are done.")
        )
    return redirect("reviews:score", pk=assignment.pk)


@reviewer_only
@require_POST
def conflict(request, pk: int):
    assignment = selectors.reviewer_assignment(request.user, pk)
    if assignment is None:
        raise Http404
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.declare_conflict(assignment, request.user, form.cleaned_data["note"])
        except services.ReviewError as exc:
            form.add_error("note" if "note" in exc.errors else None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Your conflict of interest has been recorded and the "
                    "desk has been told. You no longer see this proposal."
                ),
            )
            return redirect("reviews:mine")
    return render(
        request,
        "reviews/score.html",
        _score_context(request, assignment, conflict_form=form),
        status=400,
    )


# --- The desk -----------------------------------------------------------------------------------


def _desk_proposal(request, pk: int) -> Proposal:
    proposal = (
        Proposal.objects.select_related("organization", "programme", "theme__rubric", "lead")
        .filter(pk=pk)
        .first()
    )
    if (
        proposal is None
        or proposal.state == "draft"
        or not rules.can_view_proposal(request.user, proposal)
    ):
        raise Http404
    return proposal


@desk_only
@require_GET
def desk(request, pk: int):
    proposal = _desk_proposal(request, pk)
    rubric = services.rubric_for(proposal)
    criteria = list(rubric.criteria.all()) if rubric else []
    assignments = list(selectors.assignments_of_proposal(proposal))
    aggregate = aggregates.aggregate_for(proposal)
    rows = [
        {
            "assignment": a,
            "scores": [({s.criterion_id: s for s in a.scores.all()}).get(c.pk) for c in criteria],
            "total": aggregate.reviewer_totals.get(a.reviewer_id),
        }
        for a in assignments
    ]
    assigned_ids = {a.reviewer_id for a in assignments}
    return render(
        request,
        "reviews/desk.html",
        {
            "proposal": proposal,
            "rubric": rubric,
            "rubric_problem": services.rubric_problem(rubric, criteria),
            "criteria": criteria,
            "criterion_means": [aggregate.criterion_means.get(c.pk) for c in criteria],
            "rows": rows,
            "aggregate": aggregate,
            "candidates": [u for u in reviewer_choices() if u.pk not in assigned_ids],
            "round_closed": any(a.closed_at for a in assignments),
        },
    )


@desk_only
@require_POST
def assign(request):
    form = AssignForm(request.POST)
    proposals = list(
        Proposal.objects.filter(pk__in=request.POST.getlist("proposals")).select_related(
            "theme__rubric", "organization"
        )
    )
    if len(proposals) == 1:
        fallback = reverse("reviews:desk", args=[proposals[0].pk])
    elif proposals and proposals[0].theme_id:
        fallback = reverse("reviews:ranking", args=[proposals[0].theme_id])
    else:
        fallback = reverse("desk:inbox")
    target = _safe_next(request, fallback)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(target)
    try:
        created = services.assign_reviewers(
            form.cleaned_data["proposals"], form.cleaned_data["reviewers"], request.user
        )
    except services.ReviewError as exc:
        messages.error(request, exc.message)
        return redirect(target)
    messages.success(
        request,
        _("%(count)s review assignments made; the reviewers have been e-mailed.")
        % {"count": len(created)},
    )
    return redirect(target)


@desk_only
@require_POST
def close(request):
    theme_id = request.POST.get("theme")
    if theme_id:
        theme = get_object_or_404(Theme, pk=theme_id) if str(theme_id).isdigit() else None
        if theme is None:
            raise Http404
        target, fallback = theme, reverse("reviews:ranking", args=[theme.pk])
    else:
        ids = [i for i in request.POST.getlist("proposals") if str(i).isdigit()]
        target = [p for p in Proposal.objects.filter(pk__in=ids).exclude(state="draft")]
        if not target:
            raise Http404
        fallback = reverse("reviews:desk", args=[target[0].pk])
    count = services.close_round(target, request.user)
    messages.success(
        request,
        _("The review round is closed (%(count)s reviews); scores can no longer change.")
        % {"count": count},
    )
    return redirect(_safe_next(request, fallback))


@desk_only
@require_GET
def ranking(request, pk: int):
    theme = get_object_or_404(Theme.objects.select_related("rubric", "department"), pk=pk)
    rows = aggregates.theme_ranking(theme)
    rubric = theme.rubric or services.default_rubric()
    return render(
        request,
        "reviews/ranking.html",
        {
            "theme": theme,
            "rows": rows,
            "rubric": rubric,
            "rubric_problem": services.rubric_problem(rubric),
            "reviewers": reviewer_choices(),
            "round_closed": ReviewAssignment.objects.filter(
                proposal__theme=theme, closed_at__isnull=False
            ).exists(),
        },
    )


@desk_only
@require_GET
def result_pdf(request, pk: int):
    theme = get_object_or_404(Theme.objects.select_related("rubric", "department"), pk=pk)
    pdf = render_result_sheet(theme)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = result_sheet_filename(theme)
    response["Content-Disposition"] = (
        f"attachment; filename=\"result-sheet-{theme.pk}.pdf\"; filename*=UTF-8''{quote(name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
