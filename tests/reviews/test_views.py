"""Every reviews page for every role, and what each shows: a reviewer sees only its own
assignments without a conflict, never the others' scores before submitting its own, and in a
blind call never the business; the desk sees everything."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import OutboundEmail, Role
from proposals import services as proposal_services
from reviews import services
from reviews.models import ReviewAssignment, Score

from .. import factories
from ..factories import submitted

pytestmark = pytest.mark.integration

ROLES = [
    "business",
    "other_business",
    "desk_staff",
    "desk_manager",
    "department",
    "reviewer",
    "other_reviewer",
    "unassigned_reviewer",
    "administrator",
    "anonymous",
]
DESK = {"desk_staff", "desk_manager"}
REVIEWERS = {"reviewer", "other_reviewer", "unassigned_reviewer"}
TITLE = "保護テスト用の審査提案"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world(people, theme):
    people["unassigned_reviewer"] = factories.user(Role.REVIEWER)
    proposal = submitted(people["business"], theme, title=TITLE)
    desk = people["desk_staff"]
    mine = services.assign_reviewers([proposal], [people["reviewer"]], desk)[0]
    theirs = services.assign_reviewers([proposal], [people["other_reviewer"]], desk)[0]
    services.declare_conflict(theirs, people["other_reviewer"], "利害関係あり")
    return {"proposal": proposal, "assignment": mine, "conflicted": theirs, "theme": theme}


def _client(client, people, role):
    if role != "anonymous":
        client.force_login(people[role])
    return client


def _get_urls(w):
    p, t = w["proposal"], w["theme"]
    return [
        (reverse("reviews:mine"), REVIEWERS),
        (reverse("reviews:score", args=[w["assignment"].pk]), {"reviewer"}),
        (reverse("reviews:score", args=[w["conflicted"].pk]), set()),
        (reverse("reviews:desk", args=[p.pk]), DESK),
        (reverse("reviews:ranking", args=[t.pk]), DESK),
        (reverse("reviews:result_pdf", args=[t.pk]), DESK),
        (
            reverse("proposals:detail", args=[p.pk]),
            {"business", "desk_staff", "desk_manager", "reviewer", "administrator"},
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_reviews_page_for_every_role(client, people, world, role):
    _client(client, people, role)
    for url, allowed in _get_urls(world):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        elif role in allowed:
            assert response.status_code == 200, (url, role)
        else:
            assert response.status_code == 404, (url, role)
            assert TITLE not in response.content.decode(), (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_every_reviews_action_for_every_role(client, people, world, role):
    _client(client, people, role)
    w = world
    extra = people["unassigned_reviewer"]
    posts = [
        (
            reverse("reviews:assign"),
            {"proposals": [w["proposal"].pk], "reviewers": [extra.pk]},
            DESK,
            lambda: ReviewAssignment.objects.filter(reviewer=extra).exists(),
        ),
        (
            reverse("reviews:score", args=[w["assignment"].pk]),
            {"value_" + str(c.pk): "3" for c in w["theme"].rubric.criteria.all()} | {"save": "1"},
            {"reviewer"},
            lambda: Score.objects.exists(),
        ),
        (
            reverse("reviews:conflict", args=[w["assignment"].pk]),
            {"note": "顧問先"},
            {"reviewer"},
            lambda: ReviewAssignment.objects.get(pk=w["assignment"].pk).conflict_declared,
        ),
        (
            reverse("reviews:close"),
            {"theme": w["theme"].pk},
            DESK,
            lambda: ReviewAssignment.objects.filter(closed_at__isnull=False).exists(),
        ),
    ]
    for url, data, allowed, changed in posts:
        response = client.post(url, data)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            assert not changed(), url
        elif role in allowed:
            assert response.status_code == 302, (url, role)
            assert changed(), (url, role)
        else:
            assert response.status_code == 404, (url, role)
            assert not changed(), (url, role)


def test_a_conflicted_reviewer_gets_404_on_the_proposal_and_its_form(client, people, world):
    client.force_login(people["reviewer"])
    score_url = reverse("reviews:score", args=[world["assignment"].pk])
    response = client.post(
        reverse("reviews:conflict", args=[world["assignment"].pk]), {"note": "提案企業の株主"}
    )
    assert response.status_code == 302 and response["Location"].endswith(reverse("reviews:mine"))
    assert client.get(score_url).status_code == 404
    assert client.get(reverse("proposals:detail", args=[world["proposal"].pk])).status_code == 404
    portal = client.get(reverse("reviews:mine")).content.decode()
    assert TITLE not in portal
    mails = OutboundEmail.objects.filter(body__contains="提案企業の株主")
    assert set(mails.values_list("to", flat=True)) == {
        people["desk_staff"].email,
        people["desk_manager"].email,
    }
    # The desk sees the conflict and its note.
    client.force_login(people["desk_staff"])
    desk_page = client.get(reverse("reviews:desk", args=[world["proposal"].pk])).content.decode()
    assert "提案企業の株主" in desk_page and people["reviewer"].full_name in desk_page


def test_a_conflict_without_a_note_is_refused_on_the_page(client, people, world):
    client.force_login(people["reviewer"])
    response = client.post(reverse("reviews:conflict", args=[world["assignment"].pk]), {"note": ""})
    assert response.status_code == 400
    assert not ReviewAssignment.objects.get(pk=world["assignment"].pk).conflict_declared


def test_the_portal_lists_the_reviewers_assignments_with_their_status(client, people, world, theme):
    second = submitted(people["business"], theme, title="二件目の提案")
    services.assign_reviewers([second], [people["reviewer"]], people["desk_staff"])
    services.save_scores(
        ReviewAssignment.objects.get(proposal=second),
        people["reviewer"],
        {c.pk: (4, "") for c in theme.rubric.criteria.all()},
        submit=True,
    )
    client.force_login(people["reviewer"])
    page = client.get(reverse("reviews:mine")).content.decode()
    assert TITLE in page and "二件目の提案" in page
    assert page.index(TITLE) < page.index("二件目の提案")  # to score first, submitted after
    client.force_login(people["unassigned_reviewer"])
    assert TITLE not in client.get(reverse("reviews:mine")).content.decode()


def test_the_portal_and_ranking_take_the_same_queries_for_one_or_many(client, people, theme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk = people["desk_staff"]
    reviewer = people["reviewer"]

    def count(url, who):
        client.force_login(who)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    first = submitted(people["business"], theme, title="提案0")
    assignment = services.assign_reviewers([first], [reviewer], desk)[0]
    services.save_scores(
        assignment, reviewer, {c.pk: (4, "") for c in theme.rubric.criteria.all()}, submit=True
    )
    one = (
        count(reverse("reviews:mine"), reviewer),
        count(reverse("reviews:ranking", args=[theme.pk]), desk),
    )
    more = [submitted(people["business"], theme, title=f"提案{i}") for i in range(1, 8)]
    services.assign_reviewers(more, [reviewer, people["other_reviewer"]], desk)
    for proposal in more[:3]:
        assignment = ReviewAssignment.objects.get(proposal=proposal, reviewer=reviewer)
        services.save_scores(
            assignment, reviewer, {c.pk: (3, "") for c in theme.rubric.criteria.all()}, submit=True
        )
    many = (
        count(reverse("reviews:mine"), reviewer),
        count(reverse("reviews:ranking", args=[theme.pk]), desk),
    )
    assert many == one


# --- Scoring through the form -------------------------------------------------------------------


def _form(theme, values, action="submit", comment="コメント"):
    data = {action: "1"}
    for criterion, value in zip(theme.rubric.criteria.all(), values, strict=True):
        data[f"value_{criterion.pk}"] = value
        data[f"comment_{criterion.pk}"] = f"{comment}{criterion.sort_order}"
    return data


def test_a_score_outside_the_scale_is_refused_with_what_was_typed_kept(client, people, world):
    client.force_login(people["reviewer"])
    url = reverse("reviews:score", args=[world["assignment"].pk])
    response = client.post(url, _form(world["theme"], ["4", "7", "abstain"], comment="残す文"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "outside the scale" in page and "from 1 to 5" in page
    assert "残す文1" in page and "残す文3" in page
    assert 'aria-invalid="true"' in page
    assert not Score.objects.exists()


def test_abstaining_and_submitting_through_the_form_then_not_again(client, people, world):
    client.force_login(people["reviewer"])
    url = reverse("reviews:score", args=[world["assignment"].pk])
    assert (
        client.post(url, _form(world["theme"], ["4", "", "abstain"], action="save")).status_code
        == 302
    )
    assert Score.objects.count() == 2
    response = client.post(url, _form(world["theme"], ["4", "5", "abstain"]))
    assert response.status_code == 302
    assignment = ReviewAssignment.objects.get(pk=world["assignment"].pk)
    assert assignment.submitted_at is not None
    assert sorted(Score.objects.values_list("value", flat=True), key=str) == [4, 5, None]
    page = client.get(url).content.decode()
    assert 'name="submit"' not in page  # no form any more, the scores are shown
    response = client.post(url, _form(world["theme"], ["1", "1", "1"]))
    assert response.status_code == 400
    assert "already submitted" in response.content.decode()
    assert sorted(Score.objects.values_list("value", flat=True), key=str) == [4, 5, None]


def test_a_closed_round_stops_scoring_through_the_form(client, people, world):
    client.force_login(people["desk_staff"])
    response = client.post(reverse("reviews:close"), {"theme": world["theme"].pk})
    assert response.status_code == 302
    client.force_login(people["reviewer"])
    url = reverse("reviews:score", args=[world["assignment"].pk])
    page = client.get(url).content.decode()
    assert 'name="submit"' not in page
    response = client.post(url, _form(world["theme"], ["3", "3", "3"]))
    assert response.status_code == 400
    assert "round is closed" in response.content.decode()
    assert not Score.objects.exists()


def test_a_reviewer_sees_the_others_scores_only_after_submitting(client, people, theme):
    desk = people["desk_staff"]
    proposal = submitted(people["business"], theme, title=TITLE)
    reviewer, other = people["reviewer"], factories.user(Role.REVIEWER, full_name="先行 審査員")
    mine, theirs = services.assign_reviewers([proposal], [reviewer, other], desk)
    criteria = list(theme.rubric.criteria.all())
    services.save_scores(
        theirs, other, {c.pk: (2, "先行審査員の所見") for c in criteria}, submit=True
    )
    client.force_login(reviewer)
    url = reverse("reviews:score", args=[mine.pk])
    before = client.get(url).content.decode()
    assert "先行審査員の所見" not in before
    assert "Weighted total" not in before and "review-others" not in before
    client.post(url, _form(theme, ["4", "4", "4"]))
    after = client.get(url).content.decode()
    assert "先行審査員の所見" in after and "review-others" in after
    assert "先行 審査員" not in after  # the others stay anonymous to a reviewer
    assert "3.00" in after  # (4 + 2) / 2: the aggregate


# --- Blind calls ---------------------------------------------------------------------------------


def test_a_blind_call_hides_the_business_from_the_reviewer_not_from_the_desk(
    client, people, blind_theme
):
    business = people["business"]
    org = business.organization
    proposal = factories.draft(
        business, title="ブラインドの提案", theme=blind_theme, prog=blind_theme.programme
    )
    proposal_services.add_attachment(
        proposal,
        business,
        SimpleUploadedFile(f"{org.name}_会社案内.pdf", PDF, content_type="application/pdf"),
    )
    factories.act(proposal, "submit", business)
    assignment = services.assign_reviewers([proposal], [people["reviewer"]], people["desk_staff"])[
        0
    ]
    mail = OutboundEmail.objects.get(to=people["reviewer"].email).body
    assert org.name not in mail

    client.force_login(people["reviewer"])
    for url in (reverse("reviews:score", args=[assignment.pk]), reverse("reviews:mine")):
        page = client.get(url).content.decode()
        assert "ブラインドの提案" in page
        for secret in (org.name, org.corporate_number, org.address, "会社案内.pdf"):
            assert secret not in page, (url, secret)

    client.force_login(people["desk_staff"])
    desk_page = client.get(reverse("reviews:desk", args=[proposal.pk])).content.decode()
    assert org.name in desk_page
    ranking = client.get(reverse("reviews:ranking", args=[blind_theme.pk])).content.decode()
    assert org.name in ranking


def test_an_open_call_shows_the_business_and_its_files_to_the_reviewer(client, people, theme):
    business = people["business"]
    org = business.organization
    proposal = factories.draft(business, title="公開の提案", theme=theme, prog=theme.programme)
    proposal_services.add_attachment(
        proposal, business, SimpleUploadedFile("会社案内.pdf", PDF, content_type="application/pdf")
    )
    factories.act(proposal, "submit", business)
    assignment = services.assign_reviewers([proposal], [people["reviewer"]], people["desk_staff"])[
        0
    ]
    client.force_login(people["reviewer"])
    page = client.get(reverse("reviews:score", args=[assignment.pk])).content.decode()
    assert org.name in page and org.corporate_number in page and "会社案内.pdf" in page


# --- The desk ------------------------------------------------------------------------------------


def test_the_desk_assigns_in_bulk_from_the_ranking(client, people, theme):
    proposals = [submitted(people["business"], theme, title=f"一括{i}") for i in range(3)]
    client.force_login(people["desk_manager"])
    ranking_url = reverse("reviews:ranking", args=[theme.pk])
    response = client.post(
        reverse("reviews:assign"),
        {
            "proposals": [p.pk for p in proposals[:2]],
            "reviewers": [people["reviewer"].pk, people["other_reviewer"].pk],
            "next": ranking_url,
        },
    )
    assert response.status_code == 302 and response["Location"] == ranking_url
    assert ReviewAssignment.objects.count() == 4
    page = client.get(ranking_url).content.decode()
    assert "0 submitted, 2 assigned, 0 conflicted" in page
    # A draft id, or no reviewer: refused with a message, nothing assigned.
    draft = factories.draft(people["business"], title="下書き")
    response = client.post(
        reverse("reviews:assign"),
        {"proposals": [draft.pk], "reviewers": [people["reviewer"].pk], "next": ranking_url},
        follow=True,
    )
    assert ReviewAssignment.objects.count() == 4
    response = client.post(
        reverse("reviews:assign"),
        {"proposals": [proposals[2].pk], "next": ranking_url},
        follow=True,
    )
    assert "Choose at least one reviewer." in response.content.decode()
    assert ReviewAssignment.objects.count() == 4


def test_the_desk_page_shows_every_review_with_the_aggregate(client, people, theme):
    desk = people["desk_staff"]
    proposal = submitted(people["business"], theme, title=TITLE)
    a, b = people["reviewer"], people["other_reviewer"]
    first, second = services.assign_reviewers([proposal], [a, b], desk)
    criteria = list(theme.rubric.criteria.all())
    services.save_scores(first, a, {c.pk: (5, "とても良い") for c in criteria}, submit=True)
    services.save_scores(second, b, {c.pk: (1, "下書きの所見") for c in criteria}, submit=False)
    client.force_login(desk)
    page = client.get(reverse("reviews:desk", args=[proposal.pk])).content.decode()
    assert a.full_name in page and b.full_name in page
    assert "とても良い" in page and "下書きの所見" not in page  # drafts stay the reviewer's
    assert "5.00" in page


def test_the_review_panel_for_the_proposal_page(people, world):
    from django.template.loader import render_to_string

    from reviews.selectors import review_panel

    proposal = world["proposal"]
    desk = review_panel(people["desk_staff"], proposal)
    assert desk["desk"] and desk["aggregate"].assigned == 2
    html = render_to_string("reviews/_panel.html", {"panel": desk, "proposal": proposal})
    assert reverse("reviews:desk", args=[proposal.pk]) in html
    assert "1 of 2 submitted" not in html and "0 of 2 submitted, 1 conflicted" in html
    mine = review_panel(people["reviewer"], proposal)
    html = render_to_string("reviews/_panel.html", {"panel": mine, "proposal": proposal})
    assert reverse("reviews:score", args=[world["assignment"].pk]) in html
    for role in ("other_reviewer", "business", "department", "administrator"):
        assert review_panel(people[role], proposal) is None, role


def test_a_blind_call_hides_the_business_files_from_reviewers_on_the_proposal_page(client, db):
    """File names often name the business: reviewers of a blind call do not see them."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from core.models import Role
    from proposals import services as proposal_services
    from tests import factories
    from themes.models import Theme

    now = timezone.now()
    prog = factories.programme()
    theme = Theme.objects.create(
        title="ブラインド",
        department=factories.department(),
        programme=prog,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=9),
        is_blind=True,
    )
    member = factories.user(Role.BUSINESS)
    proposal = factories.draft(member, prog=prog, theme=theme)
    proposal_services.add_attachment(
        proposal,
        member,
        SimpleUploadedFile(
            "株式会社ひみつ_提案書.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
        ),
    )
    factories.act(proposal, "submit", member)
    reviewer = factories.user(Role.REVIEWER)
    factories.assign(proposal, reviewer)
    client.force_login(reviewer)
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "株式会社ひみつ" not in page and member.organization.name not in page
    client.force_login(factories.user(Role.DESK_STAFF))
    assert "株式会社ひみつ" in client.get(f"/proposals/{proposal.pk}/").content.decode()


def test_a_blind_call_never_names_the_business_to_its_reviewers_anywhere(client, db):
    """Not on the list, the receipt, or a file reached by guessing its address."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from core.models import Role
    from proposals import services as proposal_services
    from tests import factories
    from themes.models import Theme

    now = timezone.now()
    prog = factories.programme()
    theme = Theme.objects.create(
        title="匿名",
        department=factories.department(),
        programme=prog,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=9),
        is_blind=True,
    )
    member = factories.user(Role.BUSINESS)
    proposal = factories.draft(member, prog=prog, theme=theme)
    attachment = proposal_services.add_attachment(
        proposal,
        member,
        SimpleUploadedFile("会社案内.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )
    factories.act(proposal, "submit", member)
    reviewer = factories.user(Role.REVIEWER)
    factories.assign(proposal, reviewer)
    client.force_login(reviewer)
    name = member.organization.name
    listing = client.get("/proposals/").content.decode()
    assert proposal.title in listing and name not in listing
    assert client.get(f"/proposals/{proposal.pk}/receipt/").status_code == 404
    assert client.get(f"/proposals/{proposal.pk}/receipt.pdf").status_code == 404
    assert client.get(f"/proposals/{proposal.pk}/files/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize("decision", ["decline", "withdraw"])
def test_no_score_is_given_or_changed_once_the_proposal_left_review(
    client, people, world, decision
):
    """A draft of scores saved during the review stays as it was once the proposal is decided
    (or withdrawn): the form is gone, and a POST changes nothing."""
    client.force_login(people["reviewer"])
    url = reverse("reviews:score", args=[world["assignment"].pk])
    client.post(url, _form(world["theme"], ["4", "", "abstain"], action="save"))
    before = sorted(Score.objects.values_list("value", flat=True), key=str)
    proposal = world["proposal"]
    for action, actor in [
        ("start_dialogue", "desk_staff"),
        ("start_coordination", "desk_staff"),
        ("start_review", "desk_staff"),
    ]:
        factories.act(proposal, action, people[actor])
    closer = people["desk_manager"] if decision == "decline" else people["business"]
    factories.act(proposal, decision, closer)
    page = client.get(url).content.decode()
    assert 'name="submit"' not in page and 'name="save"' not in page
    for action in ("save", "submit"):
        response = client.post(url, _form(world["theme"], ["1", "1", "1"], action=action))
        assert response.status_code == 400
        assert "left review" in response.content.decode()
    assert sorted(Score.objects.values_list("value", flat=True), key=str) == before
    assignment = ReviewAssignment.objects.get(pk=world["assignment"].pk)
    assert assignment.submitted_at is None
