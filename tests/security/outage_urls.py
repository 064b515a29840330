"""Routes for the outage tests: the site's own, plus views that fail on purpose."""

from django.db import OperationalError
from django.urls import path

from config import urls


def database_gone(request):
    raise OperationalError(
        "connection to server at 127.0.0.1 failed: Connection refused"
    )


def bug(request):
    raise ZeroDivisionError("a genuine bug")


urlpatterns = [
    path("outage/", database_gone),
    path("bug/", bug),
    *urls.urlpatterns,
]
handler500 = urls.handler500
