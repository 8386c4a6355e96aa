"""What the browser tests share: the texts a page shows, how a page is read, and the keyboard
(every Tab stop must show a visible focus indicator, WCAG 2.4.7)."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.utils import translation

from .. import factories

FOCUS_VISIBLE_JS = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
}"""
NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}


def t(msgid: str, language: str = "ja") -> str:
    """What the page shows for ``msgid`` in ``language`` (translated or not yet)."""
    with translation.override(language):
        return translation.gettext(msgid)


def tp(context: str, msgid: str) -> str:
    """``pgettext`` in Japanese: what the business sees for a state."""
    with translation.override("ja"):
        return translation.pgettext(context, msgid)


# --- Pages and e-mail ---------------------------------------------------------------------


def at(page, path: str) -> None:
    """Wait until the page's path is ``path`` (a fragment such as #main may follow)."""
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def heading(page) -> str:
    return page.locator("h1").inner_text()


def flash(page) -> str:
    """The messages Django's message framework shows at the top of the page."""
    return page.locator(".messages").inner_text() if page.locator(".messages").count() else ""


def mail_to(smtp_server, address: str, subject_part: str, timeout: float = 20.0):
    """The one e-mail to ``address`` whose subject contains ``subject_part``."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in smtp_server.to(address) if subject_part in str(m["Subject"])]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    subjects = [str(m["Subject"]) for m in smtp_server.to(address)]
    assert len(found) == 1, f"wanted one e-mail with {subject_part!r}; received {subjects}"
    return found[0]


def check_reflow(page, axe_check) -> None:
    """WCAG 1.4.10 at 320 CSS px: no horizontal scrolling, and still no axe violations."""
    page.set_viewport_size(NARROW)
    try:
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, client: window.innerWidth})"
        )
        assert widths["client"] == 320
        assert widths["scroll"] <= 320, f"horizontal scrolling at 320 px on {page.url}: {widths}"
        axe_check(page)
    finally:
        page.set_viewport_size(DESKTOP)


# --- The keyboard -------------------------------------------------------------------------


def focused(page) -> dict:
    return page.evaluate("""() => {
      const el = document.activeElement;
      return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent || '').trim()};
    }""")


def tab_until(page, matches, what: str, limit: int = 60) -> None:
    """Press Tab until ``matches(focused)`` holds; every stop must show its focus (2.4.7)."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        seen.append(now["id"] or now["text"][:30] or now["tag"])
        assert page.evaluate(FOCUS_VISIBLE_JS), f"no visible focus indicator at {seen[-1]!r}"
        if matches(now):
            return
    raise AssertionError(f"{what} not reached in {limit} Tab presses; focus went {seen}")


def tab_to(page, selector: str) -> None:
    tab_until(
        page,
        lambda _now: page.evaluate("(s) => document.activeElement.matches(s)", selector),
        selector,
    )


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def type_date(page, selector: str, iso: str) -> None:
    """Type into Chromium's date field. Headless Chromium lays it out mm/dd/yyyy whatever
    the page's language; each part moves on to the next when it is full."""
    year, month, day = iso.split("-")
    tab_to(page, selector)
    page.keyboard.type(month + day + year)
    value = page.locator(selector).input_value()
    assert value == iso, f"typed {iso} into {selector} as mm/dd/yyyy and got {value!r}"


def press(page, name: str, tag: str = "button", limit: int = 150) -> None:
    """Tab to the button (or link) called ``name``, press Enter and wait for the next page."""
    tab_until(
        page, lambda now: now["tag"] == tag and now["text"] == name, f"{tag} {name!r}", limit=limit
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")


def skip_to_main(page) -> None:
    """On a freshly loaded page: the first Tab reaches the skip link, Enter moves into main.

    After a form sent from a page whose address ends in #main, the browser keeps the
    fragment through the redirect and the next page opens with the focus in main already.
    """
    where = focused(page)
    if where["id"] == "main" and urlsplit(page.url).fragment == "main":
        return
    assert where["tag"] == "body", f"expected a freshly loaded page, focus is on {where}"
    page.keyboard.press("Tab")
    assert focused(page)["text"] == t("Skip to main content")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"


# --- Signing in, and what a proposal's page says ------------------------------------------


def sign_in(page, email: str, axe_check) -> None:
    """Sign in by keyboard as ``email``, with the password every factory-made user has."""
    page.goto("/accounts/login/")
    assert heading(page) == t("Sign in")
    skip_to_main(page)
    type_into(page, "#id_username", email)
    type_into(page, "#id_password", factories.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("button", name=t("Sign out")).is_visible()


def state_label(page) -> str:
    """The proposal's state as its page shows it."""
    return page.locator("#proposal-state").inner_text().strip()
