"""Referrals to departments (関係部局照会): the desk refers, each department answers in its
portal and may ask the desk, reminders go before and after the deadline, and a department
sees only what is referred to it."""

from __future__ import annotations

import datetime as dt
import html
import io

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from core.dates import JAPAN
from core.dates import today as japan_today
from core.models import OutboundEmail, Role
from proposals import services
from proposals.models import Proposal, Referral, ReferralMessage
from proposals.referral_selectors import referral_panel_context, referrals_for_panel
from proposals.states import State

from .. import factories

pytestmark = pytest.mark.integration
PDF = b"%PDF-1.4\n%%EOF\n"
Opinion = Referral.Opinion


# --- Fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture
def members(people):
    """Department A has two active members (one reads English) and an inactive one;
    department B has one member."""
    a = people["department"].department
    b = people["other_department"].department
    english = factories.user(Role.DEPARTMENT, department=a, language="en")
    gone = factories.user(Role.DEPARTMENT, department=a)
    gone.is_active = False
    gone.save()
    return {
        "a": a,
        "b": b,
        "a_member": people["department"],
        "a_english": english,
        "a_inactive": gone,
        "b_member": people["other_department"],
    }


def submitted(people, title="AIオンデマンド交通の実証", with_file=False) -> Proposal:
    proposal = factories.draft(
        people["business"],
        title=title,
        desired_location="天神中央公園",
        expected_effect="移動の不便が減る",
        ask_field=True,
    )
    if with_file:
        services.add_attachment(
            proposal,
            people["business"],
            SimpleUploadedFile("事業計画.pdf", PDF, content_type="application/pdf"),
        )
    factories.act(proposal, "submit", people["business"])
    factories.act(proposal, "start_dialogue", people["desk_staff"])
    return proposal


@pytest.fixture
def case(people):
    proposal = submitted(people, with_file=True)
    OutboundEmail.objects.all().delete()
    return proposal


def en(viewname: str, *args) -> str:
    """The English address of a page, so the tests read the English source messages."""
    with translation.override("en"):
        return reverse(viewname, args=args)


def refer_data(departments, question="実証場所として公園を使えますか。", due=None, empty_due=False):
    due = "" if empty_due else (due or japan_today() + dt.timedelta(days=14)).isoformat()
    return {"departments": [d.pk for d in departments], "question": question, "due_date": due}


def weekday_date(value: dt.date, language: str) -> str:
    with translation.override(language):
        return date_format(value, "Y-m-d (D)")


def answer(client, referral, opinion="", comment="", conditions=""):
    return client.post(
        en("department:referral", referral.pk),
        {
            "form": "answer",
            "answer-opinion": opinion,
            "answer-comment": comment,
            "answer-conditions": conditions,
        },
    )


def referred(people, members, proposal=None):
    """``proposal`` (or a new one) referred to departments A and B by the desk."""
    proposal = proposal or submitted(people)
    return services.refer(
        proposal,
        [members["a"], members["b"]],
        "公園を使えますか。",
        japan_today() + dt.timedelta(days=14),
        people["desk_staff"],
    )


# --- The desk refers --------------------------------------------------------------------------


def test_desk_refers_to_two_departments_and_each_members_get_an_email(
    client, people, members, case, smtp_server, django_capture_on_commit_callbacks
):
    client.force_login(people["desk_staff"])
    due = japan_today() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("desk:refer", args=[case.pk]), refer_data([members["a"], members["b"]], due=due)
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:detail", args=[case.pk]) + "#referrals"

    to_a, to_b = (Referral.objects.get(proposal=case, department=members[k]) for k in "ab")
    for referral in (to_a, to_b):
        assert referral.question == "実証場所として公園を使えますか。"
        assert referral.due_date == due and referral.created_by == people["desk_staff"]
        assert not referral.is_answered

    messages = smtp_server.wait_for(3)
    assert sorted(str(m["To"]) for m in messages) == sorted(
        [members["a_member"].email, members["a_english"].email, members["b_member"].email]
    )
    assert not smtp_server.to(members["a_inactive"].email)
    [japanese] = smtp_server.to(members["a_member"].email)
    assert case.receipt_number in japanese["Subject"]
    assert weekday_date(due, "ja") in japanese["Subject"]  # e.g. 2026-12-10 (木)
    text = smtp_server.text(japanese)
    assert f"/department/referrals/{to_a.pk}/" in text and "/en/" not in text
    assert "実証場所として公園を使えますか" not in text  # the question stays behind the login
    [english] = smtp_server.to(members["a_english"].email)
    assert f"/en/department/referrals/{to_a.pk}/" in smtp_server.text(english)
    assert weekday_date(due, "en") in english["Subject"]
    [to_b_mail] = smtp_server.to(members["b_member"].email)
    assert f"/department/referrals/{to_b.pk}/" in smtp_server.text(to_b_mail)


def test_the_refer_page_offers_every_department_and_marks_those_already_asked(
    client, people, members, case
):
    services.refer(case, [members["a"]], "質問", japan_today(), people["desk_staff"])
    case.desired_departments.add(members["b"])
    client.force_login(people["desk_staff"])
    page = client.get(en("desk:refer", case.pk)).content.decode()
    assert f"{members['a'].name_en} (already referred)" in page
    assert f"{members['b'].name_en} (named by the business)" in page
    assert f'value="{members["b"].pk}"' in page
    assert 'type="date"' in page and 'name="question"' in page


BAD_INPUT = {
    "no deadline": (
        dict(empty_due=True),
        "due_date",
        "Enter the date by which the departments must answer.",
    ),
    "yesterday": (
        dict(due=japan_today() - dt.timedelta(days=2)),
        "due_date",
        "has already passed",
    ),
    "no department": (dict(departments=[]), "departments", "Choose at least one department."),
    "no question": (dict(question="   "), "question", "Write what you ask the departments."),
    "already referred": (dict(), "departments", "Already referred to"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUT))
def test_bad_referrals_are_refused_next_to_the_field_and_nothing_is_saved(
    client, people, members, case, name
):
    changes, field, message = BAD_INPUT[name]
    if name == "already referred":
        services.refer(case, [members["a"]], "最初の照会", japan_today(), people["desk_staff"])
        OutboundEmail.objects.all().delete()
    before = list(Referral.objects.values_list("pk", "question"))
    departments = changes.pop("departments", [members["b"], members["a"]])
    client.force_login(people["desk_staff"])
    response = client.post(en("desk:refer", case.pk), refer_data(departments, **changes))

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert message in page
    assert f'id="id_{field}-error"' in page, "the message stands next to its field"
    assert 'aria-invalid="true"' in page and "error-summary" in page
    assert list(Referral.objects.values_list("pk", "question")) == before
    assert not OutboundEmail.objects.exists()
    if name != "no question":
        assert "実証場所として公園を使えますか。" in page, "what was typed is kept"


def test_the_service_refuses_the_same_inputs_all_at_once(people, members, case):
    with translation.override("en"), pytest.raises(services.ReferralInputError) as refused:
        services.refer(case, [], "", None, people["desk_staff"])
    assert set(refused.value.errors) == {"departments", "question", "due_date"}
    services.refer(case, [members["a"]], "質問", japan_today(), people["desk_staff"])
    with pytest.raises(services.ReferralInputError) as refused:
        # B is new but A is not: nothing is created, not even B's referral.
        services.refer(
            case, [members["b"], members["a"]], "質問", japan_today(), people["desk_staff"]
        )
    assert set(refused.value.errors) == {"departments"}
    assert list(Referral.objects.values_list("department", flat=True)) == [members["a"].pk]


def test_a_deadline_is_a_date_in_japan_whatever_the_time_zone(people, members, case):
    # 23:30 UTC on 1 December is 08:30 on 2 December in Japan: 1 December has passed there.
    with time_machine.travel(dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        timezone.activate("UTC")
        try:
            with pytest.raises(services.ReferralInputError) as refused:
                services.refer(
                    case, [members["a"]], "質問", dt.date(2026, 12, 1), people["desk_staff"]
                )
            assert set(refused.value.errors) == {"due_date"}
            [referral] = services.refer(
                case, [members["a"]], "質問", dt.date(2026, 12, 2), people["desk_staff"]
            )
        finally:
            timezone.deactivate()
    assert referral.due_date == dt.date(2026, 12, 2)


def test_only_the_desk_refers_and_only_while_the_proposal_is_open(client, people, members, case):
    for role in ("department", "business", "reviewer", "administrator"):
        with pytest.raises(services.LifecycleError):
            services.refer(case, [members["a"]], "質問", japan_today(), people[role])
    factories.act(case, "not_accept", people["desk_staff"])
    with pytest.raises(services.NotAllowedNow):
        services.refer(case, [members["a"]], "質問", japan_today(), people["desk_staff"])
    client.force_login(people["desk_staff"])
    response = client.post(en("desk:refer", case.pk), refer_data([members["a"]]))
    assert response.status_code == 302
    assert response["Location"] == en("proposals:detail", case.pk)
    assert not Referral.objects.exists()


# --- What a department sees -------------------------------------------------------------------


@pytest.fixture
def spread(people, members):
    """Proposal 1 referred to A and B; proposal 2 to B only; proposal 3 to nobody."""
    first = submitted(people, title="公園のAI案内", with_file=True)
    second = submitted(people, title="B局だけの提案")
    third = submitted(people, title="照会していない提案")
    to_a, to_b = referred(people, members, first)
    [only_b] = services.refer(
        second,
        [members["b"]],
        "B局への質問",
        japan_today() + dt.timedelta(days=3),
        people["desk_staff"],
    )
    return {
        "first": first,
        "second": second,
        "third": third,
        "to_a": to_a,
        "to_b": to_b,
        "only_b": only_b,
    }


def test_a_department_sees_only_its_referrals_and_404_for_any_other_id(
    client, people, members, spread
):
    client.force_login(members["a_member"])
    portal = client.get(en("department:portal")).content.decode()
    assert "公園のAI案内" in portal
    assert "B局だけの提案" not in portal and "照会していない提案" not in portal

    highest = Referral.objects.order_by("-pk").first().pk
    for pk in range(1, highest + 5):  # guessed ids
        expected = 200 if pk == spread["to_a"].pk else 404
        assert client.get(en("department:referral", pk)).status_code == expected, pk
        posted = client.post(
            en("department:referral", pk), {"form": "answer", "answer-opinion": Opinion.SUPPORTIVE}
        )
        assert posted.status_code == (302 if expected == 200 else 404), pk
    for proposal in (spread["second"], spread["third"]):
        assert client.get(en("proposals:detail", proposal.pk)).status_code == 404
    assert client.get(en("proposals:detail", spread["first"].pk)).status_code == 200
    # B's referral stays unanswered: A's guesses changed nothing of it.
    assert not Referral.objects.get(pk=spread["only_b"].pk).is_answered


def test_the_department_page_shows_the_proposal_and_its_files_but_nothing_internal(
    client, people, members, spread
):
    first, to_a, to_b = spread["first"], spread["to_a"], spread["to_b"]
    services.post_message(
        first,
        people["desk_staff"],
        "社内メモ：過去にも提案あり",
        visibility="internal",
        files=[SimpleUploadedFile("内部.pdf", PDF, content_type="application/pdf")],
    )
    services.post_message(first, people["desk_staff"], "事業者との対話：候補日をお知らせください")
    services.answer_referral(
        to_b, members["b_member"], Opinion.NOT_FEASIBLE, comment="B局の意見：条例上できない"
    )
    services.post_referral_message(to_b, members["b_member"], "B局から窓口への質問")

    client.force_login(members["a_member"])
    for url in (
        en("department:referral", to_a.pk),
        en("department:portal"),
        en("proposals:detail", first.pk),
    ):
        page = client.get(url).content.decode()
        for secret in (
            "社内メモ",
            "内部.pdf",
            "候補日をお知らせください",
            "B局の意見",
            "B局から窓口への質問",
            members["b"].name_en,
        ):
            assert secret not in page, (url, secret)

    page = client.get(en("department:referral", to_a.pk)).content.decode()
    for shown in (
        "公園のAI案内",
        "公園を使えますか。",
        "高齢者の移動を支える",
        "交通空白地",
        "AI配車",
        "移動の不便が減る",
        "天神中央公園",
        "a field (facility, road",
        "事業計画.pdf",
        weekday_date(to_a.due_date, "en"),
    ):
        assert shown in page, shown
    [file] = first.attachments.filter(message__isnull=True)
    assert client.get(reverse("proposals:download", args=[first.pk, file.pk])).status_code == 200
    note_file = first.attachments.get(message__isnull=False)
    assert (
        client.get(reverse("proposals:download", args=[first.pk, note_file.pk])).status_code == 404
    )


def test_the_portal_filters_unanswered_overdue_and_answered(client, people, members):
    titles = ["期限内の提案", "期限切れの提案", "回答済みの提案"]
    referrals = {}
    for title in titles:
        [referrals[title]] = services.refer(
            submitted(people, title=title),
            [members["a"]],
            "質問",
            japan_today() + dt.timedelta(days=5),
            people["desk_staff"],
        )
    Referral.objects.filter(pk=referrals["期限切れの提案"].pk).update(
        due_date=japan_today() - dt.timedelta(days=1)
    )
    services.answer_referral(referrals["回答済みの提案"], members["a_member"], Opinion.SUPPORTIVE)
    closed = submitted(people, title="取下げられた提案")
    services.refer(closed, [members["a"]], "質問", japan_today(), people["desk_staff"])
    Referral.objects.filter(proposal=closed).update(due_date=japan_today() - dt.timedelta(days=9))
    factories.act(closed, "withdraw", people["business"])

    client.force_login(members["a_member"])
    expected = {
        "": set(titles) | {"取下げられた提案"},
        "unanswered": {"期限内の提案", "期限切れの提案"},
        "overdue": {"期限切れの提案"},
        "answered": {"回答済みの提案"},
        "nonsense": set(titles) | {"取下げられた提案"},
    }
    for status, shown in expected.items():
        page = client.get(en("department:portal"), {"status": status} if status else {})
        assert page.status_code == 200
        body = page.content.decode()
        for title in expected[""]:
            assert (title in body) == (title in shown), (status, title)
    body = client.get(en("department:portal")).content.decode()
    assert 'Unanswered <span class="count">(2)</span>' in body
    assert 'Overdue <span class="count">(1)</span>' in body
    assert "Closed without an answer" in body  # the withdrawn one is not "overdue"
    assert body.index("期限切れの提案") < body.index("期限内の提案") < body.index("回答済みの提案")


def test_the_portal_runs_the_same_number_of_queries_for_1_and_30_referrals(client, people, members):
    client.force_login(members["a_member"])
    url = en("department:portal")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    proposals = [submitted(people, title=f"提案{n:02d}") for n in range(30)]
    services.refer(proposals[0], [members["a"]], "質問", japan_today(), people["desk_staff"])
    one = count()
    for proposal in proposals[1:]:
        services.refer(proposal, [members["a"]], "質問", japan_today(), people["desk_staff"])
    many = count()
    assert one == many, (one, many)
    assert "提案29" in client.get(url).content.decode()


# --- The department answers -------------------------------------------------------------------

VALID_ANSWERS = {
    Opinion.SUPPORTIVE: dict(comment="協力します"),
    Opinion.CONDITIONAL: dict(conditions="土日のみ使用可", comment="警察協議が必要"),
    Opinion.NOT_FEASIBLE: dict(comment="条例上、占用許可が出せない"),
    Opinion.NEEDS_INFO: dict(comment="車両の重量を教えてください"),
}


@pytest.mark.parametrize("opinion", list(Opinion.values))
def test_a_department_answers_with_each_opinion_and_the_desk_is_told(
    client, people, members, case, opinion
):
    to_a, _to_b = referred(people, members, case)
    OutboundEmail.objects.all().delete()
    client.force_login(members["a_english"])
    response = answer(client, to_a, opinion, **VALID_ANSWERS[opinion])
    assert response.status_code == 302
    assert response["Location"].endswith("#answer")
    to_a.refresh_from_db()
    assert to_a.opinion == opinion and to_a.answered_by == members["a_english"]
    assert to_a.comment == VALID_ANSWERS[opinion]["comment"]
    assert to_a.conditions == VALID_ANSWERS[opinion].get("conditions", "")
    # No lead: every active member of the desk is told, with a link to the desk's page.
    emails = OutboundEmail.objects.all()
    assert {e.to for e in emails} == {people["desk_staff"].email, people["desk_manager"].email}
    assert all(f"/desk/referrals/{to_a.pk}/" in e.body for e in emails)
    page = client.get(en("department:referral", to_a.pk)).content.decode()
    assert str(Referral.Opinion(opinion).label) in page and "Change the answer" in page


ANSWER_RULES = {
    "no opinion": ("", {}, "opinion", "Choose your department's opinion."),
    "conditional without conditions": (
        Opinion.CONDITIONAL,
        {"comment": "条件付き"},
        "conditions",
        "Write the conditions",
    ),
    "not feasible without a comment": (
        Opinion.NOT_FEASIBLE,
        {},
        "comment",
        "Explain why it is not feasible",
    ),
    "needs info without a comment": (
        Opinion.NEEDS_INFO,
        {"conditions": "x"},
        "comment",
        "Write what information your department needs.",
    ),
}


@pytest.mark.parametrize("name", sorted(ANSWER_RULES))
def test_an_incomplete_answer_is_refused_next_to_its_field(client, people, members, case, name):
    opinion, fields, field, message = ANSWER_RULES[name]
    to_a, _to_b = referred(people, members, case)
    OutboundEmail.objects.all().delete()
    client.force_login(members["a_member"])
    response = answer(client, to_a, opinion, **fields)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert message in page and f'id="id_answer-{field}-error"' in page
    to_a.refresh_from_db()
    assert not to_a.is_answered and to_a.opinion == ""
    assert not OutboundEmail.objects.exists()


def test_conditions_are_kept_only_for_a_conditional_opinion_and_a_changed_answer_is_told(
    people, members, case
):
    to_a, _to_b = referred(people, members, case)
    Proposal.objects.filter(pk=case.pk).update(lead=people["desk_manager"])
    to_a.proposal.refresh_from_db()
    OutboundEmail.objects.all().delete()
    services.answer_referral(to_a, members["a_member"], Opinion.SUPPORTIVE, conditions="不要な条件")
    assert to_a.conditions == ""
    services.answer_referral(
        to_a,
        members["a_member"],
        Opinion.CONDITIONAL,
        comment="再検討しました",
        conditions="夜間は不可",
    )
    to_a.refresh_from_db()
    assert (to_a.opinion, to_a.conditions) == (Opinion.CONDITIONAL, "夜間は不可")
    # With a lead, only the lead is told: first the answer, then the change.
    first, second = OutboundEmail.objects.order_by("created_at", "pk")
    assert first.to == second.to == people["desk_manager"].email
    with translation.override("ja"):
        assert str(members["a"]) in second.subject
    assert first.subject != second.subject


def test_another_department_cannot_answer_and_a_closed_proposal_takes_no_answers(
    client, people, members, case
):
    to_a, _to_b = referred(people, members, case)
    with pytest.raises(services.NotPermitted):
        services.answer_referral(to_a, members["b_member"], Opinion.SUPPORTIVE)
    with pytest.raises(services.NotPermitted):
        services.answer_referral(to_a, people["desk_staff"], Opinion.SUPPORTIVE)
    factories.act(case, "withdraw", people["business"])
    client.force_login(members["a_member"])
    page = client.get(en("department:referral", to_a.pk))
    assert page.status_code == 200
    assert "no longer takes answers" in page.content.decode()
    assert 'name="answer-opinion"' not in page.content.decode()
    assert answer(client, to_a, Opinion.SUPPORTIVE).status_code == 409
    with pytest.raises(services.NotAllowedNow):
        services.answer_referral(to_a, members["a_member"], Opinion.SUPPORTIVE)
    assert not Referral.objects.filter(answered_at__isnull=False).exists()


# --- The desk sees both answers ---------------------------------------------------------------


def test_the_desk_sees_both_answers_side_by_side_in_the_panel_and_on_its_pages(
    client, people, members, case
):
    to_a, to_b = referred(people, members, case)
    services.answer_referral(
        to_a,
        members["a_member"],
        Opinion.CONDITIONAL,
        comment="A局：安全対策を確認",
        conditions="A局：平日昼間のみ",
    )
    services.answer_referral(
        to_b, members["b_member"], Opinion.NEEDS_INFO, comment="B局：車両の仕様が必要"
    )
    services.post_referral_message(to_b, members["b_member"], "B局：重量は？")

    desk = people["desk_staff"]
    with translation.override("en"), CaptureQueriesContext(connection) as queries:
        context = referral_panel_context(desk, case)
        panel = render_to_string(
            "proposals/desk/_referrals_panel.html", {"proposal": case, **context}
        )
    assert len(queries) == 2, "referrals with their people, then their messages"
    assert context["refer_url"] == en("desk:refer", case.pk)
    for text in (
        members["a"].name_en,
        members["b"].name_en,
        "Supportive with conditions",
        "Needs more information",
        "A局：平日昼間のみ",
        "A局：安全対策を確認",
        "B局：車両の仕様が必要",
        members["a_member"].full_name,
        members["b_member"].full_name,
        "1 message",
        "Refer to more departments",
        weekday_date(to_a.due_date, "en"),
    ):
        assert text in panel, text
    assert panel.index(members["a"].name_en) < panel.index(members["b"].name_en)

    client.force_login(desk)
    for referral, texts in (
        (to_a, ["A局：平日昼間のみ", "Supportive with conditions"]),
        (to_b, ["B局：車両の仕様が必要", "B局：重量は？"]),
    ):
        page = client.get(en("desk:referral", referral.pk)).content.decode()
        for text in texts:
            assert text in page, text

    for role in ("department", "other_department", "business", "reviewer"):
        assert referrals_for_panel(people[role], case) == [], role
        assert referral_panel_context(people[role], case)["show_referrals"] is False


def test_the_panel_takes_two_queries_for_one_or_ten_departments(people, members, case):
    from core.models import Department

    services.refer(case, [members["a"]], "質問", japan_today(), people["desk_staff"])
    others = [factories.department() for _ in range(9)]
    other = submitted(people, title="十局に照会")
    services.refer(other, [members["a"], *others], "質問", japan_today(), people["desk_staff"])
    for referral in Referral.objects.filter(proposal=other)[:5]:
        services.post_referral_message(referral, people["desk_staff"], "補足です")
    counts = []
    for proposal in (case, other):
        with CaptureQueriesContext(connection) as queries:
            render_to_string(
                "proposals/desk/_referrals_panel.html",
                {
                    "proposal": proposal,
                    "refer_url": None,
                    "referrals": referrals_for_panel(people["desk_staff"], proposal),
                },
            )
        counts.append(len(queries))
    assert counts == [2, 2]
    assert Department.objects.count() >= 11


# --- Questions between a department and the desk ----------------------------------------------


def test_a_departments_question_and_the_desks_reply_notify_the_other_side(
    client, people, members, case, smtp_server, django_capture_on_commit_callbacks
):
    to_a, _to_b = referred(people, members, case)
    OutboundEmail.objects.all().delete()
    Proposal.objects.filter(pk=case.pk).update(lead=people["desk_staff"])

    client.force_login(members["a_member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("department:referral", args=[to_a.pk]),
            {"form": "message", "message-body": "占用の期間は何日ですか。"},
        )
    assert response.status_code == 302 and response["Location"].endswith("#messages")
    [to_lead] = smtp_server.wait_for(1)
    assert str(to_lead["To"]) == people["desk_staff"].email
    assert f"/desk/referrals/{to_a.pk}/" in smtp_server.text(to_lead)

    client.force_login(people["desk_staff"])
    page = client.get(reverse("desk:referral", args=[to_a.pk])).content.decode()
    assert "占用の期間は何日ですか。" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("desk:referral", args=[to_a.pk]), {"body": "約2週間を想定しています。"}
        )
    assert response.status_code == 302
    smtp_server.wait_for(3)
    replies = smtp_server.messages[1:]
    assert sorted(str(m["To"]) for m in replies) == sorted(
        [members["a_member"].email, members["a_english"].email]
    )
    assert all(f"/department/referrals/{to_a.pk}/" in smtp_server.text(m) for m in replies)
    assert not smtp_server.to(members["b_member"].email)

    client.force_login(members["a_member"])
    page = client.get(reverse("department:referral", args=[to_a.pk])).content.decode()
    assert page.index("占用の期間は何日ですか。") < page.index("約2週間を想定しています。")
    assert ReferralMessage.objects.filter(referral=to_a).count() == 2


def test_an_empty_message_is_refused_and_no_one_else_may_write(client, people, members, case):
    to_a, to_b = referred(people, members, case)
    OutboundEmail.objects.all().delete()
    client.force_login(members["a_member"])
    response = client.post(
        en("department:referral", to_a.pk), {"form": "message", "message-body": "  "}
    )
    assert response.status_code == 400
    assert 'id="id_message-body-error"' in response.content.decode()
    assert (
        client.post(
            en("department:referral", to_b.pk), {"form": "message", "message-body": "割り込み"}
        ).status_code
        == 404
    )
    for role in ("business", "reviewer", "administrator", "other_department"):
        with pytest.raises(services.NotPermitted):
            services.post_referral_message(to_a, people[role], "割り込み")
    assert not ReferralMessage.objects.exists() and not OutboundEmail.objects.exists()


# --- Reminders --------------------------------------------------------------------------------

REFERRED_AT = dt.datetime(2026, 12, 1, 10, 0, tzinfo=JAPAN)
DUE = dt.date(2026, 12, 10)  # a Thursday


def at(day: dt.date, hour: int = 8):
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(hour, 30), tzinfo=JAPAN), tick=False
    )


def test_one_reminder_before_the_deadline_and_one_notice_after_it(people, members, settings):
    settings.REFERRAL_REMINDER_DAYS = 2
    with time_machine.travel(REFERRED_AT, tick=False):
        to_a, to_b = services.refer(
            submitted(people), [members["a"], members["b"]], "質問", DUE, people["desk_staff"]
        )
        services.answer_referral(to_b, members["b_member"], Opinion.SUPPORTIVE)
    OutboundEmail.objects.all().delete()

    def run(day):
        with at(day):
            return services.send_reminders()

    assert run(dt.date(2026, 12, 7))["reminders"] == 0  # three days before: too early
    assert run(dt.date(2026, 12, 8)) == {"reminders": 1, "overdue_notices": 0, "emails": 2}
    assert run(dt.date(2026, 12, 8))["emails"] == 0, "idempotent on the same day"
    assert run(dt.date(2026, 12, 9))["emails"] == 0
    assert run(DUE)["emails"] == 0  # the deadline itself is not overdue
    reminders = OutboundEmail.objects.all()
    assert {e.to for e in reminders} == {members["a_member"].email, members["a_english"].email}
    assert all(f"/department/referrals/{to_a.pk}/" in e.body for e in reminders)
    assert "2026-12-10 (木)" in reminders.get(to=members["a_member"].email).subject
    assert "2026-12-10 (Thu)" in reminders.get(to=members["a_english"].email).subject
    OutboundEmail.objects.all().delete()

    assert run(dt.date(2026, 12, 11)) == {"reminders": 0, "overdue_notices": 1, "emails": 2}
    assert run(dt.date(2026, 12, 11))["emails"] == 0
    assert run(dt.date(2026, 12, 20))["emails"] == 0
    assert OutboundEmail.objects.count() == 2
    to_a.refresh_from_db()
    assert to_a.reminder_sent_at and to_a.overdue_notice_sent_at
    # B answered: it was never reminded.
    to_b.refresh_from_db()
    assert to_b.reminder_sent_at is None and to_b.overdue_notice_sent_at is None
    assert not OutboundEmail.objects.filter(to=members["b_member"].email).exists()


def test_no_reminders_for_answered_closed_or_same_day_referrals(people, members):
    with time_machine.travel(REFERRED_AT, tick=False):
        (answered,) = services.refer(
            submitted(people, title="回答済み"), [members["a"]], "質問", DUE, people["desk_staff"]
        )
        services.answer_referral(
            answered, members["a_member"], Opinion.NEEDS_INFO, comment="資料をください"
        )
        withdrawn = submitted(people, title="取下げ")
        services.refer(withdrawn, [members["a"]], "質問", DUE, people["desk_staff"])
        factories.act(withdrawn, "withdraw", people["business"])
    with at(dt.date(2026, 12, 9), hour=7):
        services.refer(
            submitted(people, title="当日照会"),
            [members["a"]],
            "質問",
            dt.date(2026, 12, 10),
            people["desk_staff"],
        )
    OutboundEmail.objects.all().delete()
    for day in (dt.date(2026, 12, 9), dt.date(2026, 12, 11)):
        with at(day):
            counts = services.send_reminders()
        if day == dt.date(2026, 12, 11):
            # Only the same-day referral, which is now overdue, gets a notice.
            assert counts == {"reminders": 0, "overdue_notices": 1, "emails": 2}
        else:
            assert counts == {"reminders": 0, "overdue_notices": 0, "emails": 0}


def test_the_management_command_and_the_task_both_send_reminders(people, members):
    from proposals.tasks import send_referral_reminders

    assert (
        settings.CELERY_BEAT_SCHEDULE["referral-reminders"]["task"] == send_referral_reminders.name
    )
    with time_machine.travel(REFERRED_AT, tick=False):
        services.refer(
            submitted(people, title="一件目"), [members["a"]], "質問", DUE, people["desk_staff"]
        )
        services.refer(
            submitted(people, title="二件目"), [members["b"]], "質問", DUE, people["desk_staff"]
        )
    OutboundEmail.objects.all().delete()
    out = io.StringIO()
    with at(dt.date(2026, 12, 8)):
        call_command("send_referral_reminders", stdout=out)
        assert "reminders 2" in out.getvalue()
        assert send_referral_reminders.delay().get()["reminders"] == 0
    with at(dt.date(2026, 12, 11)):
        assert send_referral_reminders.delay().get() == {
            "reminders": 0,
            "overdue_notices": 2,
            "emails": 3,
        }
        out = io.StringIO()
        call_command("send_referral_reminders", "--date", "2026-12-11", stdout=out)
        assert "overdue notices 0" in out.getvalue()
    assert OutboundEmail.objects.count() == 6


# --- Who may open what ------------------------------------------------------------------------


@pytest.fixture
def urls(people, members, case):
    to_a, _to_b = referred(people, members, case)
    return [
        ("get", reverse("desk:refer", args=[case.pk]), {}),
        ("post", reverse("desk:refer", args=[case.pk]), refer_data([members["a"]])),
        ("get", reverse("desk:referral", args=[to_a.pk]), {}),
        ("post", reverse("desk:referral", args=[to_a.pk]), {"body": "割り込み"}),
        ("get", reverse("department:portal"), {}),
        ("get", reverse("department:referral", args=[to_a.pk]), {}),
        (
            "post",
            reverse("department:referral", args=[to_a.pk]),
            {"form": "answer", "answer-opinion": "supportive"},
        ),
        (
            "post",
            reverse("department:referral", args=[to_a.pk]),
            {"form": "message", "message-body": "割り込み"},
        ),
    ]


@pytest.mark.parametrize(
    "role", ["business", "colleague", "other_business", "reviewer", "administrator", "anonymous"]
)
def test_no_one_else_opens_any_referral_or_portal_page(client, people, urls, role):
    if role != "anonymous":
        client.force_login(people[role])
    before = (
        Referral.objects.filter(answered_at__isnull=False).count(),
        ReferralMessage.objects.count(),
        Referral.objects.count(),
    )
    for method, url, data in urls:
        response = getattr(client, method)(url, data)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404, (role, method, url)
    assert (
        Referral.objects.filter(answered_at__isnull=False).count(),
        ReferralMessage.objects.count(),
        Referral.objects.count(),
    ) == before


def test_the_desk_and_departments_stay_on_their_own_side(client, people, urls):
    desk_urls = [u for u in urls if "/desk/" in u[1]]
    department_urls = [u for u in urls if "/department/" in u[1]]
    for role, allowed, refused in (
        ("desk_staff", desk_urls, department_urls),
        ("desk_manager", desk_urls, department_urls),
        ("department", department_urls, desk_urls),
        ("other_department", [urls[4]], desk_urls),
    ):
        client.force_login(people[role])
        for method, url, _data in refused:
            assert getattr(client, method)(url).status_code == 404, (role, url)
        for method, url, _data in allowed:
            if method == "get":
                assert client.get(url).status_code == 200, (role, url)


# --- The department's part of the story -------------------------------------------------------


def test_refer_answer_and_move_on(client, people, members, case):
    """The desk refers to two departments, a member of each answers in the portal, the desk
    sees both answers and moves the proposal on."""
    client.force_login(people["desk_staff"])
    client.post(en("desk:refer", case.pk), refer_data([members["a"], members["b"]]))
    for member, opinion, fields in (
        (members["a_member"], Opinion.SUPPORTIVE, {}),
        (members["b_member"], Opinion.CONDITIONAL, {"conditions": "夜間の工事は不可"}),
    ):
        client.force_login(member)
        portal = client.get(en("department:portal"), {"status": "unanswered"}).content.decode()
        referral = Referral.objects.get(proposal=case, department=member.department)
        link = en("department:referral", referral.pk)
        assert f'href="{link}"' in portal
        assert answer(client, referral, opinion, **fields).status_code == 302
        portal = client.get(en("department:portal"), {"status": "unanswered"}).content.decode()
        assert f'href="{link}"' not in portal

    desk = people["desk_staff"]
    panel = render_to_string(
        "proposals/desk/_referrals_panel.html",
        {"proposal": case, **referral_panel_context(desk, case)},
    )
    assert panel.count('class="referral-status referral-answered"') == 2
    assert "夜間の工事は不可" in panel
    factories.act(case, "start_coordination", desk)
    case.refresh_from_db()
    assert case.state == State.COORDINATION
