"""What every reader page shares: the SEO metadata dict and structured data."""

import json

import markdown
import nh3
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from core.addresses import absolute_url

SITE_NAME = "Versus"
CARD_SIZE = (1200, 630)

# JSON inside <script> must not be able to close the element or open a
# comment: the same escapes django.utils.html.json_script uses.
_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """Structured data, safe to place inside <script type="application/ld+json">."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_JSON_SCRIPT_ESCAPES))


def breadcrumbs_json_ld(
    request: HttpRequest, crumbs: list[tuple[str, str]]
) -> SafeString:
    """BreadcrumbList for (name, path) pairs, home first."""
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": position,
                    "name": name,
                    "item": absolute_url(request, path),
                }
                for position, (name, path) in enumerate(crumbs, start=1)
            ],
        }
    )


def page_meta(
    request: HttpRequest,
    *,
    title: str,
    description: str,
    path: str | None = None,
    noindex: bool = False,
    og_type: str = "website",
    json_ld_blocks: tuple[SafeString, ...] = (),
    image: tuple[str, str] | None = None,
) -> dict:
    """The <head> metadata base.html renders: canonical link, robots, Open Graph.

    `image` is a share card's (path, alt text); cards are 1200×630 PNGs.
    """
    canonical = absolute_url(request, path if path is not None else request.path)
    og = {
        "og:site_name": SITE_NAME,
        "og:type": og_type,
        "og:title": title,
        "og:description": description,
        "og:url": canonical,
    }
    if image is not None:
        og["og:image"] = absolute_url(request, image[0])
        og["og:image:type"] = "image/png"
        og["og:image:width"] = str(CARD_SIZE[0])
        og["og:image:height"] = str(CARD_SIZE[1])
        og["og:image:alt"] = image[1]
    return {
        "canonical": canonical,
        "robots": "noindex, follow" if noindex else "",
        "og": og,
        "json_ld": json_ld_blocks,
    }


# Markdown editors write (reviews, curated intros and FAQ answers) may hold
# any HTML; nh3 keeps only harmless tags and attributes.
MARKDOWN_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "ul",
}


def markdown_html(text: str) -> SafeString:
    """Editors' Markdown as sanitized HTML."""
    html = markdown.markdown(text or "", output_format="html")
    return mark_safe(
        nh3.clean(
            html,
            tags=MARKDOWN_TAGS,
            attributes={"a": {"href", "title"}, "abbr": {"title"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )
