"""The Atom feed of published projects, parsed as XML."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from projects import services
from projects.models import Project
from tests import factories
from tests.factories import make_fields, quick_projects

from .helpers import queries_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def test_the_feed_has_an_entry_per_published_project_with_its_public_page(client, people, settings):
    settings.SITE_URL = "https://desk.city.example.jp"
    project = factories.project(people, published=True, title="社外秘の提案名")
    services.update_details(project, people["desk_staff"], fields=make_fields()[:1])
    project.refresh_from_db()
    feed = parse(client.get(reverse("projects:feed")))

    assert feed.tag == f"{ATOM}feed"
    assert "共創市" in feed.findtext(f"{ATOM}title")
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "https://desk.city.example.jp/projects/feed.atom"
    assert (
        feed.find(f"{ATOM}link[@rel='alternate']").get("href")
        == "https://desk.city.example.jp/projects/"
    )
    assert "CC BY 4.0" in feed.findtext(f"{ATOM}rights")

    (entry,) = entries(feed)
    assert entry.findtext(f"{ATOM}title") == "AIで呼べる乗合タクシーの実証"
    assert (
        entry.findtext(f"{ATOM}summary")
        == "バスの少ない地域で、スマートフォンや電話で呼べる乗合タクシーを試します。"
    )
    link = entry.find(f"{ATOM}link[@rel='alternate']")
    assert link.get("href") == f"https://desk.city.example.jp/projects/{project.pk}/"
    assert entry.findtext(f"{ATOM}id") == link.get("href")
    updated = dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
    assert updated == project.updated_at
    published = dt.datetime.fromisoformat(entry.findtext(f"{ATOM}published"))
    assert published == project.published_at
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["交通・モビリティ"]
    assert "社外秘の提案名" not in response_bytes(client).decode()


def response_bytes(client) -> bytes:
    return client.get(reverse("projects:feed")).content


def test_the_english_feed_uses_the_english_text_and_addresses(client, people, settings):
    settings.SITE_URL = "https://desk.city.example.jp"
    project = factories.project(people, published=True)
    services.update_public_text(
        project,
        people["desk_staff"],
        title=project.public_title,
        summary=project.public_summary,
        title_en="Shared taxis",
        summary_en="A trial of shared taxis.",
    )
    services.approve_public_text(project, people["desk_manager"])
    with translation.override("en"):
        url = reverse("projects:feed")
    assert url == "/en/projects/feed.atom"
    (entry,) = entries(parse(client.get(url)))
    assert entry.findtext(f"{ATOM}title") == "Shared taxis"
    assert entry.findtext(f"{ATOM}summary") == "A trial of shared taxis."
    assert (
        entry.find(f"{ATOM}link").get("href")
        == f"https://desk.city.example.jp/en/projects/{project.pk}/"
    )


def test_unpublished_and_unapproved_projects_are_not_in_the_feed(client, people):
    shown = factories.project(people, published=True, public_title="公開中の事業")
    staff, manager = people["desk_staff"], people["desk_manager"]
    hidden = factories.project(people, published=True, public_title="取り下げた事業")
    services.unpublish(hidden, manager)
    approved = factories.project(people)
    services.update_public_text(approved, staff, title="承認済み未公開", summary="概要")
    services.approve_public_text(approved, manager)
    services.update_public_text(shown, staff, title="未承認の新しい題", summary="未承認の概要")

    feed = parse(client.get(reverse("projects:feed")))
    assert [e.findtext(f"{ATOM}title") for e in entries(feed)] == ["公開中の事業"]
    text = response_bytes(client).decode()
    for secret in ("取り下げた事業", "承認済み未公開", "未承認の新しい題", "未承認の概要"):
        assert secret not in text


def test_a_summary_is_shown_as_written_not_as_markup(client, people):
    (project,) = quick_projects(people, 1)
    Project.objects.filter(pk=project.pk).update(public_summary="<b>太字</b> & 改行")
    (entry,) = entries(parse(client.get(reverse("projects:feed"))))
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "&lt;b&gt;太字&lt;/b&gt; &amp; 改行"  # HTML that reads as the text


def test_newest_published_first(client, people):
    older, newer = quick_projects(people, 2)
    Project.objects.filter(pk=older.pk).update(
        published_at=newer.published_at - dt.timedelta(days=3)
    )
    titles = [
        e.findtext(f"{ATOM}title") for e in entries(parse(client.get(reverse("projects:feed"))))
    ]
    assert titles == [newer.public_title, older.public_title]


def test_the_list_page_announces_the_feed(client, people):
    factories.project(people, published=True)
    html = client.get(reverse("projects:list")).content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml"' in html
        and f'href="{reverse("projects:feed")}"' in html
    )


def test_the_feed_runs_the_same_queries_for_1_and_20_projects(client, people):
    fields = make_fields()
    quick_projects(people, 1, fields=fields)
    one = queries_for(client, reverse("projects:feed"))
    quick_projects(people, 19, fields=fields)
    many = queries_for(client, reverse("projects:feed"))
    assert one == many
    assert len(entries(parse(client.get(reverse("projects:feed"))))) == 20
