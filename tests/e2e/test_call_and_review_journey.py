"""A themed call from opening to closing in a real browser (issue 5, item 7).

The clock is moved by time_machine, which patches the process's clock, so the live server's
threads see it too. At T0 + 1 day an anonymous visitor finds the call open; a business asks a
question by keyboard (after an empty one is refused), the desk answers and publishes it, and
the business sees the answer on the call's page, which names nobody. The business proposes
for the call and gets a receipt number. The desk moves both proposals of the call to review
and assigns two reviewers from the ranking page. Reviewer 1 declares a conflict on the other
business's proposal (the desk is e-mailed) and scores the first; reviewer 2 cannot see
reviewer 1's scores until it submits its own (after a missing score is refused), then it can. The desk sees the ranking
with weighted totals and the conflict, and downloads the result sheet. Past the closing second,
a third business's prepared draft is refused by the server's clock, and /themes/ lists the
call as closed. axe-core checks every page on the way (WCAG 2.1 A/AA), error states included.

The Japanese interface (at /) throughout; visible texts are compared with what Django's
catalogue gives for Japanese, so the test holds before and after the catalogue is complete.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from core.dates import JAPAN
from proposals.models import Proposal
from reviews import services as review_services
from reviews.models import ReviewAssignment
from themes import services as theme_services
from themes.models import Criterion, Rubric, Theme
from themes.selectors import closing_message

from .. import factories
from .support import (
    at,
    flash,
    focused,
    heading,
    press,
    sign_in,
    skip_to_main,
    t,
    tab_to,
    type_into,
)

CALL_TITLE = "高齢者の見守りをデジタルで支える"
TITLE = "センサーで独居高齢者を見守る実証"
OTHER_TITLE = "配食と見守りを組み合わせる提案"
LATE_TITLE = "締切後に送ろうとした提案"
QUESTION = "実証に使える市営住宅はありますか。対象の地区を教えてください。"
ANSWER = "市営住宅3団地で実証できます。詳しくは募集要項の別紙をご覧ください。"
CONFLICT_NOTE = "この事業者の顧問を務めているため。"
COMMENT = "地域の見守り体制と組み合わせる計画が具体的です。"

# Each test run starts a week from today (JST), so the cookies the server sets at the moved
# clock are never already expired by the browser's real clock.
T0 = dt.datetime.combine(
    dt.datetime.now(JAPAN).date() + dt.timedelta(days=7), dt.time(9, 0), tzinfo=JAPAN
)
DURING = T0 + dt.timedelta(days=1)
QUESTIONS_UNTIL = T0 + dt.timedelta(days=14)
CLOSES = T0 + dt.timedelta(days=28)


def default_rubric():
    """Fukuoka's six criteria as the data migration made them (a transactional test flushes
    the migration's rows, so they are made again the same way)."""
    rubric = review_services.default_rubric()
    if rubric is None:
        migration = importlib.import_module("reviews.migrations.0003_default_rubric")
        rubric = Rubric.objects.create(
            name=migration.NAME, scale_min=1, scale_max=5, is_default=True
        )
        for order, (name, name_en, description) in enumerate(migration.CRITERIA, start=1):
            Criterion.objects.create(
                rubric=rubric,
                name=name,
                name_en=name_en,
                description=description,
                weight=1,
                sort_order=order,
            )
    assert [c.name for c in rubric.criteria.all()] == [
        "社会性",
        "先進性",
        "安全性",
        "実証可能性",
        "市場性",
        "事業化可能性",
    ]
    return rubric


def to_review(proposal: Proposal, staff) -> None:
    for action in ("start_dialogue", "start_coordination", "start_review"):
        factories.act(proposal, action, staff)
    proposal.refresh_from_db()
    assert proposal.state == "review"


def fresh(page, path: str) -> None:
    """Load ``path`` afresh (no fragment), so the first Tab reaches the skip link."""
    page.goto(path)
    assert focused(page)["tag"] == "body"


def choose(page, select_id: str, value: str) -> None:
    """Tab to a closed <select> and type the option's first character (type-ahead)."""
    tab_to(page, f"#{select_id}")
    page.keyboard.type(value)
    assert page.locator(f"#{select_id}").input_value() == value


# --- The people and the call --------------------------------------------------------------------


@pytest.fixture
def clock():
    with time_machine.travel(DURING, tick=True) as traveller:
        yield traveller


@pytest.fixture
def call(transactional_db, settings, live_server, clock):
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.SITE_URL = live_server.url
    factories.consent_documents()
    staff = factories.user("desk_staff", full_name="窓口 三郎")
    rubric = default_rubric()
    department = factories.department(name="福祉局", name_en="Welfare Bureau")
    theme = theme_services.create_theme(
        staff,
        kind=Theme.Kind.CALL,
        title=CALL_TITLE,
        background="独居の高齢者が増えている。",
        sought="見守りの新しい仕組み。",
        department=department,
        programme=factories.programme(name="テーマ型実証", name_en="Themed demonstrations"),
        opens_at=T0,
        closes_at=CLOSES,
        questions_until=QUESTIONS_UNTIL,
        rubric=rubric,
        planned_adoptions=1,
    )
    business = factories.user("business", full_name="佐藤 花子")
    other = factories.user("business", full_name="鈴木 次郎")
    other_proposal = factories.draft(other, title=OTHER_TITLE, theme=theme, prog=theme.programme)
    factories.act(other_proposal, "submit", other)
    late = factories.user("business", full_name="遅野 三郎")
    late_draft = factories.draft(late, title=LATE_TITLE, theme=theme, prog=theme.programme)
    return {
        "theme": theme,
        "rubric": rubric,
        "criteria": list(rubric.criteria.all()),
        "staff": staff,
        "manager": factories.user("desk_manager", full_name="窓口 課長"),
        "business": business,
        "other": other,
        "other_proposal": other_proposal,
        "late": late,
        "late_draft": late_draft,
        "reviewer1": factories.user("reviewer", full_name="審査 一郎"),
        "reviewer2": factories.user("reviewer", full_name="審査 二郎"),
    }


# --- The public call and its Q&A --------------------------------------------------------------


def the_call_is_open(page, axe_check, theme) -> None:
    page.goto("/themes/")
    assert heading(page) == t("Themed calls and the city's issues")
    open_group = page.locator("section[aria-labelledby=open-heading]")
    item = open_group.locator("li.theme-item", has_text=CALL_TITLE)
    assert item.count() == 1
    assert item.locator(".theme-status").inner_text().strip() == t("Open")
    axe_check(page)
    skip_to_main(page)
    press(page, CALL_TITLE, "a")
    at(page, f"/themes/{theme.pk}/")
    assert heading(page) == CALL_TITLE
    assert page.get_by_role("link", name=t("Propose for this theme")).is_visible()
    assert page.locator("#ask").get_by_role("link", name=t("Sign in")).is_visible()
    axe_check(page)


def ask_a_question(page, axe_check, theme) -> None:
    fresh(page, f"/themes/{theme.pk}/")
    skip_to_main(page)
    # Sent empty by mistake: refused next to the field and in the summary.
    press(page, t("Send the question"))
    at(page, f"/themes/{theme.pk}/ask/")
    assert page.title().startswith(t("Error:"))
    assert page.locator("#error-summary").is_visible()
    field = page.locator("#id_question")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.locator("#id_question-error").is_visible()
    axe_check(page)

    skip_to_main(page)
    type_into(page, "#id_question", QUESTION)
    press(page, t("Send the question"))
    at(page, f"/themes/{theme.pk}/")
    assert t(
        "Your question was sent to the desk. Its answer will be published on this page for "
        "everyone."
    ) in flash(page)
    own = page.locator("ul.theme-own-questions")
    assert QUESTION in own.inner_text()
    assert t("waiting for the desk's answer") in own.inner_text()
    assert t("No answers have been published yet.") in page.locator("#qa").inner_text()


def desk_answers(page, axe_check, theme, business) -> None:
    question = theme.questions.get()
    page.goto(f"/themes/manage/{theme.pk}/questions/")
    assert heading(page).startswith(t("Questions"))
    card = page.locator(f"#question-{question.pk}")
    assert business.full_name in card.inner_text()  # the desk knows who asked
    axe_check(page)
    skip_to_main(page)
    type_into(page, f"#id_q{question.pk}_answer", ANSWER)
    assert page.locator(f"#id_q{question.pk}_publish").is_checked()
    press(page, t("Save the answer"))
    assert t("The answer is published.") in flash(page)
    question.refresh_from_db()
    assert question.published_at is not None and question.answer == ANSWER


def answer_is_public(page, anonymous, axe_check, theme, business) -> None:
    fresh(page, f"/themes/{theme.pk}/")
    qa = page.locator("#qa")
    assert QUESTION in qa.locator("dl.theme-qa").inner_text()
    assert ANSWER in qa.locator("dl.theme-qa").inner_text()
    assert t("answered above") in qa.locator("ul.theme-own-questions").inner_text()
    for name in (business.full_name, business.organization.name, business.email):
        assert name not in qa.inner_text()
    axe_check(page)
    # Nobody else learns who asked either.
    anonymous.goto(f"/themes/{theme.pk}/")
    assert ANSWER in anonymous.locator("#qa").inner_text()
    for name in (business.full_name, business.organization.name, business.email):
        assert name not in anonymous.locator("body").inner_text()


def propose_for_the_call(page, axe_check, theme) -> Proposal:
    skip_to_main(page)
    press(page, t("Propose for this theme"), "a")
    at(page, "/proposals/new/")
    assert heading(page) == t("Propose for this theme")
    assert CALL_TITLE in page.locator(".theme-chosen").inner_text()
    programme = page.locator("input[name=programme]")
    assert programme.count() == 1 and programme.is_checked() and programme.is_disabled()
    axe_check(page)
    skip_to_main(page)
    assert page.locator("#id_kind_0").is_checked()
    type_into(page, "#id_title", TITLE)
    press(page, t("Create the draft"))

    match = re.fullmatch(r"/proposals/(\d+)/edit/organization/", urlsplit(page.url).path)
    assert match, page.url
    proposal = Proposal.objects.get(pk=int(match.group(1)))
    assert proposal.theme_id == theme.pk and proposal.programme_id == theme.programme_id
    skip_to_main(page)
    press(page, t("Continue"))

    at(page, f"/proposals/{proposal.pk}/edit/content/")
    skip_to_main(page)
    type_into(
        page,
        "#id_summary",
        "人感センサーで独居の高齢者の異変を見つけ、地域の見守り員に知らせます。",
    )
    type_into(
        page, "#id_problem", "独居の高齢者の孤立死が増え、見守り員の訪問だけでは間に合いません。"
    )
    type_into(page, "#id_solution", "電気の使用量と人感センサーから異変を検知し、通知します。")
    press(page, t("Save and continue"))
    at(page, f"/proposals/{proposal.pk}/edit/requests/")

    # The requests and attachments steps are optional: straight on to the consents.
    page.goto(f"/proposals/{proposal.pk}/edit/consents/")
    skip_to_main(page)
    boxes = page.locator("input[type=checkbox][name^=consent_]")
    assert boxes.count() == 4
    for box in boxes.all():
        tab_to(page, f"#{box.get_attribute('id')}")
        page.keyboard.press("Space")
        assert box.is_checked()
    press(page, t("Save and continue"))

    at(page, f"/proposals/{proposal.pk}/edit/confirm/")
    assert page.locator(".error-summary").count() == 0
    skip_to_main(page)
    press(page, t("Submit the proposal"))
    at(page, f"/proposals/{proposal.pk}/receipt/")
    proposal.refresh_from_db()
    assert proposal.state == "submitted" and proposal.receipt_number
    assert proposal.receipt_number in page.locator("main").inner_text()
    return proposal


# --- The desk assigns reviewers -------------------------------------------------------------------


def assign_from_the_ranking(page, axe_check, call, proposals) -> None:
    theme = call["theme"]
    page.goto(f"/reviews/calls/{theme.pk}/ranking/")
    assert heading(page) == f"{t('Ranking')}: {CALL_TITLE}"
    rows = page.locator("table.review-ranking tbody tr")
    assert rows.count() == 2  # the late business's draft is not among them
    assert LATE_TITLE not in page.locator("main").inner_text()
    axe_check(page)
    skip_to_main(page)
    # Not scored yet: listed by receipt number, and the Tab order follows the rows.
    for proposal in sorted(proposals, key=lambda p: p.receipt_number):
        tab_to(page, f"#select-{proposal.pk}")
        page.keyboard.press("Space")
    for reviewer in (call["reviewer1"], call["reviewer2"]):
        tab_to(page, f"#reviewer-{reviewer.pk}")
        page.keyboard.press("Space")
    press(page, t("Assign"))
    at(page, f"/reviews/calls/{theme.pk}/ranking/")
    assert t("%(count)s review assignments made; the reviewers have been e-mailed.") % {
        "count": 4
    } in flash(page)
    assert ReviewAssignment.objects.filter(proposal__theme=theme).count() == 4


# --- The reviewers --------------------------------------------------------------------------------


def assignment(reviewer, proposal) -> ReviewAssignment:
    return ReviewAssignment.objects.get(reviewer=reviewer, proposal=proposal)


def open_from_portal(page, axe_check, proposal, titles_listed) -> None:
    page.goto("/reviews/")
    assert heading(page) == t("Your reviews")
    to_do = page.locator("section[aria-labelledby=todo-heading]").inner_text()
    for title in titles_listed:
        assert title in to_do
    axe_check(page)
    skip_to_main(page)
    press(page, f"{proposal.receipt_number} {proposal.title}", "a")
    assert heading(page) == proposal.title


def score_all(page, criteria, value: str) -> None:
    for criterion in criteria:
        choose(page, f"id_value_{criterion.pk}", value)


def reviewer1(page, axe_check, call, mine, other) -> None:
    criteria = call["criteria"]
    sign_in(page, call["reviewer1"].email, axe_check)
    # A conflict on the other business's proposal: excluded, and the desk is told.
    open_from_portal(page, axe_check, other, [TITLE, OTHER_TITLE])
    at(page, f"/reviews/assignments/{assignment(call['reviewer1'], other).pk}/")
    axe_check(page)
    skip_to_main(page)
    type_into(page, "#id_note", CONFLICT_NOTE)
    press(page, t("Declare a conflict of interest"))
    at(page, "/reviews/")
    assert t(
        "Your conflict of interest has been recorded and the desk has been told. You no "
        "longer see this proposal."
    ) in flash(page)
    assert OTHER_TITLE not in page.locator("main").inner_text()
    assert assignment(call["reviewer1"], other).conflict_declared
    told = [m for m in mail.outbox if call["staff"].email in m.to and CONFLICT_NOTE in m.body]
    assert len(told) == 1, [m.subject for m in mail.outbox]
    axe_check(page)

    # Every criterion 4, with a comment on the first.
    fresh(page, "/reviews/")
    skip_to_main(page)
    press(page, f"{mine.receipt_number} {mine.title}", "a")
    skip_to_main(page)
    score_all(page, criteria[:1], "4")
    type_into(page, f"#id_comment_{criteria[0].pk}", COMMENT)
    score_all(page, criteria[1:], "4")
    press(page, t("Submit the review"))
    assert t("Your review has been submitted. Thank you.") in flash(page)
    assert t("No other reviewer has submitted yet.") in page.locator("main").inner_text()
    axe_check(page)


def reviewer2(page, axe_check, call, mine, other) -> None:
    criteria = call["criteria"]
    sign_in(page, call["reviewer2"].email, axe_check)
    open_from_portal(page, axe_check, mine, [TITLE, OTHER_TITLE])
    # Before submitting: neither reviewer 1's scores nor the aggregate.
    main = page.locator("main")
    assert page.locator("#others-heading").count() == 0
    assert (
        t(
            "You will see the other reviewers' scores and the aggregate once you have "
            "submitted your own."
        )
        in main.inner_text()
    )
    assert COMMENT not in main.inner_text()
    axe_check(page)

    # Submitted with only the first criterion scored: refused, nothing lost.
    skip_to_main(page)
    choose(page, f"id_value_{criteria[0].pk}", "5")
    press(page, t("Submit the review"))
    assert page.title().startswith(t("Error:"))
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    with translation.override("ja"):
        missing = translation.gettext(
            "“%(criterion)s”: give a score or abstain before submitting."
        ) % {"criterion": str(criteria[1])}
    assert missing in summary.inner_text()
    second = page.locator(f"#id_value_{criteria[1].pk}")
    assert second.get_attribute("aria-invalid") == "true"
    assert page.locator(f"#id_value_{criteria[1].pk}-error").is_visible()
    assert page.locator(f"#id_value_{criteria[0].pk}").input_value() == "5"
    assert assignment(call["reviewer2"], mine).submitted_at is None
    axe_check(page)

    skip_to_main(page)
    score_all(page, criteria[1:], "5")
    press(page, t("Submit the review"))
    assert t("Your review has been submitted. Thank you.") in flash(page)
    # Now reviewer 1's scores, anonymised, and the aggregate.
    others = page.locator("section.review-others")
    assert others.is_visible()
    text = others.inner_text()
    assert t("Reviewer %(letter)s") % {"letter": "A"} in text
    assert COMMENT in text
    assert call["reviewer1"].full_name not in main.inner_text()
    assert (
        t("Weighted total %(total)s, mean %(mean)s, median %(median)s, spread %(spread)s")
        % {"total": "4.50", "mean": "4.50", "median": "4.50", "spread": "1.00"}
        in text
    )
    axe_check(page)

    # The other proposal: every criterion 3.
    fresh(page, "/reviews/")
    skip_to_main(page)
    press(page, f"{other.receipt_number} {other.title}", "a")
    skip_to_main(page)
    score_all(page, criteria, "3")
    press(page, t("Submit the review"))
    assert t("Your review has been submitted. Thank you.") in flash(page)


# --- The desk's ranking ---------------------------------------------------------------------------


def desk_sees_the_ranking(page, axe_check, theme, mine, other) -> None:
    page.goto(f"/reviews/calls/{theme.pk}/ranking/")
    rows = page.locator("table.review-ranking tbody tr")
    assert rows.count() == 2
    reviews = t("%(submitted)s submitted, %(pending)s assigned, %(conflicted)s conflicted")
    expected = [
        ("1", mine, "4.50", reviews % {"submitted": 2, "pending": 0, "conflicted": 0}),
        ("2", other, "3.00", reviews % {"submitted": 1, "pending": 0, "conflicted": 1}),
    ]
    for row, (rank, proposal, total, state) in zip(rows.all(), expected, strict=True):
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        assert cells[1] == rank
        assert proposal.receipt_number in cells[2] and proposal.title in cells[2]
        assert cells[3] == proposal.organization.name
        assert cells[4] == total
        assert cells[8] == state
    axe_check(page)

    from pypdf import PdfReader

    link = page.get_by_role("link", name=t("Review result sheet (PDF)"))
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "審査結果一覧" in re.sub(r"\s", "", text)
    assert mine.receipt_number in text and "4.50" in text and "3.00" in text


# --- The call closes --------------------------------------------------------------------------


def late_proposal_is_refused(page, axe_check, clock, call) -> None:
    theme, draft = call["theme"], call["late_draft"]
    clock.move_to(CLOSES - dt.timedelta(minutes=2))
    sign_in(page, call["late"].email, axe_check)
    page.goto(f"/proposals/{draft.pk}/edit/confirm/")
    assert page.locator(".error-summary").count() == 0  # still open while the page was read
    clock.move_to(CLOSES + dt.timedelta(seconds=1))
    skip_to_main(page)
    press(page, t("Submit the proposal"))
    at(page, f"/proposals/{draft.pk}/edit/confirm/")
    with translation.override("ja"):
        closed = closing_message(theme)
    assert closed in flash(page)
    assert closed in page.locator(".error-summary").inner_text()
    assert page.get_by_role("button", name=t("Submit the proposal")).is_disabled()
    draft.refresh_from_db()
    assert draft.state == "draft" and not draft.receipt_number
    axe_check(page)


def the_call_is_closed(page, axe_check, theme) -> None:
    page.goto("/themes/")
    assert (
        t("No call is open at the moment.")
        in page.locator("section[aria-labelledby=open-heading]").inner_text()
    )
    item = page.locator("section[aria-labelledby=past-heading] li.theme-item", has_text=CALL_TITLE)
    assert item.count() == 1
    assert item.locator(".theme-status").inner_text().strip() == t("Closed")
    axe_check(page)
    page.goto(f"/themes/{theme.pk}/")
    assert page.get_by_role("link", name=t("Propose for this theme")).count() == 0
    axe_check(page)


# --- The journey ----------------------------------------------------------------------------


def test_a_call_from_opening_to_closing(new_page, axe_check, call, clock):
    ja = {"locale": "ja-JP"}
    theme = call["theme"]
    anonymous = new_page(**ja)
    the_call_is_open(anonymous, axe_check, theme)

    business = new_page(**ja)
    sign_in(business, call["business"].email, axe_check)
    ask_a_question(business, axe_check, theme)
    desk = new_page(**ja)
    sign_in(desk, call["staff"].email, axe_check)
    desk_answers(desk, axe_check, theme, call["business"])
    answer_is_public(business, anonymous, axe_check, theme, call["business"])
    mine = propose_for_the_call(business, axe_check, theme)

    other = call["other_proposal"]
    other.refresh_from_db()
    for proposal in (mine, other):
        to_review(proposal, call["staff"])
    assign_from_the_ranking(desk, axe_check, call, [mine, other])

    reviewer1(new_page(**ja), axe_check, call, mine, other)
    reviewer2(new_page(**ja), axe_check, call, mine, other)
    manager = new_page(**ja)
    sign_in(manager, call["manager"].email, axe_check)
    desk_sees_the_ranking(manager, axe_check, theme, mine, other)

    late_proposal_is_refused(new_page(**ja), axe_check, clock, call)
    the_call_is_closed(new_page(**ja), axe_check, theme)
