"""Open data of the public list: the CSV, the JSON and the open-data page.

Projects are taken through the real adoption, approval and publication services; the extra
rows of the query-count tests are written straight to the database (the adoption path renders
a notice PDF, over a second per project).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from projects import opendata, services
from projects.models import ProcurementRoute, Project
from tests import factories
from tests.factories import make_fields, quick_projects

from .helpers import HEADER, queries_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BOM = "\ufeff".encode()
RECORD_KEYS = [
    "municipality_code",
    "id",
    "municipality_name",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "fiscal_year",
    "programme",
    "fields",
    "departments",
    "partner_name",
    "corporate_number",
    "locations",
    "start_date",
    "end_date",
    "status",
    "agreement_date",
    "procurement_route",
    "outcome",
    "url",
    "published_date",
    "updated_date",
]
LICENSE_LINK = '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'


# --- data -----------------------------------------------------------------------------------


def full_project(people, fields, **kw) -> Project:
    """A published project with every public fact filled in, through the services."""
    project = factories.project(people, published=True, **kw)
    staff = people["desk_staff"]
    services.update_details(
        project,
        staff,
        fields=fields,
        departments=[people["department"].department],
        locations="東区 香椎地区",
        locations_en="Kashii, Higashi ward",
        period_start=dt.date(2026, 10, 15),
        period_end=dt.date(2027, 3, 31),
        procurement_route=ProcurementRoute.SINGLE_SOURCE,
    )
    services.record_agreement(project, staff, agreement_date=dt.date(2026, 10, 1))
    services.update_public_text(
        project,
        staff,
        title=project.public_title,
        summary=project.public_summary,
        title_en="Shared taxis you can call",
        summary_en="A trial of shared taxis in areas with few buses.",
    )
    services.approve_public_text(project, people["desk_manager"])
    project.refresh_from_db()
    return project


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


# --- CSV ------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_crlf_and_the_standard_header_row(client, people):
    factories.project(people, published=True)
    response = client.get(reverse("projects:csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="401307_kyoso_projects.csv"'
    assert response.content.startswith(BOM)
    lines = response.content[len(BOM) :].decode("utf-8").split("\r\n")
    assert lines[0] == ",".join(HEADER)
    assert len(lines) == 3 and lines[2] == ""  # header, one row, the final CRLF
    assert "\n" not in lines[1]
    assert opendata.HEADERS == HEADER


def test_a_csv_row_holds_the_projects_public_values(client, people, settings):
    settings.SITE_URL = "https://desk.city.example.jp"
    project = full_project(people, make_fields())
    rows = read_csv(client.get(reverse("projects:csv")))
    row = dict(zip(rows[0], rows[1], strict=True))
    today = timezone.localdate().isoformat()
    assert row == {
        "全国地方公共団体コード": "401307",
        "ID": f"P-{project.pk:06d}",
        "地方公共団体名": "共創市",
        "名称": "AIで呼べる乗合タクシーの実証",
        "名称_英字": "Shared taxis you can call",
        "概要": "バスの少ない地域で、スマートフォンや電話で呼べる乗合タクシーを試します。",
        "概要_英字": "A trial of shared taxis in areas with few buses.",
        "年度": str(project.fiscal_year),
        "事業区分": project.programme.name,
        "分野": "防災・安全;交通・モビリティ",  # in the fields' order
        "担当部局": people["department"].department.name,
        "事業者名": project.proposal.organization.name,
        "法人番号": project.proposal.organization.corporate_number,
        "実施場所": "東区 香椎地区",
        "開始日": "2026-10-15",
        "終了日": "2027-03-31",
        "状態": "準備中",
        "協定締結日": "2026-10-01",
        "調達方法": "随意契約",
        "成果": "",
        "URL": f"https://desk.city.example.jp/projects/{project.pk}/",
        "公開日": today,
        "最終更新日": today,
    }
    assert len(row["法人番号"]) == 13


def test_csv_and_json_take_the_list_pages_filters(client, people):
    fields = make_fields()
    quick_projects(people, 2, fields=fields[:1], title="交通の事業")
    quick_projects(people, 1, fields=fields[1:], title="防災の事業", fiscal_year=2025)
    rows = read_csv(client.get(reverse("projects:csv") + "?field=mobility"))
    assert sorted(row[3] for row in rows[1:]) == ["交通の事業0", "交通の事業1"]
    data = json.loads(client.get(reverse("projects:json") + "?fiscal_year=2025").content)
    assert data["count"] == 1 and [r["title"] for r in data["projects"]] == ["防災の事業0"]
    # Two filters at once, and the keyword search.
    data = json.loads(client.get(reverse("projects:json") + "?field=mobility&q=事業1").content)
    assert [r["title"] for r in data["projects"]] == ["交通の事業1"]
    # A value that does not exist is ignored, as on the list page: every row, no error page.
    response = client.get(reverse("projects:csv") + "?fiscal_year=abc&field=nope")
    assert response.status_code == 200 and len(read_csv(response)) == 4


def test_cells_that_a_spreadsheet_would_run_are_neutralised(client, people):
    quick_projects(people, 1, title='=HYPERLINK("http://evil.example")')
    Project.objects.update(partner_name="+81 株式会社", locations="@会議室", public_summary="-1+1")
    rows = read_csv(client.get(reverse("projects:csv")))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["名称"] == '\'=HYPERLINK("http://evil.example")0'
    assert row["事業者名"] == "'+81 株式会社"
    assert row["実施場所"] == "'@会議室"
    assert row["概要"] == "'-1+1"
    # JSON is not a spreadsheet: the values are as written.
    record = json.loads(client.get(reverse("projects:json")).content)["projects"][0]
    assert record["title"] == '=HYPERLINK("http://evil.example")0'
    assert record["partner_name"] == "+81 株式会社"


# --- JSON -----------------------------------------------------------------------------------


def test_json_document_keys_license_and_records(client, people):
    project = full_project(people, make_fields())
    response = client.get(reverse("projects:json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "共創市".encode() in response.content and b"\\u" not in response.content
    data = json.loads(response.content)
    assert list(data) == [
        "title",
        "license",
        "municipality_code",
        "municipality_name",
        "municipality_name_en",
        "generated_at",
        "count",
        "columns",
        "projects",
    ]
    assert [key for key, _description in opendata.DOCUMENT_KEYS] == list(data)
    assert data["license"] == {
        "name": "CC BY 4.0",
        "title": "クリエイティブ・コモンズ 表示 4.0 国際 (CC BY 4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/",
        "attribution": "出典：共創市共創デスク",
    }
    assert (data["municipality_code"], data["municipality_name"]) == ("401307", "共創市")
    generated = dt.datetime.fromisoformat(data["generated_at"])
    assert abs((timezone.now() - generated).total_seconds()) < 60
    assert data["count"] == 1 == len(data["projects"])
    assert data["columns"] == [
        {"key": k, "name": n} for k, n in zip(RECORD_KEYS, HEADER, strict=True)
    ]
    record = data["projects"][0]
    assert list(record) == RECORD_KEYS
    assert record["id"] == project.public_id
    assert record["fiscal_year"] == project.fiscal_year  # a number, not text
    assert record["fields"] == ["防災・安全", "交通・モビリティ"]  # an array, not joined
    assert record["start_date"] == "2026-10-15" and record["agreement_date"] == "2026-10-01"
    assert record["status"] == "準備中" and record["procurement_route"] == "随意契約"


def test_empty_dates_are_null_in_json(client, people):
    factories.project(people, published=True)
    record = json.loads(client.get(reverse("projects:json")).content)["projects"][0]
    assert record["start_date"] is None and record["agreement_date"] is None
    assert record["fields"] == [] and record["outcome"] == ""


def test_csv_and_json_carry_the_license_header(client, people):
    factories.project(people, published=True)
    for name in ("projects:csv", "projects:json"):
        first = client.get(reverse(name))
        again = client.get(reverse(name))  # from the public cache: the header is kept
        assert first["Link"] == again["Link"] == LICENSE_LINK
        assert again["X-Public-Cache"] == "hit"


# --- what never appears ---------------------------------------------------------------------


def test_only_published_projects_with_approved_text_are_in_the_open_data(client, people):
    public = factories.project(people, published=True, title="社外秘の提案名A")
    staff, manager = people["desk_staff"], people["desk_manager"]
    # Adopted, text approved, never published.
    approved = factories.project(people, title="社外秘の提案名B")
    services.update_public_text(approved, staff, title="承認済み未公開", summary="概要")
    services.approve_public_text(approved, manager)
    # Adopted, only a draft text.
    drafted = factories.project(people, title="社外秘の提案名C")
    services.update_public_text(drafted, staff, title="下書きのみの題", summary="概要")
    # Published once, then taken off the list.
    withdrawn = factories.project(
        people, published=True, public_title="取り下げた事業", title="社外秘の提案名D"
    )
    services.unpublish(withdrawn, manager)
    # A newer draft of the published project is not approved: the public keeps the old text.
    services.update_public_text(public, staff, title="未承認の新しい題", summary="未承認の概要")

    csv_text = client.get(reverse("projects:csv")).content.decode("utf-8-sig")
    json_text = client.get(reverse("projects:json")).content.decode()
    page = client.get(reverse("projects:opendata")).content.decode()
    for text in (csv_text, json_text):
        assert "AIで呼べる乗合タクシーの実証" in text
        for hidden in [
            "承認済み未公開",
            "下書きのみの題",
            "取り下げた事業",
            "未承認の新しい題",
            "未承認の概要",
            "社外秘の提案名",
            "高齢者の移動を支える",
        ]:
            assert hidden not in text, hidden
    assert json.loads(json_text)["count"] == 1
    assert len(read_csv(client.get(reverse("projects:csv")))) == 2
    assert "未承認の新しい題" not in page


# --- the open-data page ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_open_data_page_documents_every_column_and_the_license(client, people, language):
    factories.project(people, published=True)
    with translation.override(language):
        url = reverse("projects:opendata")
        links = [
            reverse(name)
            for name in ("projects:csv", "projects:json", "projects:feed", "projects:pdf")
        ]
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for column in opendata.COLUMNS:
        assert f'<th scope="row" lang="ja">{column.name}</th>' in html
        assert f"<code>{column.key}</code>" in html
    with translation.override(language):
        for column in opendata.COLUMNS:
            assert str(column.description).replace('"', "&quot;").replace("'", "&#x27;") in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in html
    assert "出典：共創市共創デスク" in html
    for link in links:
        assert f'href="{link}"' in html
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert "<caption>" in html and 'scope="col"' in html
    if language == "en":
        assert "Open data: adopted projects" in html


# --- queries --------------------------------------------------------------------------------


def test_csv_and_json_run_the_same_queries_for_1_and_20_projects(client, people):
    fields = make_fields()
    quick_projects(people, 1, fields=fields)
    urls = [
        reverse("projects:csv"),
        reverse("projects:json"),
        reverse("projects:opendata"),
        reverse("projects:csv") + "?field=mobility",
    ]
    one = [queries_for(client, url) for url in urls]
    quick_projects(people, 19, fields=fields, title="追加")
    many = [queries_for(client, url) for url in urls]
    assert one == many, (one, many)
    data = json.loads(client.get(reverse("projects:json")).content)
    assert data["count"] == 20
