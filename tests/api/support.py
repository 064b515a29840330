"""What API tests share: list query counts, a catalog grown to a size, a pair as data."""

import json

from django.test import RequestFactory

from api.comparisons.serializers import PairSerializer
from tests.factories import LLMModelFactory, OfferingFactory, ScoreFactory

# 1 the key, 1 the page (annotations are subqueries of the same query).
LIST_QUERIES = 2


def grow_catalog(size: int) -> None:
    for _ in range(size):
        model = LLMModelFactory()
        OfferingFactory(model=model)
        OfferingFactory(model=model)
        ScoreFactory(model=model)


def pair_answer(comparison) -> dict:
    """A derived Comparison as the API answers it, as JSON, without its links."""
    request = RequestFactory().get("/")
    data = json.loads(
        json.dumps(PairSerializer(comparison, context={"request": request}).data)
    )
    for key in ("url", "api_url"):
        data.pop(key)
        for item in (*data["models"], *data["related"]):
            item.pop(key)
    return data
