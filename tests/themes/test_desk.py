"""The desk's call pages: create and edit with validation, documents, questions to answer.
Everyone else gets 404."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import OutboundEmail
from themes import services
from themes.models import Theme, ThemeDocument, ThemeQuestion

from .. import factories
from ..factories import make_theme
from ..support import CLOSES, DURING, OPENS
from .helpers import desk_urls, form_data

pytestmark = pytest.mark.integration
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00"
NOT_DESK = ["business", "reviewer", "administrator"]  # departments: test_department_issues.py


@pytest.mark.parametrize("role", NOT_DESK)
def test_non_desk_roles_get_404_on_every_desk_page(client, people, theme, role):
    client.force_login(people[role])
    for url in desk_urls(theme):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"title": "x"}).status_code == 404, url
    assert Theme.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client, theme):
    for url in desk_urls(theme):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", ["desk_staff", "desk_manager"])
def test_the_desk_creates_a_call(client, people, role):
    dept, prog = factories.department(), factories.programme()
    client.force_login(people[role])
    assert client.get(reverse("themes:create")).status_code == 200
    response = client.post(reverse("themes:create"), form_data(dept, prog))
    theme = Theme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("themes:edit", args=[theme.pk])
    assert theme.opens_at == OPENS and theme.closes_at == CLOSES
    assert theme.planned_adoptions == 0 and theme.department == dept


def test_closing_before_opening_is_refused_with_a_clear_message(client, people):
    dept, prog = factories.department(), factories.programme()
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("themes:create"),
        form_data(dept, prog, closes_at="2026-11-30 17:00", title="締切が先の募集"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "The call must close after it opens: it opens at Tue 1 Dec 2026, 09:00 JST, but the "
        "closing you entered is Mon 30 Nov 2026, 17:00 JST." in page
    )
    assert 'value="締切が先の募集"' in page  # what was typed is kept
    assert not Theme.objects.exists()


def test_question_deadline_outside_the_period_is_refused(client, people, theme):
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("themes:edit", args=[theme.pk]),
        form_data(
            theme.department, theme.programme, questions_until="2026-12-25 17:00", title="変更後"
        ),
    )
    assert response.status_code == 400
    assert "The question period must end while the call is open" in response.content.decode()
    theme.refresh_from_db()
    assert theme.title != "変更後"


def test_the_desk_edits_a_call(client, people, theme):
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("themes:edit", args=[theme.pk]),
        form_data(theme.department, theme.programme, title="変更後", closes_at="2026-12-22 17:00"),
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.title == "変更後" and theme.closes_at.day == 22


def test_services_validate_and_check_the_role(people, theme):
    with pytest.raises(ValidationError) as error:
        services.update_theme(theme, people["desk_staff"], closes_at=OPENS)
    assert "closes_at" in error.value.message_dict
    theme.refresh_from_db()
    assert theme.closes_at == CLOSES
    with pytest.raises(PermissionDenied):
        services.create_theme(
            people["business"],
            title="x",
            department=theme.department,
            programme=theme.programme,
            opens_at=OPENS,
            closes_at=CLOSES,
        )


def test_rubric_is_offered_when_rubrics_exist(client, people):
    from themes.models import Rubric

    client.force_login(people["desk_staff"])
    if not Rubric.objects.exists():
        assert 'name="rubric"' not in client.get(reverse("themes:create")).content.decode()
    rubric = Rubric.objects.create(name="テーマ型審査基準")
    page = client.get(reverse("themes:create")).content.decode()
    assert 'name="rubric"' in page and "テーマ型審査基準" in page
    dept, prog = factories.department(), factories.programme()
    client.post(reverse("themes:create"), form_data(dept, prog, rubric=rubric.pk))
    assert Theme.objects.get().rubric == rubric


def test_a_pdf_document_is_uploaded_and_downloaded(client, people, theme):
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("themes:edit", args=[theme.pk]),
        {
            "part": "document",
            "title": "募集要項",
            "file": SimpleUploadedFile("募集要項.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    doc = ThemeDocument.objects.get()
    assert doc.title == "募集要項" and doc.original_name == "募集要項.pdf" and doc.size == len(PDF)
    client.logout()
    download = client.get(reverse("themes:document", args=[theme.pk, doc.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("募集要項.pdf", EXE, "is not a PDF file"),
        ("setup.exe", EXE, "only these types are accepted"),
        ("memo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "Call documents are published as PDF only."),
    ],
)
def test_an_executable_or_non_pdf_is_refused(client, people, theme, name, content, expected):
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("themes:edit", args=[theme.pk]),
        {"part": "document", "title": "資料", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not ThemeDocument.objects.exists()


def test_the_desk_removes_a_document(client, people, theme):
    doc = services.add_document(theme, people["desk_staff"], SimpleUploadedFile("a.pdf", PDF))
    client.force_login(people["desk_staff"])
    client.post(
        reverse("themes:edit", args=[theme.pk]), {"part": "remove_document", "document": doc.pk}
    )
    assert not ThemeDocument.objects.exists()


def test_the_desk_answers_and_publishes_without_sending_mail(client, people, theme):
    asker = people["business"]
    question = services.ask_question(theme, asker, "提案書の様式は自由ですか？", when=DURING)
    client.force_login(people["desk_staff"])
    page = client.get(reverse("themes:questions", args=[theme.pk])).content.decode()
    assert "提案書の様式は自由ですか？" in page and asker.full_name in page  # the desk sees who
    emails_before = OutboundEmail.objects.count()
    response = client.post(
        reverse("themes:questions", args=[theme.pk]),
        {"question_id": question.pk, "answer": "様式は自由です。", "publish": "on"},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answer == "様式は自由です。" and question.published_at is not None
    assert question.answered_by == people["desk_staff"]
    assert OutboundEmail.objects.count() == emails_before and not mail.outbox
    client.logout()
    with time_machine.travel(DURING, tick=False):
        public = client.get(reverse("themes:detail", args=[theme.pk])).content.decode()
    assert "様式は自由です。" in public and asker.full_name not in public


def test_an_empty_answer_is_refused(client, people, theme):
    question = services.ask_question(theme, people["business"], "質問", when=DURING)
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("themes:questions", args=[theme.pk]),
        {"question_id": question.pk, "answer": "", "publish": "on"},
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    question.refresh_from_db()
    assert question.published_at is None


def test_a_question_of_another_call_cannot_be_answered_here(client, people, theme):
    other = make_theme()
    question = services.ask_question(other, people["business"], "質問", when=DURING)
    client.force_login(people["desk_staff"])
    response = client.post(
        reverse("themes:questions", args=[theme.pk]),
        {"question_id": question.pk, "answer": "答え", "publish": "on"},
    )
    assert response.status_code == 404
    assert ThemeQuestion.objects.get().answer == ""


def test_the_desk_list_query_count_does_not_grow(client, people, django_assert_max_num_queries):
    make_theme()
    client.force_login(people["desk_staff"])
    with django_assert_max_num_queries(6):
        one = client.get(reverse("themes:manage"))
    for _ in range(10):
        theme = make_theme()
        services.ask_question(theme, people["business"], "質問", when=DURING)
    with django_assert_max_num_queries(6):
        many = client.get(reverse("themes:manage"))
    assert one.content.decode().count("/questions/") == 1
    assert many.content.decode().count("/questions/") == 11
    assert "1 (1 unanswered)" in many.content.decode()
