"""The Atom feed of catalog changes readers can follow: prices and new models."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from catalog.services import CatalogChange, catalog_changes_list

FEED_LENGTH = 50
GUID_PREFIX = "tag:versus,2026:"


def _on_site(path: str) -> str:
    """SITE_URL + path when SITE_URL is set; else the path, which Django puts on the request's host."""
    return settings.SITE_URL + path if settings.SITE_URL else path


class CatalogChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Versus: price changes and new models"
    subtitle = (
        "Every price change and every newly published model in the Versus catalog."
    )

    def link(self) -> str:
        return _on_site(reverse("catalog:model-list"))

    def feed_url(self) -> str:
        return _on_site(reverse("catalog:changes-feed"))

    def items(self) -> list[CatalogChange]:
        return catalog_changes_list(limit=FEED_LENGTH)

    def item_title(self, item: CatalogChange) -> str:
        return item.title

    def item_description(self, item: CatalogChange) -> str:
        # Atom writes the description as type="html": escape the plain-text
        # summary (it holds editors' names) so a feed reader shows it as text.
        return escape(item.summary)

    def item_link(self, item: CatalogChange) -> str:
        return _on_site(item.model.get_absolute_url())

    def item_guid(self, item: CatalogChange) -> str:
        # A tag URI: stable whatever host serves the feed.
        return f"{GUID_PREFIX}{item.key}"

    def item_guid_is_permalink(self, item: CatalogChange) -> bool:
        return False

    def item_pubdate(self, item: CatalogChange):
        return item.at

    def item_updateddate(self, item: CatalogChange):
        return item.at
