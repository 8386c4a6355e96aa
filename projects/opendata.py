"""Open data of the adopted projects: one column list for the CSV, the JSON and its documentation.

The columns follow the conventions of the municipal standard open-data sets
(自治体標準オープンデータセット): the municipality's code (全国地方公共団体コード) and an ID
first, then the municipality's name and the record's name (名称), Japanese headers, dates as
YYYY-MM-DD, several values in one cell joined with ``;``, UTF-8 with a byte-order mark and
CRLF line ends. ``COLUMNS`` is the only definition: the CSV header row, the JSON keys and the
table on the open-data page all read it, so they cannot drift apart.

Values come from the public fields of published projects only (``selectors.public_projects``):
the approved public title and summary, never the proposal's text. The status and the
procurement route are written with fixed Japanese words rather than the translation catalogue:
a data set's values must not change when a translation does.

The data is published under CC BY 4.0; the notice is on the open-data page, in the JSON and in
an HTTP ``Link: <…>; rel="license"`` header on both files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy as pgettext

from core.spreadsheet import BOM
from core.spreadsheet import spreadsheet_cell as spreadsheet_safe

from .models import ProcurementRoute, Project, Status

LICENSE_NAME = "CC BY 4.0"
LICENSE_TITLE = "クリエイティブ・コモンズ 表示 4.0 国際 (CC BY 4.0)"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
#: The value of the ``Link`` header on the CSV and JSON files.
LICENSE_LINK = f'<{LICENSE_URL}>; rel="license"'
#: Several values in one CSV cell (fields, departments) are joined with this.
SEPARATOR = ";"

#: The data set's fixed Japanese words for the status and the procurement route.
STATUS_WORDS = {
    Status.PREPARING: "準備中",
    Status.DEMONSTRATING: "実証中",
    Status.ROLLED_OUT: "社会実装",
    Status.ENDED: "終了",
}
PROCUREMENT_WORDS = {
    ProcurementRoute.NO_COST: "市の費用負担なし",
    ProcurementRoute.SINGLE_SOURCE: "随意契約",
    ProcurementRoute.COMPETITIVE_PROPOSAL: "公募型プロポーザル",
    ProcurementRoute.OPEN_BID: "一般競争入札",
}


def attribution() -> str:
    """The credit line users of the data are asked to give: 出典：共創市共創デスク"""
    return f"出典：{settings.MUNICIPALITY_NAME}共創デスク"


def detail_url(project: Project) -> str:
    """The project's public page, absolute (SITE_URL), in Japanese (the site's default)."""
    with translation.override("ja"):
        path = reverse("projects:detail", kwargs={"pk": project.pk})
    return f"{settings.SITE_URL}{path}"


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value else None


@dataclass(frozen=True)
class Column:
    """One column: its Japanese header (CSV), its English key (JSON), what it holds."""

    name: str
    key: str
    description: Any  # a lazy translation
    value: Callable[[Project], Any]
    #: "text", "integer", "date", "list" (several values; ``;`` in the CSV, an array in JSON)
    kind: str = "text"

    @property
    def kind_label(self):
        return {
            "text": pgettext("data type", "text"),
            "integer": _("integer"),
            "date": _("date (YYYY-MM-DD)"),
            "list": _("list (separated by ; in the CSV, an array in JSON)"),
        }[self.kind]


COLUMNS: tuple[Column, ...] = (
    Column(
        "全国地方公共団体コード",
        "municipality_code",
        _("The municipality's six-digit local government code."),
        lambda p: settings.MUNICIPALITY_CODE,
    ),
    Column(
        "ID",
        "id",
        _("The project's identifier on this site, e.g. P-000042."),
        lambda p: p.public_id,
    ),
    Column(
        "地方公共団体名",
        "municipality_name",
        _("The municipality's name."),
        lambda p: settings.MUNICIPALITY_NAME,
    ),
    Column(
        "名称",
        "title",
        _("The project's public title, as approved by the desk manager."),
        lambda p: p.public_title,
    ),
    Column(
        "名称_英字",
        "title_en",
        _("The public title in English, where there is one."),
        lambda p: p.public_title_en,
    ),
    Column(
        "概要", "summary", _("The public summary written for citizens."), lambda p: p.public_summary
    ),
    Column(
        "概要_英字",
        "summary_en",
        _("The public summary in English, where there is one."),
        lambda p: p.public_summary_en,
    ),
    Column(
        "年度",
        "fiscal_year",
        _("The fiscal year of adoption (April to March), as a Western year: 2026 is 令和8年度."),
        lambda p: p.fiscal_year,
        "integer",
    ),
    Column(
        "事業区分",
        "programme",
        _("The desk's programme the project belongs to."),
        lambda p: p.programme.name,
    ),
    Column(
        "分野",
        "fields",
        _("The policy fields of the project."),
        lambda p: [field.name for field in p.fields.all()],
        "list",
    ),
    Column(
        "担当部局",
        "departments",
        _("The city departments in charge."),
        lambda p: [department.name for department in p.departments.all()],
        "list",
    ),
    Column(
        "事業者名",
        "partner_name",
        _("The business that carries out the project."),
        lambda p: p.partner_name,
    ),
    Column(
        "法人番号",
        "corporate_number",
        _("The business's 13-digit corporate number; empty for a sole proprietor."),
        lambda p: p.corporate_number,
    ),
    Column("実施場所", "locations", _("Where the project takes place."), lambda p: p.locations),
    Column(
        "開始日",
        "start_date",
        _("First day of the project's period."),
        lambda p: p.period_start,
        "date",
    ),
    Column(
        "終了日", "end_date", _("Last day of the project's period."), lambda p: p.period_end, "date"
    ),
    Column(
        "状態",
        "status",
        _(
            "準備中 (preparing), 実証中 (demonstration under way), 社会実装 (rolled out) or "
            "終了 (ended)."
        ),
        lambda p: STATUS_WORDS.get(p.status, p.status),
    ),
    Column(
        "協定締結日",
        "agreement_date",
        _("The day the city and the business concluded their agreement (協定)."),
        lambda p: p.agreement_date,
        "date",
    ),
    Column(
        "調達方法",
        "procurement_route",
        _(
            "市の費用負担なし (no cost to the city), 随意契約 (single-source contract), "
            "公募型プロポーザル (competitive proposal) or 一般競争入札 (open bid)."
        ),
        lambda p: PROCUREMENT_WORDS.get(p.procurement_route, p.procurement_route),
    ),
    Column(
        "成果",
        "outcome",
        _("The public account of the outcome, once the project is done."),
        lambda p: p.outcome_summary,
    ),
    Column("URL", "url", _("The project's page on this site."), detail_url),
    Column(
        "公開日",
        "published_date",
        _("The day the project was first published."),
        lambda p: _local_date(p.published_at),
        "date",
    ),
    Column(
        "最終更新日",
        "updated_date",
        _("The day the project's record last changed."),
        lambda p: _local_date(p.updated_at),
        "date",
    ),
)

HEADERS = [column.name for column in COLUMNS]
KEYS = [column.key for column in COLUMNS]


def record(project: Project) -> dict[str, Any]:
    """One project as a JSON record: English keys, dates as text, lists as arrays."""
    values = {}
    for column in COLUMNS:
        value = column.value(project)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif value == "" and column.kind != "text":
            value = None
        values[column.key] = value
    return values


def _csv_cell(column: Column, value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return spreadsheet_safe(SEPARATOR.join(str(item) for item in value))
    if column.kind == "integer":
        return str(value)
    return spreadsheet_safe(value)


def csv_row(project: Project) -> list[str]:
    return [_csv_cell(column, column.value(project)) for column in COLUMNS]


def write_csv(out, projects: Iterable[Project]) -> int:
    """Write the BOM, the header row and one row per project to the text stream ``out``.

    Returns the number of rows. Line ends are CRLF, as the standard data sets use.
    """
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS)
    count = 0
    for project in projects:
        writer.writerow(csv_row(project))
        count += 1
    return count


def csv_bytes(projects: Iterable[Project]) -> bytes:
    out = io.StringIO(newline="")
    write_csv(out, projects)
    return out.getvalue().encode("utf-8")


def document(projects: Iterable[Project], *, generated_at: dt.datetime | None = None) -> dict:
    """The JSON document: the licence, the municipality, when and how many, then the records."""
    records = [record(project) for project in projects]
    generated_at = timezone.localtime(generated_at or timezone.now())
    return {
        "title": f"{settings.MUNICIPALITY_NAME} 共創デスク 採択事業一覧",
        "license": {
            "name": LICENSE_NAME,
            "title": LICENSE_TITLE,
            "url": LICENSE_URL,
            "attribution": attribution(),
        },
        "municipality_code": settings.MUNICIPALITY_CODE,
        "municipality_name": settings.MUNICIPALITY_NAME,
        "municipality_name_en": settings.MUNICIPALITY_NAME_EN,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "count": len(records),
        "columns": [{"key": column.key, "name": column.name} for column in COLUMNS],
        "projects": records,
    }


#: The top-level keys of the JSON document, documented on the open-data page.
DOCUMENT_KEYS = (
    ("title", _("The data set's name.")),
    ("license", _("The licence: name, title, url and the attribution to give (出典).")),
    ("municipality_code", _("The municipality's local government code.")),
    ("municipality_name", _("The municipality's name in Japanese.")),
    ("municipality_name_en", _("The municipality's name in English.")),
    ("generated_at", _("When the file was generated (ISO 8601, Japan time).")),
    ("count", _("The number of records.")),
    ("columns", _("Each record key with its Japanese column name in the CSV.")),
    ("projects", _("The records, one per project, with the keys in the table below.")),
)


def json_bytes(projects: Iterable[Project], *, generated_at: dt.datetime | None = None) -> bytes:
    return json.dumps(
        document(projects, generated_at=generated_at), ensure_ascii=False, indent=1
    ).encode("utf-8")


def csv_filename() -> str:
    """401307_kyoso_projects.csv — the municipality's code first, as the standard sets do."""
    return f"{settings.MUNICIPALITY_CODE}_kyoso_projects.csv"


def json_filename() -> str:
    return f"{settings.MUNICIPALITY_CODE}_kyoso_projects.json"
