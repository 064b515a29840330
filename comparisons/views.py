"""Reader pages for comparisons (placeholders until the pair page lands)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.models import LLMModel


def home(request: HttpRequest) -> HttpResponse:
    models = LLMModel.objects.published().select_related("vendor")
    return render(request, "catalog/model_list.html", {"models": models})


def compare_index(request: HttpRequest) -> HttpResponse:
    return home(request)


def pair(request: HttpRequest, pair: str) -> HttpResponse:
    raise Http404("Comparison pages are not built yet.")
