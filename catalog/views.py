"""Reader pages for the catalog (placeholders until the reader's site lands)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from catalog.models import Benchmark, LLMModel, Provider, Vendor


def model_list(request: HttpRequest) -> HttpResponse:
    models = LLMModel.objects.published().select_related("vendor")
    return render(request, "catalog/model_list.html", {"models": models})


def model_detail(request: HttpRequest, slug: str) -> HttpResponse:
    model = get_object_or_404(LLMModel.objects.published().select_related("vendor"), slug=slug)
    return render(request, "catalog/model_detail.html", {"model": model})


def vendor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    vendor = get_object_or_404(Vendor, slug=slug)
    return render(request, "catalog/vendor_detail.html", {"vendor": vendor})


def provider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    provider = get_object_or_404(Provider, slug=slug)
    return render(request, "catalog/provider_detail.html", {"provider": provider})


def benchmark_detail(request: HttpRequest, slug: str) -> HttpResponse:
    benchmark = get_object_or_404(Benchmark, slug=slug)
    return render(request, "catalog/benchmark_detail.html", {"benchmark": benchmark})
