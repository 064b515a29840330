"""`manage.py bootstrap`, the first-run step of `make run`: demo data and an admin."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from catalog.models import LLMModel
from tests.factories import LLMModelFactory

pytestmark = pytest.mark.django_db


def bootstrap(*args: str) -> str:
    out = StringIO()
    call_command("bootstrap", *args, stdout=out)
    return out.getvalue()


def test_first_run_loads_the_demo_and_prints_a_working_password_once():
    first = bootstrap()

    assert LLMModel.objects.filter(slug="gpt-4-1-mini").exists()
    password = re.search(r"password: (\S+)", first).group(1)
    assert authenticate(username="admin", password=password) is not None
    assert "sign in:  http://127.0.0.1:8000/admin/" in first

    models = LLMModel.objects.count()
    second = bootstrap()
    assert "password" not in second
    assert "demo data not loaded" in second
    assert LLMModel.objects.count() == models
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


def test_a_catalog_with_models_is_left_alone():
    LLMModelFactory(slug="own-model")

    bootstrap()

    assert list(LLMModel.objects.values_list("slug", flat=True)) == ["own-model"]


def test_the_sign_in_address_follows_where_the_site_is_served(settings):
    assert "sign in:  http://127.0.0.1:8080/admin/" in bootstrap(
        "--site-url", "http://127.0.0.1:8080/"
    )
    settings.SITE_URL = "https://versus.example.com"
    assert "sign in at https://versus.example.com/admin/" in bootstrap()
