from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Caching and security middleware; an app only so its receivers connect once."""

    name = "core"
    verbose_name = "Caching and security"

    def ready(self) -> None:
        from core import security

        security.connect()
