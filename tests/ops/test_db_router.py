"""The optional read-replica router: readers' reads go to the replica, nothing else."""

import pytest
from django.test import RequestFactory

from catalog.models import LLMModel
from core.db_router import REPLICA, ReplicaReadsMiddleware, ReplicaRouter

router = ReplicaRouter()


def database_used_for_a_read(request) -> str:
    seen = {}

    def view(request):
        seen["db"] = router.db_for_read(LLMModel)
        return None

    ReplicaReadsMiddleware(view)(request)
    return seen["db"]


def test_anonymous_page_reads_use_the_replica():
    assert database_used_for_a_read(RequestFactory().get("/models/")) == REPLICA


def test_editors_reads_use_the_primary():
    request = RequestFactory().get("/admin/catalog/llmmodel/")
    request.COOKIES["sessionid"] = "editor"

    assert database_used_for_a_read(request) == "default"


def test_reads_while_handling_a_form_post_use_the_primary():
    assert database_used_for_a_read(RequestFactory().post("/admin/login/")) == "default"


def test_reads_outside_a_request_use_the_primary():
    assert router.db_for_read(LLMModel) == "default"


@pytest.mark.django_db(transaction=False)
def test_reads_inside_a_transaction_use_the_primary():
    # The test runs inside a transaction, like a view under ATOMIC_REQUESTS.
    assert database_used_for_a_read(RequestFactory().get("/models/")) == "default"


def test_writes_and_migrations_stay_on_the_primary():
    assert router.db_for_write(LLMModel) == "default"
    assert router.allow_migrate("default", "catalog")
    assert not router.allow_migrate(REPLICA, "catalog")
