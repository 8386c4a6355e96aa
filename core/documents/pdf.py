"""The one way Kyoso Desk makes a PDF: an HTML template rendered by WeasyPrint.

Every official document (receipt, summary sheet, decision notice, review result sheet, the
public list) is a template that extends ``documents/base.html`` and goes through
``render_pdf``. WeasyPrint is imported inside ``render_pdf``: importing it costs about half a
second, which web and worker processes should pay only when they make a PDF.

Japanese needs a CJK font installed on the machine (IPAex or Noto CJK); without one
WeasyPrint drops the glyphs silently, which the tests check. The print CSS in
``documents/base.html`` names the fonts on the body and on the page-margin boxes, which do not
inherit the body's font.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.dates import JAPAN, wareki


def url_fetcher():
    """Documents load nothing from outside: ``data:`` URLs only, never a file or a server.

    Everything a document shows is in its template (CSS inline, no images by URL), so a
    business's text can never make the server fetch a file or an address.
    """
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 — imports weasyprint: start-up cost

    return URLFetcher(allowed_protocols=("data",), timeout=1)


def render_pdf(template_name: str, context: dict, *, language: str = "ja") -> bytes:
    """Render ``template_name`` with ``context`` in ``language`` and return the PDF's bytes.

    Official documents are in Japanese, whatever language the request or task has active.
    """
    import weasyprint  # noqa: PLC0415 — costly import, only where PDFs are made

    with translation.override(language):
        html = render_to_string(
            template_name,
            {
                "municipality_name": settings.MUNICIPALITY_NAME,
                "desk_name": str(settings.DESK_NAME),
                **context,
            },
        )
    document = weasyprint.HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=url_fetcher()
    )
    return document.write_pdf()


def document_moment(value) -> dict:
    """One moment as the document writes it: era date, Western date, time (Japan time)."""
    local = timezone.localtime(value, JAPAN) if timezone.is_aware(value) else value
    return {
        "wareki": wareki(local.date()),
        "western": f"{local.year}年{local.month}月{local.day}日",
        "time": f"{local.hour}時{local.minute:02d}分",
    }
