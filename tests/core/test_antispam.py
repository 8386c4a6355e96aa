"""core.antispam: per-IP rate limits in the shared cache, the honeypot and the minimum fill
time — on a small form and view of their own, so they are tested apart from any page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django import forms
from django.conf.urls.i18n import i18n_patterns
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path
from django.utils import timezone
from django.views import View

from core import antispam, clientip
from core.antispam import AntiSpamFormMixin, RateLimitMixin, make_form_token, rate_limit

from . import urls as site_urls


@rate_limit("register")
def limited_view(request):
    return HttpResponse("ok")


class LimitedView(RateLimitMixin, View):
    rate_limit_scope = "login"

    def get(self, request):
        return HttpResponse("read")

    def post(self, request):
        return HttpResponse("posted")


urlpatterns = [
    *i18n_patterns(
        path("limited/", limited_view, name="limited"),
        path("limited-class/", LimitedView.as_view(), name="limited_class"),
        prefix_default_language=False,
    ),
    *site_urls.urlpatterns,  # the site's URLs (with accounts/), for the page layout
]


class ContactForm(AntiSpamFormMixin, forms.Form):
    antispam_form_name = "contact"
    name = forms.CharField()


def post_data(**overrides) -> dict:
    data = {"name": "共創 太郎", "homepage": "", "form_started": make_form_token("contact")}
    data.update(overrides)
    return data


def later(seconds: float):
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds))


def request_from(ip: str, **meta):
    return RequestFactory().post("/", REMOTE_ADDR=ip, **meta)


# --- Rate limits ----------------------------------------------------------------------------


@pytest.mark.unit
def test_hits_are_counted_per_scope_and_address_until_the_window_ends(db, settings):
    settings.RATE_LIMITS = {"register": (2, 60)}
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, 0, 0, tzinfo=dt.UTC), tick=False):
        assert antispam.hit("register", request_from("203.0.113.1"))[0]
        allowed, retry_after = antispam.hit("register", request_from("203.0.113.1"))
        assert allowed and retry_after == 60
        assert not antispam.hit("register", request_from("203.0.113.1"))[0]
        # Other addresses and other scopes count separately.
        assert antispam.hit("register", request_from("203.0.113.2"))[0]
        assert antispam.hit("login", request_from("203.0.113.1"))[0]
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, 0, 45, tzinfo=dt.UTC), tick=False):
        allowed, retry_after = antispam.hit("register", request_from("203.0.113.1"))
        assert not allowed and retry_after == 15
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, 1, 0, tzinfo=dt.UTC), tick=False):
        assert antispam.hit("register", request_from("203.0.113.1"))[0]


@pytest.mark.unit
def test_the_count_lives_in_the_database_not_in_the_process(db, settings):
    """Without Redis the database is what every web process shares; the count must be there,
    in one row per window that each hit adds one to."""
    from core.models import RateCounter

    settings.RATE_LIMITS = {"register": (5, 3600)}
    settings.REDIS_CACHE_URL = ""
    for _ in range(3):
        antispam.hit("register", request_from("203.0.113.9"))
    rows = list(RateCounter.objects.filter(key__startswith="register:203.0.113.9:"))
    assert [row.count for row in rows] == [3]


@pytest.mark.unit
def test_ipv6_addresses_of_one_network_share_a_limit(db, settings):
    settings.RATE_LIMITS = {"register": (1, 3600)}
    assert antispam.hit("register", request_from("2001:db8:1:2::10"))[0]
    assert not antispam.hit("register", request_from("2001:db8:1:2:ffff::1"))[0]  # same /64
    assert antispam.hit("register", request_from("2001:db8:1:3::10"))[0]  # another /64
    assert clientip.ip_key("::ffff:192.0.2.5") == "192.0.2.5"


@pytest.mark.unit
def test_a_forwarded_address_counts_only_when_the_proxy_header_is_configured(db, settings):
    settings.RATE_LIMITS = {"register": (1, 3600)}
    proxy = "10.0.0.1"
    # Not configured: a client cannot escape the limit by sending its own header.
    assert antispam.hit("register", request_from(proxy, HTTP_X_REAL_IP="198.51.100.1"))[0]
    assert not antispam.hit("register", request_from(proxy, HTTP_X_REAL_IP="198.51.100.2"))[0]
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert antispam.client_ip(request_from(proxy, HTTP_X_REAL_IP="198.51.100.3")) == "198.51.100.3"
    assert antispam.hit("register", request_from(proxy, HTTP_X_REAL_IP="198.51.100.3"))[0]
    assert antispam.hit("register", request_from(proxy, HTTP_X_REAL_IP="198.51.100.4"))[0]


@pytest.mark.unit
def test_an_unknown_scope_fails_at_import_time():
    with pytest.raises(KeyError):
        rate_limit("no-such-scope")


@pytest.mark.integration
@pytest.mark.urls(__name__)
def test_decorated_view_answers_429_with_a_page_in_the_users_language(client, db, settings):
    settings.RATE_LIMITS = {"register": (2, 600)}
    for _ in range(2):
        assert client.post("/limited/", REMOTE_ADDR="192.0.2.10").content == b"ok"
    limited = client.post("/limited/", REMOTE_ADDR="192.0.2.10")
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 600
    assert '<html lang="ja">' in limited.content.decode()
    english = client.post("/en/limited/", REMOTE_ADDR="192.0.2.10")
    assert english.status_code == 429
    text = english.content.decode()
    assert '<html lang="en">' in text and "Too many requests" in text
    assert "Nothing was sent or saved." in text
    # Only POSTs count; another address is free.
    assert client.get("/limited/", REMOTE_ADDR="192.0.2.10").status_code == 200
    assert client.post("/limited/", REMOTE_ADDR="192.0.2.11").status_code == 200


@pytest.mark.integration
@pytest.mark.urls(__name__)
def test_class_based_view_mixin_limits_posts_only(client, db, settings):
    settings.RATE_LIMITS = {"login": (1, 600)}
    assert client.post("/limited-class/").content == b"posted"
    assert client.post("/limited-class/").status_code == 429
    assert client.get("/limited-class/").content == b"read"


def form_of(token: str) -> str:
    """The form a token was made for (a token is "<form>|<random>", signed with its time)."""
    return signing.TimestampSigner(salt="kyoso.antispam.form-started").unsign(token).split("|")[0]


# --- Honeypot and minimum fill time ---------------------------------------------------------


@pytest.mark.unit
def test_a_form_filled_in_after_the_minimum_time_is_valid(db, settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    data = post_data()
    with later(4):
        form = ContactForm(data)
        assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "共創 太郎"


@pytest.mark.unit
def test_too_fast_is_refused_and_the_same_token_passes_a_moment_later(db, settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    data = post_data()
    form = ContactForm(data)
    assert not form.is_valid()
    assert form.has_error(forms.forms.NON_FIELD_ERRORS, "too_fast")
    html = form.as_div()
    assert 'value="共創 太郎"' in html and f'value="{data["form_started"]}"' in html
    with later(3.5):
        assert ContactForm(data).is_valid()


@pytest.mark.unit
def test_a_filled_honeypot_is_refused_and_cleared_for_the_next_try(db, settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    form = ContactForm(post_data(homepage="https://cheap-pills.example"))
    assert not form.is_valid()
    assert form.has_error(forms.forms.NON_FIELD_ERRORS, "honeypot")
    assert form["name"].value() == "共創 太郎"
    assert form["homepage"].value() == ""
    assert ContactForm(form.data).is_valid()


@pytest.mark.unit
@pytest.mark.parametrize(
    "token",
    ["", "garbage", "contact:1abc:forged-signature", make_form_token("register")],
    # Named, not shown: the last token carries the second it was made, and pytest-xdist's
    # workers, collecting a second apart, would otherwise see two different tests.
    ids=["missing", "garbage", "forged", "another-form"],
)
def test_a_missing_forged_or_foreign_token_is_refused_and_replaced(db, settings, token):
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    form = ContactForm(post_data(form_started=token))
    assert not form.is_valid()
    assert form.has_error(forms.forms.NON_FIELD_ERRORS, "token")
    fresh = form["form_started"].value()
    assert fresh != token
    assert form_of(fresh) == "contact"
    assert ContactForm(form.data).is_valid()  # sending the shown form again works


@pytest.mark.unit
def test_a_form_left_open_too_long_is_shown_again_with_a_new_token(db, settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    data = post_data()
    with later(3 * 24 * 3600):
        form = ContactForm(data)
        assert not form.is_valid()
        assert form.has_error(forms.forms.NON_FIELD_ERRORS, "token")
        assert form["name"].value() == "共創 太郎"
        with later(10):
            assert ContactForm(form.data).is_valid()


@pytest.mark.unit
def test_the_honeypot_is_out_of_sight_and_out_of_the_tab_order():
    form = ContactForm()
    assert [f.name for f in form.visible_fields()] == ["name"]
    widget = str(form["homepage"])
    assert 'tabindex="-1"' in widget and 'autocomplete="off"' in widget
    assert form_of(form["form_started"].value()) == "contact"


@pytest.mark.integration
def test_the_registration_page_hides_the_honeypot_from_people_and_screen_readers(
    client, db, settings
):
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("accounts:register")
    except NoReverseMatch:
        settings.ROOT_URLCONF = "tests.core.urls"
        url = reverse("accounts:register")
    text = client.get(url).content.decode()
    start = text.index('<div hidden aria-hidden="true">')
    end = text.index("</div>", start)
    assert 'name="homepage"' in text[start:end]
    assert text.count('name="homepage"') == 1


@pytest.mark.unit
def test_a_token_is_good_for_one_successful_submission(db, settings):
    """A script that fetched the form once cannot post it again and again; the second post is
    shown again with a fresh token and everything typed kept, and that one goes through."""
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    data = post_data()
    assert ContactForm(data).is_valid()
    again = ContactForm(data)
    assert not again.is_valid()
    assert again.has_error(forms.forms.NON_FIELD_ERRORS, "token")
    assert again["name"].value() == "共創 太郎"
    assert again["form_started"].value() != data["form_started"]
    assert ContactForm(again.data).is_valid()


@pytest.mark.unit
def test_two_forms_shown_in_the_same_second_have_their_own_tokens():
    assert make_form_token("contact") != make_form_token("contact")
