"""What API tests share: list query counts and a catalog grown to a size."""

from tests.factories import LLMModelFactory, OfferingFactory, ScoreFactory

# 1 the key, 1 the page (annotations are subqueries of the same query).
LIST_QUERIES = 2


def grow_catalog(size: int) -> None:
    for _ in range(size):
        model = LLMModelFactory()
        OfferingFactory(model=model)
        OfferingFactory(model=model)
        ScoreFactory(model=model)
