"""Public call pages: list, detail, documents and the Q&A without the asker's identity."""

from __future__ import annotations

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Role
from themes import services
from themes.models import ThemeQuestion

from .. import factories
from ..factories import make_theme
from ..support import CLOSES, DURING, QUESTIONS_UNTIL, SECOND

pytestmark = pytest.mark.integration
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def detail_url(theme):
    return reverse("themes:detail", args=[theme.pk])


def test_anonymous_sees_published_calls_not_unpublished(client, theme):
    hidden = make_theme(title="非公開のテーマ", is_published=False)
    with time_machine.travel(DURING, tick=False):
        page = client.get(reverse("themes:list")).content.decode()
        assert theme.title in page and hidden.title not in page
        response = client.get(detail_url(theme))
        assert response.status_code == 200
        assert client.get(detail_url(hidden)).status_code == 404
        assert client.get(reverse("themes:detail", args=[999999])).status_code == 404


def test_unpublished_call_is_404_for_a_business_but_the_desk_previews_it(client, people):
    hidden = make_theme(is_published=False)
    client.force_login(people["business"])
    assert client.get(detail_url(hidden)).status_code == 404
    client.force_login(people["desk_staff"])
    page = client.get(detail_url(hidden))
    assert page.status_code == 200
    assert "Not published (preview for the desk)" in page.content.decode()


def test_detail_shows_the_facts_in_japan_time_with_weekday(client, db):
    dept = factories.department(name="こども未来局", name_en="Children's Future Bureau")
    theme = make_theme(
        department=dept, planned_adoptions=0, allows_sole_proprietors=False, startups_only=True
    )
    with time_machine.travel(DURING, tick=False):
        page = client.get(detail_url(theme)).content.decode()
        assert "Children&#x27;s Future Bureau" in page
        assert "Tue 1 Dec 2026, 09:00 JST" in page and "Mon 21 Dec 2026, 17:00 JST" in page
        assert "Thu 10 Dec 2026, 17:00 JST" in page  # the question deadline
        assert "0 proposals" in page and "zero allowed: the city may adopt none" in page
        assert "sole proprietors cannot propose for this call" in page
        assert "Startups only." in page
        assert theme.background in page and theme.sought in page
        with translation.override("ja"):
            ja_page = client.get(detail_url(theme)).content.decode()
        assert "2026年12月1日（火）09:00" in ja_page and "2026年12月21日（月）17:00" in ja_page
        assert "こども未来局" in ja_page


def test_propose_button_only_while_open(client, theme):
    start = reverse("proposals:start") + f"?theme={theme.pk}"
    with time_machine.travel(CLOSES - SECOND, tick=False):
        page = client.get(detail_url(theme)).content.decode()
        assert f'href="{start}"' in page and "Propose for this theme" in page
    with time_machine.travel(CLOSES, tick=False):
        page = client.get(detail_url(theme)).content.decode()
        assert "Propose for this theme" not in page
        assert "This call closed at Mon 21 Dec 2026, 17:00 JST" in page


def test_published_answers_are_shown_without_the_asker(client, people, theme):
    asker = people["business"]
    org_name = asker.organization.name
    desk = people["desk_staff"]
    with time_machine.travel(DURING, tick=False):
        published = services.ask_question(theme, asker, "実証場所は指定されていますか？")
        services.answer_question(published, desk, "市内の保育所3か所を想定しています。")
        draft_answer = services.ask_question(theme, asker, "予算の上限はありますか？")
        services.answer_question(draft_answer, desk, "検討中です。", publish=False)
        services.ask_question(theme, asker, "まだ答えのない質問")
        page = client.get(detail_url(theme)).content.decode()
    assert (
        "実証場所は指定されていますか？" in page and "市内の保育所3か所を想定しています。" in page
    )
    assert "予算の上限はありますか？" not in page and "検討中です。" not in page
    assert "まだ答えのない質問" not in page
    assert asker.full_name not in page and org_name not in page and asker.email not in page


def test_a_business_asks_during_the_question_period(client, people, theme):
    with time_machine.travel(QUESTIONS_UNTIL - SECOND, tick=False):
        client.force_login(people["business"])
        page = client.get(detail_url(theme)).content.decode()
        assert f'action="{reverse("themes:ask", args=[theme.pk])}"' in page
        response = client.post(
            reverse("themes:ask", args=[theme.pk]), {"question": "応募は複数可能ですか？"}
        )
    assert response.status_code == 302
    question = ThemeQuestion.objects.get()
    assert question.asked_by == people["business"] and question.question == "応募は複数可能ですか？"
    assert question.published_at is None
    with time_machine.travel(QUESTIONS_UNTIL - SECOND, tick=False):
        page = client.get(detail_url(theme)).content.decode()
    assert "waiting for the desk's answer" in page


def test_a_question_after_the_period_is_refused_and_the_text_kept(client, people, theme):
    with time_machine.travel(QUESTIONS_UNTIL, tick=False):
        client.force_login(people["business"])
        page = client.get(detail_url(theme)).content.decode()
        assert "The question period ended at Thu 10 Dec 2026, 17:00 JST" in page
        response = client.post(
            reverse("themes:ask", args=[theme.pk]), {"question": "締切後の質問です。"}
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "The question period ended at Thu 10 Dec 2026, 17:00 JST (Japan time). Your question "
        "was not sent." in page
    )
    assert "締切後の質問です。</textarea>" in page  # what was typed is still there
    assert not ThemeQuestion.objects.exists()


def test_the_service_refuses_a_question_after_the_period(people, theme):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.ask_question(theme, people["business"], "遅い質問", when=QUESTIONS_UNTIL)
    assert "question period ended" in " ".join(error.value.messages)
    assert not ThemeQuestion.objects.exists()


@pytest.mark.parametrize("role", ["desk_staff", "department", "reviewer", "administrator"])
def test_only_businesses_ask(client, people, theme, role):
    with time_machine.travel(DURING, tick=False):
        client.force_login(people[role])
        response = client.post(reverse("themes:ask", args=[theme.pk]), {"question": "質問"})
    assert response.status_code == 404
    assert not ThemeQuestion.objects.exists()


def test_anonymous_question_goes_to_sign_in(client, theme):
    with time_machine.travel(DURING, tick=False):
        page = client.get(detail_url(theme)).content.decode()
        assert "as a registered business to ask a question" in page
        response = client.post(reverse("themes:ask", args=[theme.pk]), {"question": "質問"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not ThemeQuestion.objects.exists()


def test_document_download_is_an_attachment(client, people, theme):
    doc = services.add_document(
        theme, people["desk_staff"], SimpleUploadedFile("募集要項.pdf", PDF), "募集要項"
    )
    with time_machine.travel(DURING, tick=False):
        page = client.get(detail_url(theme)).content.decode()
        url = reverse("themes:document", args=[theme.pk, doc.pk])
        assert f'href="{url}"' in page and "募集要項" in page
        response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E5%8B%9F%E9%9B%86%E8%A6%81%E9%A0%85.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # The stored name is random; the original name is only for display and download.
    assert "募集要項" not in doc.file.name


def test_documents_of_an_unpublished_call_are_hidden(client, people):
    hidden = make_theme(is_published=False)
    doc = services.add_document(hidden, people["desk_staff"], SimpleUploadedFile("a.pdf", PDF))
    url = reverse("themes:document", args=[hidden.pk, doc.pk])
    assert client.get(url).status_code == 404
    other = make_theme()
    assert client.get(reverse("themes:document", args=[other.pk, doc.pk])).status_code == 404


def test_own_questions_are_listed_only_for_the_asker(client, people, theme):
    services.ask_question(theme, people["business"], "自分の質問", when=DURING)
    with time_machine.travel(DURING, tick=False):
        client.force_login(people["other_business"])
        assert "自分の質問" not in client.get(detail_url(theme)).content.decode()
    with time_machine.travel(DURING, tick=False):
        client.force_login(people["business"])
        assert "自分の質問" in client.get(detail_url(theme)).content.decode()


def test_role_business_factory_sanity(people):
    assert people["business"].role == Role.BUSINESS
    assert timezone.is_aware(CLOSES)
