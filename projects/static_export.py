"""The public site as a folder of static files that a city's CMS can host as it is.

``export_public_site(output_dir)`` writes, for each language, the list of adopted projects
(every row on one page), every published project's page, the statistics, the open-data page,
the CSV, the JSON and the Atom feed, plus the static files (CSS, icon) those pages use. Pages
are rendered by the same context builders and templates as the live site
(``public_views.*_context`` with ``static_export=True``) for a request made up with
``RequestFactory``, so the export can never show more than the site does.

Links are rewritten afterwards: a link to an exported page becomes a relative link to its file
(``../statistics/index.html``), so the folder works under any address and even from disk; a
link to a page that is not exported (sign in, register, calls, a filtered list) becomes an
absolute link to ``SITE_URL``.

The export is built in a temporary folder beside ``output_dir`` and then swapped in, so a
visitor never sees half an export and a project taken off the list disappears from it. A
folder that is not empty and was not written by this function is never replaced.

``refresh_public_outputs`` (the Celery task after every public change) regenerates the export
into ``settings.PUBLIC_SITE_EXPORT_DIR`` when that is set, and builds the full list's PDF ahead
of time when the list is too long to render during a request.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone, translation

from . import documents, opendata, opendata_views, public_views
from .feeds import ProjectFeed
from .selectors import public_projects

logger = logging.getLogger(__name__)

#: The file that marks a folder as written by the export (and so safe to replace).
MARKER = ".kyoso-public-export"
#: Attributes whose URL is rewritten in exported HTML.
_LINK = re.compile(
    r"""(?P<attr>\s(?:href|src|action)=)(?P<quote>["'])(?P<url>.*?)(?P=quote)""",
    re.IGNORECASE | re.DOTALL,
)
_CSS_URL = re.compile(r"""url\(\s*(?P<quote>["']?)(?P<url>[^"')]+)(?P=quote)\s*\)""")

LOCK_KEY = "projects:static-export:lock"
AGAIN_KEY = "projects:static-export:again"
LOCK_TIMEOUT = 30 * 60


class ExportError(Exception):
    """The export cannot be written where asked; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def export_dir() -> str:
    return str(getattr(settings, "PUBLIC_SITE_EXPORT_DIR", "") or "")


def file_for(path: str) -> str:
    """The file an exported address is written to: /en/projects/ → en/projects/index.html."""
    name = path.lstrip("/")
    return f"{name}index.html" if not name or name.endswith("/") else name


@dataclass
class _Page:
    path: str
    language: str
    render: Callable[[object], bytes]  # given the request, the file's bytes
    is_html: bool = True


def _request(path: str, language: str):
    """A GET request for ``path`` as an anonymous visitor of ``SITE_URL`` would make it."""
    site = urlsplit(settings.SITE_URL)
    secure = site.scheme == "https"
    request = RequestFactory().get(path, secure=secure)
    # The made-up request belongs to the site at SITE_URL whatever ALLOWED_HOSTS lists for
    # the machine the export runs on (the feed asks for the host).
    request.get_host = lambda: site.netloc
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = language
    request.resolver_match = resolve(path)
    return request


class _Exporter:
    def __init__(self, root: Path, languages):
        self.root = root
        self.languages = [code for code in languages if code in dict(settings.LANGUAGES)]
        self.static_names: set[str] = set()
        self.written: list[str] = []

    # --- what is exported ---------------------------------------------------------------
    def pages(self) -> list[_Page]:
        projects = list(public_projects())
        pages: list[_Page] = []

        def html_page(template, context_builder):
            def render(request):
                context = context_builder(request)
                return render_to_string(template, context, request=request).encode("utf-8")

            return render

        for language in self.languages:
            with translation.override(language):
                pages.append(
                    _Page(
                        reverse("projects:list"),
                        language,
                        html_page(
                            "projects/public/list.html",
                            lambda r: public_views.list_context(r, QueryDict(), static_export=True),
                        ),
                    )
                )
                for project in projects:
                    pages.append(
                        _Page(
                            reverse("projects:detail", kwargs={"pk": project.pk}),
                            language,
                            html_page(
                                "projects/public/detail.html",
                                lambda r, p=project: public_views.detail_context(
                                    r, p, static_export=True
                                ),
                            ),
                        )
                    )
                pages.append(
                    _Page(
                        reverse("projects:statistics"),
                        language,
                        html_page(
                            "projects/public/statistics.html",
                            lambda r: public_views.statistics_context(r, static_export=True),
                        ),
                    )
                )
                pages.append(
                    _Page(
                        reverse("projects:opendata"),
                        language,
                        html_page(
                            "projects/opendata/index.html",
                            lambda r: opendata_views.opendata_context(r, static_export=True),
                        ),
                    )
                )
                pages.append(
                    _Page(
                        reverse("projects:csv"),
                        language,
                        lambda r: opendata.csv_bytes(projects),
                        is_html=False,
                    )
                )
                pages.append(
                    _Page(
                        reverse("projects:json"),
                        language,
                        lambda r: opendata.json_bytes(projects),
                        is_html=False,
                    )
                )
                pages.append(
                    _Page(
                        reverse("projects:feed"),
                        language,
                        lambda r: ProjectFeed().render(r),
                        is_html=False,
                    )
                )
        return pages

    def run(self) -> list[str]:
        pages = self.pages()
        self.files = {page.path: file_for(page.path) for page in pages}
        for page in pages:
            with translation.override(page.language):
                content = page.render(_request(page.path, page.language))
            if page.is_html:
                content = self.rewrite(content.decode("utf-8"), self.files[page.path]).encode()
            self.write(self.files[page.path], content)
        self.write("index.html", self.entry_page().encode("utf-8"))
        self.copy_static()
        return sorted(self.written)

    # --- links --------------------------------------------------------------------------
    def rewrite(self, text: str, current: str) -> str:
        def replace(match):
            url = self.link(html.unescape(match["url"]), current)
            return f"{match['attr']}{match['quote']}{html.escape(url)}{match['quote']}"

        return _LINK.sub(replace, text)

    def link(self, url: str, current: str) -> str:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return url  # another site, mailto:, data:, #fragment or already relative
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        static_url = settings.STATIC_URL
        if static_url.startswith("/") and parts.path.startswith(static_url):
            name = parts.path[len(static_url) :]
            self.static_names.add(name)
            return self.relative(file_for(parts.path), current) + fragment
        if not parts.query and parts.path in self.files:
            return self.relative(self.files[parts.path], current) + fragment
        query = f"?{parts.query}" if parts.query else ""
        return f"{settings.SITE_URL}{parts.path}{query}{fragment}"

    @staticmethod
    def relative(target: str, current: str) -> str:
        return posixpath.relpath(target, posixpath.dirname(current) or ".")

    # --- files --------------------------------------------------------------------------
    def write(self, name: str, content: bytes) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.written.append(name)

    def copy_static(self) -> None:
        done: set[str] = set()
        pending = sorted(self.static_names)
        while pending:
            name = pending.pop()
            if name in done:
                continue
            done.add(name)
            content = _static_file(name)
            if content is None:
                logger.warning("static export: static file %s not found", name)
                continue
            target = file_for(f"{settings.STATIC_URL}{name}")
            self.write(target, content)
            if name.endswith(".css"):  # images and fonts the stylesheet uses
                for match in _CSS_URL.finditer(content.decode("utf-8", "replace")):
                    ref = urlsplit(match["url"])
                    if (
                        not ref.scheme
                        and not ref.netloc
                        and ref.path
                        and not ref.path.startswith("/")
                    ):
                        pending.append(
                            posixpath.normpath(posixpath.join(posixpath.dirname(name), ref.path))
                        )

    def entry_page(self) -> str:
        """index.html at the top: sends visitors to the list in the default language."""
        target = file_for(self.files_path("projects:list", settings.LANGUAGE_CODE))
        links = "".join(
            f'<li><a href="{html.escape(file_for(self.files_path("projects:list", code)))}" '
            f'lang="{code}" hreflang="{code}">{html.escape(str(name))}</a></li>'
            for code, name in settings.LANGUAGES
            if code in self.languages
        )
        title = f"{settings.MUNICIPALITY_NAME} 共創デスク 採択事業一覧"
        return (
            f'<!DOCTYPE html>\n<html lang="{settings.LANGUAGE_CODE}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            f'<meta http-equiv="refresh" content="0; url={html.escape(target)}">\n'
            f"</head>\n<body>\n<main>\n<h1>{html.escape(title)}</h1>\n<ul>{links}</ul>\n"
            f"</main>\n</body>\n</html>\n"
        )

    @staticmethod
    def files_path(name: str, language: str) -> str:
        with translation.override(language):
            return reverse(name)


def _static_file(name: str) -> bytes | None:
    """A static file's bytes: from the app's sources, else from the collected files (hashed
    names of the manifest storage exist only there)."""
    found = finders.find(name)
    if found:
        return Path(found).read_bytes()
    try:
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    except (FileNotFoundError, OSError, ValueError):
        return None


def _check_target(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise ExportError(f"{output} is a file, not a folder.")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise ExportError(
            f"{output} is not empty and was not written by export_public_site: choose an empty "
            "or new folder (an export replaces the whole folder)."
        )


def export_public_site(output_dir, languages=("ja", "en")) -> list[str]:
    """Write the static public site to ``output_dir``; returns the files written (relative).

    Raises ``ExportError`` when ``output_dir`` holds something else.
    """
    output = Path(output_dir).expanduser().resolve()
    _check_target(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        written = _Exporter(staging, languages).run()
        stamp = timezone.localtime().isoformat(timespec="seconds")  # Japan time, like the pages
        (staging / MARKER).write_text(
            f"Written by manage.py export_public_site at {stamp}\n",
            encoding="utf-8",
        )
        staging.chmod(0o755)
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return written


def _swap(staging: Path, output: Path) -> None:
    """Put the new export in place of the old one with two renames (no half-written state)."""
    if output.exists():
        old = output.parent / f".{output.name}.old-{uuid.uuid4().hex}"
        output.rename(old)
        staging.rename(output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(output)


def refresh_export() -> bool:
    """Regenerate the export into ``PUBLIC_SITE_EXPORT_DIR`` (if set), one writer at a time.

    While one export runs, another request to refresh only leaves a note; the running one
    exports again when it finishes, so the last change is always in the folder.
    Returns whether this call wrote an export.
    """
    target = export_dir()
    if not target:
        return False
    wrote = False
    while True:
        if not cache.add(LOCK_KEY, True, timeout=LOCK_TIMEOUT):
            cache.set(AGAIN_KEY, True, timeout=LOCK_TIMEOUT)
            return wrote
        try:
            cache.delete(AGAIN_KEY)
            export_public_site(target)
            wrote = True
        finally:
            cache.delete(LOCK_KEY)
        if not cache.get(AGAIN_KEY):
            return wrote


def refresh_public_outputs() -> dict:
    """After a public change: the static export and the long list's PDF.

    Called by the Celery task (inline when there is no broker, i.e. right after the commit of
    the change): a failure is logged, never passed on to the change that triggered it.
    """
    result = {"export": False, "pdf": None}
    try:
        result["export"] = refresh_export()
    except Exception:
        logger.exception("Could not refresh the static export in %s", export_dir())
    try:
        result["pdf"] = documents.prebuild_full_list_pdf()
    except Exception:
        logger.exception("Could not build the list PDF")
    return result
