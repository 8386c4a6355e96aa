"""Decision notices (採択通知書 / 不採択通知書): the PDF, the e-mail it travels with, who may
download it, and the proposal page's links to the notice and to the project.

The PDFs are read back (pypdf, and poppler's pdftotext/pdffonts when installed): WeasyPrint
drops Japanese glyphs silently without a CJK font, so rendering without an error proves nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from core import rules
from core.models import OutboundEmail
from proposals import documents
from proposals.models import Proposal
from proposals.states import Kind, State

from .. import factories
from ..support import embedded_fonts, pdf_text, require, squeeze

pytestmark = pytest.mark.integration

JST = ZoneInfo("Asia/Tokyo")
RECEIVED = dt.datetime(2026, 10, 5, 10, 0, tzinfo=JST)
# 00:30 in Japan is still the previous day in UTC: the notice must carry the Japanese date.
DECIDED = dt.datetime(2026, 11, 26, 0, 30, tzinfo=JST)
ADOPT_REASON = (
    "社会性と実証可能性が高いと判断しました。\n安全管理計画の提出を条件とします。（理由XQ7）"
)
DECLINE_REASON = "関係部局との調整の結果、現時点での実現は困難と判断しました。\n路線バスとの競合が解消されないため。（理由ZK3）"
NOTICE = "proposals/pdf/notice.html"


def _in_review(people, *, title="AIオンデマンド交通の実証（東区）", **kw) -> Proposal:
    """Submitted on RECEIVED, then dialogue and coordination: ready for a decision."""
    with time_machine.travel(RECEIVED, tick=False):
        proposal = factories.draft(people["business"], title=title, **kw)
        factories.act(proposal, "submit", people["business"])
        factories.act(proposal, "start_dialogue", people["desk_staff"])
        factories.act(proposal, "start_coordination", people["desk_staff"])
    return proposal


def _decide(people, proposal, action: str) -> Proposal:
    reason = ADOPT_REASON if action == "adopt" else DECLINE_REASON
    with time_machine.travel(DECIDED, tick=False):
        factories.act(proposal, action, people["desk_manager"], reason=reason)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def adopted(people):
    return _decide(people, _in_review(people), "adopt")


@pytest.fixture
def declined(people):
    return _decide(people, _in_review(people, title="防災ドローンの実証"), "decline")


def _check_japanese_a4(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    fonts = embedded_fonts(data)
    japanese = {name: emb for name, emb in fonts.items() if name.startswith(("IPAex", "Noto"))}
    assert japanese, f"no Japanese font in the PDF: {fonts}"
    assert all(japanese.values()), f"Japanese font not embedded: {fonts}"
    return squeeze(pdf_text(data))


# --- the document -----------------------------------------------------------------------------


def test_the_adoption_notice(adopted, cjk_font):
    assert adopted.state == State.ADOPTED
    text = _check_japanese_a4(documents.render_decision_notice_pdf(adopted))
    organization = adopted.organization
    for expected in [
        "採択通知書",
        adopted.receipt_number,
        organization.name,
        "代表太郎様",
        "AIオンデマンド交通の実証（東区）",
        "共創市長",
        "共創デスク",
        "令和8年11月26日",
        "2026年11月26日",  # the decision, in Japan time
        "令和8年10月5日付けで受け付けた",  # the day the proposal was received
        "採択することに決定しました",
        "決定採択",
        "社会性と実証可能性が高いと判断しました。",
        "安全管理計画の提出を条件とします。（理由XQ7）",
        "今後の流れ",
        "協定の締結",
        adopted.programme.name,
    ]:
        assert squeeze(expected) in text, f"{expected!r} is missing from the adoption notice"
    assert "不採択" not in text
    assert "令和8年11月25日" not in text  # the UTC date of the decision
    assert documents.notice_filename(adopted) == f"採択通知書_{adopted.receipt_number}.pdf"


def test_the_reasons_keep_their_line_breaks(adopted, cjk_font):
    require(bool(shutil.which("pdftotext")), "needs poppler-utils (pdftotext)")
    data = documents.render_decision_notice_pdf(adopted)
    lines = (
        subprocess.run(
            ["pdftotext", "-layout", "-", "-"],
            input=data,
            capture_output=True,
            timeout=30,
            check=True,
        )
        .stdout.decode()
        .splitlines()
    )
    first = next(i for i, line in enumerate(lines) if "高いと判断しました。" in line)
    assert "安全管理計画" not in lines[first], "the second line of the reason ran into the first"
    assert any("安全管理計画" in line for line in lines[first + 1 : first + 3])


def test_the_declining_notice(declined, cjk_font):
    assert declined.state == State.DECLINED
    text = _check_japanese_a4(documents.render_decision_notice_pdf(declined))
    for expected in [
        "不採択通知書",
        declined.receipt_number,
        declined.organization.name,
        "防災ドローンの実証",
        "令和8年11月26日",
        "採択しないことに決定しましたので、その理由を付して通知します",
        "決定不採択",
        "関係部局との調整の結果、現時点での実現は困難と判断しました。",
        "路線バスとの競合が解消されないため。（理由ZK3）",
        "公表しません",
    ]:
        assert squeeze(expected) in text, f"{expected!r} is missing from the declining notice"
    assert "今後の流れ" not in text
    assert documents.notice_filename(declined) == f"不採択通知書_{declined.receipt_number}.pdf"


def test_poppler_reads_the_notice_and_sees_the_font_embedded(declined, cjk_font):
    require(
        bool(shutil.which("pdftotext") and shutil.which("pdffonts")),
        "needs poppler-utils (pdftotext, pdffonts)",
    )
    data = documents.render_decision_notice_pdf(declined)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, timeout=30, check=True
    ).stdout.decode()
    for expected in [
        "不採択通知書",
        declined.receipt_number,
        declined.organization.name,
        "令和8年11月26日",
        "（理由ZK3）",
    ]:
        assert squeeze(expected) in squeeze(text), expected
    fonts = (
        subprocess.run(["pdffonts", "-"], input=data, capture_output=True, timeout=30, check=True)
        .stdout.decode()
        .splitlines()[2:]
    )
    ipa = [line for line in fonts if "IPAex" in line]
    assert ipa and all(line.split()[-5] == "yes" for line in ipa), fonts  # the "emb" column


def test_the_addressee_a_sole_proprietor_and_a_company(people, cjk_font):
    sole = factories.organization(
        is_sole_proprietor=True, name="山田デザイン事務所", representative_name="山田 花子"
    )
    member = factories.user("business", organization=sole)
    with time_machine.travel(RECEIVED, tick=False):
        proposal = factories.draft(member, title="空き店舗の活用")
        factories.act(proposal, "submit", member)
        factories.act(proposal, "start_dialogue", people["desk_staff"])
    with time_machine.travel(DECIDED, tick=False):
        factories.act(proposal, "decline", people["desk_manager"], reason="理由")
    text = squeeze(pdf_text(documents.render_decision_notice_pdf(proposal)))
    assert "山田デザイン事務所山田花子様" in text and "御中" not in text

    company = factories.organization(
        name="A&B株式会社", representative_title="代表取締役", representative_name="共創 一郎"
    )
    member = factories.user("business", organization=company)
    with time_machine.travel(RECEIVED, tick=False):
        proposal = factories.draft(member, title="見守りセンサー")
        factories.act(proposal, "submit", member)
        factories.act(proposal, "start_dialogue", people["desk_staff"])
    with time_machine.travel(DECIDED, tick=False):
        factories.act(proposal, "decline", people["desk_manager"], reason="理由")
    text = squeeze(pdf_text(documents.render_decision_notice_pdf(proposal)))
    assert "A&B株式会社代表取締役共創一郎様" in text and "&amp;" not in text


def test_the_adoption_notice_stays_available_after_the_agreement(adopted, people, cjk_font):
    factories.act(adopted, "conclude_agreement", people["desk_staff"])
    adopted.refresh_from_db()
    assert adopted.state == State.AGREEMENT
    assert "採択通知書" in squeeze(pdf_text(documents.render_decision_notice_pdf(adopted)))
    assert rules.can_view_decision_notice(people["business"], adopted)


def test_no_notice_without_an_adoption_or_a_decline(people):
    biz, desk = people["business"], people["desk_staff"]
    draft = factories.draft(biz)
    submitted = factories.draft(biz)
    factories.act(submitted, "submit", biz)
    in_dialogue = factories.draft(biz)
    for action, actor in [("submit", biz), ("start_dialogue", desk)]:
        factories.act(in_dialogue, action, actor)
    not_accepted = factories.draft(biz)
    for action, actor in [("submit", biz), ("not_accept", desk)]:
        factories.act(not_accepted, action, actor)
    withdrawn = factories.draft(biz)
    for action, actor in [("submit", biz), ("withdraw", biz)]:
        factories.act(withdrawn, action, actor)
    closed = factories.draft(biz, kind=Kind.CONSULTATION)
    for action, actor in [("submit", biz), ("close_consultation", desk)]:
        factories.act(closed, action, actor)
    for proposal in (draft, submitted, in_dialogue, not_accepted, withdrawn, closed):
        proposal.refresh_from_db()
        with pytest.raises(ValueError):
            documents.render_decision_notice_pdf(proposal)
        with pytest.raises(ValueError):
            documents.notice_filename(proposal)
        assert not rules.can_view_decision_notice(biz, proposal), proposal.state
        assert not rules.can_view_decision_notice(desk, proposal), proposal.state
    # Not-accepted is a decision with a reason too, but it has no notice, and no e-mail carries one.
    assert not OutboundEmail.objects.filter(attachments__isnull=False).exists()


# --- the e-mail -------------------------------------------------------------------------------


def _notice_rendering_count():
    rendered = []

    def listener(sender, template, context, **kwargs):
        if template.name == NOTICE:
            rendered.append(template.name)

    return rendered, listener


@pytest.mark.parametrize("action, title", [("adopt", "採択通知書"), ("decline", "不採択通知書")])
def test_every_member_gets_the_notice_attached_rendered_once(people, cjk_font, action, title):
    people["colleague"].language = "en"
    people["colleague"].save()
    proposal = _in_review(people)
    before = set(OutboundEmail.objects.values_list("pk", flat=True))
    rendered, listener = _notice_rendering_count()
    template_rendered.connect(listener)
    try:
        proposal = _decide(people, proposal, action)
    finally:
        template_rendered.disconnect(listener)
    assert len(rendered) == 1, "the notice is rendered once per decision, not once per member"

    rows = list(OutboundEmail.objects.exclude(pk__in=before).prefetch_related("attachments"))
    assert sorted(row.to for row in rows) == sorted(
        [people["business"].email, people["colleague"].email]
    )
    contents = []
    for row in rows:
        [attachment] = row.attachments.all()
        assert attachment.filename == f"{title}_{proposal.receipt_number}.pdf"
        assert attachment.mimetype == "application/pdf"
        with attachment.file.open("rb") as handle:
            contents.append(handle.read())
        assert row.reference == f"proposal:{proposal.pk}"
    assert contents[0] == contents[1]
    assert squeeze(title) in squeeze(pdf_text(contents[0]))

    english = next(row for row in rows if row.to == people["colleague"].email)
    assert "The official decision notice (PDF) is attached to this e-mail" in english.body
    assert reverse("proposals:notice_pdf", args=[proposal.pk]).removeprefix("/") in english.body
    assert "/en/" in english.body
    # The other members of other organisations are told nothing.
    assert not OutboundEmail.objects.filter(to=people["other_business"].email).exists()


def test_other_transitions_carry_no_notice(people):
    _in_review(people)
    assert OutboundEmail.objects.filter(to=people["business"].email).count() == 3
    assert not OutboundEmail.objects.filter(attachments__isnull=False).exists()


def test_the_business_receives_the_notice_by_real_smtp(
    people, cjk_font, smtp_server, django_capture_on_commit_callbacks
):
    proposal = _in_review(people)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = _decide(people, proposal, "adopt")
    messages = smtp_server.wait_for(2)
    [message] = smtp_server.to(people["business"].email)
    assert proposal.receipt_number in str(message["Subject"])
    text = smtp_server.text(message)
    assert "社会性と実証可能性が高いと判断しました。" in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"採択通知書_{proposal.receipt_number}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    body = squeeze(pdf_text(attachment.get_content()))
    for expected in [
        "採択通知書",
        proposal.receipt_number,
        proposal.organization.name,
        "令和8年11月26日",
        "（理由XQ7）",
    ]:
        assert squeeze(expected) in body, expected
    assert len(messages) == 2 and smtp_server.to(people["colleague"].email)
    row = OutboundEmail.objects.get(to=people["business"].email, attachments__isnull=False)
    assert row.status == OutboundEmail.Status.SENT


def test_a_notice_that_cannot_be_rendered_does_not_stop_the_decision(people, settings, tmp_path):
    """A broken PDF set-up leaves the decision in place and the e-mail with a download link."""
    broken = tmp_path / "templates" / "proposals" / "pdf"
    broken.mkdir(parents=True)
    (broken / "notice.html").write_text('{% extends "proposals/pdf/missing.html" %}')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    proposal = _decide(people, _in_review(people), "adopt")
    assert proposal.state == State.ADOPTED
    row = OutboundEmail.objects.filter(to=people["business"].email).order_by("-pk").first()
    assert not row.attachments.exists()
    assert reverse("proposals:notice_pdf", args=[proposal.pk]) in row.body


# --- the download -----------------------------------------------------------------------------

ALLOWED = ("business", "colleague", "desk_staff", "desk_manager", "administrator")
REFUSED = ("other_business", "department", "other_department", "reviewer", "other_reviewer")


def test_who_may_download_the_notice(client, people, declined, cjk_font):
    # The department and the reviewer can see the proposal itself, but not the notice.
    factories.refer(declined, people["department"].department, people["desk_staff"])
    factories.assign(declined, people["reviewer"])
    url = reverse("proposals:notice_pdf", args=[declined.pk])
    for role in ALLOWED:
        client.force_login(people[role])
        response = client.get(url)
        assert response.status_code == 200, role
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        # 不採択通知書, percent-encoded (RFC 5987)
        assert (
            "filename*=UTF-8''%E4%B8%8D%E6%8E%A1%E6%8A%9E%E9%80%9A%E7%9F%A5%E6%9B%B8"
            in response["Content-Disposition"]
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert "不採択通知書" in squeeze(pdf_text(response.content))
    client.force_login(people["department"])
    assert client.get(reverse("proposals:detail", args=[declined.pk])).status_code == 200
    for role in REFUSED:
        client.force_login(people[role])
        assert client.get(url).status_code == 404, role
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(url).status_code in (302, 405)


def test_the_download_is_404_before_a_decision(client, people):
    proposal = _in_review(people)
    url = reverse("proposals:notice_pdf", args=[proposal.pk])
    for role in ALLOWED:
        client.force_login(people[role])
        assert client.get(url).status_code == 404, role
    assert client.get(reverse("proposals:notice_pdf", args=[999999])).status_code == 404


def test_the_desk_downloading_a_notice_is_audited(client, people, adopted, cjk_font):
    from core.models import AuditEvent

    client.force_login(people["desk_staff"])
    assert client.get(reverse("proposals:notice_pdf", args=[adopted.pk])).status_code == 200
    assert (
        AuditEvent.objects.filter(
            actor=people["desk_staff"], action="notice_pdf", target=f"proposal:{adopted.pk}"
        ).count()
        == 1
    )


# --- the proposal page ------------------------------------------------------------------------


def _en(name: str, *args) -> str:
    """The English URL (a request leaves its language active in the test's thread)."""
    with translation.override("en"):
        return reverse(name, args=args)


def _page(client, user, proposal) -> str:
    client.force_login(user)
    response = client.get(_en("proposals:detail", proposal.pk))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_links_to_the_notice_and_the_project(client, people, adopted):
    factories.refer(adopted, people["department"].department, people["desk_staff"])
    project = adopted.project
    notice = reverse("proposals:notice_pdf", args=[adopted.pk]).removeprefix("/")
    desk_page = reverse("project_desk:detail", args=[project.pk]).removeprefix("/")
    workspace = reverse("projects:workspace", args=[project.pk]).removeprefix("/")

    page = _page(client, people["desk_staff"], adopted)
    assert notice in page and "Download the notice of adoption (PDF)" in page
    assert desk_page in page and "Manage the project" in page and workspace not in page

    page = _page(client, people["business"], adopted)
    assert notice in page and workspace in page and desk_page not in page

    page = _page(client, people["department"], adopted)
    assert notice not in page and desk_page not in page and workspace not in page


def test_the_declined_page_links_to_its_notice_and_an_open_one_to_none(client, people, declined):
    page = _page(client, people["business"], declined)
    assert "Download the notice of non-adoption (PDF)" in page
    assert reverse("proposals:notice_pdf", args=[declined.pk]).removeprefix("/") in page
    assert "Manage the project" not in page
    open_one = _in_review(people)
    page = _page(client, people["desk_manager"], open_one)
    assert "notice.pdf" not in page and "Decision notice" not in page


def test_agreement_field_and_completion_are_not_offered_on_the_proposal_page(
    client, people, adopted
):
    page = _page(client, people["desk_staff"], adopted)
    assert 'value="conclude_agreement"' not in page
    # The same page in the state before offered nothing else either; after the agreement too.
    factories.act(adopted, "conclude_agreement", people["desk_staff"])
    page = _page(client, people["desk_staff"], adopted)
    assert 'value="start_field"' not in page
    # Posting the action anyway is refused with a message; nothing changes.
    response = client.post(
        _en("proposals:transition", adopted.pk),
        {"action": "start_field", "expected_state": "agreement", "reason": "", "note": ""},
    )
    assert response.status_code == 400
    assert "on the project&#x27;s page" in response.content.decode()
    adopted.refresh_from_db()
    assert adopted.state == State.AGREEMENT
    # Other actions still are: before adoption the manager is offered the decision.
    page = _page(client, people["desk_manager"], _in_review(people))
    assert 'value="adopt"' in page and 'value="decline"' in page


def _count(client, user, proposal) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("proposals:detail", args=[proposal.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["desk_staff", "business"])
def test_the_adopted_page_runs_a_constant_number_of_queries(client, people, role):
    short = _decide(people, _in_review(people), "adopt")
    long = factories.draft(people["business"])
    factories.act(long, "submit", people["business"])
    factories.act(long, "start_dialogue", people["desk_staff"])
    for _ in range(30):
        factories.act(long, "request_revision", people["desk_staff"])
        factories.act(long, "resubmit", people["business"])
    factories.act(long, "start_coordination", people["desk_staff"])
    factories.act(long, "adopt", people["desk_manager"])
    one, many = _count(client, people[role], short), _count(client, people[role], long)
    assert one == many, (one, many)
    assert many <= 22
