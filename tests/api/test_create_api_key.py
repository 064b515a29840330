from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from api.models import PartnerKey

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue().splitlines()


def test_key_is_the_last_line_and_is_stored_only_hashed():
    lines = run("Acme Mirror", "--rate", "100/minute")
    key = lines[-1]
    stored = PartnerKey.objects.get()
    assert stored.name == "Acme Mirror"
    assert stored.rate == "100/minute"
    assert key not in stored.hashed_key and key not in stored.id
    assert PartnerKey.objects.get_from_key(key) == stored


def test_key_works_against_the_api():
    key = run("Acme Mirror")[-1]
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/vendors/", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert response.status_code == 200


def test_key_without_rate_uses_the_site_default():
    run("Acme Mirror")
    assert PartnerKey.objects.get().rate == ""


@pytest.mark.parametrize("rate", ["lots", "100", "0/minute", "100/week", "-5/hour"])
def test_bad_rate_is_refused_and_no_key_is_created(rate):
    with pytest.raises(CommandError, match="--rate"):
        run("Acme Mirror", "--rate", rate)
    assert not PartnerKey.objects.exists()


def test_empty_or_too_long_name_is_refused():
    with pytest.raises(CommandError, match="name"):
        run("  ")
    with pytest.raises(CommandError, match="name"):
        run("x" * 51)
