"""The proposal's official documents as PDF: the receipt (受付票), the summary sheet (提案概要書)
and the decision notice (採択通知書 / 不採択通知書).

Each is a template under ``templates/proposals/pdf/`` made by ``core.documents.render_pdf``.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from core.dates import wareki_fiscal_year
from core.documents import document_moment, render_pdf


def _require_receipt(proposal) -> None:
    if not proposal.receipt_number or not proposal.submitted_at:
        raise ValueError("A draft has no receipt: submit the proposal first.")


def pdf_filename(proposal) -> str:
    """受付票_KD-2026-00042.pdf"""
    _require_receipt(proposal)
    return f"受付票_{proposal.receipt_number}.pdf"


def receipt_context(proposal) -> dict:
    """What the receipt shows; a separate function so a HTML preview can reuse it."""
    _require_receipt(proposal)
    organization = proposal.organization
    submission = (
        proposal.transitions.filter(action="submit")
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    submitter = submission.actor if submission and submission.actor else proposal.created_by
    consents = [
        {
            "title": consent.document.title,
            "version": consent.document.version,
            **{f"accepted_{k}": v for k, v in document_moment(consent.accepted_at).items()},
        }
        for consent in proposal.consents.select_related("document").order_by(
            "document__kind", "accepted_at"
        )
    ]
    fiscal = proposal.fiscal_year
    return {
        "proposal": proposal,
        "organization": organization,
        "submitter_name": getattr(submitter, "full_name", "") or "",
        "received": document_moment(proposal.submitted_at),
        "issued": document_moment(timezone.now()),
        "fiscal_year_text": f"{fiscal}年度（{wareki_fiscal_year(fiscal)}）" if fiscal else "",
        "kind_label": proposal.get_kind_display(),
        "programme_name": proposal.programme.name,
        "theme_title": proposal.theme.title if proposal.theme_id else "",
        "consents": consents,
    }


def render_receipt_pdf(proposal) -> bytes:
    """The receipt (受付票) of a submitted proposal or consultation, A4, in Japanese.

    Raises ``ValueError`` for a draft, which has no receipt number yet.
    """
    _require_receipt(proposal)
    with translation.override("ja"):
        context = receipt_context(proposal)
        return render_pdf("proposals/pdf/receipt.html", context, language="ja")


def summary_filename(proposal) -> str:
    """提案概要書_KD-2026-00042.pdf"""
    _require_receipt(proposal)
    return f"提案概要書_{proposal.receipt_number}.pdf"


def summary_context(proposal) -> dict:
    """What the summary sheet shows: the proposal, the departments' opinions, the history.

    For the city's internal decision meetings: it includes what the business marked
    confidential (marked as such), and never leaves the back office.
    """
    _require_receipt(proposal)
    asks = [
        label
        for flag, label in [
            (proposal.ask_field, "フィールド（施設・道路・学校等）の提供"),
            (proposal.ask_data, "市のデータの提供"),
            (proposal.ask_publicity, "市による広報"),
            (proposal.ask_deregulation, "規制緩和・ルールの変更"),
        ]
        if flag
    ]
    if proposal.ask_other:
        asks.append(proposal.ask_other)
    referrals = list(
        proposal.referrals.select_related("department", "answered_by").order_by("created_at", "pk")
    )
    history = [
        {
            "when": document_moment(entry.created_at),
            "from": entry.get_from_state_display(),
            "to": entry.get_to_state_display(),
            "reason": entry.reason,
        }
        for entry in proposal.transitions.order_by("created_at", "pk")
    ]
    fiscal = proposal.fiscal_year
    return {
        "proposal": proposal,
        "organization": proposal.organization,
        "received": document_moment(proposal.submitted_at),
        "issued": document_moment(timezone.now()),
        "fiscal_year_text": f"{fiscal}年度（{wareki_fiscal_year(fiscal)}）" if fiscal else "",
        "state_label": proposal.internal_label,
        "asks": asks,
        "departments": [d.name for d in proposal.desired_departments.all()],
        "referrals": referrals,
        "history": history,
        "confidential": set(proposal.confidential_fields or []),
        "lead_name": proposal.lead.full_name if proposal.lead_id else "",
    }


def render_summary_pdf(proposal) -> bytes:
    """The summary sheet (提案概要書) for the city's internal decision meetings, in Japanese."""
    _require_receipt(proposal)
    with translation.override("ja"):
        return render_pdf("proposals/pdf/summary.html", summary_context(proposal), language="ja")


# --- decision notices (採択通知書 / 不採択通知書) -----------------------------------------------

#: The states of a proposal that was decided and has a notice: adopted (and every state after
#: adoption: the agreement, the field and completion keep the adoption's notice) or declined.
NOTICE_STATES = {
    "adopted": ("adopted", "agreement", "in_field", "completed"),
    "declined": ("declined",),
}
NOTICE_TITLES = {"adopted": "採択通知書", "declined": "不採択通知書"}


def decision_of(proposal) -> str:
    """The decision a notice reports, ``"adopted"`` or ``"declined"``.

    Raises ``ValueError`` for a proposal that has no decision notice (never decided, not
    accepted at intake, withdrawn, closed) or whose decision was not recorded.
    """
    for decision, states in NOTICE_STATES.items():
        if proposal.state in states:
            if proposal.decided_at is None or not proposal.receipt_number:
                raise ValueError("The decision of this proposal was not recorded.")
            return decision
    raise ValueError("Only an adopted or declined proposal has a decision notice.")


def notice_filename(proposal) -> str:
    """採択通知書_KD-2026-00042.pdf or 不採択通知書_KD-2026-00042.pdf"""
    return f"{NOTICE_TITLES[decision_of(proposal)]}_{proposal.receipt_number}.pdf"


def _issuer_title(municipality: str) -> str:
    """Who signs the decision: the head of the municipality (共創市 → 共創市長)."""
    return f"{municipality}長" if municipality.endswith(("市", "町", "村", "区")) else municipality


def decision_notice_context(proposal) -> dict:
    """What the notice shows; reads only the proposal, its organisation, programme, theme
    and lead (all usually loaded already)."""
    decision = decision_of(proposal)
    organization = proposal.organization
    # Addressed to the representative by name (様) under the organisation's name; to the
    # organisation itself (御中) only when no representative is known.
    representative = " ".join(
        filter(None, [organization.representative_title, organization.representative_name])
    )
    with translation.override("ja"):
        page_url = settings.SITE_URL + reverse("proposals:detail", kwargs={"pk": proposal.pk})
    return {
        "proposal": proposal,
        "organization": organization,
        "decision": decision,
        "adopted": decision == "adopted",
        "notice_title": NOTICE_TITLES[decision],
        "decided": document_moment(proposal.decided_at),
        "received": document_moment(proposal.submitted_at),
        "representative": representative,
        "sole_proprietor": bool(organization.is_sole_proprietor),
        "issuer_title": _issuer_title(settings.MUNICIPALITY_NAME),
        "programme_name": proposal.programme.name,
        "theme_title": proposal.theme.title if proposal.theme_id else "",
        "lead_name": proposal.lead.full_name if proposal.lead_id else "",
        "page_url": page_url,
    }


def render_decision_notice_pdf(proposal) -> bytes:
    """The decision notice (採択通知書 or 不採択通知書) addressed to the business, A4, Japanese.

    Dated on the day of the decision (``decided_at``, Japan time), in the era. Raises
    ``ValueError`` for a proposal that was neither adopted nor declined.
    """
    with translation.override("ja"):
        context = decision_notice_context(proposal)
        return render_pdf("proposals/pdf/notice.html", context, language="ja")
