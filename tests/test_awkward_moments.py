"""The date rules at the awkward moments, with the real clock moved (time-machine).

Japan is UTC+9: from 00:00 to 09:00 JST the UTC date is still the day before, so every moment
below between midnight and 09:00 in Japan is one where a date taken in UTC is a day behind, and
each test here fails if the code took it so. The moments: 23:59:59 and 00:00:00 JST, 08:59:59
and 09:00 JST (the UTC date changes), 31 March → 1 April (the fiscal year and its receipt
numbers), 30 April → 1 May 2019 (Heisei → Reiwa), 31 December → 1 January (a new calendar year,
the same fiscal year). The pages, files and e-mails that show dates are in
tests/test_awkward_moments_public.py.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

from core import dates
from core.documents.pdf import document_moment
from core.models import OutboundEmail
from proposals import stats
from proposals.filters import overdue_q
from proposals.models import Proposal
from proposals.services import ReferralInputError, refer, send_daily_digest
from proposals.services.lifecycle import next_receipt_number
from tests import factories
from tests.support import jst, require, submit_at

pytestmark = pytest.mark.integration

SECOND = dt.timedelta(seconds=1)


# --- the process's clock ------------------------------------------------------------------------


@pytest.mark.gap
def test_make_test_gap_really_runs_in_the_gap():
    """``make test-gap`` (KYOSO_CLOCK_GAP=1) moves the clock under faketime: if the shift did not
    take, the whole pass would prove nothing. (The other passes deselect it: marker ``gap``.)"""
    require(
        bool(os.environ.get("KYOSO_CLOCK_GAP")),
        "only under make test-gap (KYOSO_CLOCK_GAP=1): the real clock is not moved",
    )
    now = timezone.now()
    assert now.astimezone(dt.UTC).date() != dates.today(), f"{now} is not in the UTC/JST gap"


# --- today in Japan ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment, day",
    [
        (jst(2026, 12, 21, 23, 59, 59), dt.date(2026, 12, 21)),
        (jst(2026, 12, 22, 0, 0, 0), dt.date(2026, 12, 22)),
        (jst(2026, 12, 22, 8, 59, 59), dt.date(2026, 12, 22)),
        (jst(2026, 12, 22, 9, 0, 0), dt.date(2026, 12, 22)),
        (jst(2027, 1, 1, 0, 0, 0), dt.date(2027, 1, 1)),
    ],
)
def test_today_is_the_day_in_japan(moment, day):
    with time_machine.travel(moment, tick=False):
        assert dates.today() == day
        assert dates.start_of_day(dates.today()) <= timezone.now()
        assert timezone.localdate() == day  # what templates and forms use


# --- themed calls: the closing second ----------------------------------------------------------


@pytest.fixture
def call_closing_at_midnight(db):
    """A call whose last second is 23:59:59 JST on 31 March 2027 (closes_at is 1 April 00:00)."""
    return factories.make_theme(
        opens_at=jst(2027, 3, 1, 9), closes_at=jst(2027, 4, 1), questions_until=None,
        results_announced_at=None,
    )  # fmt: skip


def test_a_call_closing_at_23_59_59_accepts_then_refuses(client, people, call_closing_at_midnight):
    theme = call_closing_at_midnight
    member = people["business"]
    with time_machine.travel(jst(2027, 3, 20, 12), tick=False):
        in_time = factories.draft(member, prog=theme.programme, theme=theme)
        late = factories.draft(member, prog=theme.programme, theme=theme)
    response = submit_at(client, member, in_time, jst(2027, 3, 31, 23, 59, 59))
    assert response.status_code == 302, response.content.decode()[:500]
    in_time.refresh_from_db()
    assert in_time.receipt_number.startswith("KD-2026-")  # fiscal 2026 ends on 31 March
    assert in_time.submitted_at == jst(2027, 3, 31, 23, 59, 59)

    response = submit_at(client, member, late, jst(2027, 4, 1, 0, 0, 0), follow=True)
    assert "締め切りました" in response.content.decode()
    late.refresh_from_db()
    assert late.state == "draft" and not late.receipt_number


def test_the_call_is_open_at_its_last_second_and_closed_at_midnight(call_closing_at_midnight):
    theme = call_closing_at_midnight
    with time_machine.travel(jst(2027, 3, 31, 23, 59, 59), tick=False):
        assert theme.is_open_at()
    with time_machine.travel(jst(2027, 4, 1, 0, 0, 0), tick=False):
        assert not theme.is_open_at()


# --- fiscal years and receipt numbers -----------------------------------------------------------


@pytest.mark.parametrize(
    "moment, fiscal_year",
    [
        (jst(2027, 3, 31, 23, 59, 59), 2026),
        (jst(2027, 4, 1, 0, 0, 0), 2027),  # 31 March 15:00 UTC: a UTC date would say 2026
        (jst(2027, 4, 1, 8, 59, 59), 2027),
        (jst(2027, 4, 1, 9, 0, 0), 2027),
        (jst(2026, 12, 31, 23, 59, 59), 2026),
        (jst(2027, 1, 1, 0, 0, 0), 2026),  # a new calendar year, the same fiscal year
    ],
)
def test_the_fiscal_year_turns_at_midnight_on_1_april_in_japan(moment, fiscal_year):
    with time_machine.travel(moment, tick=False):
        assert dates.fiscal_year() == fiscal_year
        assert dates.fiscal_year(timezone.now()) == fiscal_year


def test_receipt_numbers_start_again_at_1_on_1_april_at_00_00_jst(people):
    member = people["business"]
    numbers = []
    for moment in (
        jst(2027, 3, 31, 23, 59, 58),
        jst(2027, 3, 31, 23, 59, 59),
        jst(2027, 4, 1, 0, 0, 0),
        jst(2027, 4, 1, 8, 59, 59),
        jst(2027, 4, 1, 9, 0, 0),
    ):
        with time_machine.travel(moment, tick=False):
            proposal = factories.draft(member)
            factories.act(proposal, "submit", member)
        proposal.refresh_from_db()
        numbers.append((proposal.receipt_number, proposal.fiscal_year))
    assert numbers == [
        ("KD-2026-00001", 2026),
        ("KD-2026-00002", 2026),
        ("KD-2027-00001", 2027),
        ("KD-2027-00002", 2027),
        ("KD-2027-00003", 2027),
    ]


def test_receipt_numbers_run_on_over_new_year(db):
    with time_machine.travel(jst(2026, 12, 31, 23, 59, 59), tick=False):
        assert next_receipt_number() == ("KD-2026-00001", 2026)
    with time_machine.travel(jst(2027, 1, 1, 0, 0, 0), tick=False):
        assert next_receipt_number() == ("KD-2026-00002", 2026)


# --- the era: 平成31年4月30日 → 令和元年5月1日 ------------------------------------------------------


@pytest.mark.parametrize(
    "moment, era_date",
    [
        (jst(2019, 4, 30, 23, 59, 59), "平成31年4月30日"),
        (jst(2019, 5, 1, 0, 0, 0), "令和元年5月1日"),  # still 30 April in UTC
        (jst(2019, 5, 1, 8, 59, 59), "令和元年5月1日"),
        (jst(2019, 5, 1, 9, 0, 0), "令和元年5月1日"),
    ],
)
def test_documents_date_the_moment_in_the_era_of_japan(moment, era_date):
    with time_machine.travel(moment, tick=False):
        now = timezone.now()
        assert document_moment(now)["wareki"] == era_date
        assert Template("{% load kyoso %}{{ now|wareki }}").render(Context({"now": now})) == (
            era_date
        )
        assert dates.wareki(dates.today()) == era_date


def test_fiscal_2019_is_reiwa_gannendo_although_it_began_under_heisei():
    assert dates.wareki_fiscal_year(2018) == "平成30年度"
    assert dates.wareki_fiscal_year(2019) == "令和元年度"
    assert dates.wareki_fiscal_year(2020) == "令和2年度"


# --- the duty to answer: days waiting, overdue proposals and referrals --------------------------


def _submitted(member, moment) -> Proposal:
    with time_machine.travel(moment, tick=False):
        proposal = factories.draft(member)
        factories.act(proposal, "submit", member)
    proposal.refresh_from_db()
    return proposal


def test_days_waiting_count_days_in_japan_late_evening_to_early_morning(people):
    """Received 23:30 JST on 1 December (14:30 UTC, the same date), looked at 08:30 JST on
    16 December (23:30 UTC on the 15th): 15 days in Japan, past the target of 14."""
    proposal = _submitted(people["business"], jst(2026, 12, 1, 23, 30))
    with time_machine.travel(jst(2026, 12, 16, 8, 30), tick=False):
        assert stats.days_waiting(proposal) == 15
        assert list(stats.overdue_proposals_queryset()) == [proposal]
        assert Proposal.objects.filter(overdue_q()).get() == proposal
    with time_machine.travel(jst(2026, 12, 15, 23, 59, 59), tick=False):
        assert stats.days_waiting(proposal) == 14
        assert not stats.overdue_proposals_queryset().exists()
        assert not Proposal.objects.filter(overdue_q()).exists()


def test_days_waiting_count_days_in_japan_early_morning_to_late_evening(people):
    """Received 00:30 JST on 2 December (15:30 UTC on the 1st), looked at 23:30 JST on
    16 December (14:30 UTC, the same date): 14 days in Japan, not yet past the target."""
    proposal = _submitted(people["business"], jst(2026, 12, 2, 0, 30))
    with time_machine.travel(jst(2026, 12, 16, 23, 30), tick=False):
        assert stats.days_waiting(proposal) == 14
        assert not stats.overdue_proposals_queryset().exists()
    with time_machine.travel(jst(2026, 12, 17, 0, 0, 0), tick=False):
        assert stats.days_waiting(proposal) == 15
        assert stats.overdue_proposals(limit=5).total == 1


def test_a_referral_is_overdue_from_00_00_jst_after_its_deadline(people):
    proposal = _submitted(people["business"], jst(2026, 12, 1, 10))
    factories.act(proposal, "start_dialogue", people["desk_staff"])
    referral = factories.refer(proposal, people["department"].department, people["desk_staff"])
    referral.due_date = dt.date(2026, 12, 10)
    referral.save(update_fields=["due_date"])
    with time_machine.travel(jst(2026, 12, 10, 23, 59, 59), tick=False):
        assert stats.overdue_referrals().total == 0
    with time_machine.travel(jst(2026, 12, 11, 0, 0, 0), tick=False):
        overdue = stats.overdue_referrals()
        assert overdue.total == 1 and overdue.items == [(referral, 1)]
    with time_machine.travel(jst(2026, 12, 11, 8, 59, 59), tick=False):
        assert stats.overdue_referrals().total == 1


def test_a_referral_deadline_of_yesterday_in_japan_is_refused_at_00_30_jst(people):
    proposal = _submitted(people["business"], jst(2026, 12, 1, 10))
    factories.act(proposal, "start_dialogue", people["desk_staff"])
    department = people["department"].department
    with time_machine.travel(jst(2026, 12, 11, 0, 30), tick=False):
        with pytest.raises(ReferralInputError) as refused:
            refer(
                proposal,
                [department],
                "実現可能性は？",
                dt.date(2026, 12, 10),
                people["desk_staff"],
            )
        assert "due_date" in refused.value.errors
        [made] = refer(
            proposal, [department], "実現可能性は？", dt.date(2026, 12, 11), people["desk_staff"]
        )
    assert made.due_date == dt.date(2026, 12, 11)


# --- the daily digest: sent by beat at 08:00 JST, 23:00 UTC the day before ----------------------


def test_the_daily_digest_at_08_00_jst_is_that_days_digest(people):
    _submitted(people["business"], jst(2026, 12, 1, 23, 30))
    with time_machine.travel(jst(2026, 12, 16, 8, 0), tick=False):
        assert send_daily_digest() >= 1
        again = send_daily_digest()  # the same day: nothing twice
    assert again == 0
    digests = OutboundEmail.objects.filter(reference__startswith="daily-digest:")
    assert {email.reference for email in digests} == {"daily-digest:2026-12-16"}
    japanese = digests.get(to=people["desk_staff"].email)
    assert "2026年12月16日" in japanese.body
    assert "2026年12月1日" in japanese.body  # received that day in Japan
    with time_machine.travel(jst(2026, 12, 17, 8, 0), tick=False):
        assert send_daily_digest() >= 1  # the next day in Japan is a new digest
    assert digests.filter(reference="daily-digest:2026-12-17").exists()


# --- the dashboard's months ---------------------------------------------------------------------


def test_a_proposal_received_at_00_30_jst_on_1_january_counts_in_january(people):
    _submitted(people["business"], jst(2026, 12, 31, 23, 59, 59))
    _submitted(people["business"], jst(2027, 1, 1, 0, 30))
    with time_machine.travel(jst(2027, 1, 1, 8, 59, 59), tick=False):
        months = {row.month: row.count for row in stats.intake_per_month(months=2)}
    assert months == {dt.date(2026, 12, 1): 1, dt.date(2027, 1, 1): 1}


# --- a clock that runs: the same rules while time passes ---------------------------------------


def test_with_a_ticking_clock_the_day_changes_at_midnight_in_japan(db):
    with time_machine.travel(jst(2027, 3, 31, 23, 59, 59, 900000), tick=True):
        before = dates.today(), dates.fiscal_year()
        while timezone.now() < jst(2027, 4, 1):
            pass  # a tenth of a second
        after = dates.today(), dates.fiscal_year()
    assert before == (dt.date(2027, 3, 31), 2026)
    assert after == (dt.date(2027, 4, 1), 2027)
