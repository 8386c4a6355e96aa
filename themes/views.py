"""Pages of themed calls and presented issues.

Public: the list, each call's page with its documents and Q&A, the question form for
signed-in businesses. Desk (``rules.can_manage_themes``; everyone else gets 404): the list of
all calls, create and edit with documents, and the questions to answer and publish.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import rules, uploads
from core.antispam import rate_limit
from core.arrival import arrival

from . import selectors, services
from .forms import AnswerForm, DocumentForm, QuestionForm, ThemeForm
from .models import Theme, ThemeDocument, ThemeQuestion

# --- public ---------------------------------------------------------------------------------


@require_GET
def theme_list(request):
    now = timezone.now()
    return render(
        request, "themes/list.html", {"groups": selectors.public_theme_groups(now), "now": now}
    )


def _detail_context(request, theme, question_form=None, when=None):
    when = when or timezone.now()
    user = request.user
    return {
        "theme": theme,
        "title": selectors.localized_title(theme),
        "status": selectors.with_status(theme, when).current_status,
        "is_open": theme.is_open_at(when),
        "accepts_questions": theme.accepts_questions_at(when),
        "can_ask": rules.can_ask_about_theme(user, theme, when),
        "question_form": question_form or QuestionForm(),
        "documents": theme.documents.all(),
        "answers": selectors.published_answers(theme),
        "own_questions": selectors.own_questions(theme, user),
        "question_end": theme.questions_until or theme.closes_at,
        "can_manage": rules.can_edit_theme(user, theme),
        "programme_problems": [],
    }


@require_GET
def theme_detail(request, pk: int):
    theme = selectors.theme_for_viewer(request.user, pk)
    if theme is None:
        raise Http404
    return render(request, "themes/detail.html", _detail_context(request, theme))


@require_GET
def document(request, pk: int, document_id: int):
    theme = selectors.theme_for_viewer(request.user, pk)
    if theme is None:
        raise Http404
    doc = get_object_or_404(ThemeDocument, pk=document_id, theme=theme)
    # The call's documents are public: a cache may keep them.
    return uploads.download_response(doc.file, doc.original_name, "application/pdf", private=False)


@rate_limit("message")
@never_cache
@require_POST
def ask(request, pk: int):
    """A signed-in business asks; after the question period the text is kept and shown."""
    when = arrival(request)  # the moment the request reached us decides (core.arrival)
    theme = selectors.theme_for_viewer(request.user, pk)
    if theme is None or not theme.is_published:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("themes:detail", args=[theme.pk]))
    if not rules.can_use_business_portal(request.user):
        raise Http404
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.ask_question(theme, request.user, form.cleaned_data["question"], when=when)
        except ValidationError as exc:
            form.add_error(None if exc.code == "question_period" else "question", exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _(
                    "Your question was sent to the desk. Its answer will be "
                    "published on this page for everyone."
                ),
            )
            return redirect(reverse("themes:detail", args=[theme.pk]) + "#qa")
    for error in form.non_field_errors():
        messages.error(request, error)
    context = _detail_context(request, theme, question_form=form, when=when)
    context["show_question_form"] = True  # keep the typed text in front of the user
    return render(request, "themes/detail.html", context, status=400)


# --- desk -----------------------------------------------------------------------------------


def _desk(request):
    """The management pages: the desk, and department members for the issues they present."""
    if not rules.can_present_issues(request.user):
        raise Http404


def _editable(request, pk: int) -> Theme:
    theme = get_object_or_404(Theme.objects.select_related("department", "programme"), pk=pk)
    if not rules.can_edit_theme(request.user, theme):
        raise Http404
    return theme


def _theme_form(request, *args, **kwargs) -> ThemeForm:
    form = ThemeForm(*args, **kwargs)
    if not rules.can_manage_themes(request.user):
        # A department presents issues of its own: kind and department are fixed.
        for name in ("kind", "department"):
            form.fields[name].disabled = True
        form.fields["kind"].initial = Theme.Kind.ISSUE
        form.fields["department"].initial = request.user.department_id
    return form


@login_required
def manage(request):
    _desk(request)  # before anything else: others learn nothing, not even the methods
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    now = timezone.now()
    themes = list(selectors.desk_themes(request.user))
    for theme in themes:
        selectors.with_status(theme, now)
    return render(request, "themes/manage.html", {"themes": themes})


def _theme_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.THEME_FIELDS if name in form.fields}


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def create(request):
    _desk(request)
    form = _theme_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.create_theme(request.user, **_theme_fields(form))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The call is saved. Add its documents below."))
            return redirect("themes:edit", pk=theme.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "themes/form.html", {"form": form, "theme": None}, status=status)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    _desk(request)
    theme = _editable(request, pk)
    form = _theme_form(request, instance=theme)
    document_form = DocumentForm()
    status = 200
    if request.method == "POST":
        part = request.POST.get("part", "theme")
        if part == "document":
            document_form = DocumentForm(request.POST, request.FILES)
            if document_form.is_valid():
                try:
                    services.add_document(
                        theme,
                        request.user,
                        document_form.cleaned_data["file"],
                        document_form.cleaned_data["title"],
                    )
                except ValidationError as exc:
                    document_form.add_error("file", exc)
                else:
                    messages.success(request, _("The document is published with the call."))
                    return redirect("themes:edit", pk=theme.pk)
            status = 400
        elif part == "remove_document":
            doc = get_object_or_404(ThemeDocument, pk=request.POST.get("document"), theme=theme)
            services.remove_document(doc, request.user)
            messages.success(request, _("“%(title)s” was removed.") % {"title": doc.title})
            return redirect("themes:edit", pk=theme.pk)
        else:
            form = _theme_form(request, request.POST, instance=theme)
            if form.is_valid():
                try:
                    services.update_theme(theme, request.user, **_theme_fields(form))
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(request, _("The call is saved."))
                    return redirect("themes:edit", pk=theme.pk)
            status = 400
    return render(
        request,
        "themes/form.html",
        {
            "form": form,
            "theme": theme,
            "document_form": document_form,
            "documents": theme.documents.all(),
        },
        status=status,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def questions(request, pk: int):
    _desk(request)
    theme = _editable(request, pk)
    failed_form, failed_id = None, None
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            question = get_object_or_404(
                ThemeQuestion, pk=form.cleaned_data["question_id"], theme=theme
            )
            try:
                services.answer_question(
                    question,
                    request.user,
                    form.cleaned_data["answer"],
                    publish=form.cleaned_data["publish"],
                )
            except ValidationError as exc:
                form.add_error("answer", exc)
            else:
                messages.success(
                    request,
                    _("The answer is published.")
                    if question.published_at
                    else _("The answer is saved, not published."),
                )
                return redirect(
                    reverse("themes:questions", args=[theme.pk]) + f"#question-{question.pk}"
                )
        failed_form = form
        failed_id = form.data.get("question_id")
    rows = []
    for question in selectors.desk_questions(theme):
        if failed_form is not None and str(question.pk) == str(failed_id):
            row_form = failed_form
        else:
            row_form = AnswerForm(
                initial={
                    "question_id": question.pk,
                    "answer": question.answer,
                    "publish": question.published_at is not None or not question.answer,
                },
                prefix=None,
                auto_id=f"id_q{question.pk}_%s",
            )
        rows.append((question, row_form))
    if failed_form is not None:
        failed_form.auto_id = f"id_q{failed_id}_%s"
    return render(
        request,
        "themes/questions.html",
        {"theme": theme, "rows": rows},
        status=400 if failed_form is not None else 200,
    )
