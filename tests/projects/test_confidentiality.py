"""Nothing confidential reaches the public: planted secrets, then every public output scraped.

The demo data is loaded, then a unique secret string is written into every field the public
must never read: the proposals' own texts (titles included — the public title is written
separately), declined and unsuccessful proposers' names, contact people, internal notes and
the dialogue, department opinions, review comments, reports, booking conditions, site notes,
project drafts not yet approved, decision reasons. Then an anonymous visitor follows every
link from the home page (both languages), downloads the open data, the feed and the list PDF,
and the static export is written to a folder; every byte of it is searched for every secret.

Control strings planted in the *approved public* text prove the scrape reads the content it
should: the test fails if they are not found, so it cannot pass by reading nothing.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command

from core.models import Organization, User
from projects.models import Project, Report, ReportFigure, Site, SiteBooking
from proposals.models import Message, Proposal, Referral, ReferralMessage
from proposals.states import ADOPTED_STATES
from reviews.models import ReviewAssignment, Score
from tests.support import require

pytestmark = pytest.mark.django_db(transaction=False)

_counter = itertools.count(1)


def _secret(kind: str) -> str:
    return f"SECRET{next(_counter):04d}{kind.upper()}"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)


def _plant(people_for_scores) -> tuple[dict[str, str], list[str]]:
    """Write secrets everywhere the public must not read; return {secret: where}, controls."""
    secrets: dict[str, str] = {}

    def plant(where: str) -> str:
        value = _secret(re.sub(r"[^a-z]", "", where.lower())[:12])
        secrets[value] = where
        return value

    text_fields = [
        "title",
        "summary",
        "problem",
        "solution",
        "expected_effect",
        "city_cost_detail",
        "schedule",
        "desired_location",
        "ask_other",
        "decision_reason",
    ]
    for proposal in Proposal.objects.all():
        Proposal.objects.filter(pk=proposal.pk).update(
            **{name: plant(f"proposal {proposal.pk} {name}") for name in text_fields}
        )
    adopted_orgs = set(
        Proposal.objects.filter(state__in=ADOPTED_STATES).values_list("organization_id", flat=True)
    )
    for org in Organization.objects.all():
        changes = {
            "address": plant(f"org {org.pk} address"),
            "representative_name": plant(f"org {org.pk} representative"),
            "phone": plant(f"org {org.pk} phone"),
        }
        if org.pk not in adopted_orgs:  # unsuccessful proposers' names are never public
            changes["name"] = plant(f"org {org.pk} name (no adopted project)")
        Organization.objects.filter(pk=org.pk).update(**changes)
    for user in User.objects.all():
        User.objects.filter(pk=user.pk).update(
            full_name=plant(f"user {user.pk} name"),
            email=f"{plant(f'user {user.pk} email').lower()}@example.jp",
        )
    for model, field in [
        (Message, "body"),
        (Referral, "question"),
        (Referral, "comment"),
        (Referral, "conditions"),
        (ReferralMessage, "body"),
        (ReviewAssignment, "conflict_note"),
        (Score, "comment"),
        (Report, "body"),
        (Report, "review_comment"),
        (ReportFigure, "label"),
        (SiteBooking, "conditions"),
        (Site, "notes"),
    ]:
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(**{field: plant(f"{model.__name__} {pk} {field}")})
    controls = []
    for project in Project.objects.all():
        # Drafts are never public, approved or not: only the approved copies are.
        changes = {
            "title_draft": plant(f"project {project.pk} title draft"),
            "summary_draft": plant(f"project {project.pk} summary draft"),
            "agreement_document_name": plant(f"project {project.pk} agreement file name"),
        }
        if project.is_published and project.has_approved_text:
            control = f"PUBLICCONTROL{project.pk:04d}"
            changes["public_summary"] = f"{project.public_summary} {control}"
            controls.append(control)
        else:  # approved or not, an unpublished project's text is not public yet
            changes["public_title"] = plant(f"project {project.pk} unpublished public title")
            changes["public_summary"] = plant(f"project {project.pk} unpublished summary")
        Project.objects.filter(pk=project.pk).update(**changes)
    return secrets, controls


def _ensure_every_kind_exists(people):
    """The demo data may lack a row of some kind; add one so every kind is planted."""
    if not Score.objects.exists():
        assignment = ReviewAssignment.objects.first()
        from themes.models import Criterion

        if assignment is not None:
            Score.objects.create(
                assignment=assignment,
                criterion=Criterion.objects.first(),
                value=3,
                comment="placeholder",
            )


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "scraped.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()


def _text_of(content: bytes, content_type: str, tmp_path: Path) -> str:
    if content.startswith(b"%PDF") or "pdf" in content_type:
        return _pdf_text(content, tmp_path) + content.decode("latin-1")
    return content.decode("utf-8", errors="replace")


def _crawl(client, tmp_path: Path) -> dict[str, str]:
    """Every public address an anonymous visitor can reach by links, with its text."""
    seen: dict[str, str] = {}
    queue = [
        "/",
        "/en/",
        "/projects/",
        "/en/projects/",
        "/projects/statistics/",
        "/projects/opendata/",
        "/projects/opendata/projects.csv",
        "/projects/opendata/projects.json",
        "/projects/feed.atom",
        "/projects/list.pdf",
        "/en/projects/list.pdf",
        "/themes/",
    ]
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.netloc and parts.netloc not in ("testserver",):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or parts.path.startswith(("/static/", "/admin/", "/i18n/")):
            continue
        if len(seen) > 600:
            break
        response = client.get(path)
        if response.status_code in (301, 302):
            # Login redirects mean the page is not public: nothing to read there.
            seen[path] = ""
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = _text_of(body, response.get("Content-Type", ""), tmp_path)
        seen[path] = text
        if "html" in response.get("Content-Type", ""):
            parser = _Links()
            parser.feed(text)
            for link in parser.links:
                target = urljoin(path, link.split("#")[0])
                if target and "/accounts/" not in target:
                    queue.append(target)
    return seen


def test_no_confidential_string_reaches_any_public_output(client, people, tmp_path, settings):
    require(shutil.which("pdftotext"), "pdftotext (poppler-utils) is not installed")
    settings.PUBLIC_PDF_INLINE_MAX_ROWS = 10_000
    call_command("seed_demo", verbosity=0)
    _ensure_every_kind_exists(people)
    secrets, controls = _plant(people)
    assert len(secrets) > 200 and controls, "the demo data must give something to plant"
    cache.clear()  # pages cached before the planting must not hide what it changed

    pages = _crawl(client, tmp_path)
    project_pages = [p for p in pages if re.fullmatch(r"(/en)?/projects/\d+/", p)]
    assert len(project_pages) >= 2 * len(controls), sorted(pages)

    export_dir = tmp_path / "export"
    call_command("export_public_site", output=str(export_dir), verbosity=0)
    exported = {}
    for file in export_dir.rglob("*"):
        if file.is_file():
            exported[f"export:{file.relative_to(export_dir)}"] = _text_of(
                file.read_bytes(), file.suffix, tmp_path
            )
    assert any(name.endswith(".csv") for name in exported)

    everything = {**pages, **exported}
    found_controls = {c for c in controls if any(c in text for text in everything.values())}
    assert found_controls == set(controls), "the scrape must read the public text"
    for name in (
        "/projects/opendata/projects.csv",
        "/projects/opendata/projects.json",
        "/projects/feed.atom",
    ):
        assert any(c in everything[name] for c in controls), name

    leaks = [
        (where, secret, url)
        for url, text in everything.items()
        for secret, where in secrets.items()
        if secret in text
    ]
    assert not leaks, leaks[:20]
