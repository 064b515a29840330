"""Send readers' queries to a PostgreSQL read replica, when one is configured.

Off unless DATABASE_REPLICA_URL is set (settings add the "replica" database,
this router and the middleware). Anonymous GET and HEAD requests read from the
replica; everything else, editors' requests (they carry a session) and any
query inside a transaction, uses the primary, so an editor always sees what
they just saved. Writes and migrations always go to the primary.

The replica must apply a commit before the primary reports it (PostgreSQL
``synchronous_commit = remote_apply``); otherwise a page rendered just after
an edit could read the old data and be cached under the new catalog version
(docs/deployment.md, "Scale-out").
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
_use_replica: ContextVar[bool] = ContextVar("use_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if _use_replica.get() and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both databases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"


class ReplicaReadsMiddleware:
    """Let the router use the replica for this request if it is a reader's read."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_read = request.method in ("GET", "HEAD")
        token = _use_replica.set(is_read and self.session_cookie not in request.COOKIES)
        try:
            return self.get_response(request)
        finally:
            _use_replica.reset(token)
