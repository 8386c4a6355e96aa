"""A call's closing is judged by when the submission reached us (core.arrival), not by when a
busy server got round to it.

The first middleware (``core.middleware.RequestStampMiddleware``) stamps ``request.arrived_at``;
behind a proxy named by ``REQUEST_START_HEADER`` the proxy's stamp is used, clamped to no later
than now and no earlier than now − ``REQUEST_START_MAX_AGE``. The submit view passes that moment
to the lifecycle, which records it as ``submitted_at`` and numbers the receipt in its fiscal
year. Everything runs through the test client and the real services, with the clock moved by
time-machine.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from core.arrival import arrival_from, parse_request_start
from core.dates import JAPAN
from proposals.models import Proposal
from proposals.states import State
from themes.selectors import closing_message

from .. import factories
from ..support import CLOSES, DURING, SECOND

pytestmark = pytest.mark.integration

HEADER = "HTTP_X_REQUEST_START"
UTC = dt.UTC
#: A moment with milliseconds (and microseconds) to read back exactly.
MOMENT = dt.datetime(2026, 12, 21, 7, 59, 59, 567000, tzinfo=UTC)


# --- parse_request_start ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "t=1797839999.567",  # nginx ${msec}: seconds with milliseconds
        "1797839999.567",
        "t=1797839999567",  # milliseconds
        "1797839999567000",  # microseconds
        "t=1797839999567000",
    ],
)
def test_parse_request_start_understands_seconds_milliseconds_and_microseconds(value):
    assert parse_request_start(value) == MOMENT


def test_parse_request_start_keeps_microseconds():
    assert parse_request_start("t=1797839999567891") == MOMENT.replace(microsecond=567891)


def test_parse_request_start_gives_whole_seconds():
    assert parse_request_start("t=1797839999") == MOMENT.replace(microsecond=0)


@pytest.mark.parametrize("value", ["", None, "t=", "garbage", "t=abc", "-", "t=" + "9" * 40])
def test_parse_request_start_gives_none_for_garbage(value):
    assert parse_request_start(value) is None


# --- arrival_from: the proxy's stamp, clamped ---------------------------------------------------


NOW = dt.datetime(2026, 12, 21, 8, 0, 3, tzinfo=UTC)


def stamp(moment: dt.datetime) -> str:
    return f"t={moment.timestamp():.3f}"


@pytest.fixture
def behind_proxy(settings):
    settings.REQUEST_START_HEADER = HEADER
    settings.REQUEST_START_MAX_AGE = 120
    return settings


def test_arrival_from_uses_the_proxys_stamp(behind_proxy):
    earlier = NOW - 4 * SECOND
    assert arrival_from({HEADER: stamp(earlier)}, NOW) == earlier


def test_arrival_from_never_believes_a_stamp_in_the_future(behind_proxy):
    assert arrival_from({HEADER: stamp(NOW + 3600 * SECOND)}, NOW) == NOW
    assert arrival_from({HEADER: stamp(NOW + SECOND)}, NOW) == NOW


def test_arrival_from_never_goes_back_more_than_the_max_age(behind_proxy):
    assert arrival_from({HEADER: stamp(NOW - 600 * SECOND)}, NOW) == NOW - 120 * SECOND
    assert arrival_from({HEADER: "t=5"}, NOW) == NOW - 120 * SECOND  # 1970
    # Just inside the limit the stamp stands.
    assert arrival_from({HEADER: stamp(NOW - 119 * SECOND)}, NOW) == NOW - 119 * SECOND


def test_arrival_from_follows_the_max_age_setting(behind_proxy):
    behind_proxy.REQUEST_START_MAX_AGE = 30
    assert arrival_from({HEADER: stamp(NOW - 600 * SECOND)}, NOW) == NOW - 30 * SECOND


def test_arrival_from_without_or_with_a_bad_header_is_now(behind_proxy):
    assert arrival_from({}, NOW) == NOW
    assert arrival_from({HEADER: "nonsense"}, NOW) == NOW


def test_arrival_from_ignores_the_header_unless_configured(settings):
    settings.REQUEST_START_HEADER = None
    assert arrival_from({HEADER: stamp(NOW - 4 * SECOND)}, NOW) == NOW


# --- The submission, through the middleware and the view ----------------------------------------


def themed_draft(member, theme):
    with time_machine.travel(DURING, tick=False):
        return factories.draft(member, prog=theme.programme, theme=theme)


def submit(client, member, draft, *, at: dt.datetime, header: str | None = None, **kw):
    """Post the submission with the clock at ``at`` and, if given, the proxy's stamp."""
    headers = {"X-Request-Start": header} if header is not None else {}
    with time_machine.travel(at, tick=False):
        client.force_login(member)
        return client.post(
            reverse("proposals:submit", args=[draft.pk]),
            {"action": "submit", "expected_state": "draft"},
            headers=headers,
            **kw,
        )


def closing_text(theme) -> str:
    with translation.override("ja"):
        return closing_message(theme)


def assert_accepted(response, draft, when: dt.datetime) -> Proposal:
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("proposals:receipt", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    assert draft.receipt_number
    assert draft.submitted_at == when
    return draft


def assert_refused(response, draft, theme) -> None:
    assert response.redirect_chain[0][0] == reverse("proposals:step", args=[draft.pk, "confirm"])
    text = response.content.decode()
    # The view's own message (not only the confirm step's list of problems) says why.
    errors = re.findall(r'<p class="message message-error">(.*?)</p>', text, re.S)
    assert any(closing_text(theme) in error for error in errors), errors
    assert "締め切りました" in text  # the Japanese page says the call has closed
    before = Proposal.objects.get(pk=draft.pk)
    assert before.state == State.DRAFT
    assert not before.receipt_number and before.submitted_at is None
    assert before.fiscal_year == draft.fiscal_year
    assert not before.transitions.exists()


@pytest.fixture
def call(db, behind_proxy):
    return factories.make_theme()


@pytest.mark.parametrize(
    "form",
    [
        lambda m: f"t={m.timestamp():.3f}",
        lambda m: str(round(m.timestamp() * 1000)),
        lambda m: str(round(m.timestamp() * 1_000_000)),
    ],
    ids=["seconds", "milliseconds", "microseconds"],
)
def test_stamped_before_closing_is_accepted_although_processed_after(client, people, call, form):
    draft = themed_draft(people["business"], call)
    response = submit(
        client, people["business"], draft, at=CLOSES + 3 * SECOND, header=form(CLOSES - SECOND)
    )
    accepted = assert_accepted(response, draft, CLOSES - SECOND)
    assert accepted.transitions.get().to_state == State.SUBMITTED
    # The receipt page shows the moment it reached the proxy, in Japan time.
    with time_machine.travel(CLOSES + 4 * SECOND, tick=False):
        page = client.get(reverse("proposals:receipt", args=[draft.pk])).content.decode()
    assert accepted.receipt_number in page and "2026-12-21 16:59" in page


def test_stamped_after_closing_is_refused_and_the_draft_is_unchanged(client, people, call):
    draft = themed_draft(people["business"], call)
    response = submit(
        client,
        people["business"],
        draft,
        at=CLOSES + 3 * SECOND,
        header=stamp(CLOSES + SECOND),
        follow=True,
    )
    assert_refused(response, draft, call)


def test_stamped_at_the_closing_second_is_refused(client, people, call):
    draft = themed_draft(people["business"], call)
    response = submit(
        client, people["business"], draft, at=CLOSES + 3 * SECOND, header=stamp(CLOSES), follow=True
    )
    assert_refused(response, draft, call)


def test_a_header_sent_by_a_client_is_ignored_unless_the_proxy_is_configured(
    client, people, call, settings
):
    settings.REQUEST_START_HEADER = None
    draft = themed_draft(people["business"], call)
    response = submit(
        client,
        people["business"],
        draft,
        at=CLOSES + 3 * SECOND,
        header=stamp(CLOSES - 60 * SECOND),
        follow=True,
    )
    assert_refused(response, draft, call)


def test_a_forged_old_stamp_counts_as_now_minus_the_max_age(client, people, call):
    """A stamp ten minutes old (a proxy's clock far off, or a forged header) moves the
    arrival back by REQUEST_START_MAX_AGE (120 s) at most."""
    draft = themed_draft(people["business"], call)
    # 60 s after the closing: clamped to 60 s before it, so accepted at that moment.
    response = submit(
        client,
        people["business"],
        draft,
        at=CLOSES + 60 * SECOND,
        header=stamp(CLOSES + 60 * SECOND - 600 * SECOND),
    )
    assert_accepted(response, draft, CLOSES - 60 * SECOND)


def test_an_old_stamp_cannot_reopen_a_call_closed_longer_than_the_max_age(client, people, call):
    draft = themed_draft(people["business"], call)
    response = submit(
        client,
        people["business"],
        draft,
        at=CLOSES + 200 * SECOND,  # clamped to CLOSES + 80 s: still after the closing
        header=stamp(CLOSES - 400 * SECOND),
        follow=True,
    )
    assert_refused(response, draft, call)


def test_a_stamp_in_the_future_counts_as_now(client, people, call):
    draft = themed_draft(people["business"], call)
    response = submit(
        client,
        people["business"],
        draft,
        at=CLOSES - 5 * SECOND,
        header=stamp(CLOSES + 3600 * SECOND),
    )
    assert_accepted(response, draft, CLOSES - 5 * SECOND)


def test_garbage_in_the_header_counts_as_now(client, people, call):
    draft = themed_draft(people["business"], call)
    response = submit(
        client, people["business"], draft, at=CLOSES + SECOND, header="t=soon", follow=True
    )
    assert_refused(response, draft, call)


# --- The awkward moments: a call closing at midnight in Japan -----------------------------------

MIDNIGHT = dt.datetime(2026, 12, 22, 0, 0, 0, tzinfo=JAPAN)  # 2026-12-21 15:00 UTC


@pytest.fixture
def midnight_call(db, behind_proxy):
    return factories.make_theme(closes_at=MIDNIGHT, results_announced_at=None)


def test_stamped_at_23_59_59_jst_is_accepted_on_the_day_before(client, people, midnight_call):
    draft = themed_draft(people["business"], midnight_call)
    last = MIDNIGHT - SECOND
    assert (last.hour, last.minute, last.second) == (23, 59, 59)
    response = submit(
        client, people["business"], draft, at=MIDNIGHT + 3 * SECOND, header=stamp(last)
    )
    accepted = assert_accepted(response, draft, last)
    assert accepted.submitted_at.astimezone(JAPAN).date() == dt.date(2026, 12, 21)
    with time_machine.travel(MIDNIGHT + 4 * SECOND, tick=False):
        page = client.get(reverse("proposals:receipt", args=[draft.pk])).content.decode()
    assert "2026-12-21 23:59" in page and "令和8年12月21日" in page


def test_stamped_at_the_last_millisecond_before_midnight_is_accepted(client, people, midnight_call):
    draft = themed_draft(people["business"], midnight_call)
    last = MIDNIGHT - dt.timedelta(milliseconds=1)
    response = submit(
        client, people["business"], draft, at=MIDNIGHT + 3 * SECOND, header=stamp(last)
    )
    assert_accepted(response, draft, last)


def test_stamped_at_00_00_00_jst_is_refused(client, people, midnight_call):
    draft = themed_draft(people["business"], midnight_call)
    response = submit(
        client,
        people["business"],
        draft,
        at=MIDNIGHT + 3 * SECOND,
        header=stamp(MIDNIGHT),
        follow=True,
    )
    assert_refused(response, draft, midnight_call)
    assert "2026年12月22日（火）00:00" in response.content.decode()


def test_without_a_proxy_the_clock_decides_at_midnight(client, people, midnight_call, settings):
    settings.REQUEST_START_HEADER = None
    late = themed_draft(people["business"], midnight_call)
    in_time = themed_draft(people["business"], midnight_call)
    response = submit(client, people["business"], in_time, at=MIDNIGHT - SECOND)
    assert_accepted(response, in_time, MIDNIGHT - SECOND)
    response = submit(client, people["business"], late, at=MIDNIGHT, follow=True)
    assert_refused(response, late, midnight_call)


def test_the_fiscal_year_follows_the_arrival_at_midnight_on_31_march(client, people, behind_proxy):
    """A call closing at the start of the fiscal year: sent at 23:59:59 on 31 March, processed
    after midnight, it counts in the fiscal year that ends (and gets that year's number)."""
    new_year = dt.datetime(2027, 4, 1, 0, 0, 0, tzinfo=JAPAN)
    theme = factories.make_theme(closes_at=new_year, results_announced_at=None)
    draft = themed_draft(people["business"], theme)
    response = submit(
        client, people["business"], draft, at=new_year + 2 * SECOND, header=stamp(new_year - SECOND)
    )
    accepted = assert_accepted(response, draft, new_year - SECOND)
    assert accepted.fiscal_year == 2026
    assert accepted.receipt_number.startswith("KD-2026-")


# --- What the call's page tells the business ----------------------------------------------------


def test_the_call_page_says_the_arrival_at_the_server_counts(client, db):
    theme = factories.make_theme()
    with time_machine.travel(DURING, tick=False):
        japanese = client.get(reverse("themes:detail", args=[theme.pk])).content.decode()
        with translation.override("en"):
            english_url = reverse("themes:detail", args=[theme.pk])
        english = client.get(english_url).content.decode()
    assert english_url.startswith("/en/")
    assert "基準になるのは、提出が市のサーバーに届いた時刻です" in japanese
    assert "締切前に送られた提案は" in japanese
    assert "What counts is the moment your submission reaches the city" in english
    assert "提案の受付は2026年12月21日（月）17:00（日本時間）までです" in japanese


# --- A submission sent from an expired session ---------------------------------------------------


def submit_from_an_expired_session(client, member, draft):
    """Press "submit" a second before the closing with an expired session, then sign in
    again half a minute later through the sign-in page the site sends the business to."""
    submit_url = reverse("proposals:submit", args=[draft.pk])
    with time_machine.travel(CLOSES - SECOND, tick=False):
        kept = client.post(submit_url, {"action": "submit", "expected_state": "draft"})
    assert kept.status_code == 302 and kept["Location"].startswith(reverse("login"))
    with time_machine.travel(CLOSES + 30 * SECOND, tick=False):
        assert client.get(kept["Location"]).status_code == 200
        return client.post(
            kept["Location"],
            {"username": member.email, "password": factories.PASSWORD},
            follow=True,
        )


def test_after_signing_in_again_a_kept_submission_leads_to_the_proposal(
    client, people, call, settings
):
    """keep_post_through_login keeps a POST from an expired session: after signing in the
    business must land on its proposal (the receipt, or the confirm step), not an error."""
    settings.RATE_LIMITS = {"login": (1000, 600)}
    draft = themed_draft(people["business"], call)
    signed_in = submit_from_an_expired_session(client, people["business"], draft)
    landed = signed_in.redirect_chain[-1][0] if signed_in.redirect_chain else "?"
    assert signed_in.status_code == 200, (
        f"after signing in the business lands on {landed} with {signed_in.status_code}"
    )
    assert landed in (
        reverse("proposals:receipt", args=[draft.pk]),
        reverse("proposals:step", args=[draft.pk, "confirm"]),
    )


def test_a_kept_submission_counts_at_the_moment_it_reached_us(client, people, call, settings):
    """The submission reached the site a second before the closing; signing in again took
    longer. The closing is judged by the arrival, so it is received at that moment."""
    settings.RATE_LIMITS = {"login": (1000, 600)}
    draft = themed_draft(people["business"], call)
    submit_from_an_expired_session(client, people["business"], draft)
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    assert draft.submitted_at == CLOSES - SECOND
