"""The Content-Security-Policy in a real browser: Chromium walks the main pages — public,
signed-in business and desk — and the test fails on any violation the browser reports, either
on the console or as a ``securitypolicyviolation`` event. A last test proves the listener
catches one: an inline script injected into a page is refused and reported.

The policy itself (settings.CONTENT_SECURITY_POLICY) allows our own origin only, no inline
script or style; a page that needed either would be visibly broken in the browser.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.utils import timezone

from core.models import Role

from .. import factories
from .support import sign_in

#: Runs in every document before the page's own content: records each violation in the page
#: (``window.__cspViolations``, read at once) and through the function exposed as
#: ``reportCspViolation`` (Python collects them across navigations).
LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  const seen = {
    page: document.location.pathname,
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  };
  window.__cspViolations.push(seen);
  window.reportCspViolation(seen);
});
"""


class Violations:
    """What the browser reported for one page (a fresh browser context)."""

    def __init__(self, page):
        self.events: list[dict] = []
        self.console: list[str] = []
        page.expose_function("reportCspViolation", self._event)
        page.add_init_script(LISTENER)
        page.on("console", self._console)

    def _event(self, event: dict) -> None:
        self.events.append(event)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(f"{message.type}: {message.text}")

    def all(self) -> list:
        return [*self.events, *self.console]

    def in_page(self, page) -> list[dict]:
        """What the current document recorded so far (no round trip to wait for)."""
        return page.evaluate("() => window.__cspViolations || []")

    def report(self) -> str:
        lines = [
            f"event on {e['page']}: {e['directive']} blocked {e['blocked']!r}"
            f" ({e['source']}:{e['line']}) {e['sample']!r}"
            for e in self.events
        ]
        return "\n".join([*lines, *self.console])


@pytest.fixture
def watched(new_page) -> Callable[[], tuple[object, Violations]]:
    """``watched()``: a fresh page with the CSP listeners attached."""

    def make():
        page = new_page()
        return page, Violations(page)

    return make


def wait_until(page, condition, timeout_ms: int = 5000) -> None:
    """Let the browser run (exposed-function calls come back asynchronously) until
    ``condition()`` holds."""
    waited = 0
    while not condition():
        assert waited < timeout_ms, "the browser reported nothing"
        page.wait_for_timeout(50)
        waited += 50


def visit(page, violations: Violations, path: str):
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )
    header = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in header and "unsafe-inline" not in header, (path, header)
    page.wait_for_load_state("load")
    # Violation events are dispatched as tasks after the element was refused: let them run.
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")
    in_page = violations.in_page(page)
    assert not in_page, f"CSP violations on {path}: {in_page}"
    assert not violations.all(), f"CSP violations on {path}:\n{violations.report()}"
    return response


@pytest.fixture
def site(transactional_db, settings, live_server):
    """A published project, an open call, a business with a submitted proposal and the desk."""
    settings.SITE_URL = live_server.url
    # The public pages' cache outlives the flush between transactional tests: start empty.
    cache.clear()
    people = {
        "business": factories.user(Role.BUSINESS, full_name="佐藤 花子"),
        "desk_staff": factories.user(Role.DESK_STAFF, full_name="窓口 三郎"),
        "desk_manager": factories.user(Role.DESK_MANAGER, full_name="窓口 課長"),
    }
    project = factories.make_project(
        people,
        title="AIで呼べる乗合タクシーの実証",
        title_en="On-demand shared taxis",
        summary_en="Shared taxis called by phone.",
        fiscal_year=timezone.localdate().year,
    )
    theme = factories.open_theme(title="交通空白地の解消")
    proposal = factories.submitted(people["business"], title="防災アプリで避難を支える実証")
    return {**people, "project": project, "theme": theme, "proposal": proposal}


def test_public_pages_raise_no_csp_violation(watched, site):
    page, violations = watched()
    for path in (
        "/",
        "/en/",
        "/themes/",
        f"/themes/{site['theme'].pk}/",
        "/projects/",
        f"/projects/{site['project'].pk}/",
        f"/en/projects/{site['project'].pk}/",
        "/projects/statistics/",
        "/projects/opendata/",
        "/en/projects/opendata/",
        "/accounts/login/",
        "/status",
    ):
        visit(page, violations, path)
    # The public list again, now answered from the public page cache.
    again = visit(page, violations, "/projects/")
    assert again.headers.get("x-public-cache") in ("hit", "shared")
    assert site["project"].public_title in page.content()


def test_a_business_sees_its_pages_without_csp_violations(watched, site, axe_check):
    page, violations = watched()
    sign_in(page, site["business"].email, axe_check)
    assert not violations.all(), violations.report()
    visit(page, violations, "/proposals/")
    assert site["proposal"].title in page.content()
    visit(page, violations, f"/proposals/{site['proposal'].pk}/")
    visit(page, violations, f"/proposals/{site['proposal'].pk}/receipt/")


def test_the_desk_sees_its_pages_without_csp_violations(watched, site, axe_check):
    page, violations = watched()
    sign_in(page, site["desk_staff"].email, axe_check)
    visit(page, violations, "/desk/")
    assert site["proposal"].title in page.content()
    visit(page, violations, f"/proposals/{site['proposal'].pk}/")
    visit(page, violations, "/desk/dashboard/")  # server-side SVG charts
    visit(page, violations, "/desk/projects/")


def test_the_listeners_catch_a_violation(watched, site):
    """An inline script and an inline style attribute added to a page are refused by the
    browser, and both listeners report it: the tests above would see one."""
    page, violations = watched()
    visit(page, violations, "/")
    page.evaluate("""() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineScriptRan = true;';
      document.body.appendChild(script);
    }""")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 100))")
    assert page.evaluate("() => window.__inlineScriptRan === true") is False
    assert [v["directive"] for v in violations.in_page(page)][:1] in (
        ["script-src-elem"],
        ["script-src"],
    )
    wait_until(
        page, lambda: any(e["directive"].startswith("script-src") for e in violations.events)
    )
    wait_until(page, lambda: any("Content Security Policy" in line for line in violations.console))

    before = len(violations.events)
    page.evaluate("() => document.querySelector('h1').setAttribute('style', 'color: red')")
    wait_until(
        page,
        lambda: any(e["directive"].startswith("style-src") for e in violations.events[before:]),
    )
    color = page.evaluate("() => getComputedStyle(document.querySelector('h1')).color")
    assert color != "rgb(255, 0, 0)"
