"""Fixtures for the security tests: a small published catalog and an editor."""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse

from tests.factories import (
    BenchmarkFactory,
    LLMModelFactory,
    OfferingFactory,
    ProviderFactory,
    ScoreFactory,
    VendorFactory,
)


@pytest.fixture
def small_catalog():
    vendor = VendorFactory(slug="acme", name="Acme")
    provider = ProviderFactory(slug="cloudy", name="Cloudy")
    benchmark = BenchmarkFactory(slug="quiz", name="Quiz")
    first = LLMModelFactory(slug="alpha", name="Alpha", vendor=vendor)
    second = LLMModelFactory(slug="beta", name="Beta", vendor=vendor)
    for model in (first, second):
        OfferingFactory(model=model, provider=provider)
        ScoreFactory(model=model, benchmark=benchmark)
    return {
        "vendor": vendor,
        "provider": provider,
        "benchmark": benchmark,
        "models": [first, second],
    }


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user(
        "editor", password="correct horse battery staple", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


class TagCollector(HTMLParser):
    """Every start tag of a page, with its attributes, for markup assertions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._script_attrs: dict[str, str | None] | None = None
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script_text: list[str] = []
        self.texts: list[str] = []  # what a reader sees: text outside scripts

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script_attrs = attributes
            self._script_text = []

    def handle_startendtag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data) -> None:
        if self._script_attrs is not None:
            self._script_text.append(data)
        else:
            self.texts.append(data)

    def handle_endtag(self, tag) -> None:
        if tag == "script" and self._script_attrs is not None:
            self.scripts.append((self._script_attrs, "".join(self._script_text)))
            self._script_attrs = None


def parse_html(content: bytes | str) -> TagCollector:
    parser = TagCollector()
    parser.feed(content.decode() if isinstance(content, bytes) else content)
    parser.close()
    return parser


def admin_urls() -> list[str]:
    """Every admin page: index, app indexes and each registered model's views."""
    urls = [
        reverse("admin:index"),
        reverse("admin:password_change"),
        reverse("admin:password_change_done"),
        reverse("admin:jsi18n"),
        reverse("admin:autocomplete"),
    ]
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    urls += [reverse("admin:app_list", args=[label]) for label in app_labels]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        first = model._default_manager.first()
        if first is not None:
            for view in ("change", "delete", "history"):
                urls.append(reverse(f"{prefix}_{view}", args=[first.pk]))
    return urls
