"""What pages, files, feeds and e-mails show at the awkward moments, with the real clock moved.

At 00:30 or 08:59 JST the UTC date is still the day before: each date below must be the day
in Japan (TIME_ZONE is Asia/Tokyo), and each test fails if it were written from the UTC
date. The date rules themselves are in tests/test_awkward_moments.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from core import outbox
from core.models import AuditEvent, OutboundEmail
from core.services import record_heartbeat
from projects import documents as project_documents
from projects import services as project_services
from projects.models import Report
from proposals.services import exports
from tests import factories
from tests.support import jst

pytestmark = pytest.mark.integration

ATOM = "{http://www.w3.org/2005/Atom}"
#: 6 December 2026, 01:30 in Japan: 5 December 16:30 UTC.
NIGHT = jst(2026, 12, 6, 1, 30)
#: The last minute before the UTC date catches up: 5 December 23:59 UTC.
MORNING = jst(2026, 12, 6, 8, 59)


@pytest.fixture
def published_at_night(people):
    """A project published at 01:30 JST on 6 December."""
    with time_machine.travel(NIGHT, tick=False):
        return factories.make_project(people, title="深夜に公開した事業")


def test_the_public_page_shows_the_day_of_publication_in_japan(client, published_at_night):
    with time_machine.travel(MORNING, tick=False):
        html = client.get(reverse("projects:detail", args=[published_at_night.pk])).content
    html = html.decode()
    assert 'datetime="2026-12-06T01:30:00+09:00"' in html
    assert "2026年12月6日" in html and "2026年12月5日" not in html


def test_the_atom_feed_dates_are_japan_time(client, published_at_night):
    with time_machine.travel(MORNING, tick=False):
        response = client.get(reverse("projects:feed"))
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}published") == "2026-12-06T01:30:00+09:00"
    assert entry.findtext(f"{ATOM}updated").startswith("2026-12-06T01:30:00")


def test_the_open_data_csv_and_json_give_the_day_in_japan(client, published_at_night):
    with time_machine.travel(MORNING, tick=False):
        csv_body = client.get(reverse("projects:csv")).content.decode("utf-8-sig")
        document = json.loads(client.get(reverse("projects:json")).content)
    [row] = list(csv.DictReader(io.StringIO(csv_body)))
    assert row["公開日"] == "2026-12-06" and row["最終更新日"] == "2026-12-06"
    [record] = document["projects"]
    assert record["published_date"] == "2026-12-06"
    assert document["generated_at"] == "2026-12-06T08:59:00+09:00"


def test_the_public_list_pdf_is_named_after_the_day_in_japan(db):
    with time_machine.travel(MORNING, tick=False):
        assert project_documents.pdf_filename() == "採択事業一覧_20261206.pdf"


def test_an_agreement_dated_today_in_japan_is_not_in_the_future_at_00_30(people):
    with time_machine.travel(jst(2026, 12, 6, 0, 30), tick=False):
        project = factories.project(people)
        project_services.record_agreement(
            project, people["desk_staff"], agreement_date=dt.date(2026, 12, 6)
        )
    project.refresh_from_db()
    assert project.agreement_date == dt.date(2026, 12, 6)


# --- the desk's CSV -----------------------------------------------------------------------------


def test_the_desk_csv_gives_the_day_of_receipt_in_japan(people):
    member = people["business"]
    with time_machine.travel(jst(2026, 12, 22, 0, 30), tick=False):
        proposal = factories.draft(member)
        factories.act(proposal, "submit", member)
    with time_machine.travel(jst(2026, 12, 22, 8, 59), tick=False):
        out = io.StringIO()
        exports.write_csv(out, exports.export_queryset(people["desk_staff"]))
    rows = list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    header, [row] = rows[0], rows[1:]
    cells = dict(zip(header, row, strict=True))
    assert "2026-12-22" in row and "2026-12-21" not in row, cells
    assert "0" in row  # received today in Japan: no day waiting yet


# --- e-mails ------------------------------------------------------------------------------------


def test_the_receipt_email_dates_the_submission_and_itself_in_japan(people):
    member = people["business"]
    with time_machine.travel(jst(2026, 12, 22, 0, 30), tick=False):
        proposal = factories.draft(member)
        factories.act(proposal, "submit", member)
        email = OutboundEmail.objects.get(to=member.email, reference=f"proposal:{proposal.pk}")
        assert outbox.deliver(email.pk) == "sent"
    assert "2026-12-22 00:30" in email.body and "令和8年12月22日" in email.body
    [sent] = [m for m in mail.outbox if m.to == [member.email]]
    assert sent.message()["Date"] == "Tue, 22 Dec 2026 00:30:00 +0900"


# --- what operators read: the heartbeat command, the admin's names ------------------------------


def test_the_heartbeat_command_and_names_are_in_japan_time(db):
    with time_machine.travel(MORNING, tick=False):
        out = io.StringIO()
        call_command("record_heartbeat", stdout=out)
        beat = record_heartbeat(hostname="web-1")
        event = AuditEvent.objects.create(action="view", target="proposal:1")
    assert "at 2026-12-06 08:59:00+0900" in out.getvalue()
    assert str(beat).endswith("web-1 2026-12-06 08:59:00")
    assert str(event).startswith("2026-12-06 08:59 ")


def test_a_reports_name_carries_the_day_in_japan(published_at_night):
    with time_machine.travel(MORNING, tick=False):
        report = Report.objects.create(
            project=published_at_night, kind=Report.Kind.choices[0][0], body="進捗"
        )
    assert str(report).endswith("(2026-12-06)")
