"""CSV exports of the inbox: inline for small ones, a Celery job with a progress page for large
ones (run through the real task, inline because tests have no broker)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from proposals.models import ExportJob, Proposal
from proposals.services import exports

from .. import factories

pytestmark = pytest.mark.integration


def submitted(member, title, **kw) -> Proposal:
    proposal = factories.draft(member, title=title, **kw)
    factories.act(proposal, "submit", member)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def world(people):
    biz, other = people["business"], people["other_business"]
    other.organization.is_startup = True
    other.organization.save()
    prog = factories.programme(name="実証実験フルサポート")
    w = {
        "bousai": submitted(biz, "防災ドローンによる河川監視", prog=prog),
        "ai": submitted(other, "AI配車のオンデマンド交通", prog=prog),
        "formula": submitted(other, '=HYPERLINK("http://x")', prog=prog),
        "draft": factories.draft(biz, title="下書きの提案", prog=prog),
        "prog": prog,
    }
    factories.act(w["ai"], "start_dialogue", people["desk_staff"])
    Proposal.objects.filter(pk=w["ai"].pk).update(lead=people["desk_manager"])
    factories.refer(w["ai"], people["department"].department, people["desk_staff"])
    factories.refer(w["ai"], people["other_department"].department, people["desk_staff"])
    return w


def read_csv(raw: bytes) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf"), "the file must start with a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_inline_export_of_ticked_rows(client, people, world):
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("desk:export"), {"ids": [world["bousai"].pk, world["ai"].pk], "query": "sort=title"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    table = read_csv(response.content)
    assert table[0] == exports.HEADERS
    assert table[0][:6] == ["受付番号", "年度", "状態", "種別", "プログラム", "件名"]
    by_title = {row[5]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert set(by_title) == {"防災ドローンによる河川監視", "AI配車のオンデマンド交通"}
    ai = by_title["AI配車のオンデマンド交通"]
    assert ai["受付番号"] == world["ai"].receipt_number
    assert ai["状態"] == "対話中"  # the internal label, in Japanese
    assert ai["種別"] == "提案"
    assert ai["プログラム"] == "実証実験フルサポート"
    assert ai["事業者名"] == people["other_business"].organization.name
    assert ai["法人番号"] == people["other_business"].organization.corporate_number
    assert ai["スタートアップ"] == "はい"
    assert ai["担当者"] == people["desk_manager"].full_name
    assert ai["初回応答日"] != "" and ai["未応答日数"] == ""
    assert set(ai["照会先部局"].split("、")) == {
        people["department"].department.name,
        people["other_department"].department.name,
    }
    bousai = by_title["防災ドローンによる河川監視"]
    assert bousai["スタートアップ"] == "いいえ" and bousai["未応答日数"] == "0"
    assert bousai["概要"] == "高齢者の移動を支える"


def test_inline_export_of_everything_matching_and_no_drafts(client, people, world):
    client.force_login(people["desk_manager"])
    response = client.post(reverse("desk:export"), {"all_matching": "1", "query": "startup=yes"})
    table = read_csv(response.content)
    titles = {row[5] for row in table[1:]}
    assert titles == {"AI配車のオンデマンド交通", '\'=HYPERLINK("http://x")'}
    response = client.post(reverse("desk:export"), {"all_matching": "1", "query": ""})
    titles = {row[5] for row in read_csv(response.content)[1:]}
    assert len(titles) == 3 and "下書きの提案" not in titles


def test_cells_that_would_run_as_formulas_are_neutralised(client, people, world):
    client.force_login(people["desk_staff"])
    response = client.post(reverse("desk:export"), {"ids": [world["formula"].pk]})
    row = read_csv(response.content)[1]
    assert row[5] == '\'=HYPERLINK("http://x")'


def test_large_export_runs_as_a_job_with_progress_and_a_private_download(
    client, people, world, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    client.force_login(people["desk_staff"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("desk:export"), {"all_matching": "1", "query": "sort=title&page=3"}
        )
    assert len(callbacks) == 1  # the task was queued on commit (and ran: no broker)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:export_status", args=[job.pk])
    assert job.requested_by == people["desk_staff"]
    assert job.query == {"sort": ["title"]}
    assert job.status == ExportJob.Status.DONE
    assert job.total == job.processed == 3
    assert job.file.name.startswith("exports/")

    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page  # done: no more refreshing
    assert '<progress id="export-progress" max="100" value="100">100%</progress>' in page
    download = reverse("desk:export_download", args=[job.pk])
    assert f'href="{download}"' in page

    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    table = read_csv(b"".join(response.streaming_content))
    assert [row[5] for row in table[1:]] == sorted(row[5] for row in table[1:])
    assert "防災ドローンによる河川監視" in {row[5] for row in table[1:]}

    # Someone else at the desk cannot see or download it.
    client.force_login(people["desk_manager"])
    assert client.get(reverse("desk:export_status", args=[job.pk])).status_code == 404
    assert client.get(download).status_code == 404


def test_status_page_refreshes_while_running(client, people):
    job = ExportJob.objects.create(
        requested_by=people["desk_staff"], total=200, processed=50, status=ExportJob.Status.RUNNING
    )
    client.force_login(people["desk_staff"])
    page = client.get(reverse("desk:export_status", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="export-progress" max="100" value="25">25%</progress>' in page
    assert "export_download" not in page
    assert client.get(reverse("desk:export_download", args=[job.pk])).status_code == 404


def test_build_export_streams_in_chunks_and_reports_progress(people, world):
    queryset = Proposal.objects.exclude(state="draft").order_by("pk")
    seen = []
    out = io.StringIO()
    written = exports.write_csv(out, queryset, progress=seen.append, chunk_size=2)
    assert written == 3
    assert seen == [2, 3]
    assert out.getvalue().startswith("\ufeff受付番号,")


def test_build_export_records_a_failure_with_a_message(people, world):
    job = ExportJob.objects.create(
        requested_by=people["desk_staff"], query={"programme": ["99999"]}
    )
    assert exports.build_export(job.pk) == ExportJob.Status.FAILED
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and job.error and not job.file
    assert exports.build_export(987654) == "missing"


def test_build_export_uses_the_requesters_rights(people, world):
    """A job of someone who has since left the desk exports nothing."""
    user = people["desk_staff"]
    job = ExportJob.objects.create(requested_by=user)
    user.role = "business"
    user.organization = people["business"].organization
    user.save()
    assert exports.build_export(job.pk) == ExportJob.Status.FAILED


def test_bad_export_requests_get_a_message(client, people, world):
    client.force_login(people["desk_staff"])
    for data in (
        {},
        {"ids": ["abc"]},
        {"all_matching": "1", "query": "state=bogus"},
        {"all_matching": "1", "query": "q=存在しない語"},
    ):
        response = client.post(reverse("desk:export"), data, follow=True)
        assert response.status_code == 200
        assert "message-error" in response.content.decode(), data
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("sort", ["state", "-waiting", "-title", "receipt", "-received"])
def test_export_of_all_matching_follows_the_inbox_order(client, people, world, sort):
    import html
    import re

    client.force_login(people["desk_staff"])
    body = client.get(reverse("desk:inbox"), {"sort": sort}).content.decode()
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    in_inbox = [
        html.unescape(t) for t in re.findall(r'<a href="/proposals/\d+/">([^<]+)</a>', table)
    ]
    response = client.post(reverse("desk:export"), {"all_matching": "1", "query": f"sort={sort}"})
    exported = [row[5].removeprefix("'") for row in read_csv(response.content)[1:]]
    assert exported == in_inbox and len(exported) == 3
