"""The duty to answer and the desk's dashboard: exact figures from proposals built through the
real lifecycle on known dates, the overdue lists, the daily digest e-mail, the page itself
(who may open it, its queries, its charts and tables)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.dates import JAPAN
from core.models import OutboundEmail, Role
from proposals import services, stats
from proposals.models import Proposal, Referral
from proposals.services.duty import send_daily_digest
from proposals.states import State
from proposals.tasks import send_daily_digest as digest_task

from .. import factories

pytestmark = pytest.mark.integration

TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=JAPAN)


def jst(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JAPAN)


@pytest.fixture
def consents(db):
    """The consent texts, in force long before any proposal here is submitted."""
    with time_machine.travel(jst(2025, 1, 1, 9, 0), tick=False):
        return factories.consent_documents()


def build(member, submitted_at, steps=(), **kw) -> Proposal:
    """A proposal submitted at ``submitted_at``, then each ``(when, action, actor)`` step."""
    with time_machine.travel(submitted_at - dt.timedelta(hours=1), tick=False):
        proposal = factories.draft(member, **kw)
    with time_machine.travel(submitted_at, tick=False):
        factories.act(proposal, "submit", member)
    for when, action, actor in steps:
        with time_machine.travel(when, tick=False):
            factories.act(proposal, action, actor)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def world(people, consents):
    """Proposals on known dates (Japan time); "today" is 26 November 2026, 10:00.

    p1 startup  received 31 Mar 23:30 (FY2025), adopted without review, agreement since 2 May
    p2          received 1 Apr 00:30 (FY2026; still 31 March in UTC), reviewed and declined
    p3 startup  received 1 Oct, withdrawn by the business before any answer
    p4          received 1 Nov, no answer: 25 days waiting — overdue
    p5          received 12 Nov, no answer: 14 days — exactly the target, not overdue
    p6          received 11 Nov 23:30, no answer: 15 days — overdue
    p7          received 1 Nov, answered by a message the next day, still "received"
    p8          a draft, never counted
    p9          received 1 Jun, not accepted on 3 Jun
    """
    staff, manager = people["desk_staff"], people["desk_manager"]
    biz = people["business"]
    startup_org = factories.organization(name="スタートアップ株式会社", is_startup=True)
    startup = factories.user(Role.BUSINESS, organization=startup_org)
    w = {}
    w["p1"] = build(
        startup,
        jst(2026, 3, 31, 23, 30),
        [
            (jst(2026, 4, 2, 23, 30), "start_dialogue", staff),
            (jst(2026, 4, 12, 23, 30), "start_coordination", staff),
            (jst(2026, 4, 22, 23, 30), "adopt", manager),
            (jst(2026, 5, 2, 23, 30), "conclude_agreement", staff),
        ],
        title="スタートアップの採択案件",
    )
    w["p2"] = build(
        biz,
        jst(2026, 4, 1, 0, 30),
        [
            (jst(2026, 4, 5, 0, 30), "start_dialogue", staff),
            (jst(2026, 4, 9, 0, 30), "start_coordination", staff),
            (jst(2026, 4, 10, 0, 30), "start_review", staff),
            (jst(2026, 4, 20, 0, 30), "decline", manager),
        ],
        title="不採択の案件",
    )
    w["p3"] = build(
        startup,
        jst(2026, 10, 1, 10, 0),
        [
            (jst(2026, 10, 3, 10, 0), "withdraw", startup),
        ],
        title="取下げの案件",
    )
    w["p4"] = build(biz, jst(2026, 11, 1, 10, 0), title="回答待ち25日の案件")
    w["p5"] = build(biz, jst(2026, 11, 12, 10, 0), title="回答待ち14日の案件")
    w["p6"] = build(biz, jst(2026, 11, 11, 23, 30), title="回答待ち15日の案件")
    w["p7"] = build(biz, jst(2026, 11, 1, 10, 0), title="メッセージで回答済みの案件")
    with time_machine.travel(jst(2026, 11, 2, 10, 0), tick=False):
        services.post_message(w["p7"], staff, "ご提案ありがとうございます。担当よりご連絡します。")
    with time_machine.travel(jst(2026, 11, 20, 10, 0), tick=False):
        w["p8"] = factories.draft(biz, title="下書きの案件")
    w["p9"] = build(
        biz,
        jst(2026, 6, 1, 10, 0),
        [
            (jst(2026, 6, 3, 10, 0), "not_accept", staff),
        ],
        title="受付対象外の案件",
    )
    for proposal in w.values():
        proposal.refresh_from_db()
    return w


@pytest.fixture
def referrals(people, world):
    """r1 overdue by 6 days; r2 due today; r3 past due but answered; r4 on a closed proposal."""
    staff = people["desk_staff"]
    dept_a = people["department"].department
    dept_b = people["other_department"].department

    def refer(proposal, dept, due, answered=None):
        return Referral.objects.create(
            proposal=proposal,
            department=dept,
            question="実現可能性は？",
            due_date=due,
            created_by=staff,
            answered_at=answered,
            opinion="supportive" if answered else "",
            answered_by=people["department"] if answered else None,
        )

    return {
        "r1": refer(world["p4"], dept_a, dt.date(2026, 11, 20)),
        "r2": refer(world["p5"], dept_a, TODAY),
        "r3": refer(world["p6"], dept_b, dt.date(2026, 11, 1), answered=jst(2026, 11, 2, 9, 0)),
        "r4": refer(world["p2"], dept_b, dt.date(2026, 4, 15)),
    }


# --- The duty to answer -----------------------------------------------------------------------


def test_days_waiting_counts_calendar_days_in_japan_until_the_first_response(world):
    w = world
    assert stats.days_waiting(w["p4"], TODAY) == 25
    assert stats.days_waiting(w["p5"], TODAY) == 14
    assert stats.days_waiting(w["p6"], TODAY) == 15  # 23:30 on 11 Nov in Japan, 14:30 UTC
    assert stats.days_waiting(w["p4"], dt.date(2026, 11, 1)) == 0
    assert stats.days_waiting(w["p7"], TODAY) is None, "answered by a message"
    assert stats.days_waiting(w["p1"], TODAY) is None, "answered by a transition"
    assert stats.days_waiting(w["p3"], TODAY) is None, "withdrawn: nobody waits any more"
    assert stats.days_waiting(w["p8"], TODAY) is None, "a draft has not been received"
    with time_machine.travel(NOW, tick=False):
        assert stats.days_waiting(w["p4"]) == 25
        assert stats.duty_context(w["p6"]) == {
            "days_waiting": 15,
            "response_overdue": True,
            "response_target_days": 14,
        }
        assert stats.duty_context(w["p5"])["response_overdue"] is False
        assert stats.duty_context(w["p7"]) == {
            "days_waiting": None,
            "response_overdue": False,
            "response_target_days": 14,
        }


def test_overdue_list_holds_exactly_the_open_unanswered_proposals_past_the_target(world):
    overdue = stats.overdue_proposals(TODAY)
    assert [(p.pk, days) for p, days in overdue.items] == [
        (world["p4"].pk, 25),
        (world["p6"].pk, 15),
    ]
    assert overdue.total == 2 and overdue.more == 0
    assert [p.pk for p, _ in stats.overdue_proposals(dt.date(2026, 11, 27)).items] == [
        world["p4"].pk,
        world["p6"].pk,
        world["p5"].pk,
    ]
    first_page = stats.overdue_proposals(TODAY, limit=1)
    assert (len(first_page.items), first_page.total, first_page.more) == (1, 2, 1)


def test_the_target_is_configurable(world, settings):
    settings.DESK_RESPONSE_TARGET_DAYS = 20
    assert [p.pk for p, _ in stats.overdue_proposals(TODAY).items] == [world["p4"].pk]
    assert stats.duty_context(world["p6"], TODAY)["response_overdue"] is False


def test_answering_takes_a_proposal_off_the_overdue_list(people, world):
    with time_machine.travel(NOW, tick=False):
        factories.act(world["p4"], "start_dialogue", people["desk_staff"])
    assert [p.pk for p, _ in stats.overdue_proposals(TODAY).items] == [world["p6"].pk]


def test_overdue_referrals_are_the_unanswered_ones_past_due_on_open_proposals(referrals):
    overdue = stats.overdue_referrals(TODAY)
    assert [(r.pk, days) for r, days in overdue.items] == [(referrals["r1"].pk, 6)]
    assert overdue.total == 1
    tomorrow = stats.overdue_referrals(TODAY + dt.timedelta(days=1))
    assert [r.pk for r, _ in tomorrow.items] == [referrals["r1"].pk, referrals["r2"].pk]


# --- Figures ----------------------------------------------------------------------------------


def test_funnel_counts_proposals_that_reached_each_stage_or_a_later_one(world):
    assert [(s.state, s.count) for s in stats.funnel()] == [
        (State.SUBMITTED, 8),
        (State.DIALOGUE, 2),
        (State.COORDINATION, 2),
        (State.REVIEW, 2),  # p2 was reviewed; p1 was adopted without review
        (State.ADOPTED, 1),
        (State.AGREEMENT, 1),
        (State.IN_FIELD, 0),
        (State.COMPLETED, 0),
    ]


def test_state_counts_adoption_rate_and_startup_share(world):
    counts = stats.state_counts()
    by_state = {c.state: (c.count, c.startups) for c in counts}
    assert State.DRAFT not in by_state
    assert by_state == {
        State.SUBMITTED: (4, 0),
        State.DIALOGUE: (0, 0),
        State.REVISION_REQUESTED: (0, 0),
        State.COORDINATION: (0, 0),
        State.REVIEW: (0, 0),
        State.ADOPTED: (0, 0),
        State.AGREEMENT: (1, 1),
        State.IN_FIELD: (0, 0),
        State.COMPLETED: (0, 0),
        State.NOT_ACCEPTED: (1, 0),
        State.DECLINED: (1, 0),
        State.WITHDRAWN: (1, 1),
        State.CONSULTATION_CLOSED: (0, 0),
    }
    rate = stats.adoption_rate(counts)
    assert (rate.numerator, rate.denominator) == (1, 3)  # p1 of p1, p2 (declined), p9
    assert rate.percent == pytest.approx(33.333, abs=1e-3)
    share = stats.startup_share(counts)
    assert (share.numerator, share.denominator, share.percent) == (2, 8, 25.0)
    adopted = stats.startup_share_of_adopted(counts)
    assert (adopted.numerator, adopted.denominator, adopted.percent) == (1, 1, 100.0)


def test_intake_per_month_uses_japan_time_and_lists_the_last_12_months(world):
    months = stats.intake_per_month(TODAY)
    assert [m.month for m in months] == [dt.date(2025, 12, 1)] + [
        dt.date(2026, n, 1) for n in range(1, 12)
    ]
    assert {m.month.month: m.count for m in months if m.count} == {
        3: 1,  # p1, 31 March 23:30
        4: 1,  # p2, 1 April 00:30 (31 March in UTC)
        6: 1,
        10: 1,
        11: 4,
    }
    assert sum(m.count for m in months) == 8


def test_intake_per_fiscal_year_splits_31_march_from_1_april(world):
    years = stats.intake_per_fiscal_year()
    assert [(y.fiscal_year, y.intake, y.startups, y.decided, y.adopted) for y in years] == [
        (2025, 1, 1, 1, 1),  # p1
        (2026, 7, 1, 2, 0),  # p2 … p9 without the draft; p3 from a startup
    ]
    assert years[1].adoption_rate.percent == 0.0
    assert years[0].startup_share.percent == 100.0


def test_fiscal_years_without_intake_are_listed_with_zero(people, consents):
    build(people["business"], jst(2024, 5, 1, 10, 0))
    build(people["business"], jst(2026, 5, 1, 10, 0))
    assert [(y.fiscal_year, y.intake) for y in stats.intake_per_fiscal_year()] == [
        (2024, 1),
        (2025, 0),
        (2026, 1),
    ]


def test_median_days_in_each_state_from_the_log(world):
    found = {d.state: (d.median_days, d.stays) for d in stats.median_days_in_state(NOW)}
    assert set(found) == set(stats.TIMED_STATES)
    # Stays in "received": p1 2, p2 4, p3 2, p9 2 days, and, until now, p4 25, p5 14,
    # p6 14 days 10.5 hours, p7 25 → the middle two are 4 and 14.
    assert found[State.SUBMITTED][1] == 8
    assert found[State.SUBMITTED][0] == pytest.approx(9.0, abs=1e-6)
    assert found[State.DIALOGUE][0] == pytest.approx(7.0, abs=1e-6)  # 10 and 4
    assert found[State.COORDINATION][0] == pytest.approx(5.5, abs=1e-6)  # 10 and 1
    assert found[State.REVIEW] == (pytest.approx(10.0, abs=1e-6), 1)
    assert found[State.ADOPTED] == (pytest.approx(10.0, abs=1e-6), 1)
    # The agreement has not ended: counted until now (2 May 23:30 → 26 Nov 10:00).
    assert found[State.AGREEMENT] == (pytest.approx(207.4375, abs=1e-6), 1)
    assert found[State.REVISION_REQUESTED] == (None, 0)
    assert found[State.IN_FIELD] == (None, 0)


def test_median_of_an_odd_number_of_stays_is_the_middle_one(people, consents):
    staff = people["desk_staff"]
    for days in (1, 3, 8):
        build(
            people["business"],
            jst(2026, 5, 1, 10, 0),
            [(jst(2026, 5, 1 + days, 10, 0), "start_dialogue", staff)],
        )
    found = {d.state: d for d in stats.median_days_in_state(jst(2026, 6, 1, 10, 0))}
    assert found[State.SUBMITTED].median_days == pytest.approx(3.0, abs=1e-6)
    assert found[State.SUBMITTED].stays == 3


# --- The daily digest -------------------------------------------------------------------------


@pytest.fixture
def desk(people):
    staff, manager = people["desk_staff"], people["desk_manager"]
    staff.language = "en"
    staff.save(update_fields=["language"])
    retired = factories.user(Role.DESK_STAFF, is_active=False)
    return {"staff": staff, "manager": manager, "retired": retired}


def _absolute(viewname, language, **kwargs):
    from django.conf import settings

    with translation.override(language):
        return settings.SITE_URL + reverse(viewname, kwargs=kwargs)


def test_digest_goes_to_each_active_desk_member_in_their_language(desk, people, world, referrals):
    assert send_daily_digest(TODAY) == 2
    emails = {e.to: e for e in OutboundEmail.objects.filter(reference="daily-digest:2026-11-26")}
    assert set(emails) == {desk["staff"].email, desk["manager"].email}

    english = emails[desk["staff"].email]
    assert english.subject == (
        "[Kyoso Desk] Overdue answers: 2 proposals past the target, 1 overdue referral"
    )
    body = english.body
    assert f"Dear {desk['staff'].full_name}," in body
    for key, days in (("p4", 25), ("p6", 15)):
        proposal = world[key]
        assert f"{proposal.receipt_number} {proposal.title}" in body
        assert f"waiting {days} days" in body
        assert _absolute("proposals:detail", "en", pk=proposal.pk) in body
    for key in ("p5", "p7", "p3", "p1"):
        assert world[key].title not in body
    assert body.index(world["p4"].title) < body.index(world["p6"].title), "longest first"
    dept = people["department"].department
    assert f"— {dept.name_en}" in body and "6 days overdue" in body
    assert _absolute("desk:dashboard", "en") in body
    assert "/en/" in _absolute("desk:dashboard", "en")

    japanese = emails[desk["manager"].email]
    assert "共創デスク" in japanese.subject
    assert f"— {dept.name}" in japanese.body
    assert _absolute("proposals:detail", "ja", pk=world["p4"].pk) in japanese.body
    assert "/en/" not in japanese.body


def test_digest_is_sent_once_a_day(desk, world):
    assert send_daily_digest(TODAY) == 2
    assert send_daily_digest(TODAY) == 0
    assert OutboundEmail.objects.filter(reference__startswith="daily-digest:").count() == 2
    assert send_daily_digest(TODAY + dt.timedelta(days=1)) == 2


def test_nothing_is_sent_when_nothing_is_overdue(desk, people, world):
    assert send_daily_digest(dt.date(2026, 11, 14)) == 0  # p4 has waited 13 days
    assert not OutboundEmail.objects.filter(reference__startswith="daily-digest:").exists()


def test_digest_with_only_an_overdue_referral(desk, people, consents):
    proposal = build(
        people["business"],
        jst(2026, 11, 20, 10, 0),
        [(jst(2026, 11, 20, 11, 0), "start_dialogue", people["desk_staff"])],
    )
    Referral.objects.create(
        proposal=proposal,
        department=people["department"].department,
        question="?",
        due_date=dt.date(2026, 11, 25),
        created_by=people["desk_staff"],
    )
    assert send_daily_digest(TODAY) == 2
    email = OutboundEmail.objects.get(to=desk["staff"].email)
    assert email.subject.endswith(
        "Overdue answers: 0 proposals past the target, 1 overdue referral"
    )
    assert "1 day overdue" in email.body


def test_digest_arrives_over_smtp_after_the_commit(
    desk, world, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digest(TODAY) == 2
    smtp_server.wait_for(2)
    [english] = smtp_server.to(desk["staff"].email)
    text = smtp_server.text(english)
    assert world["p4"].title in text and "waiting 25 days" in text
    assert _absolute("proposals:detail", "en", pk=world["p4"].pk) in text


def test_command_and_task_send_the_digest(desk, world):
    out = io.StringIO()
    call_command("send_daily_digest", "--date", "2026-11-26", stdout=out)
    assert "Queued 2" in out.getvalue()
    with time_machine.travel(jst(2026, 11, 27, 8, 0), tick=False):
        assert digest_task.apply().get() == 2
    assert set(
        OutboundEmail.objects.filter(reference__startswith="daily-digest:").values_list(
            "reference", flat=True
        )
    ) == {"daily-digest:2026-11-26", "daily-digest:2026-11-27"}


def test_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_daily_digest", "--date", "26/11/2026")


# --- The page ---------------------------------------------------------------------------------

URL = "/desk/dashboard/"


def test_dashboard_url_is_named_in_the_desk_namespace():
    assert reverse("desk:dashboard") == URL
    with translation.override("en"):
        assert reverse("desk:dashboard") == "/en" + URL


@pytest.mark.parametrize("role", ["business", "department", "reviewer", "administrator"])
def test_others_get_404(client, people, role):
    client.force_login(people[role])
    assert client.get(URL).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["desk_staff", "desk_manager"])
def test_desk_sees_the_figures_and_overdue_lists(client, people, world, referrals, role):
    client.force_login(people[role])
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    overdue = html[html.index('id="overdue-proposals"') : html.index('id="overdue-referrals"')]
    for key in ("p4", "p6"):
        assert reverse("proposals:detail", args=[world[key].pk]) in overdue
    for key in ("p5", "p7", "p3", "p8"):
        assert world[key].title not in overdue
    refs = html[html.index('id="overdue-referrals"') : html.index('id="funnel-heading"')]
    assert people["department"].department.name in refs
    assert world["p4"].title in refs and world["p2"].title not in refs
    assert "2026年度" in html and "2025年度" in html
    assert "33.3%" in html and "25.0%" in html
    assert world["p8"].title not in html


def _table(html: str, caption_id: str) -> list[list[str]]:
    """The rows of the table whose caption has ``caption_id``, as cell texts."""
    start = html.index(f'id="{caption_id}"')
    table = html[start : html.index("</table>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        ]
        for row in rows
    ]


def test_every_chart_is_an_image_with_a_name_and_its_data_in_a_table(client, people, world):
    client.force_login(people["desk_staff"])
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        html = client.get("/en" + URL).content.decode()
    svgs = re.findall(r"<svg .*?</svg>", html, re.DOTALL)
    assert len(svgs) == 5
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
        assert "aria-labelledby=" in svg and "<script" not in svg and "href" not in svg
    assert _table(html, "funnel-caption")[1:] == [
        ["Received", "8"],
        ["In dialogue", "2"],
        ["Coordinating with departments", "2"],
        ["Under review", "2"],
        ["Adopted", "1"],
        ["Agreement concluded", "1"],
        ["Field provided / demonstration", "0"],
        ["Completed", "0"],
    ]
    months = _table(html, "months-caption")
    assert months[1] == ["Dec 2025", "0"] and months[4] == ["Mar 2026", "1"]
    assert months[5] == ["Apr 2026", "1"] and months[-1] == ["Nov 2026", "4"]
    assert _table(html, "fiscal-years-caption")[1:] == [
        ["FY2025", "1", "1 (100.0%)", "1", "1", "100.0%"],
        ["FY2026", "7", "1 (14.3%)", "2", "0", "0.0%"],
    ]
    assert _table(html, "shares-caption")[1:] == [
        ["Adoption rate", "1", "3", "33.3%"],
        ["Startups among all proposals", "2", "8", "25.0%"],
        ["Startups among adopted proposals", "1", "1", "100.0%"],
    ]
    durations = {row[0]: row[1:] for row in _table(html, "durations-caption")[1:]}
    assert durations["Received"] == ["9.0", "8"]
    assert durations["Agreement concluded"] == ["207.4", "1"]
    assert durations["Field provided / demonstration"] == ["—", "0"]
    # The text alternatives state the numbers too.
    assert "In dialogue: 2 (25.0% of the first stage)" in svgs[0]
    assert "Nov 2026: 4" in svgs[1] and "FY2026: 7" in svgs[2]
    assert (
        "Adoption rate: 33.3% (1 of 3); Startups among all proposals: 25.0% (2 of 8); "
        "Startups among adopted proposals: 100.0% (1 of 1)."
    ) in svgs[3]
    assert "Agreement concluded: 207.4 days" in svgs[4]


def test_dashboard_in_japanese_labels_fiscal_years_and_months(client, people, world):
    client.force_login(people["desk_manager"])
    with time_machine.travel(NOW, tick=False):
        html = client.get(URL).content.decode()
    fiscal = _table(html, "fiscal-years-caption")
    assert [row[0] for row in fiscal[1:]] == ["2025年度", "2026年度"]
    assert _table(html, "months-caption")[-1] == ["2026年11月", "4"]


def test_an_empty_database_renders_the_dashboard(client, people):
    client.force_login(people["desk_staff"])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('role="img"') == 5
    assert _table(html, "funnel-caption")[1][1] == "0"


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_data(client, people, consents):
    staff, biz = people["desk_staff"], people["business"]
    prog = factories.programme()

    def add(n, start):
        for i in range(n):
            steps = (
                [(start + dt.timedelta(days=i, hours=1), "start_dialogue", staff)] if i % 2 else []
            )
            p = build(biz, start + dt.timedelta(days=i), steps, prog=prog)
            Referral.objects.create(
                proposal=p,
                department=people["department"].department,
                question="?",
                due_date=dt.date(2026, 1, 1),
                created_by=staff,
            )

    add(3, jst(2025, 10, 1, 10, 0))
    few = _queries(client, staff)
    add(37, jst(2025, 11, 1, 10, 0))
    assert Proposal.objects.exclude(state="draft").count() == 40
    many = _queries(client, staff)
    assert few == many
    assert many <= 9, many


# --- The partial the proposal page includes ---------------------------------------------------


@pytest.mark.parametrize(
    "key, expected",
    [
        ("p4", "25 days without a first response"),
        ("p5", "14 days without a first response"),
        ("p7", None),
    ],
)
def test_days_waiting_partial(world, key, expected):
    from django.template.loader import render_to_string

    proposal = world[key]
    with translation.override("en"):
        html = render_to_string(
            "proposals/desk/_days_waiting.html",
            {"proposal": proposal, **stats.duty_context(proposal, TODAY)},
        )
    if expected is None:
        assert html.strip() == ""
        return
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert expected in text and "(target: 14 days)" in text
    assert ("Overdue" in text) == (key == "p4")
    assert ("days-waiting-overdue" in html) == (key == "p4")
