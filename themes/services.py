"""Every write about themed calls and presented issues: one function per use case.

Views, the admin and commands call these; the checks (who may, what is valid) live here so
no caller can skip them. Errors are ``ValidationError`` with messages in the active language.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rules, uploads

from .models import Theme, ThemeDocument, ThemeQuestion
from .selectors import jst_text

#: Fields the desk edits through ``create_theme`` / ``update_theme``.
THEME_FIELDS = (
    "kind",
    "title",
    "title_en",
    "background",
    "sought",
    "description_en",
    "department",
    "programme",
    "opens_at",
    "closes_at",
    "questions_until",
    "results_announced_at",
    "allows_sole_proprietors",
    "startups_only",
    "planned_adoptions",
    "rubric",
    "is_blind",
    "is_published",
)
MAX_QUESTION_LENGTH = 4000


def _require_editor(actor, theme: Theme) -> None:
    if not rules.can_edit_theme(actor, theme):
        raise PermissionDenied(_("You may change only the issues your department presents."))


def _department_issue(actor, fields: dict) -> dict:
    """A department presents issues, and only for itself: kind and department are fixed."""
    if actor is not None and getattr(actor, "is_department_member", False):
        fields = {**fields, "kind": Theme.Kind.ISSUE, "department": actor.department}
    return fields


def period_errors(opens_at, closes_at, questions_until=None, results_announced_at=None) -> dict:
    """Why these dates do not make a call, by field (empty when they do)."""
    errors: dict[str, str] = {}
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = _(
            "The call must close after it opens: it opens at %(opens)s, but the closing you "
            "entered is %(closes)s."
        ) % {"opens": jst_text(opens_at), "closes": jst_text(closes_at)}
    if (
        questions_until
        and opens_at
        and closes_at
        and "closes_at" not in errors
        and not (opens_at < questions_until <= closes_at)
    ):
        errors["questions_until"] = _(
            "The question period must end while the call is open: between %(opens)s and %(closes)s."
        ) % {"opens": jst_text(opens_at), "closes": jst_text(closes_at)}
    if results_announced_at and closes_at and results_announced_at < closes_at:
        errors["results_announced_at"] = _(
            "Results can only be announced after the call closes (%(closes)s)."
        ) % {"closes": jst_text(closes_at)}
    return errors


def _validate(theme: Theme) -> None:
    errors = period_errors(
        theme.opens_at, theme.closes_at, theme.questions_until, theme.results_announced_at
    )
    try:
        theme.full_clean(validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)


def create_theme(actor, **fields) -> Theme:
    """A new call or presented issue, checked before it is saved. A department member
    presents an issue of its own department."""
    if not rules.can_present_issues(actor):
        raise PermissionDenied(_("Only the desk and departments can present issues."))
    unknown = set(fields) - set(THEME_FIELDS)
    if unknown:
        raise TypeError(f"Unknown theme fields: {sorted(unknown)}")
    theme = Theme(**_department_issue(actor, fields))
    _validate(theme)
    theme.save()
    return theme


def update_theme(theme: Theme, actor, **fields) -> Theme:
    """Change a theme; nothing is saved unless the whole is valid."""
    _require_editor(actor, theme)
    unknown = set(fields) - set(THEME_FIELDS)
    if unknown:
        raise TypeError(f"Unknown theme fields: {sorted(unknown)}")
    fields = _department_issue(actor, fields)
    original = {name: getattr(theme, name) for name in fields}
    for name, value in fields.items():
        setattr(theme, name, value)
    try:
        _validate(theme)
    except ValidationError:
        for name, value in original.items():  # the caller's object stays as it was saved
            setattr(theme, name, value)
        raise
    theme.save()
    return theme


def add_document(theme: Theme, actor, uploaded, title: str = "") -> ThemeDocument:
    """Publish a document of the call (募集要項 …): PDF only, checked by its content."""
    _require_editor(actor, theme)
    info = uploads.inspect_upload(uploaded)  # raises for empty, too large, wrong content
    if info.kind != "pdf":
        raise ValidationError(
            _("“%(name)s” is not a PDF. Call documents are published as PDF only."),
            code="not_pdf",
            params={"name": info.original_name},
        )
    title = (title or "").strip() or info.original_name.rsplit(".", 1)[0]
    last = theme.documents.order_by("-sort_order").values_list("sort_order", flat=True).first()
    document = ThemeDocument(
        theme=theme,
        title=title[:200],
        original_name=info.original_name,
        size=info.size,
        sort_order=(last or 0) + 1,
    )
    # A random stored name: the original name is kept only for display and download.
    document.file.save(f"{uuid.uuid4().hex}.pdf", uploaded, save=False)
    document.save()
    return document


def remove_document(document: ThemeDocument, actor) -> None:
    _require_editor(actor, document.theme)
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))


def ask_question(theme: Theme, user, text: str, when=None) -> ThemeQuestion:
    """A business asks during the question period; outside it, nothing is saved."""
    when = when or timezone.now()
    text = (text or "").strip()
    if not (rules.can_use_business_portal(user) and theme.is_published):
        raise PermissionDenied(_("Only a registered business can ask about a call."))
    if not rules.can_ask_about_theme(user, theme, when):
        end = theme.questions_until or theme.closes_at
        if when < theme.opens_at:
            message = _(
                "Questions can be asked from %(opens)s, when the call opens. Your "
                "question was not sent."
            ) % {"opens": jst_text(theme.opens_at)}
        else:
            message = _(
                "The question period ended at %(end)s (Japan time). Your question was not sent."
            ) % {"end": jst_text(end)}
        raise ValidationError(message, code="question_period")
    if not text:
        raise ValidationError(_("Write your question."), code="required")
    if len(text) > MAX_QUESTION_LENGTH:
        raise ValidationError(
            _("A question may have at most %(max)d characters.") % {"max": MAX_QUESTION_LENGTH},
            code="max_length",
        )
    return ThemeQuestion.objects.create(theme=theme, asked_by=user, question=text, asked_at=when)


def answer_question(
    question: ThemeQuestion, user, answer: str, publish: bool = True
) -> ThemeQuestion:
    """The desk (or the department presenting the issue) answers; published answers are shown
    to everyone without the asker."""
    _require_editor(user, question.theme)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(_("Write the answer."), code="required")
    question.answer = answer
    question.answered_by = user
    if publish:
        question.published_at = question.published_at or timezone.now()
    else:
        question.published_at = None
    question.save(update_fields=["answer", "answered_by", "published_at"])
    return question
