"""One call forgets everything a process keeps between requests."""

from decimal import Decimal

import pytest

from catalog.cache import catalog_version
from comparisons.services import comparison_build
from comparisons.services.related import blend_input_weight, related_index
from core.counters import local_counts
from core.page_cache import local_pages
from tests.factories import LLMModelFactory, OfferingFactory
from vocabulary.process_memos import forget_process_memos


@pytest.mark.django_db
def test_forgetting_process_memos_empties_pages_counts_and_index():
    pair = []
    for slug in ("alpha", "beta"):
        model = LLMModelFactory(slug=slug)
        OfferingFactory(
            model=model, input_price=Decimal("1"), output_price=Decimal("2")
        )
        pair.append(model)
    comparison_build(model_a=pair[0], model_b=pair[1])
    index = related_index(catalog_version(), blend_input_weight())
    local_pages.put("v", "/page/", (b"body", 200, {}))
    local_counts.hit("key", 60)

    forget_process_memos()

    assert len(local_pages) == 0
    assert local_counts.get("key") == 0
    # A new index object: the old one was forgotten, not reused.
    assert related_index(catalog_version(), blend_input_weight()) is not index
