"""With SITE_URL set, every address in an API answer is on it, whatever the Host."""

from rest_framework.test import APIClient

from api.models import PartnerKey
from tests.factories import LLMModelFactory


def test_with_site_url_api_links_use_it(settings, db):
    settings.SITE_URL = "https://versus.example.com"
    LLMModelFactory.create_batch(2)
    _, key = PartnerKey.objects.create_key(name="mirror")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")

    answer = api.get("/api/v1/models/?page_size=1", HTTP_HOST="127.0.0.1:6666").json()

    assert answer["next"].startswith("https://versus.example.com/api/v1/models/?")
    assert answer["results"][0]["url"].startswith("https://versus.example.com/")
    assert "6666" not in str(answer)
