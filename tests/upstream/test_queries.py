"""Query counts that must not grow with the catalog or the number of changes."""

import copy
from http import HTTPStatus

import pytest
from django.urls import reverse

from catalog.importing import catalog_import
from tests.factories import UpstreamChangeFactory
from tests.upstream.conftest import sample
from upstream.services import pending_changes_section, run_start, sync_execute

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [3, 30])
def test_review_queue_section_is_one_query(admin_user, django_assert_num_queries, rows):
    UpstreamChangeFactory.create_batch(rows)

    with django_assert_num_queries(1):
        section = pending_changes_section(user=admin_user)

    assert section.total == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_changes_list_queries_do_not_grow(
    admin_client, django_assert_num_queries, rows
):
    UpstreamChangeFactory.create_batch(rows)
    url = reverse("admin:upstream_upstreamchange_changelist")

    # Session and user, the list and its count, the filters' choices (vendor,
    # provider, change set) and the unfiltered total: the same for 3 rows or 30.
    with django_assert_num_queries(8):
        response = admin_client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert response.content.count(b'name="_selected_action"') == rows


def _without_half(document: dict) -> dict:
    smaller = copy.deepcopy(document)
    for provider in ("openrouter", "anthropic"):
        del smaller[provider]
    return smaller


@pytest.mark.parametrize("size", ["whole sample", "half of it"])
def test_sync_with_nothing_to_change_reads_a_fixed_number_of_queries(
    django_assert_num_queries, tmp_path, size
):
    import json

    document = sample() if size == "whole sample" else _without_half(sample())
    catalog_import(document=document)
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document))
    first = run_start(source=str(path))
    sync_execute(first)  # links every entry

    run = run_start(source=str(path))
    # The run's own bookkeeping and transaction, then links, models, offerings,
    # tiers, remembered values and open changes, one query each: the same at
    # either size.
    with django_assert_num_queries(14):
        sync_execute(run)
    assert run.change_set is None
