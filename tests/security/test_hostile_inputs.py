"""Whatever an editor types is shown as text, never run.

Hostile inputs are stored through the importer (a catalog/1 document) and the
admin (as an editor), then every page, the sitemap, the Atom feed, the API and
the admin are fetched and parsed: no injected script, event handler or
javascript: link may appear, JSON-LD must still parse, and the text must come
back as text. Inputs that must not be stored at all (unsafe URL schemes,
look-alike slugs, NUL bytes, oversized names) are refused with a message.
"""

import importlib.util
import json
import re
import xml.etree.ElementTree as ET
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from api.models import PartnerKey
from catalog.models import LLMModel, Review, Vendor
from catalog.validators import without_invisible
from comparisons.models import Comparison
from tests.security.conftest import parse_html

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# Each is stored as names, descriptions (Markdown), reviews, FAQ answers and
# curated text. "alert(" marks the code that must never become executable.
HOSTILE_TEXT = (
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    '"><script>alert(3)</script>',
    "'><img src=x onerror=alert(4)>",
    "<img src=x onerror=alert(5)//",
    "<svg onload=alert(6)>",
    "<svg><script>alert(7)</script></svg>",
    '<svg><a xlink:href="javascript:alert(8)"><text>x</text></a></svg>',
    "<iframe src=javascript:alert(9)></iframe>",
    '<a href="javascript:alert(10)">click</a>',
    '<a href="jav&#x09;ascript:alert(11)">click</a>',
    "[click](javascript:alert(12))",
    "[click](JaVaScRiPt:alert(13))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxNCk8L3NjcmlwdD4=)",
    "![img](javascript:alert(15))",
    "<javascript:alert(16)>",
    '<div style="background:url(javascript:alert(17))">css</div>',
    '<p style="width:expression(alert(18))">ie</p>',
    "<style>body{background:url('javascript:alert(19)')}</style>",
    '<object data="javascript:alert(20)"></object><embed src="javascript:alert(20)">',
    '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=javascript:alert(21)">',
    '<form action="https://evil.example/"><button formaction="javascript:alert(22)">go</button></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(23)>",
    "<!--<script>alert(24)</script>-->",
    '<details open ontoggle="alert(25)">',
    "{{ settings.SECRET_KEY }} {% debug %} {{ 7|add:7 }} alert(26)",
    "Price \u202egnp.exe\u202c and zero\u200bwidth\u200d text alert(27)",
    "\u2028\u2029 line separators </script> alert(28)",
    "&lt;script&gt;alert(29)&lt;/script&gt; &amp; entities",
    '<a href="https://ok.example/" onclick="alert(30)">ok</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMzEpPg==">',
    "A" * 20_000 + " alert(32)",
)
# Inputs that must be refused outright, with the field they were refused in.
UNSAFE_URLS = (
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example.com/prices.txt",
)
LOOKALIKE_SLUGS = (
    "gpt-4-\u0430",  # Cyrillic a
    "gpt\u200b-4",  # zero-width space
    "gpt-4\u202e",  # right-to-left override
    "GPT-4",
    "gpt 4",
    "gpt-4\x00",
)
EXECUTABLE = re.compile(r"alert\(")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


def short(text: str) -> str:
    return text[:120]


def build_document() -> dict:
    """A catalog/1 document with a hostile text in every free-text field."""
    # Names refuse invisible characters (tests/catalog/test_visible_names.py).
    names = [without_invisible(text[:200]) for text in HOSTILE_TEXT]
    models = []
    for index, text in enumerate(HOSTILE_TEXT):
        models.append(
            {
                "slug": f"hostile-{index}",
                "name": names[index],
                "vendor": "hostile-vendor",
                "description": text,
                "architecture": names[index],
                "license": names[index],
                "context_window": 100_000 + index,
                "offerings": [
                    {
                        "provider": "hostile-provider",
                        "provider_model_id": names[index],
                        "input_price": "1.00",
                        "output_price": "2.00",
                        "url": "https://provider.example/m?q=%3Cscript%3Ealert(1)%3C/script%3E",
                        "source_url": "https://provider.example/pricing",
                        "checked_on": "2026-11-01",
                    }
                ],
                "scores": [{"benchmark": "hostile-bench", "value": index}],
                "reviews": [
                    {
                        "reviewed_on": "2026-11-01",
                        "reviewer": names[index],
                        "summary": text[:300],
                        "body": text,
                        "sources": ["https://review.example/?x=%22%3E%3Cscript%3E"],
                    }
                ],
            }
        )
    comparisons = [
        {
            "models": [f"hostile-{index}", f"hostile-{index + 1}"],
            "featured": index < 4,
            "intro": text,
            "verdict": text,
            "faq": [{"question": text[:300], "answer": text}],
        }
        for index, text in enumerate(HOSTILE_TEXT[:-1])
        if index % 2 == 0
    ]
    return {
        "format": "catalog/1",
        "vendors": [
            {
                "slug": "hostile-vendor",
                "name": HOSTILE_TEXT[0],
                "website": "https://vendor.example/?a=<b>",
                "description": HOSTILE_TEXT[11],
            }
        ],
        "providers": [
            {
                "slug": "hostile-provider",
                "name": HOSTILE_TEXT[3],
                "website": "https://provider.example/",
                "description": HOSTILE_TEXT[5],
            }
        ],
        "benchmarks": [
            {
                "slug": "hostile-bench",
                "name": HOSTILE_TEXT[1],
                "unit": "<b>%</b>",
                "url": "https://bench.example/",
                "description": HOSTILE_TEXT[12],
            }
        ],
        "models": models,
        "comparisons": comparisons,
    }


def import_document(tmp_path, document: dict) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(document))
    call_command("import_catalog", str(path), verbosity=0)


@pytest.fixture
def hostile_catalog(tmp_path):
    import_document(tmp_path, build_document())


# --- What a page must never contain -------------------------------------------------


def assert_nothing_executable(content: bytes, where: str) -> None:
    page = parse_html(content)
    for tag, attrs in page.tags:
        assert tag not in DANGEROUS_TAGS, f"{where}: injected <{tag}>"
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"{where}: <{tag} {handlers[0]}=…> reached the page"
        if tag == "meta":
            assert (
                "http-equiv" not in attrs or attrs["http-equiv"].lower() != "refresh"
            ), where
        for name, value in attrs.items():
            cleaned = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in {
                "href",
                "src",
                "action",
                "formaction",
                "data",
                "xlink:href",
                "srcdoc",
            }:
                assert not cleaned.startswith(DANGEROUS_SCHEMES), (
                    f"{where}: <{tag} {name}={short(value)!r}>"
                )
        if tag == "form":
            action = attrs.get("action") or ""
            assert not urlsplit(action).netloc, f"{where}: form posts to {action}"
    for attrs, text in page.scripts:
        kind = (attrs.get("type") or "").lower()
        if kind in DATA_SCRIPT_TYPES:
            data = json.loads(text)  # must still parse: nothing broke out of it
            assert data is not None
            continue
        assert not EXECUTABLE.search(text), f"{where}: injected script {short(text)!r}"
        if attrs.get("src"):
            source = urlsplit(attrs["src"])
            assert not source.scheme and not source.netloc, (
                f"{where}: script {attrs['src']}"
            )
    text = content.decode(errors="replace")
    assert settings.SECRET_KEY not in text, f"{where}: template syntax was evaluated"


def json_ld_blocks(content: bytes) -> list:
    page = parse_html(content)
    return [
        json.loads(text)
        for attrs, text in page.scripts
        if (attrs.get("type") or "").lower() == "application/ld+json"
    ]


def strings_in(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in strings_in(value)]
    if isinstance(data, list):
        return [s for value in data for s in strings_in(value)]
    return []


def public_pages() -> list[str]:
    pages = ["/", "/models/", "/compare/", "/sitemap.xml"]
    pages += [
        model.get_absolute_url()
        for model in LLMModel.objects.filter(slug__startswith="hostile-")
    ]
    pages += [comparison.get_absolute_url() for comparison in Comparison.objects.all()]
    pages += [Vendor.objects.get(slug="hostile-vendor").get_absolute_url()]
    pages += ["/providers/hostile-provider/", "/benchmarks/hostile-bench/"]
    return pages


# --- Stored through the importer ------------------------------------------------------


def test_hostile_text_imported_is_shown_as_text_on_every_page(client, hostile_catalog):
    assert len(HOSTILE_TEXT) >= 30
    pages = public_pages()

    for url in pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        if response["Content-Type"].startswith("text/html"):
            assert_nothing_executable(response.content, url)


def test_hostile_names_come_back_as_text_not_markup(client, hostile_catalog):
    for index in (0, 1, 3, 5, 25):
        model = LLMModel.objects.get(slug=f"hostile-{index}")
        response = client.get(model.get_absolute_url())

        visible = "".join(parse_html(response.content).texts)
        assert model.name in visible, f"hostile-{index}: the name is not shown as text"


def test_json_ld_holds_hostile_text_as_data(client, hostile_catalog):
    comparison = Comparison.objects.get(model_a__slug="hostile-0")
    response = client.get(comparison.get_absolute_url())

    blocks = json_ld_blocks(response.content)
    assert blocks, "the pair page carries JSON-LD"
    found = " ".join(s for block in blocks for s in strings_in(block))
    assert "</script><script>alert(2)</script>" in found or HOSTILE_TEXT[0] in found


def test_sitemap_and_feed_stay_well_formed_xml(client, hostile_catalog):
    for url in ("/sitemap.xml", reverse("catalog:changes-feed")):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        root = ET.fromstring(response.content)  # raises if hostile text broke the XML
        for element in root.iter():
            if element.get("type") == "html" and element.text:
                assert_nothing_executable(
                    element.text.encode(), f"{url} <{element.tag}>"
                )


def test_api_returns_hostile_text_as_json_data(client, hostile_catalog):
    _, key = PartnerKey.objects.create_key(name="hostile test")
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}

    for index in (0, 1, 3, 25, 26):
        model = LLMModel.objects.get(slug=f"hostile-{index}")
        response = client.get(f"/api/v1/models/{model.slug}/", **auth)

        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
        data = json.loads(response.content)
        assert data["name"] == model.name
        for name, value in data.items():
            if name.endswith("_html") and isinstance(value, str):
                assert_nothing_executable(value.encode(), f"API {model.slug} {name}")


def test_admin_shows_hostile_text_escaped(admin_client, hostile_catalog):
    model = LLMModel.objects.get(slug="hostile-0")
    review = Review.objects.filter(model=model).first()
    urls = [
        reverse("admin:catalog_llmmodel_changelist"),
        reverse("admin:catalog_llmmodel_change", args=[model.pk]),
        reverse("admin:catalog_review_changelist"),
        reverse("admin:catalog_review_change", args=[review.pk]),
        reverse("admin:comparisons_comparison_changelist"),
        reverse("admin:catalog_vendor_changelist"),
        reverse("admin:catalog_llmmodel_history", args=[model.pk]),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert_nothing_executable(response.content, url)


# --- Stored through the admin ------------------------------------------------------


def load_form_reader():
    spec = importlib.util.spec_from_file_location("soak", ROOT / "bench" / "soak.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.form_fields


def resubmit(client, url: str, changes: dict[str, str]):
    """Post an admin change form back as a browser would, with some fields changed."""
    form_fields = load_form_reader()
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK, url
    data: dict[str, list[str]] = {}
    for name, value in form_fields(page.content):
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = [value]
    data["_save"] = ["Save"]
    return client.post(url, data)


@pytest.mark.parametrize(
    "text", HOSTILE_TEXT[:-1], ids=[f"input-{n}" for n in range(len(HOSTILE_TEXT) - 1)]
)
def test_hostile_text_saved_in_the_admin_is_harmless_everywhere(
    client, editor, text, small_catalog
):
    client.force_login(editor)
    model = small_catalog["models"][0]
    vendor = small_catalog["vendor"]

    saved = resubmit(
        client,
        reverse("admin:catalog_vendor_change", args=[vendor.pk]),
        {"name": without_invisible(text[:200]), "description": text},
    )
    assert saved.status_code == HTTPStatus.FOUND, saved.content[:2000]
    saved = resubmit(
        client,
        reverse("admin:catalog_llmmodel_change", args=[model.pk]),
        {"name": without_invisible(text[:200]), "description": text},
    )
    assert saved.status_code == HTTPStatus.FOUND, saved.content[:2000]

    model.refresh_from_db()
    # Forms trim surrounding whitespace.
    assert model.name == without_invisible(text[:200]).strip()
    client.logout()
    for url in (
        "/",
        "/models/",
        model.get_absolute_url(),
        vendor.get_absolute_url(),
        f"/compare/{'-vs-'.join(sorted(m.slug for m in small_catalog['models']))}/",
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert_nothing_executable(response.content, url)


# --- Refused outright ------------------------------------------------------------------


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_url_schemes_are_refused_by_the_importer(tmp_path, url):
    document = build_document()
    document["vendors"][0]["website"] = url
    document["models"][0]["reviews"][0]["sources"] = [url]

    with pytest.raises(CommandError) as refused:
        import_document(tmp_path, document)

    assert "vendors[0].website" in str(refused.value)
    assert not Vendor.objects.filter(slug="hostile-vendor").exists()


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_url_schemes_are_refused_by_the_admin(
    client, editor, small_catalog, url
):
    client.force_login(editor)
    vendor = small_catalog["vendor"]

    response = resubmit(
        client,
        reverse("admin:catalog_vendor_change", args=[vendor.pk]),
        {"website": url},
    )

    assert response.status_code == HTTPStatus.OK
    assert b"errorlist" in response.content
    vendor.refresh_from_db()
    assert vendor.website != url.strip()


@pytest.mark.parametrize("slug", LOOKALIKE_SLUGS)
def test_lookalike_and_invisible_slugs_are_refused_by_the_importer(tmp_path, slug):
    document = build_document()
    document["models"][0]["slug"] = slug

    with pytest.raises(CommandError) as refused:
        import_document(tmp_path, document)

    assert "models[0].slug" in str(refused.value)


@pytest.mark.parametrize("slug", LOOKALIKE_SLUGS)
def test_lookalike_and_invisible_slugs_are_refused_by_the_admin(
    client, editor, small_catalog, slug
):
    client.force_login(editor)
    vendor = small_catalog["vendor"]

    response = resubmit(
        client, reverse("admin:catalog_vendor_change", args=[vendor.pk]), {"slug": slug}
    )

    assert response.status_code == HTTPStatus.OK
    assert b"errorlist" in response.content
    vendor.refresh_from_db()
    assert vendor.slug == "acme"


@pytest.mark.parametrize(
    ("field", "value", "place"),
    [
        ("name", "Null\x00byte", "models[0].name"),
        ("description", "Null\x00byte", "models[0].description"),
        ("name", "N" * 10_000, "models[0].name"),
    ],
)
def test_nul_bytes_and_oversized_names_are_refused_by_the_importer(
    tmp_path, field, value, place
):
    document = build_document()
    document["models"][0][field] = value

    with pytest.raises(CommandError) as refused:
        import_document(tmp_path, document)

    assert place in str(refused.value)
    assert not LLMModel.objects.exists()


@pytest.mark.parametrize("value", ["Null\x00byte", "N" * 10_000])
def test_nul_bytes_and_oversized_names_are_refused_by_the_admin(
    client, editor, small_catalog, value
):
    client.force_login(editor)
    model = small_catalog["models"][0]

    response = resubmit(
        client,
        reverse("admin:catalog_llmmodel_change", args=[model.pk]),
        {"name": value},
    )

    assert response.status_code == HTTPStatus.OK
    assert b"errorlist" in response.content
    model.refresh_from_db()
    assert model.name == "Alpha"
