"""From adoption to the public list and open data in a real browser (issue 6, item 9).

The desk manager adopts a proposal in coordination with a reason, from the proposal's desk
page. The business's e-mail, caught by a real SMTP receiver, carries the notice of adoption
(採択通知書) as a PDF whose text holds the reason and whose Japanese font is embedded. Desk
staff write the project's public title and summary (Japanese and English) and its field; the
project is not public yet. The desk manager approves the text and publishes the project.
An anonymous visitor then finds it from the home page, filters the list by fiscal year and
field by keyboard, opens its page, the statistics and the open-data page, meets a clear
message for a filter value that does not exist, reads the English list and page, downloads
the CSV (with BOM) by keyboard and fetches the JSON and the Atom feed the page announces.

The proposal's own summary holds a unique string: it must never appear on a public page, in
the CSV, the JSON or the feed. axe-core checks every page on the way (WCAG 2.1 A/AA), and the
desk's project page and the public list again at 320 CSS px (WCAG 1.4.10). Every Tab stop
must show a visible focus indicator.

The Japanese interface (at /) except the English pages (at /en/); visible texts are compared
with what Django's catalogue gives, so the test holds before and after the catalogue is
complete.
"""

from __future__ import annotations

import csv
import importlib
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from projects.filters import INVALID_CHOICE, fiscal_year_label
from projects.models import Field, Project
from tests.support import require

from .. import factories
from .support import (
    at,
    check_reflow,
    flash,
    focused,
    heading,
    mail_to,
    press,
    sign_in,
    skip_to_main,
    state_label,
    t,
    tab_to,
    tab_until,
    tp,
    type_into,
)

TITLE = "通学路の危険箇所をセンサーで見つける提案"
# Planted in the proposal's own summary: the desk reads it, the public never does.
SECRET = "社外秘KD7Q2X-原価は1台あたり3万8千円"
REASON = "地域の見守り活動と組み合わせた計画が具体的で、実証の準備も整っているため。"
PUBLIC_TITLE = "通学路の見守りセンサー実証"
PUBLIC_SUMMARY = (
    "小学校の通学路にセンサーを置き、車が速度を出しやすい場所を地域の皆さんと見つけます。"
)
PUBLIC_TITLE_EN = "Safety sensors on school routes"
PUBLIC_SUMMARY_EN = (
    "Sensors along primary school routes help the neighbourhood find the "
    "places where cars drive too fast."
)
FIELD = "disaster"  # 防災・安全: the project's field
OTHER_FIELD = "childcare"  # 子育て・教育: a field with no project
JA = {"locale": "ja-JP"}
ATOM = {"atom": "http://www.w3.org/2005/Atom"}


def nt(singular: str, plural: str, count: int, language: str = "ja") -> str:
    """``ngettext`` in ``language``, with the count filled in (blocktranslate count)."""
    with translation.override(language):
        return translation.ngettext(singular, plural, count) % {"counter": count}


def ja(lazy) -> str:
    with translation.override("ja"):
        return str(lazy)


def fresh(page, path: str) -> None:
    """Load ``path`` afresh (no fragment), so the first Tab reaches the skip link."""
    page.goto(path)
    assert focused(page)["tag"] == "body"


def type_far(page, selector: str, text: str, limit: int = 200) -> None:
    """``type_into`` for a field far down a long page (the decision forms)."""
    tab_until(
        page,
        lambda _now: page.evaluate("(s) => document.activeElement.matches(s)", selector),
        selector,
        limit=limit,
    )
    page.keyboard.type(text)


def follow(page, text: str, limit: int = 150) -> None:
    """Tab to the link whose text starts with ``text``, press Enter, wait for the page."""
    tab_until(
        page,
        lambda now: now["tag"] == "a" and now["text"].startswith(text),
        f"a link {text!r}…",
        limit=limit,
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")


def pick(page, selector: str, value: str, limit: int = 20) -> None:
    """Tab to a closed <select> and move through its options with ↓ until ``value``."""
    tab_to(page, selector)
    for _ in range(limit):
        if page.locator(selector).input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value!r} not reached in {selector} with {limit} presses of ↓")


def public(page, axe_check) -> None:
    """Every public page: the proposal's confidential text is nowhere, axe finds nothing."""
    assert SECRET not in page.content(), f"the proposal's own summary leaked on {page.url}"
    axe_check(page)


def feed_link(page) -> str:
    links = page.locator('head link[rel=alternate][type="application/atom+xml"]')
    assert links.count() == 1, f"no single Atom <link rel=alternate> on {page.url}"
    return links.get_attribute("href")


# --- The people and the proposal ------------------------------------------------------------


def policy_fields() -> None:
    """The fields (分野) as the data migration made them (a transactional test flushes the
    migration's rows, so they are made again the same way)."""
    migration = importlib.import_module("projects.migrations.0002_fields")
    migration.add_fields(django_apps, None)


@pytest.fixture
def adoption(transactional_db, settings, live_server, smtp_server):
    """A business with one member and a proposal in coordination (submitted, in dialogue,
    coordinating) in a programme that needs no scored review; desk staff and the manager."""
    settings.SITE_URL = live_server.url
    # The public pages' cache (a database table, or Redis) outlives the flush between
    # transactional tests: start empty, so nothing cached for another test's data answers.
    cache.clear()
    policy_fields()
    business = factories.user("business", full_name="佐藤 花子")
    staff = factories.user("desk_staff", full_name="窓口 三郎")
    manager = factories.user("desk_manager", full_name="窓口 課長")
    programme = factories.programme(
        name="共働事業", name_en="Joint projects", review_required=False
    )
    proposal = factories.draft(business, prog=programme, title=TITLE, summary=SECRET)
    for action, actor in (
        ("submit", business),
        ("start_dialogue", staff),
        ("start_coordination", staff),
    ):
        factories.act(proposal, action, actor)
    proposal.refresh_from_db()
    assert proposal.state == "coordination"
    return {
        "business": business,
        "staff": staff,
        "manager": manager,
        "proposal": proposal,
        "organization": business.organization,
        "field": Field.objects.get(code=FIELD),
    }


def the_project(adoption) -> Project:
    return Project.objects.get(proposal=adoption["proposal"])


# --- The decision ---------------------------------------------------------------------------


def manager_adopts(page, axe_check, adoption) -> None:
    proposal = adoption["proposal"]
    page.goto("/")
    press(page, t("Inbox"), "a")
    at(page, "/desk/")
    skip_to_main(page)
    press(page, TITLE, "a")
    at(page, f"/proposals/{proposal.pk}/")
    assert heading(page) == TITLE
    assert state_label(page) == t("Coordinating with departments")
    assert SECRET in page.locator("main").inner_text(), "the desk reads the proposal itself"
    axe_check(page)

    skip_to_main(page)
    type_far(page, "#reason-adopt", REASON)
    press(page, t("Adopt"))
    at(page, f"/proposals/{proposal.pk}/")
    assert state_label(page) == t("Adopted")
    assert t("Done. The proposal is now “%(state)s”.") % {"state": t("Adopted")} in flash(page)
    assert REASON in page.locator("dl.facts").inner_text()
    main = page.locator("main")
    assert (
        main.get_by_role("link", name=t("Manage the project"), exact=True).get_attribute("href")
        == f"/desk/projects/{the_project(adoption).pk}/"
    )
    assert main.get_by_role(
        "link", name=t("Download the notice of adoption (PDF)"), exact=True
    ).is_visible()
    axe_check(page)


def notice_arrives(smtp_server, adoption, tmp_path) -> None:
    """The business's e-mail, with the notice of adoption attached as a PDF."""
    require(
        bool(shutil.which("pdftotext") and shutil.which("pdffonts")),
        "needs pdftotext and pdffonts (apt-get install -y poppler-utils)",
    )
    proposal = adoption["proposal"]
    proposal.refresh_from_db()
    status_line = t("Your proposal is now: %(label)s") % {
        "label": tp("business-facing state", "Adopted")
    }
    mail = mail_to(smtp_server, adoption["business"].email, status_line)
    assert proposal.receipt_number in str(mail["Subject"])
    text = smtp_server.text(mail)
    assert REASON in text, text
    assert (
        t(
            "The official decision notice (PDF) is attached to this e-mail. You can also "
            "download it here:"
        )
        in text
    )

    pdfs = [
        part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"
    ]
    assert len(pdfs) == 1, [part.get_content_type() for part in mail.iter_attachments()]
    assert pdfs[0].get_filename() == f"採択通知書_{proposal.receipt_number}.pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdfs[0].get_content())

    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    flat = "".join(out.split())  # lines are broken where the page breaks them
    for expected in ("採択通知書", REASON, proposal.receipt_number):
        assert expected in flat, f"{expected!r} not in the notice's text:\n{out}"
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    embedded_cjk = [
        line
        for line in fonts.splitlines()[2:]
        if re.search(r"IPAex|IPA(Gothic|Mincho)|Noto\S*(CJK|JP)", line)
        and re.search(r"\byes\s+yes\b", line)
    ]
    assert embedded_cjk, f"no embedded Japanese font in the notice:\n{fonts}"


# --- The project's public text --------------------------------------------------------------


def staff_write_the_public_text(page, axe_check, adoption) -> None:
    project = the_project(adoption)
    path = f"/desk/projects/{project.pk}/"
    page.goto("/")
    press(page, t("Projects (desk)"), "a")
    at(page, "/desk/projects/")
    rows = page.locator("table.inbox-table tbody tr")
    assert rows.count() == 1
    row = rows.inner_text()
    assert TITLE in row and t("Not published") in row and t("Not written yet") in row
    axe_check(page)

    skip_to_main(page)
    follow(page, TITLE)
    at(page, path)
    assert heading(page) == TITLE, "the proposal's title is only the starting draft"
    assert page.locator("#proposal-state").inner_text().strip() == t("Adopted")
    assert page.locator("#project-status").inner_text().strip() == t("Preparing")
    assert t("No public text has been approved yet.") in page.locator("#public-text").inner_text()
    assert page.locator("#id_text-summary").input_value() == "", (
        "the proposal's summary is never offered as the public one"
    )
    axe_check(page)

    skip_to_main(page)
    tab_to(page, "#id_text-title")
    page.keyboard.press("Control+A")  # replace the starting draft
    page.keyboard.type(PUBLIC_TITLE)
    assert page.locator("#id_text-title").input_value() == PUBLIC_TITLE
    type_into(page, "#id_text-summary", PUBLIC_SUMMARY)
    type_into(page, "#id_text-title_en", PUBLIC_TITLE_EN)
    type_into(page, "#id_text-summary_en", PUBLIC_SUMMARY_EN)
    press(page, t("Save the draft"))
    at(page, path)
    assert urlsplit(page.url).fragment == "public-text"
    assert t("The public text was saved. It waits for the desk manager's approval.") in flash(page)
    assert heading(page) == PUBLIC_TITLE
    assert page.locator("#approval-marker").is_visible()
    assert (
        t("Only the desk manager approves the public text.")
        in page.locator("#public-text").inner_text()
    )
    assert t("The project is not on the public list.") in page.locator("#publication").inner_text()
    axe_check(page)

    # The project's field, in the details section.
    fresh(page, path)
    skip_to_main(page)
    box = page.locator("#details").get_by_label(str(adoption["field"]), exact=True)
    tab_to(page, f"#{box.get_attribute('id')}")
    page.keyboard.press("Space")
    assert box.is_checked()
    press(page, t("Save the details"))
    at(page, path)
    assert t("The details were saved.") in flash(page)
    assert page.locator("#details").get_by_label(str(adoption["field"]), exact=True).is_checked()
    axe_check(page)


def not_public_yet(page, axe_check, adoption) -> None:
    """Saved but neither approved nor published: the public sees nothing of it."""
    project = the_project(adoption)
    page.goto("/projects/")
    main = page.locator("main").inner_text()
    assert t("No project has been published yet.") in main
    assert PUBLIC_TITLE not in main and TITLE not in main
    public(page, axe_check)
    response = page.goto(f"/projects/{project.pk}/")
    assert response.status == 404


def manager_approves_and_publishes(page, axe_check, adoption) -> None:
    project = the_project(adoption)
    path = f"/desk/projects/{project.pk}/"
    fresh(page, f"/proposals/{adoption['proposal'].pk}/")
    skip_to_main(page)
    press(page, t("Manage the project"), "a")
    at(page, path)
    assert page.locator("#approval-marker").is_visible()
    assert page.locator("#id_text-title").input_value() == PUBLIC_TITLE
    axe_check(page)

    skip_to_main(page)
    press(page, t("Approve the public text"))
    at(page, path)
    assert t("The public text is approved. Published pages show it now.") in flash(page)
    text = page.locator("#public-text").inner_text()
    assert PUBLIC_TITLE in text and PUBLIC_SUMMARY in text and PUBLIC_TITLE_EN in text
    assert t("Not published: citizens do not see it yet.") in text
    assert page.locator("#approval-marker").count() == 0

    fresh(page, path)
    skip_to_main(page)
    press(page, t("Publish on the public list"))
    at(page, path)
    assert t("The project is published on the public list.") in flash(page)
    publication = page.locator("#publication")
    assert t("The project is on the public list.") in publication.inner_text()
    assert publication.get_by_role("button", name=t("Take it off the public list")).is_visible()
    assert (
        page.get_by_role("link", name=t("the public page")).get_attribute("href")
        == f"/projects/{project.pk}/"
    )
    axe_check(page)
    check_reflow(page, axe_check)


# --- The public -----------------------------------------------------------------------------


def visitor_finds_the_project(page, axe_check, adoption) -> None:
    project = the_project(adoption)
    field_ja = adoption["field"].name
    with translation.override("ja"):
        year_label = fiscal_year_label(project.fiscal_year)

    page.goto("/")
    assert (
        nt("%(counter)s project is published.", "%(counter)s projects are published.", 1)
        in page.locator("section.home-projects").inner_text()
    )
    public(page, axe_check)
    press(page, t("The list of adopted projects"), "a")
    at(page, "/projects/")
    assert heading(page) == t("Adopted projects")
    assert feed_link(page) == "/projects/feed.atom"
    rows = page.locator("table.public-projects tbody tr")
    assert rows.count() == 1, "the list cached before publication must not answer now"
    row = rows.inner_text()
    for expected in (
        PUBLIC_TITLE,
        adoption["organization"].name,
        field_ja,
        year_label,
        t("Preparing"),
    ):
        assert expected in row, f"{expected!r} missing from the row: {row}"
    assert TITLE not in page.locator("main").inner_text()
    assert page.locator("p.result-count").inner_text() == nt(
        "%(counter)s project.", "%(counter)s projects.", 1
    )
    public(page, axe_check)
    check_reflow(page, axe_check)

    # A field with no project: the list says so (the filter really filters).
    page.goto(f"/projects/?field={OTHER_FIELD}")
    assert rows.count() == 0
    assert t("No project matches these conditions.") in page.locator("main").inner_text()
    public(page, axe_check)

    # Fiscal year and field chosen by keyboard.
    fresh(page, "/projects/")
    skip_to_main(page)
    pick(page, "#id_fiscal_year", str(project.fiscal_year))
    pick(page, "#id_field", FIELD)
    press(page, t("Search"))
    at(page, "/projects/")
    query = parse_qs(urlsplit(page.url).query)
    assert query["fiscal_year"] == [str(project.fiscal_year)] and query["field"] == [FIELD]
    assert page.locator("#id_fiscal_year").input_value() == str(project.fiscal_year)
    assert page.locator("#id_field").input_value() == FIELD
    assert rows.count() == 1 and PUBLIC_TITLE in rows.inner_text()
    assert page.locator("p.result-count").inner_text() == nt(
        "%(counter)s project matches the conditions.",
        "%(counter)s projects match the conditions.",
        1,
    )
    # "Download what I see": the files carry the same conditions.
    csv_href = page.locator("p.download-links a[type='text/csv']").get_attribute("href")
    assert parse_qs(urlsplit(csv_href).query) == query
    public(page, axe_check)

    # Its page, from the filtered list.
    skip_to_main(page)
    press(page, PUBLIC_TITLE, "a")
    at(page, f"/projects/{project.pk}/")
    assert heading(page) == PUBLIC_TITLE
    assert page.locator(".public-summary").inner_text().strip() == PUBLIC_SUMMARY
    facts = page.locator("dl.project-facts").inner_text()
    for expected in (
        adoption["organization"].name,
        adoption["organization"].corporate_number,
        field_ja,
        year_label,
        t("Preparing"),
        t("not concluded yet"),
    ):
        assert expected in facts, f"{expected!r} missing from the facts: {facts}"
    assert project.public_id in page.locator("main").inner_text()
    main = page.locator("main").inner_text()
    assert TITLE not in main and REASON not in main
    assert feed_link(page) == "/projects/feed.atom"
    public(page, axe_check)

    # The statistics, from the project's page.
    skip_to_main(page)
    press(page, t("Statistics"), "a")
    at(page, "/projects/statistics/")
    assert heading(page) == t("Statistics of adopted projects")
    figures = page.locator("dl.key-figures > div")
    assert figures.filter(has_text=t("Published projects")).locator("dd").inner_text() == "1"
    assert (
        t("%(part)s of %(whole)s decided") % {"part": 1, "whole": 1}
        in figures.filter(has_text=t("Adoption rate")).inner_text()
    )
    per_field = page.locator("table:has(#fields-caption) tbody tr").filter(has_text=field_ja)
    assert per_field.locator("td").inner_text() == "1"
    public(page, axe_check)


def invalid_filter_and_open_data(page, axe_check, adoption) -> None:
    response = page.goto("/projects/?fiscal_year=abc")
    assert response.status == 200
    notice = page.locator("#filter-notice")
    assert notice.is_visible()
    text = notice.inner_text()
    assert t("Some conditions in the address could not be used:") in text
    assert t("Fiscal year") in text and ja(INVALID_CHOICE) % {"value": "abc"} in text, text
    # The condition is left out: the list is still there.
    assert page.locator("table.public-projects tbody tr").count() == 1
    public(page, axe_check)

    fresh(page, "/projects/")
    skip_to_main(page)
    press(page, t("Open data"), "a")
    at(page, "/projects/opendata/")
    assert heading(page) == t("Open data: adopted projects")
    assert (
        nt("The data holds %(counter)s project.", "The data holds %(counter)s projects.", 1)
        in page.locator("main").inner_text()
    )
    assert feed_link(page) == "/projects/feed.atom"
    public(page, axe_check)


def english_pages(page, axe_check, adoption) -> None:
    project = the_project(adoption)
    page.goto("/en/projects/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading(page) == t("Adopted projects", "en")
    assert feed_link(page) == "/en/projects/feed.atom"
    row = page.locator("table.public-projects tbody tr")
    assert row.count() == 1
    assert PUBLIC_TITLE_EN in row.inner_text() and adoption["field"].name_en in row.inner_text()
    assert PUBLIC_TITLE not in page.locator("main").inner_text()
    public(page, axe_check)

    # The skip link in English, then the project's link.
    assert focused(page)["tag"] == "body"
    page.keyboard.press("Tab")
    assert focused(page)["text"] == t("Skip to main content", "en")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    press(page, PUBLIC_TITLE_EN, "a")
    at(page, f"/en/projects/{project.pk}/")
    assert heading(page) == PUBLIC_TITLE_EN
    assert page.locator(".public-summary").inner_text().strip() == PUBLIC_SUMMARY_EN
    # The partner's name stays Japanese, and says so for screen readers.
    partner = page.locator("dl.project-facts dd[lang=ja]", has_text=adoption["organization"].name)
    assert partner.count() == 1
    public(page, axe_check)


def open_data_files(page, axe_check, adoption, live_server) -> None:
    project = the_project(adoption)
    organization = adoption["organization"]

    # The CSV, downloaded by keyboard from the list page.
    fresh(page, "/projects/")
    skip_to_main(page)
    tab_until(page, lambda now: now["tag"] == "a" and now["text"] == "CSV", "the CSV link")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == f"{settings.MUNICIPALITY_CODE}_kyoso_projects.csv"
    with open(download.path(), "rb") as handle:
        raw = handle.read()
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:16]
    text = raw.decode("utf-8-sig")
    assert SECRET not in text
    assert "\r\n" in text
    records = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(records[0])[:4] == ["全国地方公共団体コード", "ID", "地方公共団体名", "名称"]
    mine = [r for r in records if r["ID"] == project.public_id]
    assert len(records) == 1 and len(mine) == 1, records
    record = mine[0]
    assert record["全国地方公共団体コード"] == settings.MUNICIPALITY_CODE
    assert record["名称"] == PUBLIC_TITLE and record["概要"] == PUBLIC_SUMMARY
    assert record["名称_英字"] == PUBLIC_TITLE_EN
    assert record["法人番号"] == organization.corporate_number
    assert record["事業者名"] == organization.name
    assert record["分野"] == adoption["field"].name
    assert record["年度"] == str(project.fiscal_year)
    assert record["状態"] == "準備中"
    assert record["URL"] == f"{live_server.url}/projects/{project.pk}/"

    # The JSON, from the same page's link.
    json_href = page.locator("p.download-links a[type='application/json']").get_attribute("href")
    response = page.request.get(json_href)
    assert response.ok and response.headers["content-type"].startswith("application/json")
    assert 'rel="license"' in response.headers["link"]
    assert SECRET not in response.text()
    data = response.json()
    assert data["count"] == 1 and data["license"]["name"] == "CC BY 4.0"
    assert data["municipality_code"] == settings.MUNICIPALITY_CODE
    (item,) = data["projects"]
    assert item["id"] == project.public_id and item["title"] == PUBLIC_TITLE
    assert item["summary"] == PUBLIC_SUMMARY and item["fields"] == [adoption["field"].name]
    assert item["corporate_number"] == organization.corporate_number

    # The Atom feed the page announces in its <head>.
    response = page.request.get(feed_link(page))
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    body = response.text()
    assert SECRET not in body
    feed = ET.fromstring(response.body())
    entries = feed.findall("atom:entry", ATOM)
    assert len(entries) == 1, body
    entry = entries[0]
    assert entry.findtext("atom:title", namespaces=ATOM) == PUBLIC_TITLE
    assert PUBLIC_SUMMARY in (entry.findtext("atom:summary", namespaces=ATOM) or "")
    assert entry.find("atom:link", ATOM).get("href") == f"{live_server.url}/projects/{project.pk}/"


# --- The journey ----------------------------------------------------------------------------


def test_adopted_proposal_becomes_a_public_project(
    new_page, axe_check, live_server, smtp_server, adoption, tmp_path
):
    manager = new_page(**JA)
    sign_in(manager, adoption["manager"].email, axe_check)
    manager_adopts(manager, axe_check, adoption)
    notice_arrives(smtp_server, adoption, tmp_path)

    staff = new_page(**JA)
    sign_in(staff, adoption["staff"].email, axe_check)
    staff_write_the_public_text(staff, axe_check, adoption)
    not_public_yet(new_page(**JA), axe_check, adoption)
    manager_approves_and_publishes(manager, axe_check, adoption)

    visitor = new_page(**JA)
    visitor_finds_the_project(visitor, axe_check, adoption)
    invalid_filter_and_open_data(visitor, axe_check, adoption)
    english_pages(visitor, axe_check, adoption)
    open_data_files(visitor, axe_check, adoption, live_server)
