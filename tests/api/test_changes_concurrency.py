"""Writers on two real connections: the feed's cursor follows commit order.

A cursor is the id of the last change read. If a transaction that started
first could take a lower id and commit after one that took a higher id, a
partner reading in between would move past the higher id and never see the
lower one. Each test runs the writers in threads, each with a connection of
its own, and reads the feed from a third while they are open.
"""

import json
import threading
import time
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection, connections, transaction

from catalog.models import Offering
from tests.factories import LLMModelFactory, OfferingFactory, ProviderFactory

FEED = "/api/v1/changes/"
WAIT_SECONDS = 20

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite lets one connection write at a time, so two transactions "
        "cannot interleave; set DATABASE_URL to a PostgreSQL server (CI does)",
    ),
]


def read_all(api, cursor: str, page_size: int = 50) -> tuple[list[tuple], str]:
    """Every change after the cursor, page by page; and the cursor to go on from."""
    seen = []
    params = {"after": cursor, "page_size": page_size}
    while True:
        response = api.get(FEED, params)
        assert response.status_code == HTTPStatus.OK, response.content
        page = response.json()
        seen.extend(
            (result["kind"], result["action"], result["model"], result["provider"])
            for result in page["results"]
        )
        if page["next"] is None:
            return seen, page["cursor"]
        params = {"after": page["cursor"], "page_size": page_size}


def backend_waits_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
        )
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


class Writer(threading.Thread):
    """Runs `write` in a transaction on this thread's own connection."""

    def __init__(self, write, *, hold: threading.Event | None = None) -> None:
        super().__init__(daemon=True)
        self.write = write
        self.hold = hold
        self.wrote = threading.Event()
        self.pid: int | None = None
        self.started_up = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            connections["default"].ensure_connection()
            self.pid = connections["default"].connection.info.backend_pid
            self.started_up.set()
            with transaction.atomic():
                self.write()
                self.wrote.set()
                if self.hold is not None:
                    assert self.hold.wait(WAIT_SECONDS), "never told to commit"
        except BaseException as error:  # reported by the test thread
            self.error = error
        finally:
            self.started_up.set()
            connections.close_all()


def test_two_transactions_that_commit_out_of_order_are_both_delivered_once(api):
    model = LLMModelFactory(slug="model-x")
    first_host = ProviderFactory(slug="first")
    second_host = ProviderFactory(slug="second")
    OfferingFactory(model=model, provider=first_host, input_price=Decimal("1"))
    OfferingFactory(model=model, provider=second_host, input_price=Decimal("2"))
    export = api.get("/api/v1/export/")
    cursor = json.loads(b"".join(export.streaming_content))["cursor"]

    def change_first_price():
        offering = Offering.objects.get(provider__slug="first")
        offering.input_price = Decimal("1.50")
        offering.save()

    def delete_second_offering():
        Offering.objects.get(provider__slug="second").delete()

    # A starts and writes first, and stays open.
    release_a = threading.Event()
    a = Writer(change_first_price, hold=release_a)
    a.start()
    assert a.wrote.wait(WAIT_SECONDS), a.error
    # B starts later and tries to write and commit while A is open. It must
    # wait for A: had it taken its ids now, it would commit first with ids
    # above A's, and the read below would move the cursor past A's.
    b = Writer(delete_second_offering)
    b.start()
    assert b.started_up.wait(WAIT_SECONDS)
    deadline = time.monotonic() + WAIT_SECONDS
    while b.is_alive() and not backend_waits_on_a_lock(b.pid):
        assert time.monotonic() < deadline, "B neither finished nor waited"
        time.sleep(0.02)

    # A partner reads between: whatever it gets, its cursor must not skip.
    between, cursor_between = read_all(api, cursor)

    release_a.set()
    a.join(WAIT_SECONDS)
    b.join(WAIT_SECONDS)
    assert not a.is_alive() and not b.is_alive()
    assert a.error is None and b.error is None, (a.error, b.error)

    after, _ = read_all(api, cursor_between)
    both = [
        ("offering", "upsert", "model-x", "first"),
        ("offering", "delete", "model-x", "second"),
    ]
    # Each change reaches the partner who read in between exactly once…
    assert sorted(between + after) == sorted(both)
    # …and no cursor skips one: read one entry a page, each cursor given out
    # leads on to both. (A's save logs its offering twice, for the price and
    # for the price history it adds: one page answers it once, two pages twice.)
    assert set(read_all(api, cursor, page_size=1)[0]) == set(both)
