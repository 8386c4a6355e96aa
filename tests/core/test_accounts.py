"""Business accounts end to end: registration, confirmation by e-mail, password reset, the
organisation profile and invitations — through the test client, the real database and a real
SMTP receiver; e-mails are read from what the receiver got."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from core.antispam import make_form_token
from core.models import Invitation, Organization, Role, User
from core.validators import make_corporate_number

from .. import factories

pytestmark = pytest.mark.integration

PASSWORD = "kyoso-Tenjin-2026!"
NEW_PASSWORD = "Hakata-harbour-2027?"


@pytest.fixture(autouse=True)
def _urls(settings):
    try:
        reverse("accounts:register")
    except NoReverseMatch:
        settings.ROOT_URLCONF = "tests.core.urls"


@pytest.fixture
def no_min_fill(settings):
    settings.ANTISPAM_MIN_FILL_SECONDS = 0
    return settings


def registration_data(**overrides) -> dict:
    data = {
        "business_type": "corporation",
        "name": "株式会社共創テック",
        "name_kana": "キョウソウテック",
        "corporate_number": make_corporate_number("777700001234"),
        "address": "福岡市中央区天神1-8-1",
        "representative_title": "代表取締役",
        "representative_name": "山田 太郎",
        "is_startup": "on",
        "website": "https://kyoso-tech.example.jp",
        "phone": "092-000-0000",
        "full_name": "山田 花子",
        "email": "hanako@kyoso-tech.example.jp",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "language": "ja",
        "homepage": "",
        "form_started": make_form_token("register"),
    }
    data.update(overrides)
    return data


def links_in(smtp_server, message) -> list[str]:
    return re.findall(r"https?://\S+", smtp_server.text(message))


def path_of(url: str) -> str:
    return urlsplit(url).path


def register(client, django_capture_on_commit_callbacks, **overrides):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:register"), registration_data(**overrides))


def sign_in(client, email: str, password: str, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def body(response) -> str:
    return response.content.decode()


def t(message: str, plural: str | None = None, n: int = 1, **params) -> str:
    """``message`` as a Japanese page shows it (translated once the catalogue has it)."""
    with translation.override("ja"):
        text = ngettext(message, plural, n) if plural else gettext(message)
    if "value" in params:
        text = text % params["value"]
    elif params:
        text = text % params
    return escape(text)


LINK_DOES_NOT_WORK = "This link does not work"


# --- Registration and confirmation ----------------------------------------------------------


def test_registration_end_to_end_confirms_by_e_mail_and_signs_in(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    page = client.get(reverse("accounts:register"))
    assert page.status_code == 200
    token = re.search(r'name="form_started" value="([^"]+)"', body(page)).group(1)

    response = register(client, django_capture_on_commit_callbacks, form_started=token)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:check_email")
    check = client.get(response["Location"])
    assert "hanako@kyoso-tech.example.jp" in body(check)

    user = User.objects.get(email="hanako@kyoso-tech.example.jp")
    assert not user.is_active and user.email_verified_at is None
    assert user.role == Role.BUSINESS and user.language == "ja"
    org = user.organization
    assert (org.name, org.is_startup, org.is_sole_proprietor) == ("株式会社共創テック", True, False)
    # Nobody can sign in before the address is confirmed.
    assert "_auth_user_id" not in client.session

    smtp_server.wait_for(1)
    [message] = smtp_server.to("hanako@kyoso-tech.example.jp")
    [link] = links_in(smtp_server, message)
    assert path_of(link).startswith("/accounts/email/confirm/")  # Japanese: no /en/ prefix

    confirm = client.get(path_of(link))
    assert confirm.status_code == 200
    assert "hanako@kyoso-tech.example.jp" in body(confirm)
    user.refresh_from_db()
    assert not user.is_active, "opening the link (as mail scanners do) confirms nothing"

    done = client.post(path_of(link), follow=True)
    assert done.redirect_chain[-1][0] == reverse("proposals:list")
    assert done.context["user"] == user and done.context["user"].is_authenticated
    assert t(
        "Thank you. Your e-mail address is confirmed and you are signed in. You can now "
        "write a proposal."
    ) in body(done)
    user.refresh_from_db()
    assert user.is_active and user.email_verified_at is not None

    # The link works once.
    client.logout()
    again = client.get(path_of(link))
    assert t(LINK_DOES_NOT_WORK) in body(again)


def test_english_registration_gets_the_e_mail_and_link_in_english(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    register(
        client, django_capture_on_commit_callbacks, language="en", email="sam@startup.example.com"
    )
    smtp_server.wait_for(1)
    [message] = smtp_server.to("sam@startup.example.com")
    subject = " ".join(message["Subject"].split())  # long subjects are folded
    assert subject == "[Kyoso Desk] Please confirm your e-mail address"
    [link] = links_in(smtp_server, message)
    assert path_of(link).startswith("/en/accounts/email/confirm/")
    text = smtp_server.text(message)
    assert "Thank you for registering at the Kyoso Desk." in text
    # Nothing the registrant typed reaches an address nobody has confirmed yet.
    assert "株式会社共創テック" not in text and "山田" not in text


def test_expired_confirmation_link_gets_a_clear_page_and_a_new_link_works(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    register(client, django_capture_on_commit_callbacks)
    smtp_server.wait_for(1)
    [old_link] = links_in(smtp_server, smtp_server.messages[0])

    with time_machine.travel(timezone.now() + dt.timedelta(days=3, hours=1)):
        page = client.get(path_of(old_link))
        assert page.status_code == 200
        text = body(page)
        assert t(LINK_DOES_NOT_WORK) in text
        assert (
            t(
                "The link to confirm your e-mail address has expired, has already been used, "
                "or was not copied completely."
            )
            in text
        )
        assert f'action="{reverse("accounts:resend_verification")}"' in text
        refused = client.post(path_of(old_link))
        assert t(LINK_DOES_NOT_WORK) in body(refused)
        assert not User.objects.get(email="hanako@kyoso-tech.example.jp").is_active

        with django_capture_on_commit_callbacks(execute=True):
            resent = client.post(
                reverse("accounts:resend_verification"),
                {
                    "email": "HANAKO@kyoso-tech.example.jp",
                    "homepage": "",
                    "form_started": make_form_token("resend-verification"),
                },
            )
        assert resent["Location"] == reverse("accounts:resend_verification_done")
        smtp_server.wait_for(2)
        [new_link] = links_in(smtp_server, smtp_server.messages[1])
        assert new_link != old_link
        client.post(path_of(new_link))
    assert User.objects.get(email="hanako@kyoso-tech.example.jp").is_active


def test_tampered_confirmation_link_is_refused(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    register(client, django_capture_on_commit_callbacks)
    smtp_server.wait_for(1)
    [link] = links_in(smtp_server, smtp_server.messages[0])
    uid, token = path_of(link).rstrip("/").split("/")[-2:]
    for bad in (
        f"/accounts/email/confirm/{uid}/{token[:-1]}x/",
        f"/accounts/email/confirm/Zm9v/{token}/",
        "/accounts/email/confirm/!!!/1-2/",
    ):
        response = client.post(bad)
        assert response.status_code == 200
        assert t(LINK_DOES_NOT_WORK) in body(response), bad
    assert not User.objects.get(email="hanako@kyoso-tech.example.jp").is_active


def test_resend_answers_the_same_whether_or_not_the_address_is_registered(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    active = factories.user(Role.BUSINESS)
    register(client, django_capture_on_commit_callbacks)
    smtp_server.wait_for(1)
    pages = []
    for email in ("nobody@example.jp", active.email, "hanako@kyoso-tech.example.jp"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("accounts:resend_verification"),
                {
                    "email": email,
                    "homepage": "",
                    "form_started": make_form_token("resend-verification"),
                },
                follow=True,
            )
        pages.append(body(response))
    assert pages[0] == pages[1] == pages[2]
    smtp_server.wait_for(2)
    # Only the account that still waits for confirmation got a new link.
    assert len(smtp_server.to("hanako@kyoso-tech.example.jp")) == 2
    assert not smtp_server.to("nobody@example.jp") and not smtp_server.to(active.email)


def test_unconfirmed_account_is_told_to_confirm_when_signing_in(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    register(client, django_capture_on_commit_callbacks)
    response = sign_in(client, "hanako@kyoso-tech.example.jp", PASSWORD)
    assert response.status_code == 200
    text = body(response)
    assert (
        t(
            "You have not yet confirmed your e-mail address. Please follow the link in the "
            "e-mail we sent you, or ask for a new link."
        )
        in text
    )
    assert reverse("accounts:resend_verification") in text
    wrong = sign_in(client, "hanako@kyoso-tech.example.jp", "not-the-password-1")
    assert reverse("accounts:resend_verification") not in body(wrong)  # only the right
    assert t(
        "The e-mail address or password is not correct. Both are case-sensitive except "
        "the e-mail address."
    ) in body(wrong)  # password learns why


# --- Registration refusals: nothing typed is lost -------------------------------------------


def assert_kept(text: str, *values: str) -> None:
    for value in values:
        assert f'value="{value}"' in text, value


def test_registration_never_says_that_an_address_has_an_account(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    """Registering with an address that has an account answers exactly as for a new one (so
    nobody learns who uses the desk); the address's owner gets our fixed text with the links to
    sign in or set a new password, and nothing is created or changed."""
    existing = factories.user(Role.BUSINESS, email="taken@example.jp")
    taken = register(client, django_capture_on_commit_callbacks, email="Taken@Example.jp")
    assert taken.status_code == 302
    assert taken["Location"] == reverse("accounts:check_email")
    page = body(client.get(taken["Location"]))
    assert "Taken@Example.jp".lower() in page.lower()
    assert t("already registered") not in page
    assert not Organization.objects.filter(name="株式会社共創テック").exists()
    assert User.objects.filter(email__iexact="taken@example.jp").get() == existing
    smtp_server.wait_for(1)
    [message] = smtp_server.to("taken@example.jp")
    text = smtp_server.text(message)
    assert "既にアカウントがあります" in text
    assert "株式会社共創テック" not in text and "山田" not in text  # nothing typed by the stranger
    assert path_of(links_in(smtp_server, message)[0]) == reverse("login")


CHECK_DIGIT = (
    "This corporate number (法人番号) is not valid: its check digit does not match. "
    "Please check the number on the National Tax Agency's corporate number site."
)


@pytest.mark.parametrize(
    "number, message",
    [
        ("1777700001234", CHECK_DIGIT),
        ("12345", "A corporate number (法人番号) has exactly 13 digits."),
        ("", "Enter the corporate number (法人番号). Only sole proprietors may leave it empty."),
    ],
)
def test_corporate_number_is_checked_with_the_models_messages(
    client, db, django_capture_on_commit_callbacks, no_min_fill, number, message
):
    assert make_corporate_number("777700001234") != "1777700001234"
    response = register(client, django_capture_on_commit_callbacks, corporate_number=number)
    assert response.status_code == 200
    text = body(response)
    assert t(message) in text
    assert_kept(text, "株式会社共創テック", "福岡市中央区天神1-8-1", "hanako@kyoso-tech.example.jp")
    # The error is tied to the field, after its help text, for screen readers.
    assert re.search(
        r'aria-describedby="id_corporate_number-help id_corporate_number-error"'
        r'[^>]*aria-invalid="true"|aria-invalid="true"[^>]*aria-describedby='
        r'"id_corporate_number-help id_corporate_number-error"',
        text,
    )
    assert not User.objects.exists() and not Organization.objects.exists()


def test_corporate_number_written_with_hyphens_and_full_width_digits_is_accepted(
    client, db, django_capture_on_commit_callbacks, no_min_fill
):
    number = make_corporate_number("777700001234")
    typed = f"{number[0]}-{number[1:5]}-{number[5:9]}-{number[9:]}".translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    response = register(client, django_capture_on_commit_callbacks, corporate_number=typed)
    assert response.status_code == 302
    assert Organization.objects.get().corporate_number == number


def test_sole_proprietor_with_a_corporate_number_is_refused_and_without_one_registers(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    refused = register(
        client,
        django_capture_on_commit_callbacks,
        business_type="sole_proprietor",
        name="やまだデザイン事務所",
    )
    assert t("A sole proprietor has no corporate number; leave it empty.") in body(refused)
    assert re.search(r'value="sole_proprietor"[^>]*checked', body(refused))  # choice kept
    assert not Organization.objects.exists()

    accepted = register(
        client,
        django_capture_on_commit_callbacks,
        business_type="sole_proprietor",
        name="やまだデザイン事務所",
        corporate_number="",
    )
    assert accepted.status_code == 302
    org = Organization.objects.get()
    assert org.is_sole_proprietor and org.corporate_number == ""


def test_a_private_person_without_a_business_is_told_who_can_register(
    client, db, django_capture_on_commit_callbacks, no_min_fill
):
    response = register(
        client, django_capture_on_commit_callbacks, business_type="individual", corporate_number=""
    )
    text = body(response)
    assert (
        t(
            "Only businesses can register: corporations and sole proprietors. The desk "
            "receives proposals from businesses that can carry out the project themselves, "
            "so a private person without a business cannot propose. For an opinion or idea "
            "as a resident, please use the city's general enquiry service."
        )
        in text
    )
    assert 'id="id_corporate_number-error"' not in text  # one message, not noise
    assert not User.objects.exists()


def test_an_already_registered_corporate_number_points_to_invitations(
    client, db, django_capture_on_commit_callbacks, no_min_fill
):
    factories.organization(corporate_number=make_corporate_number("777700001234"))
    response = register(client, django_capture_on_commit_callbacks)
    assert t(
        "An organisation with this corporate number is already registered. Colleagues "
        "join through an invitation: ask a member of your organisation to invite you "
        "from its organisation page, or contact the desk."
    ) in body(response)
    assert not User.objects.exists()


def test_passwords_are_checked_by_djangos_validators(
    client, db, django_capture_on_commit_callbacks, no_min_fill
):
    short = register(client, django_capture_on_commit_callbacks, password1="abc", password2="abc")
    assert t(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        10,
        value=10,
    ) in body(short)
    assert f'value="{PASSWORD}"' not in body(short)  # passwords are never sent back
    differ = register(client, django_capture_on_commit_callbacks, password2=PASSWORD + "x")
    assert t("The two passwords are not the same. Please type them again.") in body(differ)
    assert not User.objects.exists()


def test_honeypot_filled_is_refused_with_the_data_kept(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    response = register(client, django_capture_on_commit_callbacks, homepage="http://spam.example")
    assert response.status_code == 200
    text = body(response)
    assert (
        t(
            "This form could not be sent because a field that must stay empty was filled "
            "in (this is how we stop automated spam). Please check your entries and send the "
            "form again."
        )
        in text
    )
    assert_kept(text, "株式会社共創テック", "山田 花子", "hanako@kyoso-tech.example.jp")
    assert "http://spam.example" not in text  # cleared, so that sending again works
    assert not User.objects.exists() and not smtp_server.messages


def test_too_fast_submission_is_refused_with_the_data_kept_and_works_a_moment_later(
    client, db, django_capture_on_commit_callbacks, settings
):
    settings.ANTISPAM_MIN_FILL_SECONDS = 3
    page = client.get(reverse("accounts:register"))
    token = re.search(r'name="form_started" value="([^"]+)"', body(page)).group(1)
    response = register(client, django_capture_on_commit_callbacks, form_started=token)
    assert response.status_code == 200
    text = body(response)
    assert (
        t(
            "This form was sent faster than a person can fill it in, so we did not accept "
            "it (this is how we stop automated spam). Please check your entries and send it "
            "again."
        )
        in text
    )
    assert_kept(text, "株式会社共創テック", "山田 花子", token)
    assert not User.objects.exists()

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=10)):
        again = register(client, django_capture_on_commit_callbacks, form_started=token)
    assert again.status_code == 302
    assert User.objects.filter(email="hanako@kyoso-tech.example.jp").exists()


def test_forged_form_token_is_refused(client, db, django_capture_on_commit_callbacks, no_min_fill):
    response = register(client, django_capture_on_commit_callbacks, form_started="1:forged")
    assert t(
        "This form was open for a long time or could not be checked. Please check your "
        "entries and send it again."
    ) in body(response)
    assert not User.objects.exists()


# --- Rate limits, CSRF, sign-in throttling --------------------------------------------------


def test_registration_rate_limit_is_per_ip(client, db, settings, no_min_fill):
    settings.RATE_LIMITS = {"register": (3, 3600)}
    url = reverse("accounts:register")
    data = registration_data(business_type="individual")  # refused: creates nothing
    for _ in range(3):
        assert client.post(url, data, REMOTE_ADDR="203.0.113.7").status_code == 200
    limited = client.post(url, data, REMOTE_ADDR="203.0.113.7")
    assert limited.status_code == 429
    assert '<html lang="ja">' in body(limited)
    assert t("Too many requests") in body(limited)
    assert 0 < int(limited["Retry-After"]) <= 3600
    # Another address is not affected; reading the form is never limited.
    assert client.post(url, data, REMOTE_ADDR="198.51.100.20").status_code == 200
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200
    english = client.post("/en" + url, data, REMOTE_ADDR="203.0.113.7")
    assert english.status_code == 429 and "Please wait" in body(english)
    assert '<html lang="en">' in body(english)


@pytest.mark.parametrize("scope", ["login", "password_reset", "resend_verification", "invite"])
def test_every_public_post_is_rate_limited(client, db, settings, people, no_min_fill, scope):
    settings.RATE_LIMITS = {scope: (2, 600)}
    member = people["business"]
    if scope == "invite":
        client.force_login(member)
    url, data = {
        "login": (reverse("login"), {"username": "x@example.jp", "password": "wrong-password"}),
        "password_reset": (reverse("accounts:password_reset"), {"email": "nobody@example.jp"}),
        "resend_verification": (
            reverse("accounts:resend_verification"),
            {"email": "nobody@example.jp"},
        ),
        "invite": (
            reverse("accounts:invite", args=[member.organization_id]),
            {"email": member.email, "language": "ja"},
        ),
    }[scope]
    statuses = [client.post(url, data, REMOTE_ADDR="192.0.2.1").status_code for _ in range(3)]
    assert 429 not in statuses[:2] and statuses[2] == 429, statuses
    assert client.post(url, data, REMOTE_ADDR="192.0.2.2").status_code != 429


@pytest.mark.parametrize(
    "name",
    ["accounts:register", "accounts:resend_verification", "accounts:password_reset", "login"],
)
def test_public_forms_need_the_csrf_token(db, name, no_min_fill):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse(name), registration_data()).status_code == 403
    assert not User.objects.exists()


def test_repeated_wrong_passwords_lock_sign_in_with_a_clear_page_until_a_new_password(
    client, db, settings, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    settings.AXES_LOCKOUT_TEMPLATE = "core/account/lockout.html"
    member = factories.user(Role.BUSINESS, email="locked@example.jp")
    statuses = [
        sign_in(client, member.email, f"wrong-{i}").status_code
        for i in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[0] == 200
    locked = sign_in(client, member.email, factories.PASSWORD)
    assert locked.status_code == 429
    text = body(locked)
    assert '<html lang="ja">' in text
    assert t("Sign-in is paused") in text
    assert (
        t(
            "Please try again in %(minutes)s minute.",
            "Please try again in %(minutes)s minutes.",
            15,
            minutes=15,
        )
        in text
    )
    assert f'href="{reverse("accounts:password_reset")}"' in text
    assert "_auth_user_id" not in client.session

    # A new password (the e-mail proves the owner) lifts the pause at once.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:password_reset"),
            {
                "email": member.email,
                "homepage": "",
                "form_started": make_form_token("password-reset"),
            },
        )
    smtp_server.wait_for(1)
    [link] = links_in(smtp_server, smtp_server.to(member.email)[0])
    form = client.get(path_of(link), follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert sign_in(client, member.email, NEW_PASSWORD).status_code == 302


# --- Password reset -------------------------------------------------------------------------


def test_password_reset_end_to_end_through_the_smtp_receiver(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    member = factories.user(Role.BUSINESS, email="reset-me@example.jp", language="en")
    page = client.get(reverse("accounts:password_reset"))
    assert page.status_code == 200 and 'name="homepage"' in body(page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"),
            {
                "email": "Reset-Me@example.jp",
                "homepage": "",
                "form_started": make_form_token("password-reset"),
            },
        )
    assert response["Location"] == reverse("accounts:password_reset_done")
    smtp_server.wait_for(1)
    [message] = smtp_server.to("reset-me@example.jp")
    assert " ".join(message["Subject"].split()) == "[Kyoso Desk] Set a new password"
    [link] = links_in(smtp_server, message)
    assert path_of(link).startswith("/en/accounts/password/reset/")

    form = client.get(path_of(link), follow=True)
    assert form.context["validlink"]
    assert 'name="new_password1"' in body(form)
    weak = client.post(
        form.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert "This password is too short" in body(weak)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    with translation.override("en"):
        assert done.redirect_chain[-1][0] == reverse("accounts:password_reset_complete")
    assert "Your new password is saved" in body(done)

    assert sign_in(client, member.email, factories.PASSWORD).status_code == 200  # old refused
    assert sign_in(client, member.email, NEW_PASSWORD).status_code == 302
    # The link works once.
    client.logout()
    assert not client.get(path_of(link), follow=True).context["validlink"]


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    factories.user(Role.BUSINESS, email="known@example.jp")
    pages = []
    for email in ("unknown@example.jp", "known@example.jp"):
        with django_capture_on_commit_callbacks(execute=True):
            pages.append(
                body(
                    client.post(
                        reverse("accounts:password_reset"),
                        {
                            "email": email,
                            "homepage": "",
                            "form_started": make_form_token("password-reset"),
                        },
                        follow=True,
                    )
                )
            )
    assert pages[0] == pages[1]
    smtp_server.wait_for(1)
    assert [str(m["To"]) for m in smtp_server.messages] == ["known@example.jp"]


def test_password_reset_of_an_unconfirmed_account_sends_the_confirmation_link(
    client, db, smtp_server, django_capture_on_commit_callbacks, no_min_fill
):
    register(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:password_reset"),
            {
                "email": "hanako@kyoso-tech.example.jp",
                "homepage": "",
                "form_started": make_form_token("password-reset"),
            },
        )
    smtp_server.wait_for(2)
    second = smtp_server.to("hanako@kyoso-tech.example.jp")[1]
    assert "/accounts/email/confirm/" in smtp_server.text(second)


# --- Organisation profile and invitations ---------------------------------------------------


def test_invitation_end_to_end(client, db, people, smtp_server, django_capture_on_commit_callbacks):
    member = people["business"]
    proposal = factories.draft(member, title="スマート街路灯の実証")
    client.force_login(member)
    page = client.get(reverse("accounts:organization"))
    assert page.status_code == 200
    text = body(page)
    assert member.organization.name in text and people["colleague"].email in text
    assert f'action="{reverse("accounts:invite", args=[member.organization_id])}"' in text

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("accounts:invite", args=[member.organization_id]),
            {"email": "New.Colleague@example.jp", "language": "ja"},
            follow=True,
        )
    assert t(
        "We have sent an invitation to %(email)s. The link in it is valid for %(days)s days.",
        email="new.colleague@example.jp",
        days=7,
    ) in body(sent)
    invitation = Invitation.objects.get()
    assert invitation.organization == member.organization and invitation.invited_by == member
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)
    smtp_server.wait_for(1)
    [message] = smtp_server.to("new.colleague@example.jp")
    [link] = links_in(smtp_server, message)
    token = path_of(link).rstrip("/").split("/")[-1]
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64

    from django.test import Client

    colleague = Client()
    form = colleague.get(path_of(link))
    assert form.status_code == 200
    assert "new.colleague@example.jp" in body(form) and member.organization.name in body(form)
    mismatch = colleague.post(
        path_of(link),
        {"full_name": "新井 同僚", "password1": PASSWORD, "password2": "other", "language": "ja"},
    )
    assert t("The two passwords are not the same. Please type them again.") in body(mismatch)
    assert 'value="新井 同僚"' in body(mismatch)
    joined = colleague.post(
        path_of(link),
        {"full_name": "新井 同僚", "password1": PASSWORD, "password2": PASSWORD, "language": "en"},
        follow=True,
    )
    assert joined.redirect_chain[-1][0] == reverse("proposals:list")
    new_user = User.objects.get(email="new.colleague@example.jp")
    assert joined.context["user"] == new_user
    assert (new_user.organization, new_user.role, new_user.is_active, new_user.language) == (
        member.organization,
        Role.BUSINESS,
        True,
        "en",
    )
    assert new_user.email_verified_at is not None
    assert proposal.title in body(joined)  # sees the organisation's proposals

    used = Client().get(path_of(link))
    assert t("This invitation has already been accepted.") in body(used)


EXPIRED_INVITATION = "This invitation has expired, or a newer one was sent to the same address."


def test_expired_or_unknown_invitation_gets_a_clear_page(
    client, db, people, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(people["business"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:invite", args=[people["business"].organization_id]),
            {"email": "late@example.jp", "language": "ja"},
        )
    smtp_server.wait_for(1)
    [link] = links_in(smtp_server, smtp_server.messages[0])
    client.logout()
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, minutes=1)):
        expired = client.get(path_of(link))
        assert t(EXPIRED_INVITATION) in body(expired)
        refused = client.post(
            path_of(link),
            {"full_name": "遅刻", "password1": PASSWORD, "password2": PASSWORD, "language": "ja"},
        )
        assert t(EXPIRED_INVITATION) in body(refused)
    assert not User.objects.filter(email="late@example.jp").exists()
    unknown = client.get(reverse("accounts:accept_invitation", args=["no-such-token"]))
    assert t(
        "We do not know this invitation link. Please check that you copied the whole "
        "link from the e-mail."
    ) in body(unknown)


def test_a_newer_invitation_replaces_the_older_one(
    client, db, people, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(people["business"])
    url = reverse("accounts:invite", args=[people["business"].organization_id])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "twice@example.jp", "language": "ja"})
        client.post(url, {"email": "twice@example.jp", "language": "ja"})
    smtp_server.wait_for(2)
    [first], [second] = (links_in(smtp_server, m) for m in smtp_server.messages)
    assert t(EXPIRED_INVITATION) in body(client.get(path_of(first)))
    assert client.get(path_of(second)).context["form"] is not None


@pytest.mark.parametrize(
    "email, message",
    [
        ("colleague", "This person is already a member of your organisation."),
        (
            "other_business",
            "This e-mail address already has an account at the desk, so it "
            "cannot be invited. An account belongs to one organisation; please "
            "contact the desk if this person should move to yours.",
        ),
    ],
)
def test_inviting_an_address_that_already_has_an_account_is_refused_clearly(
    client, db, people, smtp_server, email, message
):
    client.force_login(people["business"])
    response = client.post(
        reverse("accounts:invite", args=[people["business"].organization_id]),
        {"email": people[email].email.upper(), "language": "ja"},
    )
    assert response.status_code == 200
    assert t(message) in body(response)
    assert f'value="{people[email].email.upper()}"' in body(response)
    assert not Invitation.objects.exists()


def test_member_edits_the_organisation_with_the_corporate_number_checked(client, db, people):
    member = people["business"]
    org = member.organization
    client.force_login(member)
    form = {
        "business_type": "corporation",
        "name": "株式会社共創テック改",
        "name_kana": "",
        "corporate_number": "1234567890123",
        "address": "福岡市博多区1-1",
        "representative_title": "",
        "representative_name": "新 代表",
        "website": "",
        "phone": "",
    }
    refused = client.post(reverse("accounts:organization"), form)
    assert t(CHECK_DIGIT) in body(refused)
    assert 'value="株式会社共創テック改"' in body(refused)
    org.refresh_from_db()
    assert org.name != "株式会社共創テック改"

    form["corporate_number"] = make_corporate_number("777700005555")
    saved = client.post(reverse("accounts:organization"), form, follow=True)
    assert t("The organisation's details are saved.") in body(saved)
    org.refresh_from_db()
    assert (org.name, org.corporate_number, org.address) == (
        "株式会社共創テック改",
        make_corporate_number("777700005555"),
        "福岡市博多区1-1",
    )


def test_non_members_cannot_see_edit_or_invite_to_another_organisation(client, db, people):
    org = people["business"].organization
    before = Organization.objects.values().get(pk=org.pk)
    edit = {
        "business_type": "corporation",
        "name": "乗っ取り",
        "address": "x",
        "corporate_number": make_corporate_number("777700009999"),
        "representative_name": "x",
    }
    detail = reverse("accounts:organization_detail", args=[org.pk])
    invite = reverse("accounts:invite", args=[org.pk])

    client.force_login(people["other_business"])
    assert client.get(detail).status_code == 404
    assert client.post(detail, edit).status_code == 404
    assert client.post(invite, {"email": "spy@example.jp", "language": "ja"}).status_code == 404
    missing = Organization.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("accounts:organization_detail", args=[missing])).status_code == 404
    # Their own page shows their own organisation, not this one.
    own = body(client.get(reverse("accounts:organization")))
    assert people["other_business"].organization.name in own and org.name not in own

    for role in ("department", "reviewer"):
        client.force_login(people[role])
        assert client.get(detail).status_code == 404, role
        assert client.get(reverse("accounts:organization")).status_code == 404, role
        assert (
            client.post(invite, {"email": "spy@example.jp", "language": "ja"}).status_code == 404
        ), role

    # The desk may read, not change or invite.
    client.force_login(people["desk_staff"])
    read = client.get(detail)
    assert read.status_code == 200 and org.name in body(read)
    assert 'name="corporate_number"' not in body(read) and 'name="email"' not in body(read)
    assert client.post(detail, edit).status_code == 403
    assert client.post(invite, {"email": "spy@example.jp", "language": "ja"}).status_code == 403

    client.logout()
    anonymous = client.get(detail)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert client.post(invite, {"email": "spy@example.jp", "language": "ja"}).status_code == 302

    assert Organization.objects.values().get(pk=org.pk) == before
    assert not Invitation.objects.exists()


def test_an_administrator_may_edit_an_organisation(client, db, people):
    org = people["business"].organization
    client.force_login(people["administrator"])
    response = client.post(
        reverse("accounts:organization_detail", args=[org.pk]),
        {
            "business_type": "corporation",
            "name": "管理者が直した名前",
            "address": org.address,
            "corporate_number": org.corporate_number,
            "representative_name": "代表",
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "管理者が直した名前"


# --- Languages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, english",
    [
        ("accounts:register", "Register your business"),
        ("accounts:resend_verification", "Send me a new link"),
        ("accounts:password_reset", "Set a new password"),
        ("login", "Forgotten your password?"),
    ],
)
def test_pages_are_japanese_by_default_and_english_under_en(client, db, name, english):
    ja = client.get(reverse(name))
    assert ja.status_code == 200 and '<html lang="ja">' in body(ja)
    en = client.get("/en" + reverse(name))
    assert en.status_code == 200 and '<html lang="en">' in body(en)
    assert english in body(en)
    assert en.context["request"].path.startswith("/en/accounts/")
