"""The Atom feed of published projects (Django's syndication framework).

Entries hold only the public text: the approved title and summary, in the feed's language
(``/projects/feed.atom`` Japanese, ``/en/projects/feed.atom`` English where a translation
exists). Links are absolute on ``SITE_URL``, so a copy of the feed in the static export points
at the live site. ``updated`` is the project's last change. Cached like the public pages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import opendata
from .public_cache import cached
from .selectors import public_projects

#: The newest this many published projects are in the feed.
FEED_ITEMS = 50


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _municipality() -> str:
    english = (get_language() or "ja").startswith("en")
    return settings.MUNICIPALITY_NAME_EN if english else settings.MUNICIPALITY_NAME


class ProjectFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        view = super().__call__
        return cached(view)(request, *args, **kwargs)

    def render(self, request) -> bytes:
        """The feed's bytes, uncached (for the static export)."""
        return super().__call__(request).content

    def title(self) -> str:
        return _("%(municipality)s Kyoso Desk: adopted projects") % {
            "municipality": _municipality()
        }

    def subtitle(self) -> str:
        return _(
            "Projects the city's public-private partnership desk has adopted and "
            "published, newest first."
        )

    def link(self) -> str:
        return _absolute(reverse("projects:list"))

    def feed_url(self) -> str:
        return _absolute(reverse("projects:feed"))

    def author_name(self) -> str:
        return f"{_municipality()} {_('Kyoso Desk')}"

    def feed_copyright(self) -> str:
        return f"{opendata.LICENSE_NAME} {opendata.LICENSE_URL} {opendata.attribution()}"

    def items(self):
        return public_projects().order_by("-published_at", "-pk")[:FEED_ITEMS]

    def item_title(self, item) -> str:
        return item.display_title

    def item_description(self, item) -> str:
        # Atom's summary is typed "html": escape it, so the text is shown as written.
        return escape(item.display_summary)

    def item_link(self, item) -> str:
        return _absolute(reverse("projects:detail", kwargs={"pk": item.pk}))

    def item_guid(self, item) -> str:
        return self.item_link(item)

    # In Japan time (+09:00), so the dates written in the feed are the days the site shows.
    def item_pubdate(self, item):
        return timezone.localtime(item.published_at)

    def item_updateddate(self, item):
        return timezone.localtime(item.updated_at)

    def item_categories(self, item):
        return [field.localized_name for field in item.fields.all()]
