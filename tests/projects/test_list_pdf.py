"""The PDF of the public list (採択事業一覧): Japanese text and font, 和暦, and the job path.

The PDF is read back (pypdf, and poppler's pdftotext/pdffonts) rather than trusted: WeasyPrint
drops Japanese glyphs silently when no CJK font is installed.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from projects import documents, public_cache
from tests import factories
from tests.factories import make_fields, quick_projects
from tests.support import embedded_fonts, pdf_text, require, squeeze

from .helpers import queries_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_list_pdf_is_japanese_with_its_font_embedded_and_the_era_date(client, people, cjk_font):
    project = factories.project(people, published=True, title="社外秘の提案名")
    hidden = factories.project(people, public_title="非公開の事業")
    assert not hidden.is_published
    response = client.get(reverse("projects:pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    data = content(response)
    assert data.startswith(b"%PDF-")

    fonts = embedded_fonts(data)
    japanese = {name: emb for name, emb in fonts.items() if name.startswith(("IPAex", "Noto"))}
    assert japanese and all(japanese.values()), fonts

    text = squeeze(pdf_text(data))
    for expected in [
        "採択事業一覧",
        "AIで呼べる乗合タクシーの実証",
        project.partner_name,
        project.public_id,
        "令和8年",
        "準備中",
        "共創市",
        "件数：1件",
        "出典：共創市共創デスク",
    ]:
        assert expected in text, expected
    assert "非公開の事業" not in text and "社外秘の提案名" not in text
    page = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert float(page.width) > float(page.height)  # A4 landscape


def test_poppler_reads_the_japanese_text_and_sees_the_font_embedded(client, people, cjk_font):
    require(
        bool(shutil.which("pdftotext") and shutil.which("pdffonts")),
        "needs poppler-utils (pdftotext, pdffonts)",
    )
    factories.project(people, published=True)
    data = content(client.get(reverse("projects:pdf")))
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, timeout=30, check=True
    ).stdout.decode()
    assert "採択事業一覧" in re.sub(r"\s+", "", text) and "令和" in text
    fonts = (
        subprocess.run(["pdffonts", "-"], input=data, capture_output=True, timeout=30, check=True)
        .stdout.decode()
        .splitlines()[2:]
    )
    ipa = [line for line in fonts if "IPAex" in line]
    assert ipa and all(line.split()[-5] == "yes" for line in ipa), fonts


def test_the_pdf_takes_the_list_filters(client, people, cjk_font):
    fields = make_fields()
    quick_projects(people, 1, fields=fields[:1], title="交通の事業")
    quick_projects(people, 1, fields=fields[1:], title="防災の事業")
    text = squeeze(pdf_text(content(client.get(reverse("projects:pdf") + "?field=mobility"))))
    assert "交通の事業0" in text and "防災の事業0" not in text
    assert "分野＝交通・モビリティ" in text and "件数：1件" in text
    # Asked from the English list, the document is still Japanese, conditions included.
    with translation.override("en"):
        url = reverse("projects:pdf") + "?field=mobility&fiscal_year=2026&status=preparing"
    text = squeeze(pdf_text(content(client.get(url))))
    assert "交通の事業0" in text and "防災の事業0" not in text
    for condition in ("分野＝交通・モビリティ", "年度＝2026年度（令和8年度）", "状態＝準備中"):
        assert condition in text


def test_a_long_list_is_prepared_in_the_background_then_served(
    client, people, settings, cjk_font, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PDF_INLINE_MAX_ROWS = 1
    quick_projects(people, 2, title="長い一覧の事業")
    url = reverse("projects:pdf")

    # The first visit queues the job (it runs when the request's transaction commits) and
    # answers with a page that reloads itself.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        waiting = client.get(url)
    assert waiting.status_code == 202
    assert waiting["Cache-Control"] == "no-store"
    html = waiting.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert 'role="status"' in html and f'href="{url}"' in html
    assert len(callbacks) == 1

    # The job ran (inline, as without a broker) and stored the file under the generation.
    key = documents.storage_key("")
    assert key.startswith(f"public-pdf/{public_cache.generation()}/")
    assert default_storage.exists(key)

    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment;")
    text = squeeze(pdf_text(content(served)))
    assert "長い一覧の事業0" in text and "長い一覧の事業1" in text and "件数：2件" in text

    # A public change makes a new generation: the stored file is not served any more.
    public_cache.bump_generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = client.get(url)
    assert again.status_code == 202 and len(callbacks) == 1
    # A second visit while the job is queued does not queue another one.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.get(url).status_code == 202
    assert callbacks == []


def test_a_filtered_long_list_has_its_own_file(
    client,
    people,
    settings,
    cjk_font,
    django_capture_on_commit_callbacks,
):
    settings.PUBLIC_PDF_INLINE_MAX_ROWS = 1
    fields = make_fields()
    quick_projects(people, 2, fields=fields[:1], title="交通の事業")
    quick_projects(people, 2, fields=fields[1:], title="防災の事業")
    made_up = client.get(reverse("projects:pdf") + "?field=disaster&page=3&made_up=1")
    # One address per list: invented parameters are sent to it, never rendered anew.
    assert made_up.status_code == 302
    url = made_up["Location"]
    assert url == reverse("projects:pdf") + "?field=disaster"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202
    assert default_storage.exists(documents.storage_key("field=disaster"))
    text = squeeze(pdf_text(content(client.get(url))))
    assert "防災の事業0" in text and "交通の事業0" not in text


def test_refresh_builds_the_full_list_pdf_ahead_and_removes_old_generations(
    people, settings, cjk_font
):
    from projects import tasks

    settings.PUBLIC_PDF_INLINE_MAX_ROWS = 1
    quick_projects(people, 1)
    tasks.refresh_public_outputs.delay()
    assert not default_storage.exists(documents.storage_key(""))  # short enough: nothing built
    quick_projects(people, 1, title="二件目")
    tasks.refresh_public_outputs.delay()
    old_key = documents.storage_key("")
    assert default_storage.exists(old_key)
    public_cache.bump_generation()
    tasks.refresh_public_outputs.delay()
    assert default_storage.exists(documents.storage_key(""))
    assert not default_storage.exists(old_key)


def test_the_pdf_runs_the_same_queries_for_1_and_20_projects(client, people, cjk_font):
    fields = make_fields()
    quick_projects(people, 1, fields=fields)
    url = reverse("projects:pdf") + "?field=disaster"
    one = queries_for(client, url)
    quick_projects(people, 19, fields=fields, title="追加")
    many = queries_for(client, url)
    assert one == many
    assert "件数：20件" in squeeze(pdf_text(content(client.get(url))))
