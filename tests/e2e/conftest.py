"""Browser tests: Debian's Chromium driven by Playwright (sync API) against Django's live_server.

Everything here is a fixture that only e2e tests request, so nothing runs for the other layers.
The fixtures do not need pytest-playwright; when that plugin is installed, the ``browser`` and
``page`` below override its own (which would launch a browser Playwright downloaded).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from tests.support import require

from .support import DESKTOP

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps calling out, and the closed network refuses it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# WCAG 2.1 AA, which JIS X 8341-3:2016 AA follows.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Debian Chromium for the whole session."""
    require(
        os.access(CHROMIUM, os.X_OK), f"needs Chromium at {CHROMIUM} (apt-get install -y chromium)"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., object]]:
    """``new_page(**context_options)``: a page in a fresh context (own cookies) on the live server.

    Relative addresses (``page.goto("/en/")``) resolve against the live server.
    """
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page in its own context, for one test."""
    return new_page()


def _axe_report(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s) ({', '.join(AXE_TAGS)}) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation.get('impact')}]: {violation['help']}"
            f" ({violation.get('helpUrl', '')})"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target} — {summary}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe_check() -> Callable[[object], None]:
    """``axe_check(page)``: fail listing every WCAG 2.0/2.1 A/AA violation axe-core finds."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}

    def check(page) -> None:
        results = axe.run(page, options=options)
        violations = results.response["violations"]
        if violations:
            pytest.fail(_axe_report(page.url, violations), pytrace=False)

    return check
