"""Running the site: liveness, request references, our own error pages, the Content-Security-
Policy, shorter sessions for the city's people, sign-in lock-outs that follow the client's
address, and the status page — through the test client and the real middleware stack.

This module is also the URL configuration of the 500 tests (``@pytest.mark.urls``): the site's
own addresses with one view in front that fails.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import escape

from config import urls as site_urls
from core import error_views
from core.antispam import make_form_token
from core.dates import JAPAN
from core.log_filters import RequestReferenceFilter
from core.models import QueuedTask, Role
from projects import public_cache

from .. import factories

pytestmark = pytest.mark.integration

BASE_DIR = Path(django_settings.BASE_DIR)
NEW_PASSWORD = "Hakata-harbour-2027?"


def ja(msgid: str) -> str:
    """What a Japanese page shows for ``msgid``, as it appears in the HTML."""
    with translation.override("ja"):
        return escape(translation.gettext(msgid))


def translated(msgid: str) -> str:
    """``msgid`` in Japanese, failing if the catalogue does not have it."""
    text = ja(msgid)
    assert text != escape(msgid), f"no Japanese translation for {msgid!r}"
    return text


def body(response) -> str:
    return response.content.decode()


# --- A tiny URL configuration for the 500 page --------------------------------------------------


def _fails(request):
    raise RuntimeError("something broke deep inside")


urlpatterns = [
    path("boom/", _fails),
    path("en/boom/", _fails),
    *site_urls.urlpatterns,
]
handler500 = "core.error_views.server_error"


# --- (1) Liveness and the request reference -----------------------------------------------------


def test_healthz_answers_ok_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"
    assert re.fullmatch(r"[0-9a-f]{12}", response["X-Request-ID"])


def test_healthz_costs_nothing_for_a_signed_in_browser_either(
    client, people, django_assert_num_queries
):
    client.force_login(people["desk_staff"])  # a session cookie is sent along
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["X-Request-ID"]


def test_every_response_carries_its_own_request_id(client, db):
    responses = [
        client.get("/"),
        client.get("/en/"),
        client.get(reverse("status")),
        client.get("/no-such-page/"),
        client.get(reverse("projects:list")),
        client.get(reverse("projects:list")),  # answered from the public page cache
        client.post(reverse("login"), {"username": "nobody@example.jp", "password": "x"}),
        client.get("/healthz"),
    ]
    assert responses[5]["X-Public-Cache"] == "hit"
    ids = [response["X-Request-ID"] for response in responses]
    assert all(re.fullmatch(r"[0-9a-f]{12}", value) for value in ids), ids
    assert len(set(ids)) == len(ids), "every request gets a reference of its own"


# --- (2) Our own error pages --------------------------------------------------------------------


def assert_site_page(text: str, language: str) -> None:
    """The site's layout: the header with the menu, and a way back home."""
    assert f'<html lang="{language}">' in text
    assert 'class="site-header"' in text
    home = "/en/" if language == "en" else "/"
    assert f'<a class="button" href="{home}">' in text


def test_a_made_up_address_gets_our_404_page_in_japanese(client, db):
    response = client.get("/kore-wa-nai/")
    assert response.status_code == 404
    text = body(response)
    assert_site_page(text, "ja")
    assert translated("Page not found") in text
    assert translated("Go to the home page") in text
    assert f'href="{reverse("themes:list")}"' in text
    assert response["X-Request-ID"] in text  # the reference is printed on the page


def test_a_made_up_address_under_en_gets_our_404_page_in_english(client, db):
    response = client.get("/en/there-is-no-such-page/")
    assert response.status_code == 404
    text = body(response)
    assert_site_page(text, "en")
    assert "Page not found" in text and "Go to the home page" in text
    assert 'href="/en/themes/"' in text


def test_a_form_without_its_csrf_token_gets_our_page_in_japanese(db, people):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        reverse("login"), {"username": people["business"].email, "password": factories.PASSWORD}
    )
    assert response.status_code == 403
    text = body(response)
    assert_site_page(text, "ja")
    assert translated("The form could not be sent") in text
    assert (
        translated(
            "Go back with your browser (what you typed is usually still there), reload the page, "
            "and send the form again. If it happens again, allow cookies for this site."
        )
        in text
    )
    assert "_auth_user_id" not in browser.session


def test_a_form_without_its_csrf_token_under_en_gets_our_page_in_english(db, people):
    browser = Client(enforce_csrf_checks=True)
    with translation.override("en"):
        url = reverse("login")
    response = browser.post(url, {"username": people["business"].email, "password": "x"})
    assert response.status_code == 403
    text = body(response)
    assert_site_page(text, "en")
    assert "The form could not be sent" in text


def test_a_forbidden_action_gets_our_403_page(client, people):
    """Desk staff may read a business's organisation but not change it."""
    organization = people["business"].organization
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("accounts:organization_detail", args=[organization.pk]), {"name": "書き換え"}
    )
    assert response.status_code == 403
    text = body(response)
    assert_site_page(text, "ja")
    assert translated("This is not open to you") in text
    organization.refresh_from_db()
    assert organization.name != "書き換え"


def test_a_request_for_an_unknown_host_gets_our_400_page(client, db):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    text = body(response)
    assert 'class="site-header"' in text
    assert translated("The request could not be read") in text


@pytest.mark.urls(__name__)
def test_a_failing_view_gets_our_500_page_with_the_requests_reference(client, db):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    text = body(response)
    reference = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{12}", reference)
    assert f"<strong>{reference}</strong>" in text
    assert '<html lang="ja">' in text and 'class="site-header"' in text
    assert translated("Something went wrong on our side") in text
    assert '<a class="button" href="/">' in text
    assert "something broke deep inside" not in text  # no detail of the failure is shown
    assert_strict_policy(response)


@pytest.mark.urls(__name__)
def test_the_failure_is_logged_under_the_same_reference(client, db, caplog):
    """The reference on the page finds the traceback in the log (core.log_filters)."""
    client.raise_request_exception = False
    with caplog.at_level("ERROR"):
        response = client.get("/boom/")
    reference = response["X-Request-ID"]
    [failure] = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert "something broke deep inside" in str(failure.exc_info[1])
    RequestReferenceFilter().filter(failure)
    assert failure.reference == reference


@pytest.mark.urls(__name__)
def test_the_500_page_under_en_is_in_english(client, db):
    client.raise_request_exception = False
    response = client.get("/en/boom/")
    assert response.status_code == 500
    text = body(response)
    assert '<html lang="en">' in text
    assert "Something went wrong on our side" in text
    assert f"<strong>{response['X-Request-ID']}</strong>" in text
    assert '<a class="button" href="/en/">' in text


def test_the_500_page_renders_with_no_queries(db, django_assert_num_queries):
    request = RequestFactory().get("/proposals/1/")
    request.reference = "0123456789ab"
    with django_assert_num_queries(0):
        response = error_views.server_error(request)
    assert response.status_code == 500
    assert "<strong>0123456789ab</strong>" in body(response)


def test_the_500_page_renders_when_the_database_is_out_of_reach():
    """No database at all (pytest-django refuses every query of a test without ``db``): the
    page that reports a failed database must not need it, nor the session."""
    request = RequestFactory().get("/en/desk/")
    request.reference = "fedcba987654"
    response = error_views.server_error(request)
    assert response.status_code == 500
    text = body(response)
    assert "<strong>fedcba987654</strong>" in text and '<html lang="en">' in text


# --- (3) The Content-Security-Policy --------------------------------------------------------------


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


def assert_strict_policy(response) -> None:
    header = response["Content-Security-Policy"]
    assert "default-src 'self'" in header
    assert "script-src 'self'" in header
    assert "frame-ancestors 'none'" in header
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    directives = policy(response)
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_the_home_page_carries_the_policy(client, db):
    for url in ("/", "/en/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_strict_policy(response)


def test_a_public_page_from_the_page_cache_carries_the_policy(client, db):
    url = reverse("projects:list")
    first = client.get(url)
    assert first["X-Public-Cache"] == "miss"
    assert_strict_policy(first)
    again = client.get(url)
    assert again["X-Public-Cache"] == "hit"
    assert_strict_policy(again)
    # Kept by another process: answered from the shared cache.
    public_cache.reset_local()
    shared = client.get(url)
    assert shared["X-Public-Cache"] == "shared"
    assert_strict_policy(shared)


def test_a_signed_in_desk_page_carries_the_policy(client, people):
    client.force_login(people["desk_staff"])
    response = client.get(reverse("desk:inbox"))
    assert response.status_code == 200
    assert_strict_policy(response)


def test_error_pages_carry_the_policy(client, db):
    assert_strict_policy(client.get("/no-such-page/"))


TEMPLATES = BASE_DIR / "templates"
INLINE = [
    ("a style attribute", re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE)),
    ("a <style> element", re.compile(r"<style[\s>]", re.IGNORECASE)),
    ("a <script> element", re.compile(r"<script[\s>]", re.IGNORECASE)),
    ("an event handler attribute", re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE)),
    ("a javascript: address", re.compile(r"javascript:", re.IGNORECASE)),
]
REFERENCE = re.compile(r"{%\s*(?:extends|include)\s+[\"']([^\"']+)[\"']")


def template_dirs() -> list[Path]:
    dirs = [TEMPLATES]
    for app in ("core", "proposals", "themes", "reviews", "projects", "demo"):
        candidate = BASE_DIR / app / "templates"
        if candidate.is_dir():
            dirs.append(candidate)
    return dirs


def all_templates() -> dict[str, Path]:
    found = {}
    for root in template_dirs():
        for file in root.rglob("*"):
            if file.is_file() and file.suffix in {".html", ".txt", ".xml", ".svg"}:
                found.setdefault(file.relative_to(root).as_posix(), file)
    return found


def pdf_only(templates: dict[str, Path]) -> set[str]:
    """The templates only WeasyPrint renders (no browser, so no CSP): those in a pdf/ folder,
    and those that only such templates extend or include (documents/base.html)."""
    in_pdf = {name for name in templates if "/pdf/" in f"/{name}"}
    users: dict[str, set[str]] = {}
    for name, file in templates.items():
        for target in REFERENCE.findall(file.read_text("utf-8")):
            users.setdefault(target, set()).add(name)
    return in_pdf | {name for name, by in users.items() if by and by <= in_pdf}


def test_no_page_template_has_inline_script_or_style():
    templates = all_templates()
    assert len(templates) > 50, "the scan found too few templates"
    exempt = pdf_only(templates)
    assert "documents/base.html" in exempt  # the PDF layout, used only by templates/*/pdf/
    offences = []
    for name, file in sorted(templates.items()):
        if name in exempt:
            continue
        text = file.read_text("utf-8")
        for what, pattern in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offences.append(f"{name}:{line}: {what}")
    assert not offences, "the CSP blocks inline script and style:\n" + "\n".join(offences)


def test_the_scan_would_see_inline_script_and_style():
    sample = '<p style="color:red">x</p><style>p{}</style><script>1</script><a onclick="x">'
    assert [what for what, pattern in INLINE if pattern.search(sample)] == [
        "a style attribute",
        "a <style> element",
        "a <script> element",
        "an event handler attribute",
    ]


# --- (5) Shorter sessions for the city's people ---------------------------------------------------


def sign_in(client, user, password=factories.PASSWORD, **extra):
    return client.post(reverse("login"), {"username": user.email, "password": password}, **extra)


CITY_ROLES = ["desk_staff", "desk_manager", "department", "reviewer", "administrator"]


@pytest.mark.parametrize("who", CITY_ROLES)
def test_the_citys_people_are_signed_in_for_a_working_day(client, people, who):
    response = sign_in(client, people[who])
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(people[who].pk)
    assert django_settings.STAFF_SESSION_SECONDS == 8 * 3600
    assert client.session.get_expiry_age() == 8 * 3600
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 8 * 3600


def test_a_business_member_stays_signed_in_for_two_weeks(client, people):
    response = sign_in(client, people["business"])
    assert response.status_code == 302
    assert client.session.get_expiry_age() == django_settings.SESSION_COOKIE_AGE == 14 * 86400
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 14 * 86400


def test_the_staff_session_length_is_a_setting(client, people, settings):
    settings.STAFF_SESSION_SECONDS = 3600
    sign_in(client, people["desk_staff"])
    assert client.session.get_expiry_age() == 3600


def test_a_desk_session_ends_after_eight_hours_and_a_business_one_does_not(people):
    start = dt.datetime(2026, 6, 1, 9, 0, tzinfo=JAPAN)
    desk, business = Client(), Client()
    with time_machine.travel(start, tick=False):
        assert sign_in(desk, people["desk_staff"]).status_code == 302
        assert sign_in(business, people["business"]).status_code == 302
    with time_machine.travel(start + dt.timedelta(hours=8) - dt.timedelta(seconds=5), tick=False):
        assert desk.get(reverse("desk:inbox")).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=8, seconds=5), tick=False):
        gone = desk.get(reverse("desk:inbox"))
        assert gone.status_code == 302
        assert urlsplit(gone["Location"]).path == reverse("login")
        assert business.get(reverse("proposals:list")).status_code == 200
    with time_machine.travel(start + dt.timedelta(days=14, seconds=5), tick=False):
        assert business.get(reverse("proposals:list")).status_code == 302


# --- (6) Sign-in lock-outs: this account from this address ---------------------------------------

CITY_PROXY = "192.0.2.10"
HOME = "198.51.100.20"


@pytest.fixture
def lockouts(settings):
    # What the site is configured with (not set here: these tests check the configuration).
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    settings.CLIENT_IP_HEADER = None  # no proxy unless a test says so
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    # The sign-in rate limit (20 per address per 10 minutes) is not what these tests are about.
    settings.RATE_LIMITS = {"login": (1000, 600), "password_reset": (100, 3600)}
    return settings


def fail(client, user, times: int, **extra) -> list[int]:
    return [sign_in(client, user, password=f"wrong-{n}", **extra).status_code for n in range(times)]


def assert_locked_page(response) -> None:
    assert response.status_code == 429
    text = body(response)
    assert '<html lang="ja">' in text
    assert translated("Sign-in is paused") in text
    assert (
        translated(
            "Forgotten your password? Setting a new one works at once, even while sign-in is "
            "paused."
        )
        in text
    )
    assert f'href="{reverse("accounts:password_reset")}"' in text
    assert translated("Set a new password") in text
    assert_strict_policy(response)


def test_five_wrong_passwords_lock_that_account_at_that_address_only(lockouts, people):
    a, b = people["business"], people["colleague"]
    statuses = fail(Client(), a, 5, REMOTE_ADDR=CITY_PROXY)
    assert statuses[:4] == [200] * 4
    locked = sign_in(Client(), a, REMOTE_ADDR=CITY_PROXY)  # the right password, too late
    assert_locked_page(locked)
    assert "_auth_user_id" not in Client().session

    # Someone else behind the same proxy signs in.
    colleague = Client()
    assert sign_in(colleague, b, REMOTE_ADDR=CITY_PROXY).status_code == 302
    assert colleague.session["_auth_user_id"] == str(b.pk)
    # The same account from another address signs in.
    elsewhere = Client()
    assert sign_in(elsewhere, a, REMOTE_ADDR=HOME).status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(a.pk)
    # Still paused where the wrong passwords came from.
    assert sign_in(Client(), a, REMOTE_ADDR=CITY_PROXY).status_code == 429


def test_a_completed_password_reset_lifts_the_lock(
    lockouts, people, smtp_server, django_capture_on_commit_callbacks
):
    a = people["business"]
    fail(Client(), a, 5, REMOTE_ADDR=CITY_PROXY)
    assert sign_in(Client(), a, REMOTE_ADDR=CITY_PROXY).status_code == 429

    owner = Client()
    with django_capture_on_commit_callbacks(execute=True):
        sent = owner.post(
            reverse("accounts:password_reset"),
            {"email": a.email, "homepage": "", "form_started": make_form_token("password-reset")},
            REMOTE_ADDR=CITY_PROXY,
        )
    assert sent.status_code == 302
    smtp_server.wait_for(1)
    [message] = smtp_server.to(a.email)
    [link] = re.findall(r"https?://\S+", smtp_server.text(message))
    form = owner.get(urlsplit(link).path, follow=True, REMOTE_ADDR=CITY_PROXY)
    assert form.context["validlink"]
    done = owner.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        REMOTE_ADDR=CITY_PROXY,
    )
    assert done.status_code == 302

    again = Client()
    assert sign_in(again, a, password=NEW_PASSWORD, REMOTE_ADDR=CITY_PROXY).status_code == 302
    assert again.session["_auth_user_id"] == str(a.pk)
    assert not AccessAttempt.objects.filter(username__iexact=a.email).exists()


@pytest.mark.parametrize("spelling", ["upper", "capitalised", "spaces"])
def test_the_lock_holds_however_the_address_is_typed(lockouts, people, spelling):
    """Sign-in takes the e-mail address in any case (and without surrounding spaces), so the
    lock must too: otherwise every spelling of the same account gets five more guesses."""
    a = people["business"]
    local, _, domain = a.email.partition("@")
    typed = {
        "upper": a.email.upper(),
        "capitalised": f"{local.capitalize()}@{domain.upper()}",
        "spaces": f"  {a.email} ",
    }[spelling]
    fail(Client(), a, 5, REMOTE_ADDR=HOME)
    assert sign_in(Client(), a, REMOTE_ADDR=HOME).status_code == 429
    # The same account, spelled otherwise, from the same address.
    browser = Client()
    response = browser.post(
        reverse("login"), {"username": typed, "password": factories.PASSWORD}, REMOTE_ADDR=HOME
    )
    assert response.status_code == 429, f"{typed!r} signed in past the lock"
    assert "_auth_user_id" not in browser.session


def test_behind_a_proxy_the_lock_follows_the_clients_address(lockouts, people):
    lockouts.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    a = people["business"]
    fail(Client(), a, 5, REMOTE_ADDR="10.0.0.1", headers={"X-Real-IP": HOME})
    assert {row.ip_address for row in AccessAttempt.objects.all()} == {HOME}
    # The same proxy, another client address: not locked.
    other = Client()
    response = sign_in(other, a, REMOTE_ADDR="10.0.0.1", headers={"X-Real-IP": CITY_PROXY})
    assert response.status_code == 302
    # The address the wrong passwords came from is locked, whichever proxy it comes through.
    locked = sign_in(Client(), a, REMOTE_ADDR="10.0.0.2", headers={"X-Real-IP": HOME})
    assert_locked_page(locked)


def test_without_the_setting_the_header_is_not_believed(lockouts, people):
    a = people["business"]
    for n in range(5):  # a client inventing a new address for every try
        sign_in(
            Client(),
            a,
            password="wrong",
            REMOTE_ADDR=HOME,
            headers={"X-Real-IP": f"203.0.113.{n}"},
        )
    locked = sign_in(Client(), a, REMOTE_ADDR=HOME, headers={"X-Real-IP": "203.0.113.99"})
    assert locked.status_code == 429


def test_twenty_five_people_behind_one_address_with_a_typo_each_are_not_locked(lockouts, db):
    lockouts.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    city = {"REMOTE_ADDR": "10.0.0.1", "headers": {"X-Real-IP": CITY_PROXY}}
    staff = [factories.user(Role.DEPARTMENT) for _ in range(25)]
    for member in staff:
        browser = Client()
        assert sign_in(browser, member, password="typo", **city).status_code == 200
        assert sign_in(browser, member, **city).status_code == 302
        assert browser.session["_auth_user_id"] == str(member.pk)
    assert AccessAttempt.objects.count() <= 25
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) <= {CITY_PROXY}
    # The pair still locks: one of them typing wrong five times is paused, the others not.
    first, second = staff[0], staff[1]
    fail(Client(), first, 5, **city)
    assert sign_in(Client(), first, **city).status_code == 429
    assert sign_in(Client(), second, **city).status_code == 302


# --- (7) The status page ----------------------------------------------------------------------


def test_the_status_page_shows_the_cache_and_the_task_queue(client, db):
    response = client.get(reverse("status"))
    assert response.status_code == 200
    text = body(response)
    assert '<td id="status-cache" data-kind="database" data-up="yes">' in text
    assert translated("In the database.") in text
    assert '<td id="status-broker" data-up="yes" data-waiting="0">' in text
    assert translated("No queue: tasks run inline.") in text


def test_the_status_page_counts_tasks_waiting_for_the_broker(client, db):
    QueuedTask.objects.create(name="core.tasks.record_heartbeat")
    text = body(client.get(reverse("status")))
    assert 'id="status-broker" data-up="yes" data-waiting="1"' in text


def test_the_status_page_says_when_redis_does_not_answer(client, db, settings):
    settings.REDIS_CACHE_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    text = body(client.get(reverse("status")))
    assert '<td id="status-cache" data-kind="redis" data-up="no">' in text
    assert (
        translated(
            "Redis: not answering. Until it is back, each web process keeps the public pages on "
            "its own for a few seconds and rate limits count in the database."
        )
        in text
    )
