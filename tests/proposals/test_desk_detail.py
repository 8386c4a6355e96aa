"""The desk's view of one proposal: the summary sheet PDF and the reason templates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from proposals.models import Proposal, ReasonTemplate
from proposals.states import State

from .. import factories
from ..support import require

pytestmark = pytest.mark.integration


@pytest.fixture
def case(people):
    proposal = factories.draft(
        people["business"], title="防災ドローンの実証", confidential_fields=["solution"]
    )
    factories.act(proposal, "submit", people["business"])
    factories.act(proposal, "start_dialogue", people["desk_staff"])
    from proposals import services

    referral = factories.refer(proposal, people["department"].department, people["desk_staff"])
    services.answer_referral(
        referral,
        people["department"],
        "conditional",
        comment="安全管理計画の提出を条件とする",
        conditions="飛行経路の事前協議",
    )
    return proposal


def test_summary_sheet_pdf_is_for_the_desk_only(client, people, case):
    from core.status import cjk_fonts

    require(bool(cjk_fonts()), "no Japanese font for PDFs")
    url = reverse("proposals:summary_pdf", args=[case.pk])
    client.force_login(people["desk_staff"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        "filename*=UTF-8''%E6%8F%90%E6%A1%88%E6%A6%82%E8%A6%81%E6%9B%B8"
        in response["Content-Disposition"]
    )
    import io

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "提案概要書",
        case.receipt_number,
        "防災ドローンの実証",
        "安全管理計画",
        "庁内",
    ):
        assert expected in text, expected
    for role in ("business", "department", "reviewer", "other_business", "administrator"):
        client.force_login(people[role])
        assert client.get(url).status_code == 404, role


def test_reason_templates_are_offered_and_inserted_without_javascript(client, people, case):
    template = ReasonTemplate.objects.create(
        action="decline",
        title="実現困難",
        body="関係部局との調整の結果、現時点での実現は困難と判断しました。",
    )
    ReasonTemplate.objects.create(
        action="decline", title="停止中", body="使わない", is_active=False
    )
    client.force_login(people["desk_manager"])
    page = client.get(reverse("proposals:detail", args=[case.pk])).content.decode()
    assert "実現困難" in page and "停止中" not in page
    response = client.post(
        reverse("proposals:transition", args=[case.pk]),
        {
            "action": "decline",
            "expected_state": "dialogue",
            "reason": "補足：",
            "template": template.pk,
            "insert_template": "1",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "補足：\n関係部局との調整の結果" in body
    assert Proposal.objects.get(pk=case.pk).state == State.DIALOGUE  # nothing decided yet
    # Staff (not the manager) cannot decline, so they are offered no decline templates.
    client.force_login(people["desk_staff"])
    assert (
        "実現困難" not in client.get(reverse("proposals:detail", args=[case.pk])).content.decode()
    )


def test_the_desk_sees_how_long_a_proposal_has_waited_for_a_first_answer(client, people):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    proposal = factories.draft(people["business"], title="待たされている提案")
    with time_machine.travel(timezone.now() - dt.timedelta(days=20)):
        factories.act(proposal, "submit", people["business"])
    client.force_login(people["desk_staff"])
    page = client.get("/en" + reverse("proposals:detail", args=[proposal.pk]).removeprefix("/en"))
    body = page.content.decode()
    assert "20 days without a first response" in body
    client.force_login(people["business"])
    assert (
        "without a first response"
        not in client.get("/en" + reverse("proposals:detail", args=[proposal.pk])).content.decode()
    )
    factories.act(proposal, "start_dialogue", people["desk_staff"])
    client.force_login(people["desk_staff"])
    assert (
        "without a first response"
        not in client.get("/en" + reverse("proposals:detail", args=[proposal.pk])).content.decode()
    )


def test_the_desk_names_and_removes_the_lead_from_the_proposal_page(client, people, case):
    url = reverse("proposals:assign_lead", args=[case.pk])
    client.force_login(people["desk_staff"])
    page = client.get(reverse("proposals:detail", args=[case.pk])).content.decode()
    assert 'name="lead"' in page and people["desk_manager"].full_name in page
    assert client.post(url, {"lead": people["desk_manager"].pk}).status_code == 302
    case.refresh_from_db()
    assert case.lead == people["desk_manager"]
    # Only a desk user may lead: a department member's id is refused, nothing changes.
    client.post(url, {"lead": people["department"].pk})
    case.refresh_from_db()
    assert case.lead == people["desk_manager"]
    client.post(url, {"lead": "none"})
    case.refresh_from_db()
    assert case.lead is None
    for role in ("business", "department", "reviewer", "administrator"):
        client.force_login(people[role])
        assert client.post(url, {"lead": people["desk_staff"].pk}).status_code == 404, role
    case.refresh_from_db()
    assert case.lead is None
