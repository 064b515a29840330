from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The partner API: key authentication, rates, pages, errors, and its endpoints."""

    name = "api"
    verbose_name = "Partner API"
