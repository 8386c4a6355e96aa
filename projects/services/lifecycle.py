"""The agreement, the field and completion: the proposal moves (its lifecycle is the one
owner of what follows adoption), and the public pages follow."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rules, uploads
from proposals.services import LifecycleError, transition_proposal

from .. import public_cache
from ..models import (
    Project,
)
from .base import ProjectError, _check_dates, _require
from .public import create_project_for

# --- the agreement, the field, completion: the proposal moves, the project follows ----------


def _transition(project: Project, action: str, actor, **kwargs):
    try:
        return transition_proposal(project.proposal, action, actor, **kwargs)
    except LifecycleError as error:
        raise ProjectError(error.message) from None


def record_agreement(
    project: Project, actor, *, agreement_date: dt.date, document=None, note: str = ""
) -> Project:
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


def complete(
    project: Project,
    actor,
    *,
    outcome: str,
    outcome_summary: str = "",
    outcome_summary_en: str = "",
    note: str = "",
) -> Project:
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
