"""Stand-in reader pages for the page-cache tests, so they don't depend on the real ones."""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path

from catalog.models import LLMModel
from core.view_cache import page_view_register


def _names() -> str:
    return ", ".join(LLMModel.objects.order_by("slug").values_list("name", flat=True))


def model_names(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<p>{_names()}</p>")


def form_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<form><input value='{get_token(request)}'></form>{_names()}")


def uncached(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"<p>{_names()}</p>")


def _marked(view):
    """Register a view as cached_page does: these pages read no query."""

    def marked(request: HttpRequest) -> HttpResponse:
        request.canonical_full_path = request.path
        return view(request)

    return page_view_register(marked)


model_names = _marked(model_names)
form_page = _marked(form_page)

urlpatterns = [
    path("names/", model_names),
    path("form/", form_page),
    path("uncached/", uncached),
]
