"""The audit log: who saw or changed a proposal outside its own state log."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from proposals import services

from .. import factories

pytestmark = pytest.mark.integration


@pytest.fixture
def case(people):
    proposal = factories.draft(people["business"])
    services.add_attachment(
        proposal,
        people["business"],
        SimpleUploadedFile("提案書.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )
    factories.act(proposal, "submit", people["business"])
    return proposal


def test_the_city_opening_a_proposal_or_its_files_is_recorded(client, people, case):
    target = f"proposal:{case.pk}"
    file_url = reverse("proposals:download", args=[case.pk, case.attachments.get().pk])
    client.force_login(people["desk_staff"])
    client.get(reverse("proposals:detail", args=[case.pk]), REMOTE_ADDR="192.0.2.10")
    client.get(file_url)
    events = list(AuditEvent.objects.filter(target=target).order_by("pk"))
    assert [(e.actor, e.action) for e in events] == [
        (people["desk_staff"], "view_proposal"),
        (people["desk_staff"], "download_file"),
    ]
    assert events[0].ip_address == "192.0.2.10"


def test_the_business_reading_its_own_proposal_is_not_recorded(client, people, case):
    client.force_login(people["colleague"])
    client.get(reverse("proposals:detail", args=[case.pk]))
    assert not AuditEvent.objects.exists()


def test_a_refused_look_is_not_a_view(client, people, case):
    client.force_login(people["other_business"])
    assert client.get(reverse("proposals:detail", args=[case.pk])).status_code == 404
    assert not AuditEvent.objects.exists()


def test_lead_changes_are_recorded(client, people, case):
    client.force_login(people["desk_manager"])
    client.post(reverse("proposals:assign_lead", args=[case.pk]), {"lead": people["desk_staff"].pk})
    event = AuditEvent.objects.get(action="assign_lead")
    assert event.actor == people["desk_manager"] and str(case.pk) in event.detail


def test_the_audit_log_cannot_be_rewritten(people, case):
    from core import audit

    event = audit.record(people["desk_staff"], "view_proposal", f"proposal:{case.pk}")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_administrators_read_the_audit_log_in_the_admin(client, people, case):
    client.force_login(people["desk_staff"])
    client.get(reverse("proposals:detail", args=[case.pk]))
    client.force_login(people["administrator"])
    page = client.get("/admin/core/auditevent/")
    assert page.status_code == 200 and f"proposal:{case.pk}" in page.content.decode()


def test_an_export_straight_from_the_inbox_is_recorded(client, people, case):
    client.force_login(people["desk_staff"])
    response = client.post(reverse("desk:export"), {"all_matching": "1", "query": ""})
    assert response.status_code == 200, response.status_code
    event = AuditEvent.objects.get(action="export_csv")
    assert event.actor == people["desk_staff"] and event.detail == "1 rows"
