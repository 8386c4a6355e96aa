"""The desk's back office and the department portal in a real browser (issue 4, item 8).

Desk staff find a new proposal in the inbox with a two-character Japanese word, open it,
start the dialogue, write to the business and refer the proposal to two departments with a
question and a deadline a week ahead. A member of each department answers in the portal
(one supportive, one with conditions); the desk sees both answers side by side and moves the
proposal on to coordination. The business and the departments are told by e-mail, caught
by a real SMTP receiver. axe-core checks every page on the way (WCAG 2.1 A/AA), error states
included, and the inbox again at 320 CSS px (WCAG 1.4.10). Most of it is done by keyboard,
and every Tab stop must show a visible focus indicator.

The Japanese interface (at /) throughout; visible texts are compared with what Django's
catalogue gives for Japanese, so the test holds before and after the catalogue is complete.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from core import dates

from .. import factories
from .support import (
    at,
    check_reflow,
    flash,
    heading,
    mail_to,
    press,
    sign_in,
    skip_to_main,
    state_label,
    t,
    tab_to,
    tp,
    type_date,
    type_into,
)

TITLE = "防災アプリで避難を支える実証"
OTHER_TITLE = "福祉施設の送迎を共同化する提案"
KEYWORD = "防災"
DESK_MESSAGE = "ご提案ありがとうございます。対象とする地区を教えてください。"
QUESTION = "市の避難所で実証することは可能ですか。必要な手続を教えてください。"
CONDITIONS = "避難訓練の日に限り、消防局の職員が立ち会うこと。"
JA = {"locale": "ja-JP"}


def panel(page):
    return page.locator("#referrals table.referrals-side-by-side")


def panel_row(page, label: str) -> list[str]:
    """The cells of the referral panel's row headed ``label``, one per department."""
    row = (
        panel(page)
        .locator("tbody tr")
        .filter(has=page.locator("th", has_text=re.compile(f"^{re.escape(label)}$")))
    )
    assert row.count() == 1, f"no single row {label!r} in the referral panel"
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


# --- The people and the proposal ------------------------------------------------------------


@pytest.fixture
def people(transactional_db, settings, live_server, smtp_server):
    """A business with a submitted proposal (and another business with one more, so the
    search has something to leave out), two departments with one member each, desk staff
    and the desk manager."""
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.SITE_URL = live_server.url
    settings.EXPORT_INLINE_MAX_ROWS = 1  # so exporting both proposals makes a background job
    business = factories.user("business", full_name="佐藤 花子")
    proposal = factories.draft(business, title=TITLE, summary="災害時に高齢者の避難を支援する")
    factories.act(proposal, "submit", business)
    proposal.refresh_from_db()
    other = factories.user("business")
    factories.act(factories.draft(other, title=OTHER_TITLE), "submit", other)

    parks = factories.department(code="a-parks", name="公園緑地局", name_en="Parks Bureau")
    fire = factories.department(code="b-fire", name="消防局", name_en="Fire Bureau")
    return {
        "business": business,
        "proposal": proposal,
        "parks": parks,
        "fire": fire,
        "parks_member": factories.user("department", department=parks, full_name="緑川 一郎"),
        "fire_member": factories.user("department", department=fire, full_name="火野 次郎"),
        "staff": factories.user("desk_staff", full_name="窓口 三郎"),
        "manager": factories.user("desk_manager", full_name="窓口 課長"),
    }


# --- The desk ---------------------------------------------------------------------------------


def find_in_inbox(page, axe_check, proposal) -> None:
    """From the header's Inbox link: every state counted, a symbols-only search refused,
    the two-character search, the status filter and the 320 px reflow."""
    page.goto("/")
    press(page, t("Inbox"), "a")
    at(page, "/desk/")
    assert heading(page) == t("Inbox")
    rows = page.locator("table.inbox-table tbody tr")
    assert rows.count() == 2
    axe_check(page)
    check_reflow(page, axe_check)

    # Only symbols: refused with a message next to the field and in the summary.
    skip_to_main(page)
    type_into(page, "#id_q", "！？＃")
    press(page, t("Search"))
    assert page.title().startswith(t("Error:"))
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    error = t("Enter a word to search for: letters, kana, kanji or digits, not only symbols.")
    assert error in summary.inner_text()
    assert error in page.locator("#id_q-error").inner_text()
    assert page.locator("#id_q").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_q").input_value() == "！？＃"
    assert rows.count() == 0
    axe_check(page)

    # Two Japanese characters find the one proposal, and the filter stays in the address.
    page.locator("#id_q").fill("")
    page.locator("#id_q").focus()
    page.keyboard.type(KEYWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert parse_qs(urlsplit(page.url).query)["q"] == [KEYWORD]
    assert rows.count() == 1
    assert TITLE in rows.inner_text() and OTHER_TITLE not in page.locator("main").inner_text()
    assert proposal.receipt_number in rows.inner_text()
    assert t("Received") in rows.inner_text()
    axe_check(page)

    # The count per state is a link that adds the state to the filter.
    counts = page.locator("nav.inbox-state-counts")
    with page.expect_navigation():
        counts.get_by_role("link", name=re.compile(f"^{re.escape(t('Received'))}")).click()
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == [KEYWORD] and query["state"] == ["submitted"]
    assert counts.locator("[aria-current=true]").inner_text().startswith(t("Received"))
    assert rows.count() == 1
    axe_check(page)
    check_reflow(page, axe_check)


def export_everything(page, axe_check) -> None:
    """Both proposals exported: more than the inline limit, so a background job (inline
    here) and its status page with the download link."""
    page.goto("/desk/")
    skip_to_main(page)
    tab_to(page, "#inbox-all-matching")
    page.keyboard.press("Space")
    assert page.locator("#inbox-all-matching").is_checked()
    press(page, t("Export to CSV"))
    page.wait_for_url(re.compile(r"/desk/exports/\d+/$"))
    assert heading(page) == t("CSV export")
    assert page.get_by_role("link", name=t("Download the CSV")).is_visible()
    assert page.locator("#export-progress").get_attribute("value") == "100"
    axe_check(page)


def open_and_start_dialogue(page, axe_check, smtp_server, people) -> None:
    proposal = people["proposal"]
    skip_to_main(page)
    press(page, TITLE, "a")
    at(page, f"/proposals/{proposal.pk}/")
    assert heading(page) == TITLE
    assert state_label(page) == t("Received")
    referrals = page.locator("#referrals")
    assert t("This proposal has not been referred to any department.") in referrals.inner_text()
    axe_check(page)

    skip_to_main(page)
    press(page, t("Start dialogue"))
    at(page, f"/proposals/{proposal.pk}/")
    assert state_label(page) == t("In dialogue")
    assert t("Done. The proposal is now “%(state)s”.") % {"state": t("In dialogue")} in flash(page)
    status_line = t("Your proposal is now: %(label)s") % {
        "label": tp("business-facing state", "In dialogue with the desk")
    }
    mail = mail_to(smtp_server, people["business"].email, status_line)
    assert proposal.receipt_number in str(mail["Subject"])


def write_to_the_business(page, axe_check, smtp_server, people) -> None:
    proposal = people["proposal"]
    skip_to_main(page)
    type_into(page, "#id_body", DESK_MESSAGE)
    # The business reads it: the first choice, already chosen.
    assert page.locator("input[name=visibility][value=business]").is_checked()
    press(page, t("Send"))
    at(page, f"/proposals/{proposal.pk}/")
    assert t("Message sent.") in flash(page)
    assert page.locator("#dialogue-heading").inner_text() == t("Dialogue")
    said = page.locator("#dialogue .from-desk")
    assert said.count() == 1 and DESK_MESSAGE in said.inner_text()
    assert page.locator("#dialogue .internal").count() == 0
    axe_check(page)

    mail = mail_to(smtp_server, people["business"].email, t("New message"))
    assert proposal.receipt_number in str(mail["Subject"])
    assert f"/proposals/{proposal.pk}/#dialogue" in smtp_server.text(mail)


def refer_to_two_departments(page, axe_check, smtp_server, people) -> None:
    proposal = people["proposal"]
    parks, fire = str(people["parks"]), str(people["fire"])
    due = (dates.today() + dt.timedelta(days=7)).isoformat()  # the day in Japan
    page.goto(f"/proposals/{proposal.pk}/")
    skip_to_main(page)
    press(page, t("Refer to departments"), "a")
    at(page, f"/desk/referrals/new/{proposal.pk}/")
    assert heading(page).startswith(t("Refer to departments"))
    axe_check(page)

    # No department ticked: refused, with the question and the date kept.
    skip_to_main(page)
    type_into(page, "#id_question", QUESTION)
    type_date(page, "#id_due_date", due)
    press(page, t("Refer"))
    assert page.title().startswith(t("Error:"))
    error = t("Choose at least one department.")
    assert error in page.locator(".error-summary").inner_text()
    assert error in page.locator("#id_departments-error").inner_text()
    assert page.locator("#id_question").input_value() == QUESTION
    assert page.locator("#id_due_date").input_value() == due
    axe_check(page)

    # The error summary's link leads to the first box; tick both by keyboard.
    skip_to_main(page)
    for name in (parks, fire):
        box = page.get_by_label(name, exact=True)
        tab_to(page, f"#{box.get_attribute('id')}")
        page.keyboard.press("Space")
        assert box.is_checked()
    press(page, t("Refer"))
    at(page, f"/proposals/{proposal.pk}/")
    assert urlsplit(page.url).fragment == "referrals"
    assert parks in flash(page) and fire in flash(page)
    headers = panel(page).locator("thead th").all_inner_texts()
    assert [h.strip() for h in headers] == [parks, fire]
    assert panel_row(page, t("Status")) == [t("Waiting for the answer")] * 2
    assert panel_row(page, t("Question")) == [QUESTION] * 2
    axe_check(page)

    for member in ("parks_member", "fire_member"):
        mail = mail_to(smtp_server, people[member].email, proposal.receipt_number)
        assert t("Referral") in str(mail["Subject"])
        assert re.search(
            rf"{re.escape(page.url.split('/proposals/')[0])}/department/referrals/"
            r"\d+/",
            smtp_server.text(mail),
        ), smtp_server.text(mail)


# --- The departments ---------------------------------------------------------------------------


def department_answers(
    page, axe_check, people, member: str, opinion: str, conditions: str = ""
) -> None:
    user = people[member]
    sign_in(page, user.email, axe_check)
    press(page, t("Referrals"), "a")
    at(page, "/department/")
    assert heading(page).startswith(t("Referrals to your department"))
    rows = page.locator("table.referrals-table tbody tr")
    assert rows.count() == 1, "a department sees only the referrals to it"
    assert TITLE in rows.inner_text() and t("Waiting for the answer") in rows.inner_text()
    axe_check(page)

    skip_to_main(page)
    press(page, TITLE, "a")
    page.wait_for_url(re.compile(r"/department/referrals/\d+/$"))
    main = page.locator("main").inner_text()
    assert QUESTION in main and str(user.department) in main
    assert DESK_MESSAGE not in main, "the dialogue with the business is not the department's"
    axe_check(page)

    skip_to_main(page)
    # Tab enters the group on the first opinion ("supportive"); ↓ moves to "with conditions".
    tab_to(page, "input[name=answer-opinion]")
    page.keyboard.press("Space")
    if opinion == "conditional":
        page.keyboard.press("ArrowDown")
    assert page.locator("input[name=answer-opinion]:checked").get_attribute("value") == opinion
    if conditions:
        type_into(page, "#id_answer-conditions", conditions)
    press(page, t("Send the answer to the desk"))
    page.wait_for_url(re.compile(r"/department/referrals/\d+/#answer$"))
    assert t(
        "Your answer was sent to the desk. You can change it while the proposal is open."
    ) in flash(page)
    answer = page.locator("#answer dl.referral-answer").inner_text()
    label = t("Supportive") if opinion == "supportive" else t("Supportive with conditions")
    assert label in answer and (not conditions or conditions in answer)
    axe_check(page)


# --- Back to the desk ----------------------------------------------------------------------------


def desk_sees_both_answers_and_moves_on(page, axe_check, smtp_server, people) -> None:
    proposal = people["proposal"]
    parks, fire = str(people["parks"]), str(people["fire"])
    page.reload()
    assert [h.strip() for h in panel(page).locator("thead th").all_inner_texts()] == [parks, fire]
    assert panel_row(page, t("Status")) == [t("Answered")] * 2
    assert panel_row(page, t("Opinion")) == [t("Supportive"), t("Supportive with conditions")]
    assert panel_row(page, t("Conditions")) == ["—", CONDITIONS]
    answered_by = panel_row(page, t("Answered by"))
    assert "緑川 一郎" in answered_by[0] and "火野 次郎" in answered_by[1]
    axe_check(page)
    # The columns scroll inside their own region; the page itself does not at 320 px.
    check_reflow(page, axe_check)

    # The department's own page, from its column head.
    with page.expect_navigation():
        panel(page).get_by_role("link", name=fire, exact=True).click()
    page.wait_for_url(re.compile(r"/desk/referrals/\d+/$"))
    answer = page.locator("#answer").inner_text()
    assert t("Supportive with conditions") in answer and CONDITIONS in answer
    axe_check(page)

    page.goto(f"/proposals/{proposal.pk}/")
    skip_to_main(page)
    press(page, t("Start coordination with departments"))
    at(page, f"/proposals/{proposal.pk}/")
    assert state_label(page) == t("Coordinating with departments")
    assert t("Done. The proposal is now “%(state)s”.") % {
        "state": t("Coordinating with departments")
    } in flash(page)
    # Both answers are still side by side after the move.
    assert panel_row(page, t("Opinion")) == [t("Supportive"), t("Supportive with conditions")]
    axe_check(page)
    mail_to(
        smtp_server,
        people["business"].email,
        t("Your proposal is now: %(label)s")
        % {"label": tp("business-facing state", "Under consideration by the city")},
    )

    page.goto("/")
    press(page, t("Dashboard"), "a")
    at(page, "/desk/dashboard/")
    assert heading(page) == t("Dashboard")
    axe_check(page)


def test_desk_refers_a_proposal_and_departments_answer(new_page, axe_check, smtp_server, people):
    desk = new_page(**JA)
    sign_in(desk, people["staff"].email, axe_check)
    find_in_inbox(desk, axe_check, people["proposal"])
    open_and_start_dialogue(desk, axe_check, smtp_server, people)
    write_to_the_business(desk, axe_check, smtp_server, people)
    refer_to_two_departments(desk, axe_check, smtp_server, people)

    department_answers(new_page(**JA), axe_check, people, "parks_member", "supportive")
    department_answers(new_page(**JA), axe_check, people, "fire_member", "conditional", CONDITIONS)

    desk_sees_both_answers_and_moves_on(desk, axe_check, smtp_server, people)
    export_everything(desk, axe_check)
