"""Documents: PDFs (``pdf``) and the SVG charts that pages and PDFs share (``charts``)."""

from .pdf import document_moment, render_pdf, url_fetcher

__all__ = ["document_moment", "render_pdf", "url_fetcher"]
