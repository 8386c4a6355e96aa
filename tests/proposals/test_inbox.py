"""The desk's inbox: who gets in, every filter, the keyword search (Japanese included), sorting,
pagination, per-state counts, bad input, bulk assignment and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import Role
from proposals import services
from proposals.models import ExportJob, Proposal
from proposals.states import Kind, State
from themes.models import Theme

from .. import factories

pytestmark = pytest.mark.integration

INBOX = "/desk/"


def rows(response) -> list[str]:
    """The titles in the inbox table, in order."""
    body = response.content.decode()
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in body else ""
    return re.findall(r'<a href="/proposals/\d+/">([^<]+)</a>', table)


def submitted(member, title, **kw) -> Proposal:
    proposal = factories.draft(member, title=title, **kw)
    factories.act(proposal, "submit", member)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def world(people):
    """Six proposals of two businesses, in different states, programmes and years."""
    biz, other = people["business"], people["other_business"]
    desk = people["desk_staff"]
    other.organization.name = "ミライ交通株式会社"
    other.organization.is_startup = True
    other.organization.save()
    prog_a, prog_b = factories.programme(), factories.programme()
    theme = Theme.objects.create(
        title="防災の課題",
        department=people["department"].department,
        programme=prog_a,
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() + dt.timedelta(days=1),
    )
    w = {
        "bousai": submitted(biz, "防災ドローンによる河川監視", prog=prog_a, theme=theme),
        "fukushi": submitted(
            biz, "福祉施設の見守りセンサー", prog=prog_a, summary="高齢者福祉の現場で使う"
        ),
        "ai": submitted(other, "AI配車のオンデマンド交通", prog=prog_b),
        "park": submitted(other, "公園の利活用", prog=prog_b, kind=Kind.CONSULTATION),
        "library": submitted(biz, "図書館データの公開", prog=prog_b),
        "draft": factories.draft(biz, title="下書きの防災提案", prog=prog_a),
    }
    factories.act(w["ai"], "start_dialogue", desk)
    factories.act(w["park"], "start_dialogue", desk)
    factories.act(w["library"], "start_dialogue", desk)
    factories.act(w["library"], "start_coordination", desk)
    Proposal.objects.filter(pk=w["library"].pk).update(fiscal_year=2024)
    Proposal.objects.filter(pk=w["ai"].pk).update(lead=desk)
    # Waiting 20 days without an answer: past the 14-day target.
    Proposal.objects.filter(pk=w["fukushi"].pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=20)
    )
    # Referred to department A, whose answer is overdue.
    referral = factories.refer(w["library"], people["department"].department, desk)
    referral.due_date = timezone.localdate() - dt.timedelta(days=1)
    referral.save()
    factories.refer(w["ai"], people["other_department"].department, desk)
    w.update(prog_a=prog_a, prog_b=prog_b, theme=theme)
    return w


def titles(*proposals) -> set[str]:
    return {p.title for p in proposals}


# --- who gets in ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["business", "department", "reviewer", "administrator"])
def test_other_roles_get_404_on_every_inbox_and_export_url(client, people, world, role):
    job = ExportJob.objects.create(requested_by=people["desk_staff"], total=1)
    client.force_login(people[role])
    pk = world["bousai"].pk
    for url in [
        reverse("desk:inbox"),
        reverse("desk:export_status", args=[job.pk]),
        reverse("desk:export_download", args=[job.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 404, (role, url)
        assert world["bousai"].title not in response.content.decode()
    for url in [reverse("desk:assign"), reverse("desk:export")]:
        response = client.post(url, {"ids": [pk], "lead": people["desk_staff"].pk})
        assert response.status_code == 404, (role, url)
    assert Proposal.objects.get(pk=pk).lead_id is None


def test_anonymous_is_sent_to_sign_in(client, world, people):
    job = ExportJob.objects.create(requested_by=people["desk_staff"], total=1)
    urls = [
        reverse("desk:inbox"),
        reverse("desk:export_status", args=[job.pk]),
        reverse("desk:export_download", args=[job.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    for url in [reverse("desk:assign"), reverse("desk:export")]:
        response = client.post(url, {"ids": [world["bousai"].pk]})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["desk_staff", "desk_manager"])
def test_desk_sees_every_submitted_proposal_and_never_a_draft(client, people, world, role):
    client.force_login(people[role])
    response = client.get(reverse("desk:inbox"))
    assert response.status_code == 200
    assert reverse("desk:inbox") == INBOX
    listed = set(rows(response))
    assert listed == titles(*(world[k] for k in ("bousai", "fukushi", "ai", "park", "library")))
    assert "下書きの防災提案" not in response.content.decode()


def test_each_row_shows_what_the_desk_needs(client, people, world):
    client.force_login(people["desk_staff"])
    body = client.get(INBOX).content.decode()
    ai = world["ai"]
    assert ai.receipt_number in body
    assert f'href="{reverse("proposals:detail", args=[ai.pk])}"' in body
    assert "ミライ交通株式会社" in body
    assert str(State.DIALOGUE.label) in body  # the internal label
    assert people["desk_staff"].full_name in body  # the lead
    assert timezone.localtime(ai.submitted_at).strftime("%Y-%m-%d") in body
    # 20 days without an answer: counted, and marked overdue in words, not only colour.
    fukushi_row = body.split(world["fukushi"].receipt_number, 1)[1].split("</tr>", 1)[0]
    assert "20" in fukushi_row and "inbox-overdue" in fukushi_row


# --- filters ----------------------------------------------------------------------------------


def test_each_filter_narrows_the_list(client, people, world):
    client.force_login(people["desk_staff"])
    w = world
    dept_a = people["department"].department
    cases = {
        "state=submitted": {"bousai", "fukushi"},
        "state=submitted&state=coordination": {"bousai", "fukushi", "library"},
        f"programme={w['prog_b'].pk}": {"ai", "park", "library"},
        f"theme={w['theme'].pk}": {"bousai"},
        f"lead={people['desk_staff'].pk}": {"ai"},
        "lead=unassigned": {"bousai", "fukushi", "park", "library"},
        f"department={dept_a.pk}": {"library"},
        "fiscal_year=2024": {"library"},
        "startup=yes": {"ai", "park"},
        "startup=no": {"bousai", "fukushi", "library"},
        "overdue=yes": {"fukushi", "library"},
        "overdue=no": {"bousai", "ai", "park"},
        "kind=consultation": {"park"},
        f"programme={w['prog_b'].pk}&startup=yes&state=dialogue": {"ai", "park"},
    }
    for query, expected in cases.items():
        response = client.get(f"{INBOX}?{query}")
        assert response.status_code == 200, query
        assert set(rows(response)) == titles(*(w[k] for k in expected)), query


def test_state_counts_come_from_one_query_and_respect_the_other_filters(client, people, world):
    client.force_login(people["desk_staff"])
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(f"{INBOX}?programme={world['prog_b'].pk}&state=dialogue").content.decode()
    grouped = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 1
    counts = body.split('class="inbox-state-counts"', 1)[1].split("</nav>", 1)[0]
    # programme B: two in dialogue (ai, park), one in coordination (library); the state filter
    # does not shrink the counts of the other states.
    assert re.search(rf'{State.DIALOGUE.label}\s*<span class="inbox-count">2</span>', counts)
    assert re.search(rf'{State.COORDINATION.label}\s*<span class="inbox-count">1</span>', counts)
    assert str(State.SUBMITTED.label) not in counts  # none in programme B
    assert re.search(r'<span class="inbox-count">3</span>', counts)  # all statuses
    assert set(rows_of(body)) == titles(world["ai"], world["park"])


def rows_of(body: str) -> list[str]:
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in body else ""
    return re.findall(r'<a href="/proposals/\d+/">([^<]+)</a>', table)


# --- keyword search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query,expected",
    [
        ("防災", {"bousai"}),  # two characters: no trigram, still found
        ("福祉", {"fukushi"}),  # in the title and the summary
        ("高齢者福祉", {"fukushi"}),  # in the summary only
        ("ai", {"ai"}),  # ASCII, any case
        ("AI", {"ai"}),
        ("ミライ交通", {"ai", "park"}),  # the organisation's name
        ("ミライ 公園", {"park"}),  # every word must match
        ("  防災  ", {"bousai"}),  # stripped
        ("河川監視ドローン", set()),
        ("100%", set()),  # LIKE's wildcards are searched for literally
        ("a_i", set()),
    ],
)
def test_keyword_search(client, people, world, query, expected):
    client.force_login(people["desk_staff"])
    response = client.get(INBOX, {"q": query})
    assert response.status_code == 200
    assert set(rows(response)) == titles(*(world[k] for k in expected)), query


def test_search_by_receipt_number_in_any_case(client, people, world):
    client.force_login(people["desk_staff"])
    number = world["park"].receipt_number
    for query in (number, number.lower()):
        assert rows(client.get(INBOX, {"q": query})) == [world["park"].title]


def test_search_never_reveals_drafts(client, people, world):
    client.force_login(people["desk_staff"])
    response = client.get(INBOX, {"q": "下書き"})
    assert rows(response) == []
    assert "下書きの防災提案" not in response.content.decode()


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query,field",
    [
        ("programme=99999", "programme"),
        ("state=bogus", "state"),
        ("lead=abc", "lead"),
        ("fiscal_year=1800", "fiscal_year"),
        ("sort=password", "sort"),
        ("overdue=maybe", "overdue"),
        ("q=" + "!" * 5, "q"),
        ("q=%E2%80%BB%EF%BC%81%EF%BC%9F", "q"),  # ※！？ — full-width symbols only
        ("q=" + "防" * 1000, "q"),
        ("q=%E9%98%B2%00", "q"),  # a NUL character, which PostgreSQL text cannot hold
    ],
)
def test_bad_filter_values_give_a_clear_message_and_an_empty_list(
    client, people, world, query, field
):
    client.force_login(people["desk_staff"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{INBOX}?{query}")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert f'href="#id_{field}' in body  # the summary links to the field at fault
    assert 'aria-invalid="true"' in body
    assert rows(response) == []
    assert len(ctx.captured_queries) <= 10  # nothing is searched


def test_long_query_message_names_the_limit(client, people, world):
    client.force_login(people["desk_staff"])
    body = client.get(INBOX, {"q": "あ" * 1000}).content.decode()
    assert "100" in body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1" * 40])
def test_any_page_number_shows_a_page(client, people, world, page):
    client.force_login(people["desk_staff"])
    response = client.get(INBOX, {"page": page})
    assert response.status_code == 200
    assert len(rows(response)) == 5


# --- sorting and pagination -------------------------------------------------------------------


@pytest.mark.parametrize("after_filtering", [True, False])
def test_sorting_by_each_column(client, people, world, monkeypatch, after_filtering):
    from proposals.filters import InboxFilter

    # Both ways of sorting: after filtering (few rows) and in index order (many rows).
    monkeypatch.setattr(
        InboxFilter,
        "plan_page",
        lambda self, total, offset: setattr(self, "sort_after_filtering", after_filtering),
    )
    client.force_login(people["desk_staff"])
    visible = [world[k] for k in ("bousai", "fukushi", "ai", "park", "library")]
    by_title = sorted(visible, key=lambda p: p.title)
    assert rows(client.get(INBOX, {"sort": "title"})) == [p.title for p in by_title]
    assert rows(client.get(INBOX, {"sort": "-title"})) == [p.title for p in reversed(by_title)]
    by_number = sorted(visible, key=lambda p: p.receipt_number)
    assert rows(client.get(INBOX, {"sort": "receipt"})) == [p.title for p in by_number]
    newest = rows(client.get(INBOX))
    assert newest[-1] == world["fukushi"].title  # received 20 days ago
    assert rows(client.get(INBOX, {"sort": "received"}))[0] == world["fukushi"].title
    waiting = rows(client.get(INBOX, {"sort": "-waiting"}))
    assert waiting[:2] == [world["fukushi"].title, world["bousai"].title]  # unanswered first
    by_state = rows(client.get(INBOX, {"sort": "state"}))
    assert by_state[-1] == world["library"].title  # coordination comes after dialogue


def test_sort_headers_say_how_the_table_is_sorted(client, people, world):
    client.force_login(people["desk_staff"])
    body = client.get(INBOX, {"sort": "title", "startup": "yes"}).content.decode()
    assert body.count("aria-sort=") == 1
    header = re.search(r'<th scope="col" aria-sort="ascending"><a href="([^"]+)">', body)
    assert header is not None
    link = header.group(1).replace("&amp;", "&")
    assert "sort=-title" in link and "startup=yes" in link  # the next click reverses it
    body = client.get(INBOX).content.decode()
    assert 'aria-sort="descending"' in body  # received, newest first, by default


def test_pagination_keeps_the_filter_in_the_url(client, people):
    biz = people["business"]
    prog = factories.programme()
    for n in range(52):
        proposal = factories.draft(biz, title=f"防災の提案{n:02d}", prog=prog)
        factories.act(proposal, "submit", biz)
    factories.act(factories.draft(biz, title="別の提案", prog=prog), "submit", biz)
    client.force_login(people["desk_staff"])
    response = client.get(INBOX, {"q": "防災", "sort": "title"})
    first = rows(response)
    assert len(first) == 50
    assert first[0] == "防災の提案00"
    body = response.content.decode()
    next_link = re.search(r'<a href="([^"]+)" rel="next">', body).group(1).replace("&amp;", "&")
    assert "q=%E9%98%B2%E7%81%BD" in next_link and "sort=title" in next_link
    assert "page=2" in next_link
    second = client.get(INBOX + next_link)
    assert rows(second) == ["防災の提案50", "防災の提案51"]
    assert "52" in second.content.decode().split("<caption", 1)[1].split("</caption>", 1)[0]


# --- constant queries ---------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=防災&state=submitted&startup=no&overdue=no",
        "?lead=unassigned&sort=-waiting&department=DEPT",
        "?q=見守り ai&programme=PROG&sort=state",
    ],
)
def test_inbox_runs_a_constant_number_of_queries(client, people, query):
    biz, desk = people["business"], people["desk_staff"]
    prog = factories.programme()
    query = query.replace("DEPT", str(people["department"].department.pk)).replace(
        "PROG", str(prog.pk)
    )

    def add(n):
        for _ in range(n):
            proposal = factories.draft(biz, title="防災の見守り", prog=prog)
            factories.act(proposal, "submit", biz)
            factories.refer(proposal, people["department"].department, desk)

    add(1)
    client.force_login(desk)
    one = _count(client, INBOX + query)
    add(49)
    many = _count(client, INBOX + query)
    assert one == many, (one, many)
    assert many <= 15
    expected = 0 if " ai" in query else 50
    assert len(rows(client.get(INBOX + query))) == expected


# --- bulk assignment ------------------------------------------------------------------------------


def test_desk_assigns_ticked_proposals_to_a_colleague(client, people, world):
    client.force_login(people["desk_staff"])
    manager = people["desk_manager"]
    picked = [world["bousai"].pk, world["park"].pk]
    response = client.post(
        reverse("desk:assign"),
        {"ids": picked, "lead": manager.pk, "query": "startup=no&sort=title"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?startup=no&sort=title"  # back to the same list
    assert set(Proposal.objects.filter(lead=manager).values_list("pk", flat=True)) == set(picked)
    page = client.get(response["Location"]).content.decode()
    assert "message-success" in page


def test_assign_all_matching_the_filter(client, people, world):
    client.force_login(people["desk_manager"])
    staff = people["desk_staff"]
    response = client.post(
        reverse("desk:assign"),
        {"all_matching": "1", "lead": staff.pk, "query": f"programme={world['prog_a'].pk}"},
    )
    assert response.status_code == 302
    assert set(Proposal.objects.filter(lead=staff).values_list("pk", flat=True)) == {
        world["bousai"].pk,
        world["fukushi"].pk,
        world["ai"].pk,
    }
    assert Proposal.objects.get(pk=world["draft"].pk).lead_id is None  # drafts never


def test_remove_the_lead(client, people, world):
    client.force_login(people["desk_staff"])
    client.post(reverse("desk:assign"), {"ids": [world["ai"].pk], "lead": "none"})
    assert Proposal.objects.get(pk=world["ai"].pk).lead_id is None


@pytest.mark.parametrize("role", ["business", "department", "reviewer", "administrator"])
def test_only_a_desk_user_may_lead(client, people, world, role):
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("desk:assign"), {"ids": [world["bousai"].pk], "lead": people[role].pk}, follow=True
    )
    assert "message-error" in response.content.decode()
    assert Proposal.objects.get(pk=world["bousai"].pk).lead_id is None
    with pytest.raises(services.InboxActionError):
        services.assign_lead([world["bousai"].pk], people[role], people["desk_staff"])


def test_assign_lead_refuses_non_desk_actors(people, world):
    for role in ("business", "department", "reviewer", "administrator"):
        with pytest.raises(services.InboxActionError):
            services.assign_lead([world["bousai"].pk], people["desk_staff"], people[role])
    assert Proposal.objects.get(pk=world["bousai"].pk).lead_id is None


def test_assign_lead_is_one_update_and_counts(people, world):
    ids = [world[k].pk for k in ("bousai", "fukushi", "ai", "draft")]
    with CaptureQueriesContext(connection) as ctx:
        count = services.assign_lead(ids, people["desk_manager"], people["desk_staff"])
    assert count == 3  # the draft is not the desk's
    assert len([q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]) == 1
    queryset = Proposal.objects.filter(programme=world["prog_b"])
    assert services.assign_lead(queryset, people["desk_staff"], people["desk_manager"]) == 3


@pytest.mark.parametrize(
    "data,message",
    [
        ({"lead": "1"}, "Tick at least one"),
        ({"ids": ["x"], "lead": "1"}, "could not be read"),
        ({"ids": ["1"], "lead": ""}, "Choose who"),
        ({"all_matching": "1", "lead": "LEAD", "query": "programme=99999"}, "not valid"),
    ],
)
def test_bad_bulk_input_gives_a_message(client, people, world, data, message):
    from django.utils import translation

    data = {k: (str(people["desk_staff"].pk) if v == "LEAD" else v) for k, v in data.items()}
    client.force_login(people["desk_staff"])
    response = client.post("/en" + reverse("desk:assign"), data, follow=True)
    translation.activate("ja")
    body = response.content.decode()
    assert response.status_code == 200
    assert "message-error" in body and message in body, body[:200]
    assert not Proposal.objects.filter(lead__isnull=False).exclude(pk=world["ai"].pk).exists()


def test_desk_user_role_check_is_by_role_not_by_name(people):
    assert {u.pk for u in services.desk_users()} == {
        people["desk_staff"].pk,
        people["desk_manager"].pk,
    }
    factories.user(Role.DESK_STAFF, is_active=False)
    assert services.desk_users().count() == 3  # a former lead can still be filtered by


# --- PostgreSQL: the trigram index --------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_database_can_index_japanese_trigrams(db):
    """pg_trgm skips Japanese in a database whose LC_CTYPE is C: the test (and production)
    database must be created with a UTF-8 ctype such as C.UTF-8."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        ctype = cursor.fetchone()[0]
        assert ctype not in ("C", "POSIX"), f"LC_CTYPE is {ctype}: create the database with C.UTF-8"
        cursor.execute("SELECT show_trgm('防災対策')")
        assert len(cursor.fetchone()[0]) >= 2
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["proposal_search_text_trgm"]
        )
        assert "gin_trgm_ops" in cursor.fetchone()[0]


@pytest.mark.postgres
def test_postgres_keyword_search_uses_the_trigram_index(people, world):
    from proposals.filters import InboxFilter

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned
    filterset = InboxFilter({"q": "河川監視"}, queryset=Proposal.objects.all())
    assert filterset.form.is_valid()
    keyword_only = filterset.filter_queryset(Proposal.objects.order_by(), skip=("sort",))
    sql = str(keyword_only.query)
    assert "UPPER(" not in sql
    assert "proposal_search_text_trgm" in keyword_only.explain()
    assert list(keyword_only) == [world["bousai"]]
