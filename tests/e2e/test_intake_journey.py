"""The business intake journey in a real browser, from the home page to the desk's reply.

A new business registers by keyboard, confirms its address from the e-mail a real SMTP
receiver caught, writes a proposal step by step (with a Japanese-named PDF), saves the draft,
signs out, comes back to it, submits, downloads the receipt PDF, and answers the desk's
message that an e-mail told it about. axe-core checks every page on the way (WCAG 2.1 A/AA,
which JIS X 8341-3:2016 AA follows); the registration page and an intake step are checked
again at 320 CSS px (WCAG 1.4.10). Every Tab stop must show a visible focus indicator.

Visible texts are compared with what Django's catalogue gives for the language, so the test
holds before and after the Japanese catalogue is complete.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest

from core.dates import fiscal_year
from core.validators import make_corporate_number

from .. import factories
from .support import (
    at,
    check_reflow,
    flash,
    focused,
    heading,
    mail_to,
    press,
    skip_to_main,
    t,
    tab_to,
    tab_until,
    type_date,
    type_into,
)

EMAIL = "hanako.sato@kyoso-tech.example.jp"
PASSWORD = "Kyoso-Desk-2026-passphrase"
CORPORATE_NUMBER = make_corporate_number("000012050002")
ORGANIZATION = "株式会社共創テック"
TITLE = "AIオンデマンド交通の実証"
PROGRAMME = "実証実験フルサポート"
PDF_NAME = "提案書_最終版.pdf"
DESK_MESSAGE = "ご提案ありがとうございます。運行する曜日と時間帯を教えてください。"
REPLY = "平日の午前9時から午後4時までを予定しています。"


def minimal_pdf() -> bytes:
    """A real one-page PDF with a correct cross-reference table."""
    stream = b"BT /F1 24 Tf 72 760 Td (Proposal) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def activate(page, name: str, tag: str = "button") -> None:
    """``press`` within 60 Tab stops, tab_until's usual bound: the intake pages are short."""
    press(page, name, tag, limit=60)


# --- The journey, part by part --------------------------------------------------------------


@pytest.fixture
def desk(transactional_db, settings, live_server):
    """Consent texts, two programmes, a department and a member of the desk. E-mail links
    point at the live server; public forms accept a quick (automated) hand."""
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    settings.SITE_URL = live_server.url
    factories.consent_documents()
    factories.programme(name="共働事業", name_en="Joint projects")
    factories.programme(name=PROGRAMME, name_en="Demonstration support")
    factories.department(name="交通局", name_en="Transportation Bureau")
    return factories.user("desk_staff")


def register(page, axe_check) -> None:
    page.goto("/")
    activate(page, t("Register your business"), "a")
    at(page, "/accounts/register/")
    assert heading(page) == t("Register your business")
    axe_check(page)
    check_reflow(page, axe_check)

    skip_to_main(page)
    # Corporation is the first choice: Tab enters the group on it, Space chooses it.
    tab_to(page, "input[name=business_type]")
    assert focused(page)["id"] == "id_business_type_0"
    page.keyboard.press("Space")
    type_into(page, "#id_name", ORGANIZATION)
    type_into(page, "#id_name_kana", "キョウソウテック")
    # As people copy it: with hyphens and in full-width digits.
    n = CORPORATE_NUMBER
    type_into(
        page,
        "#id_corporate_number",
        f"{n[0]}-{n[1:5]}-{n[5:9]}-{n[9:]}".translate(
            str.maketrans("0123456789", "０１２３４５６７８９")
        ),
    )
    type_into(page, "#id_address", "福岡県共創市中央区天神1-2-3")
    type_into(page, "#id_representative_title", "代表取締役")
    type_into(page, "#id_representative_name", "佐藤 一郎")
    tab_to(page, "#id_is_startup")
    page.keyboard.press("Space")
    type_into(page, "#id_website", "https://kyoso-tech.example.jp")
    type_into(page, "#id_phone", "092-000-0000")
    type_into(page, "#id_full_name", "佐藤 花子")
    type_into(page, "#id_email", EMAIL)
    type_into(page, "#id_password1", PASSWORD)
    type_into(page, "#id_password2", PASSWORD)
    tab_to(page, "#id_language")
    assert page.locator("#id_language").input_value() == "ja"
    assert page.locator("#id_business_type_0").is_checked()
    assert page.locator("#id_is_startup").is_checked()
    activate(page, t("Register"))

    at(page, "/accounts/register/check-email/")
    assert heading(page) == t("Check your e-mail")
    assert EMAIL in page.locator("main").inner_text()
    axe_check(page)


def confirm_address(page, axe_check, live_server, smtp_server) -> None:
    mail = mail_to(smtp_server, EMAIL, "")
    text = smtp_server.text(mail)
    links = re.findall(r"https?://\S+/accounts/email/confirm/\S+/", text)
    assert len(links) == 1 and links[0].startswith(live_server.url), text
    page.goto(links[0])
    assert heading(page) == t("Confirm your e-mail address")
    assert EMAIL in page.locator("main").inner_text()
    assert ORGANIZATION in page.locator("main").inner_text()
    axe_check(page)
    skip_to_main(page)
    activate(page, t("Confirm my e-mail address"))

    at(page, "/proposals/")
    assert heading(page) == t("Your proposals")
    assert t(
        "Thank you. Your e-mail address is confirmed and you are signed in. You can now "
        "write a proposal."
    ) in flash(page)
    assert page.get_by_role("button", name=t("Sign out")).is_visible()
    axe_check(page)


def start_proposal(page, axe_check) -> int:
    skip_to_main(page)
    activate(page, t("Start a new proposal"), "a")
    at(page, "/proposals/new/")
    assert heading(page) == t("Start a proposal")
    axe_check(page)

    skip_to_main(page)
    # "Make a proposal" is chosen already: Tab enters the group on it.
    tab_to(page, "input[name=kind]")
    assert focused(page)["id"] == "id_kind_0" and page.locator("#id_kind_0").is_checked()
    # No programme chosen yet: Tab enters on the first, Space chooses it, ↓ the next one.
    tab_to(page, "input[name=programme]")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert (
        page.locator("label:has(input[name=programme]:checked)").inner_text().strip() == PROGRAMME
    )
    type_into(page, "#id_title", TITLE)
    activate(page, t("Create the draft"))

    match = re.fullmatch(r"/proposals/(\d+)/edit/organization/", urlsplit(page.url).path)
    assert match, page.url
    assert heading(page).startswith(t("Your organisation"))
    facts = page.locator("dl.facts").inner_text()
    assert ORGANIZATION in facts and CORPORATE_NUMBER in facts
    axe_check(page)
    skip_to_main(page)
    activate(page, t("Continue"))
    return int(match.group(1))


def fill_content(page, axe_check, pk: int) -> None:
    at(page, f"/proposals/{pk}/edit/content/")
    axe_check(page)
    check_reflow(page, axe_check)

    skip_to_main(page)
    # The title is emptied by mistake: the step refuses it, keeps the rest and says why.
    tab_to(page, "#id_title")
    assert page.locator("#id_title").input_value() == TITLE
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    type_into(
        page,
        "#id_summary",
        "坂の多い地区の高齢者の通院と買い物を、AIが配車するオンデマンドバスで支えます。",
    )
    type_into(
        page,
        "#id_problem",
        "路線バスの減便で、坂の上の住宅地から病院や商店に行けない高齢者が増えています。",
    )
    type_into(
        page, "#id_solution", "予約に応じてAIが経路を決める小型車両を、平日の昼間に運行します。"
    )
    type_into(page, "#id_expected_effect", "外出の回数が週1回から3回に増えることを目指します。")
    activate(page, t("Save and continue"))

    at(page, f"/proposals/{pk}/edit/content/")
    assert page.title().startswith(t("Error:"))
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.get_by_role("link").get_attribute("href") == "#id_title"
    title = page.locator("#id_title")
    assert title.get_attribute("aria-invalid") == "true"
    assert "id_title-error" in title.get_attribute("aria-describedby")
    assert page.locator("#id_title-error").is_visible()
    assert page.locator("#id_summary").input_value().startswith("坂の多い地区")
    assert t("Some answers need attention; the others are saved.") in flash(page)
    axe_check(page)

    # From the error summary's link straight to the field, as a keyboard user would.
    skip_to_main(page)
    link_text = summary.get_by_role("link").inner_text()
    tab_until(
        page, lambda now: now["tag"] == "a" and now["text"] == link_text, "the error summary's link"
    )
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_title"
    page.keyboard.type(TITLE)
    activate(page, t("Save and continue"))


def fill_requests(page, axe_check, pk: int) -> str:
    at(page, f"/proposals/{pk}/edit/requests/")
    axe_check(page)
    skip_to_main(page)
    tab_to(page, "#id_ask_field")
    page.keyboard.press("Space")
    tab_to(page, "#id_ask_data")
    page.keyboard.press("Space")
    type_into(page, "#id_ask_other", "市の広報誌での利用者募集")
    tab_to(page, "input[name=desired_departments]")
    page.keyboard.press("Space")
    type_into(page, "#id_desired_location", "共創市中央区 山手地区")
    tab_to(page, "input[name=city_cost]")
    page.keyboard.press("Space")
    first = page.locator("input[name=city_cost]:checked").get_attribute("value")
    page.keyboard.press("ArrowDown")
    cost = page.locator("input[name=city_cost]:checked").get_attribute("value")
    assert cost != first
    type_into(page, "#id_city_cost_detail", "停留所の表示板の設置のみ")
    type_date(page, "#id_desired_start", "2027-04-01")
    type_date(page, "#id_desired_end", "2028-03-31")
    type_into(page, "#id_schedule", "準備3か月、実証9か月、報告1か月")
    activate(page, t("Save and continue"))
    return cost


def fill_attachments(page, axe_check, pk: int, pdf_path) -> None:
    at(page, f"/proposals/{pk}/edit/attachments/")
    axe_check(page)
    # Choosing a file is the one step without the keyboard: it opens the system's dialogue.
    page.locator("input[type=file]").set_input_files(str(pdf_path))
    skip_to_main(page)
    activate(page, t("Save and continue"))
    at(page, f"/proposals/{pk}/edit/consents/")
    assert t("Files attached.") in flash(page)


def fill_consents_and_save(page, axe_check, pk: int) -> None:
    axe_check(page)
    skip_to_main(page)
    tab_to(page, "input[name=confidential_fields]")
    page.keyboard.press("Space")
    boxes = page.locator("input[type=checkbox][name^=consent_]")
    assert boxes.count() == 4
    for box in boxes.all():
        tab_to(page, f"#{box.get_attribute('id')}")
        page.keyboard.press("Space")
        assert box.is_checked()
    activate(page, t("Save draft"))
    at(page, f"/proposals/{pk}/edit/consents/")
    assert t("Draft saved.") in flash(page)
    assert page.locator("input[type=checkbox][name^=consent_]:checked").count() == 4


def sign_in(page, axe_check) -> None:
    assert heading(page) == t("Sign in")
    axe_check(page)
    skip_to_main(page)
    type_into(page, "#id_username", EMAIL)
    type_into(page, "#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_out_and_in(page, axe_check) -> None:
    # Opened afresh, so Tab starts at the top of the page: the button is in the header.
    page.goto(urlsplit(page.url).path)
    activate(page, t("Sign out"))
    assert page.get_by_role("link", name=t("Sign in"), exact=True).first.is_visible()
    assert page.get_by_role("button", name=t("Sign out")).count() == 0
    page.goto("/proposals/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/proposals/$"))
    sign_in(page, axe_check)
    at(page, "/proposals/")


def back_to_draft_and_submit(page, axe_check, pk: int, cost: str) -> None:
    assert heading(page) == t("Your proposals")
    rows = page.locator("table.data tbody tr")
    assert rows.count() == 1 and t("(draft)") in rows.inner_text()
    axe_check(page)
    skip_to_main(page)
    activate(page, TITLE, "a")

    at(page, f"/proposals/{pk}/edit/content/")
    assert page.locator("#id_title").input_value() == TITLE
    assert page.locator("#id_problem").input_value().startswith("路線バスの減便で")
    assert page.locator("#id_expected_effect").input_value().startswith("外出の回数")
    assert (
        page.locator("label:has(input[name=programme]:checked)").inner_text().strip() == PROGRAMME
    )

    steps = page.locator("nav.steps-nav")
    steps.get_by_role("link", name=t("What you ask of the city")).click()
    at(page, f"/proposals/{pk}/edit/requests/")
    assert page.locator("#id_ask_field").is_checked() and page.locator("#id_ask_data").is_checked()
    assert not page.locator("#id_ask_publicity").is_checked()
    assert page.locator("input[name=city_cost]:checked").get_attribute("value") == cost
    assert page.locator("input[name=desired_departments]:checked").count() == 1
    assert page.locator("#id_desired_start").input_value() == "2027-04-01"
    assert page.locator("#id_schedule").input_value() == "準備3か月、実証9か月、報告1か月"

    page.locator("nav.steps-nav").get_by_role("link", name=t("Attachments")).click()
    at(page, f"/proposals/{pk}/edit/attachments/")
    assert page.locator("table.data").get_by_role("link", name=PDF_NAME).is_visible()
    axe_check(page)

    page.locator("nav.steps-nav").get_by_role(
        "link", name=t("Confidentiality and consents")
    ).click()
    at(page, f"/proposals/{pk}/edit/consents/")
    assert page.locator("input[type=checkbox][name^=consent_]:checked").count() == 4
    assert page.locator("input[name=confidential_fields]:checked").count() == 1
    skip_to_main(page)
    activate(page, t("Save and continue"))

    at(page, f"/proposals/{pk}/edit/confirm/")
    main = page.locator("main").inner_text()
    for expected in (
        ORGANIZATION,
        PROGRAMME,
        "坂の多い地区",
        "市の広報誌",
        PDF_NAME,
        "交通局",
        "2027-04-01",
        "2028-03-31",
    ):
        assert expected in main, f"{expected!r} missing from the summary"
    assert page.locator(".error-summary").count() == 0
    axe_check(page)
    skip_to_main(page)
    activate(page, t("Submit the proposal"))


def receipt(page, axe_check, smtp_server, pk: int) -> str:
    from pypdf import PdfReader

    at(page, f"/proposals/{pk}/receipt/")
    number = f"KD-{fiscal_year()}-00001"
    assert heading(page) == t("Your proposal has been received")
    assert page.locator(".receipt-number strong").inner_text() == number
    axe_check(page)

    skip_to_main(page)
    tab_until(
        page,
        lambda now: now["tag"] == "a" and now["text"] == t("Download the receipt (PDF)"),
        "the receipt's link",
    )
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename.endswith(f"{number}.pdf"), download.suggested_filename
    text = "".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "受付票" in text and number in text, text

    mail_to(smtp_server, EMAIL, number)
    return number


def dialogue(page, axe_check, live_server, smtp_server, desk_user, pk: int, number: str):
    from proposals import services
    from proposals.models import Proposal

    # The desk's side (its screens come later): open the dialogue and write to the business.
    proposal = Proposal.objects.get(pk=pk)
    services.transition_proposal(proposal, "start_dialogue", desk_user)
    proposal.refresh_from_db()
    services.post_message(proposal, desk_user, DESK_MESSAGE, visibility="business")

    mail = mail_to(smtp_server, EMAIL, t("New message"))
    assert number in str(mail["Subject"])
    text = smtp_server.text(mail)
    assert DESK_MESSAGE not in text, "the message itself is shown only after signing in"
    links = re.findall(r"https?://\S+#dialogue", text)
    assert links == [f"{live_server.url}/proposals/{pk}/#dialogue"], text

    # Followed from the mail program: a browser without a session asks to sign in first.
    page.goto(links[0])
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    sign_in(page, axe_check)
    at(page, f"/proposals/{pk}/")
    assert heading(page) == TITLE
    desk_says = page.locator("#dialogue .from-desk")
    assert desk_says.count() == 1
    assert DESK_MESSAGE in desk_says.inner_text()
    assert t("Kyoso Desk") in desk_says.inner_text()
    axe_check(page)

    skip_to_main(page)
    type_into(page, "#id_body", REPLY)
    activate(page, t("Send"))
    at(page, f"/proposals/{pk}/")
    assert t("Message sent.") in flash(page)
    replies = page.locator("#dialogue .from-business")
    assert replies.count() == 1
    assert REPLY in replies.inner_text() and "佐藤 花子" in replies.inner_text()
    axe_check(page)


def test_business_registers_proposes_and_talks_with_the_desk(
    new_page, axe_check, live_server, smtp_server, desk, tmp_path
):
    pdf_path = tmp_path / PDF_NAME
    pdf_path.write_bytes(minimal_pdf())
    page = new_page(locale="ja-JP")

    register(page, axe_check)
    confirm_address(page, axe_check, live_server, smtp_server)
    pk = start_proposal(page, axe_check)
    fill_content(page, axe_check, pk)
    cost = fill_requests(page, axe_check, pk)
    fill_attachments(page, axe_check, pk, pdf_path)
    fill_consents_and_save(page, axe_check, pk)
    sign_out_and_in(page, axe_check)
    back_to_draft_and_submit(page, axe_check, pk, cost)
    number = receipt(page, axe_check, smtp_server, pk)
    dialogue(new_page(locale="ja-JP"), axe_check, live_server, smtp_server, desk, pk, number)


def test_registration_and_an_intake_step_in_english(
    new_page, axe_check, live_server, transactional_db
):
    factories.consent_documents()
    programme = factories.programme(name=PROGRAMME, name_en="Demonstration support")
    member = factories.user("business", language="en")
    draft = factories.draft(member, prog=programme)
    page = new_page(locale="en-GB")

    page.goto("/en/accounts/register/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading(page) == "Register your business"
    assert page.get_by_role("button", name="Register").is_visible()
    axe_check(page)

    page.goto(f"/en/proposals/{draft.pk}/edit/content/")
    page.wait_for_url(re.compile(r"/en/accounts/login/\?next="))
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("#id_username").fill(member.email)
    page.locator("#id_password").fill(factories.PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    at(page, f"/en/proposals/{draft.pk}/edit/content/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading(page).startswith("Proposal")
    assert page.locator("nav.steps-nav").get_by_text("Step 2 of 6").is_visible()
    assert page.get_by_role("button", name="Save draft").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert (
        page.locator("label:has(input[name=programme]:checked)").inner_text().strip()
        == "Demonstration support"
    )
    axe_check(page)

    # The summary names the consent texts in English too.
    page.goto(f"/en/proposals/{draft.pk}/edit/confirm/")
    consents = page.locator("section[aria-labelledby=summary-consents]").inner_text()
    assert "notes text" in consents and "本文" not in consents
