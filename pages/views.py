"""Reader pages for comparisons: home, the compare index and picker, the pair page."""

import dataclasses
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.requests import RequestSite
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from catalog.models import LLMModel
from catalog.validators import SLUG_RE
from comparisons import derivation, services
from comparisons.models import Comparison as CuratedComparison
from core.addresses import absolute_url
from core.view_cache import cached_page
from pages import presentation
from pages.cards import card_png
from pages.forms import AddModelForm, ComparePickerForm, CostCalculatorForm
from pages.meta import breadcrumbs_json_ld, page_meta
from pages.pair_sitemaps import PairSitemap, pairs_page_xml
from pages.sitemaps import (
    BenchmarkSitemap,
    ModelSitemap,
    ProviderSitemap,
    StaticSitemap,
    VendorSitemap,
)

PREVIEW_PARAM = "preview"
PREVIEW_PERMISSION = "catalog.change_llmmodel"
RECENT_MODELS = 8

# Classes, not instances: the sitemap views make one per request, so nothing
# computed for one request is served to the next.
SITEMAPS = {
    "static": StaticSitemap,
    "models": ModelSitemap,
    "vendors": VendorSitemap,
    "providers": ProviderSitemap,
    "benchmarks": BenchmarkSitemap,
    "pairs": PairSitemap,
}


def is_preview(request: HttpRequest) -> bool:
    """Someone who may change models asked to see drafts too (the admin links here)."""
    # Staff status alone only opens the admin's door: drafts are for those
    # who may change models (the Editors group, administrators).
    return (
        request.GET.get(PREVIEW_PARAM) == "1"
        and request.user.is_staff
        and request.user.has_perm(PREVIEW_PERMISSION)
    )


def never_cache_preview(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _curated_pairs(*, featured_only: bool) -> list[CuratedComparison]:
    published = LLMModel.objects.published()
    comparisons = CuratedComparison.objects.filter(
        model_a__in=published, model_b__in=published
    ).select_related("model_a__vendor", "model_b__vendor")
    if featured_only:
        comparisons = comparisons.filter(is_featured=True)
    return list(comparisons)


@cached_page
def home(request: HttpRequest) -> HttpResponse:
    recent = (
        LLMModel.objects.published()
        .select_related("vendor")
        .order_by("-updated_at", "slug")[:RECENT_MODELS]
    )
    context = {
        "nav": "home",
        "picker": ComparePickerForm(),
        "featured": _curated_pairs(featured_only=True),
        "recent_models": recent,
        "meta": page_meta(
            request,
            title="Versus: compare large language models side by side",
            description=(
                "Compare two large language models: prices at every provider, "
                "context windows, capabilities and benchmark scores, with sources."
            ),
        ),
    }
    return render(request, "comparisons/home.html", context)


@cached_page
def compare_index(request: HttpRequest) -> HttpResponse:
    title = "Compare language models"
    context = {
        "nav": "compare",
        "picker": ComparePickerForm(),
        "curated": _curated_pairs(featured_only=False),
        "meta": page_meta(
            request,
            title=title,
            description=(
                "Pick any two language models to compare, or start from a comparison "
                "our editors have written up."
            ),
            json_ld_blocks=(
                breadcrumbs_json_ld(
                    request,
                    [("Home", reverse("comparisons:home")), (title, request.path)],
                ),
            ),
        ),
    }
    return render(request, "comparisons/comparison_index.html", context)


def compare_go(request: HttpRequest) -> HttpResponse:
    """The picker's target: the canonical pair page, or the picker with its errors
    and, for a field that named no single model, the closest matches."""
    form = ComparePickerForm(request.GET)
    if form.is_valid():
        pair = services.pair_slug(
            form.cleaned_data["a"].slug, form.cleaned_data["b"].slug
        )
        return HttpResponseRedirect(reverse("comparisons:pair", args=[pair]))
    context = {
        "nav": "compare",
        "picker": form,
        "curated": _curated_pairs(featured_only=False),
        "meta": page_meta(
            request,
            title="Choose two models to compare",
            description="Pick two different language models to compare.",
            path=reverse("comparisons:index"),
            noindex=True,
        ),
    }
    return render(request, "comparisons/comparison_index.html", context)


def _find_pair(
    pair: str, *, include_drafts: bool
) -> tuple[LLMModel | services.ModelRef, LLMModel | services.ModelRef]:
    if not include_drafts:
        # Readers' pairs come from the catalog version's index, with no query.
        found = services.published_pair(pair)
        if found is None:
            raise Http404("We have no comparison of these two models.")
        return found
    candidates = services.pair_parse(pair)
    # Only well-formed slugs reach the database: PostgreSQL refuses text with a
    # NUL byte (/compare/%00-vs-%00/ was a 500), and no such slug can exist.
    slugs = {s for candidate in candidates for s in candidate if SLUG_RE.fullmatch(s)}
    found = {m.slug: m for m in LLMModel.objects.filter(slug__in=slugs)}
    for a, b in candidates:
        if a != b and a in found and b in found:
            return found[a], found[b]
    raise Http404("We have no comparison of these two models.")


@cached_page(long_tail=True, query=tuple(CostCalculatorForm.base_fields))
def pair(request: HttpRequest, pair: str) -> HttpResponse:
    preview = is_preview(request)
    model_a, model_b = _find_pair(pair, include_drafts=preview)
    canonical = services.pair_slug(model_a.slug, model_b.slug)
    if pair != canonical:
        url = reverse("comparisons:pair", args=[canonical])
        if request.GET:
            url += "?" + urlencode(request.GET, doseq=True)
        return HttpResponsePermanentRedirect(url)

    comparison = services.comparison_build(model_a=model_a, model_b=model_b)
    calculator = CostCalculatorForm(request.GET if _asks_for_costs(request) else None)
    page = presentation.pair_page(comparison, calculator=calculator)
    has_drafts = not (model_a.is_published and model_b.is_published)
    context = {
        "nav": "compare",
        "comparison": comparison,
        "page": page,
        "calculator": calculator,
        "is_preview": preview and has_drafts,
        "review_stale_days": settings.VERSUS_REVIEW_STALE_DAYS,
        "meta": page_meta(
            request,
            title=comparison.title,
            description=comparison.description,
            noindex=not comparison.is_indexable or has_drafts,
            og_type="article",
            # Cards are drawn for published pairs only: a draft's preview names none.
            image=None
            if has_drafts
            else (
                reverse("comparisons:pair-card", args=[canonical]),
                presentation.pair_card(comparison)[1],
            ),
            json_ld_blocks=(
                presentation.faq_json_ld(page.faq),
                breadcrumbs_json_ld(
                    request,
                    [
                        ("Home", reverse("comparisons:home")),
                        ("Compare", reverse("comparisons:index")),
                        (comparison.title, request.path),
                    ],
                ),
            ),
        ),
    }
    response = render(request, "comparisons/comparison_detail.html", context)
    return never_cache_preview(response) if preview else response


MODELS_NOT_FOUND_MESSAGE = (
    "We have no comparison of these models: name three or four different "
    "published models."
)


@cached_page
def compare_models(request: HttpRequest, models: str) -> HttpResponse:
    """Three or four models in one table; never indexed (the pair pages are)."""
    refs = services.published_models(models)
    if refs is None:
        raise Http404(MODELS_NOT_FOUND_MESSAGE)
    canonical = derivation.models_slug([ref.slug for ref in refs])
    if models != canonical:
        return HttpResponsePermanentRedirect(
            reverse("comparisons:models", args=[canonical])
        )
    table = services.model_table_build(models=refs)
    context = {
        "nav": "compare",
        "table": table,
        "page": presentation.models_page(table),
        "meta": page_meta(
            request,
            title=table.title,
            description=(
                f"{table.title}: prices, context windows, capabilities and "
                "benchmark scores side by side, the best of each marked."
            ),
            noindex=True,
            json_ld_blocks=(
                breadcrumbs_json_ld(
                    request,
                    [
                        ("Home", reverse("comparisons:home")),
                        ("Compare", reverse("comparisons:index")),
                        (table.title, request.path),
                    ],
                ),
            ),
        ),
    }
    return render(request, "comparisons/comparison_models.html", context)


@cached_page(query=("add",), multi_valued=("m",))
def compare_add(request: HttpRequest) -> HttpResponse:
    """Add a model to a comparison of two or three: a form that works without script.

    The model is typed or chosen as in the picker; a comparison of four has no
    room for a fifth, so its form does not exist (404).
    """
    current = request.GET.getlist("m")
    refs = [services.published_model(slug) for slug in current]
    if not 2 <= len(refs) < derivation.MAX_MODELS or None in refs:
        raise Http404(MODELS_NOT_FOUND_MESSAGE)
    chosen = {ref.slug for ref in refs}
    form = AddModelForm(request.GET if "add" in request.GET else None, current=chosen)
    if form.is_valid():
        slugs = [*chosen, form.cleaned_data["add"].slug]
        return HttpResponseRedirect(
            reverse("comparisons:models", args=[derivation.models_slug(slugs)])
        )
    names = derivation.distinct_names(
        [(ref.slug, ref.name) for ref in sorted(refs, key=lambda ref: ref.slug)]
    )
    title = f"Add a model to {derivation.models_title(names)}"
    context = {
        "nav": "compare",
        "form": form,
        "current": sorted(refs, key=lambda ref: ref.slug),
        "back_url": presentation.models_url(sorted(chosen)),
        "title": title,
        "meta": page_meta(
            request,
            title=title,
            description="Choose one more language model to compare side by side.",
            noindex=True,
        ),
    }
    response = render(request, "comparisons/comparison_add.html", context)
    if form.is_bound:
        # An answer to typed text (errors, "Did you mean"): as many as there are
        # spellings, so no cache keeps them; the empty form is the page to keep.
        response["Cache-Control"] = "no-store"
    return response


def png_response(data: bytes) -> HttpResponse:
    return HttpResponse(data, content_type="image/png")


@cached_page
def pair_card(request: HttpRequest, pair: str) -> HttpResponse:
    """The pair's share card, for link previews; drafts and other orders have none."""
    found = services.published_pair(pair)
    if found is None or pair != services.pair_slug(found[0].slug, found[1].slug):
        raise Http404("We have no comparison of these two models.")
    comparison = services.comparison_build(model_a=found[0], model_b=found[1])
    lines, _ = presentation.pair_card(comparison)
    return png_response(card_png(lines=lines))


def _asks_for_costs(request: HttpRequest) -> bool:
    return any(name in request.GET for name in CostCalculatorForm.base_fields)


@cached_page
def sitemap_index(request: HttpRequest) -> HttpResponse:
    response = sitemap_views.index(
        request, SITEMAPS, sitemap_url_name="comparisons:sitemap-section"
    )
    # Django builds the sections' addresses on the request's host; SITE_URL,
    # when set, is the only origin a sitemap may name.
    response.context_data["sitemaps"] = [
        dataclasses.replace(
            item, location=absolute_url(request, _path_of(item.location))
        )
        for item in response.context_data["sitemaps"]
    ]
    return response


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@cached_page(query=("p",), numbers=("p",))
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    if section == "pairs":
        return _pairs_sitemap(request)
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


def _pairs_sitemap(request: HttpRequest) -> HttpResponse:
    sitemap = PairSitemap()
    paginator = sitemap.paginator
    try:
        number = paginator.validate_number(request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such page of the pairs sitemap.") from None
    # The page's range of pairs, as Paginator.page() would slice it (no orphans).
    start = (number - 1) * paginator.per_page
    stop = min(start + paginator.per_page, paginator.count)
    site = RequestSite(request)
    origin = f"{sitemap.get_protocol(request.scheme)}://{sitemap.get_domain(site)}"
    xml = pairs_page_xml(sitemap.items(), start, stop, origin=origin)
    response = HttpResponse(xml, content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@cached_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "",
        f"Sitemap: {absolute_url(request, reverse('comparisons:sitemap-index'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
