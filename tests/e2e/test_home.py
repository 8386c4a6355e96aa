"""The public pages in a real browser: both languages, keyboard use, reflow, no JavaScript, axe.

Japanese lives at /, English at /en/. Headings are compared with what Django's translation
catalogue gives for each language, so the tests hold before and after the Japanese catalogue
is written.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from .. import factories
from .support import FOCUS_VISIBLE_JS

HOME_HEADING = "Bring your idea to the city: one desk for public-private partnership"


def heading_in(language: str, msgid: str = HOME_HEADING) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def active(page) -> dict:
    """What has the keyboard focus: tag, id, text, href."""
    return page.evaluate("""() => {
      const el = document.activeElement;
      return {tag: el.tagName.toLowerCase(), id: el.id, text: el.textContent.trim(),
              href: el.getAttribute('href') || ''};
    }""")


def tab_to(page, name: str, limit: int = 25) -> list[str]:
    """Press Tab until the link called ``name`` has focus; return what got focus on the way.

    Every stop must show a visible focus indicator.
    """
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = active(page)
        seen.append(now["text"])
        assert page.evaluate(FOCUS_VISIBLE_JS), f"no visible focus indicator on {now}"
        if now["text"] == name:
            return seen
    raise AssertionError(f"{name!r} not reached in {limit} Tab presses; focus went {seen}")


@pytest.fixture
def programmes(transactional_db):
    """Two programmes, so the home page shows its list and eligibility notes."""
    factories.programme(
        name="共働事業",
        name_en="Joint projects",
        description="市と事業者が共に取り組む事業です。",
        description_en="The city and a business work on it together.",
        allows_sole_proprietors=False,
    )
    factories.programme(
        name="実証実験フルサポート",
        name_en="Full support for trials",
        description="実証実験の場を市が用意します。",
        description_en="The city provides the field for a trial.",
        startups_only=True,
    )


def test_home_in_japanese_is_accessible(page, programmes, axe_check):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == heading_in("ja")
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.locator("dl.programmes dt").all_inner_texts() == [
        "共働事業",
        "実証実験フルサポート",
    ]
    language_nav = page.locator("nav.lang-switch")
    assert language_nav.get_by_role("link", name="日本語").get_attribute("aria-current") == "true"
    assert language_nav.get_by_role("link", name="English").get_attribute("href") == "/en/"
    assert "共創市" in page.locator("footer").inner_text()
    axe_check(page)


def test_home_in_english_is_accessible(page, programmes, axe_check):
    page.goto("/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == HOME_HEADING == heading_in("en")
    assert page.locator("dl.programmes dt").all_inner_texts() == [
        "Joint projects",
        "Full support for trials",
    ]
    language_nav = page.locator("nav.lang-switch")
    assert language_nav.get_by_role("link", name="English").get_attribute("aria-current") == "true"
    assert language_nav.get_by_role("link", name="日本語").get_attribute("href") == "/"
    assert "Kyoso City" in page.locator("footer").inner_text()
    axe_check(page)


def test_keyboard_skip_link_and_language_switch(page, live_server):
    page.goto("/")
    page.keyboard.press("Tab")
    first = active(page)
    assert first["href"] == "#main", f"first focusable element is not the skip link: {first}"
    assert page.evaluate(FOCUS_VISIBLE_JS)
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, f"focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    assert active(page)["id"] == "main"
    assert page.url.endswith("/#main")

    page.goto("/")
    tab_to(page, "English")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == HOME_HEADING

    seen = tab_to(page, "日本語")
    assert seen[0] == "Skip to main content", (
        f"first Tab on /en/ did not reach the skip link: {seen}"
    )
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == heading_in("ja")


@pytest.mark.parametrize("path", ["/", "/en/", "/en/status", "/en/accounts/login/"])
def test_pages_reflow_at_320_css_pixels(new_page, programmes, axe_check, path):
    """WCAG 1.4.10: no horizontal scrolling at 320 CSS px, and still no axe violations."""
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(path)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: window.innerWidth})"
    )
    assert widths["client"] == 320
    assert widths["scroll"] <= 320, f"horizontal scrolling at 320 px: {widths}"
    axe_check(page)


def test_home_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == heading_in("ja")
    page.locator("nav.lang-switch").get_by_role("link", name="English").click()
    page.wait_for_url("**/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == HOME_HEADING


@pytest.mark.parametrize(
    ("path", "language", "heading"),
    [
        ("/status", "ja", "System status"),
        ("/en/status", "en", "System status"),
        ("/accounts/login/", "ja", "Sign in"),
        ("/en/accounts/login/", "en", "Sign in"),
    ],
)
def test_status_and_login_are_accessible(page, axe_check, path, language, heading):
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == heading_in(language, heading)
    axe_check(page)
