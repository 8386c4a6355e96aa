"""The static export of the public site: every file, relative links that resolve inside the
folder, nothing unpublished, the management command and the refresh after a public change."""

from __future__ import annotations

import csv
import io
import json
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test.utils import CaptureQueriesContext

from projects import services, static_export
from tests import factories
from tests.factories import make_fields, quick_projects

from .helpers import HEADER

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

LINK = re.compile(r"""\s(?:href|src|action)=["']([^"']*)["']""", re.IGNORECASE)


@pytest.fixture
def site(people, settings):
    settings.SITE_URL = "https://desk.city.example.jp"
    shown = factories.project(people, published=True, title="社外秘の提案名")
    services.update_details(shown, people["desk_staff"], fields=make_fields())
    hidden = factories.project(people, published=True, public_title="取り下げた事業")
    services.unpublish(hidden, people["desk_manager"])
    drafted = factories.project(people)
    services.update_public_text(drafted, people["desk_staff"], title="下書きの題", summary="概要")
    return {"shown": shown, "hidden": hidden, "drafted": drafted}


def links_in(folder: Path):
    """(file, link) for every href/src/action in every exported HTML page."""
    for page in sorted(folder.rglob("*.html")):
        for link in LINK.findall(page.read_text(encoding="utf-8")):
            yield page.relative_to(folder).as_posix(), link


def test_the_export_holds_every_public_page_and_file(site, tmp_path):
    out = tmp_path / "site"
    written = static_export.export_public_site(out)
    pk = site["shown"].pk
    expected = {
        "index.html",
        "projects/index.html",
        f"projects/{pk}/index.html",
        "projects/statistics/index.html",
        "projects/opendata/index.html",
        "projects/opendata/projects.csv",
        "projects/opendata/projects.json",
        "projects/feed.atom",
        "en/projects/index.html",
        f"en/projects/{pk}/index.html",
        "en/projects/statistics/index.html",
        "en/projects/opendata/index.html",
        "en/projects/opendata/projects.csv",
        "en/projects/opendata/projects.json",
        "en/projects/feed.atom",
        "static/css/site.css",
        "static/favicon.svg",
    }
    assert set(written) == expected
    for name in expected:
        assert (out / name).is_file(), name
    assert (out / static_export.MARKER).is_file()

    # Unpublished or unapproved projects are nowhere; neither is the proposal's own title.
    assert not (out / f"projects/{site['hidden'].pk}").exists()
    assert not (out / f"projects/{site['drafted'].pk}").exists()
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".json", ".atom"):
            text = path.read_text(encoding="utf-8-sig")
            for secret in ("取り下げた事業", "下書きの題", "社外秘の提案名"):
                assert secret not in text, (path, secret)

    # The list holds the project; the open data is the live site's.
    assert "AIで呼べる乗合タクシーの実証" in (out / "projects/index.html").read_text()
    rows = list(
        csv.reader(
            io.StringIO(
                (out / "projects/opendata/projects.csv").read_text(encoding="utf-8-sig"), newline=""
            )
        )
    )
    assert rows[0] == HEADER and len(rows) == 2
    data = json.loads((out / "projects/opendata/projects.json").read_text(encoding="utf-8"))
    assert data["count"] == 1 and data["license"]["name"] == "CC BY 4.0"
    assert "<feed" in (out / "en/projects/feed.atom").read_text()
    # The English pages are English.
    assert '<html lang="en">' in (out / "en/projects/index.html").read_text()


def test_every_link_is_relative_and_resolves_inside_the_folder(site, tmp_path):
    out = tmp_path / "site"
    static_export.export_public_site(out)
    relative = 0
    for page, link in links_in(out):
        assert not link.startswith("/"), (page, link)  # no /projects/…, no /static/…
        parts = urlsplit(link)
        if parts.scheme in ("http", "https", "mailto") or link.startswith("#"):
            if parts.scheme in ("http", "https"):
                # Pages that are not exported go to the live site, never to /projects/ there
                # unless they are filtered lists or files the export does not hold.
                assert parts.netloc in ("desk.city.example.jp", "creativecommons.org"), link
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
        assert not target.startswith(".."), (page, link)
        assert (out / target).is_file(), (page, link, target)
        relative += 1
    assert relative > 20

    listing = (out / "projects/index.html").read_text()
    pk = site["shown"].pk
    assert f'href="{pk}/index.html"' in listing
    assert 'href="statistics/index.html"' in listing
    assert 'href="opendata/projects.csv"' in listing
    assert 'href="../static/css/site.css"' in listing
    assert 'href="../en/projects/index.html"' in listing  # the language switch
    detail = (out / f"projects/{pk}/index.html").read_text()
    assert 'href="../index.html"' in detail and 'href="../../static/css/site.css"' in detail
    # What the export does not hold is a link to the live site.
    assert 'href="https://desk.city.example.jp/accounts/login/"' in listing
    assert 'href="https://desk.city.example.jp/projects/list.pdf"' in listing
    # The top page sends visitors to the list.
    assert "url=projects/index.html" in (out / "index.html").read_text()


def test_the_export_runs_a_constant_number_of_queries(people, tmp_path):
    from django.db import connection

    fields = make_fields()
    quick_projects(people, 1, fields=fields)
    with CaptureQueriesContext(connection) as one:
        static_export.export_public_site(tmp_path / "one")
    quick_projects(people, 9, fields=fields, title="追加")
    with CaptureQueriesContext(connection) as many:
        written = static_export.export_public_site(tmp_path / "many")
    details = [name for name in written if re.fullmatch(r"(en/)?projects/\d+/index\.html", name)]
    assert len(details) == 20  # ten projects in two languages
    assert len(one) == len(many), (len(one), len(many))


def test_the_command_writes_the_folder_and_says_what_it_wrote(site, tmp_path):
    out = tmp_path / "cms" / "projects-site"
    stdout = io.StringIO()
    call_command("export_public_site", "--output", str(out), stdout=stdout)
    printed = stdout.getvalue()
    assert "projects/index.html" in printed and f"projects/{site['shown'].pk}/index.html" in printed
    assert re.search(r"Wrote \d+ files \(\d+ pages\) to ", printed)
    assert (out / "projects/index.html").is_file()

    # Japanese only, on request; the folder is replaced as a whole.
    call_command(
        "export_public_site", "--output", str(out), "--language", "ja", stdout=io.StringIO()
    )
    assert (out / "projects/index.html").is_file() and not (out / "en").exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no leftovers


def test_the_command_never_replaces_a_folder_it_did_not_write(site, tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "keep.txt").write_text("大事なファイル")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_public_site", "--output", str(out), stdout=io.StringIO())
    assert (out / "keep.txt").read_text() == "大事なファイル"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # nothing left over


def test_the_command_needs_a_folder(db, settings):
    settings.PUBLIC_SITE_EXPORT_DIR = ""
    with pytest.raises(CommandError, match="--output"):
        call_command("export_public_site", stdout=io.StringIO())


def test_a_public_change_regenerates_the_configured_export(
    people, settings, tmp_path, django_capture_on_commit_callbacks
):
    out = tmp_path / "public"
    settings.PUBLIC_SITE_EXPORT_DIR = str(out)
    project = factories.project(people)
    services.update_public_text(
        project, people["desk_staff"], title="新しく公開する事業", summary="概要"
    )
    services.approve_public_text(project, people["desk_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(project, people["desk_manager"])
    page = out / f"projects/{project.pk}/index.html"
    assert page.is_file() and "新しく公開する事業" in page.read_text()

    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(project, people["desk_manager"])
    assert not page.exists()
    assert "新しく公開する事業" not in (out / "projects/index.html").read_text()


def test_the_export_task_writes_the_configured_folder(site, settings, tmp_path):
    from projects import tasks

    settings.PUBLIC_SITE_EXPORT_DIR = str(tmp_path / "public")
    count = tasks.export_public_site_task.delay().get()
    assert count == len(
        list(
            p
            for p in (tmp_path / "public").rglob("*")
            if p.is_file() and p.name != static_export.MARKER
        )
    )
