"""The proposal's documents and files: the receipt (受付票), the decision notice, the summary
sheet (提案概要書) as PDFs, and the files attached to a proposal — each served only to whom
``core.rules`` allows, as a download, and, when the city opens it, written to the audit log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from core import audit, rules, uploads

from . import documents, selectors
from .models import Attachment


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF as a download with its Japanese name, never sniffed, never cached."""
    return uploads.download_response(content, filename, "application/pdf")


@login_required
@require_GET
def receipt_pdf(request, pk: int):
    proposal = selectors.proposal_detail(request.user, pk)
    if proposal is None or not rules.can_view_receipt(request.user, proposal):
        raise Http404
    return _pdf_response(documents.render_receipt_pdf(proposal), documents.pdf_filename(proposal))


@login_required
@require_GET
def notice_pdf(request, pk: int):
    """The decision notice (採択通知書 / 不採択通知書): the business and the desk."""
    proposal = selectors.proposal_detail(request.user, pk)
    if proposal is None or not rules.can_view_decision_notice(request.user, proposal):
        raise Http404
    try:
        content = documents.render_decision_notice_pdf(proposal)
    except ValueError:  # no decision recorded: nothing to show
        raise Http404 from None
    if not rules.is_own_organization(request.user, proposal):
        audit.record(request.user, "notice_pdf", f"proposal:{pk}", request=request)
    return _pdf_response(content, documents.notice_filename(proposal))


@login_required
@require_GET
def summary_pdf(request, pk: int):
    """The summary sheet (提案概要書) for internal meetings: the desk only."""
    proposal = selectors.proposal_detail(request.user, pk)
    if (
        proposal is None
        or not proposal.receipt_number
        or not rules.can_use_back_office(request.user)
    ):
        raise Http404
    audit.record(request.user, "summary_pdf", f"proposal:{pk}", request=request)
    return _pdf_response(
        documents.render_summary_pdf(proposal), documents.summary_filename(proposal)
    )


@login_required
@require_GET
def download(request, pk: int, attachment_id: int):
    attachment = get_object_or_404(
        Attachment.objects.select_related("proposal", "message"), pk=attachment_id, proposal_id=pk
    )
    if not rules.can_download_attachment(request.user, attachment):
        raise Http404
    if not rules.is_own_organization(request.user, attachment.proposal):
        audit.record(
            request.user,
            "download_file",
            f"proposal:{pk}",
            detail=f"attachment:{attachment.pk}",
            request=request,
        )
    return uploads.download_response(
        attachment.file, attachment.original_name, attachment.content_type
    )
