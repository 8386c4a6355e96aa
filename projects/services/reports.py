"""The partner business's progress and final reports, and the desk's review of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rules, uploads
from core.audit import record

from .. import notifications
from ..models import (
    Project,
    Report,
    ReportAttachment,
    ReportFigure,
    ReportState,
)
from .base import ProjectError, _require

# --- reports --------------------------------------------------------------------------------

#: The same report (or booking) sent again within this time is the one already received.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)


def submit_report(
    project: Project,
    actor,
    *,
    kind: str,
    body: str,
    figures: list[tuple[str, str, str]] = (),
    files=(),
) -> Report:
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
            raise ValidationError(
                {"figures": _("“%(value)s” is not a number.") % {"value": value}}
            ) from None
        if not label:
            raise ValidationError({"figures": _("Say what each figure measures.")})
        clean_figures.append((label, number, unit))
    infos = [(uploaded, uploads.inspect_upload(uploaded)) for uploaded in files]
    uploads.check_total(0, [info.size for _f, info in infos])
    with transaction.atomic():
        # A double click, or the form sent again after a slow upload: the same text from the
        # same person within minutes is the report already received, not a second one.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        same = (
            Report.objects.filter(
                project=project,
                kind=kind,
                body=body,
                submitted_by=actor,
                submitted_at__gte=timezone.now() - DUPLICATE_WINDOW,
            )
            .order_by("-pk")
            .first()
        )
        if same is not None:
            return same
        report = Report.objects.create(project=project, kind=kind, body=body, submitted_by=actor)
        ReportFigure.objects.bulk_create(
            [
                ReportFigure(report=report, label=label, value=value, unit=unit, position=index)
                for index, (label, value, unit) in enumerate(clean_figures)
            ]
        )
        for uploaded, info in infos:
            attachment = ReportAttachment(
                report=report,
                original_name=info.original_name,
                content_type=info.content_type,
                size=info.size,
            )
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
