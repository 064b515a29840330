from django.apps import AppConfig


class UpstreamConfig(AppConfig):
    name = "upstream"
    verbose_name = "Upstream data"

    def ready(self) -> None:
        from catalog.services import review_queue_register
        from upstream.services import pending_changes_section

        # The review queue lives in catalog, which never imports this app: the
        # section is handed to it here instead.
        review_queue_register(pending_changes_section)
