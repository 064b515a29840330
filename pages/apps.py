from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The reader's site: HTML pages, sitemaps and the Atom feed."""

    name = "pages"
    verbose_name = "Reader pages"
