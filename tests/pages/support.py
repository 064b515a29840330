"""What reader-page tests share: the reference pair's address and ways to read a page."""

import re
from html import unescape

from django.utils.html import strip_tags

PAIR_URL = "/compare/gpt-4-1-mini-vs-grok-4-20/"


def html_of(response) -> str:
    return response.content.decode()


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: no head, scripts or tags."""
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.DOTALL)
    body = re.sub(r'<span class="visually-hidden">.*?</span>', " ", body)
    return re.sub(r"\s+", " ", unescape(strip_tags(body)))


def forbidden_words(html: str) -> list[str]:
    return [pattern.pattern for pattern in FORBIDDEN if pattern.search(html)]


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> whose heading has this id."""
    match = re.search(
        rf'<section aria-labelledby="{heading_id}".*?</section>', html, re.DOTALL
    )
    assert match, f"no section {heading_id}"
    return match.group(0)


def visible_faq(html: str) -> list[tuple[str, str]]:
    faq = section(html, "faq")
    questions = re.findall(r"<dt>(.*?)</dt>", faq, re.DOTALL)
    answers = re.findall(r"<dd>(.*?)</dd>", faq, re.DOTALL)
    return [
        (unescape(strip_tags(q)).strip(), unescape(strip_tags(a)).strip())
        for q, a in zip(questions, answers, strict=True)
    ]


def table_rows(html: str) -> dict[str, list[tuple[str, bool]]]:
    """Each row of the models table: label -> [(cell text, marked best)]."""
    table = re.search(r'<table class="models-table">.*?</table>', html, re.DOTALL)
    assert table, "no models table"
    rows = {}
    for body in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.DOTALL):
        label = re.search(r'<th scope="row">(.*?)</th>', body, re.DOTALL)
        if label is None:
            continue
        cells = re.findall(r'<td class="num( best)?">(.*?)</td>', body, re.DOTALL)
        rows[cell_text(label.group(1))] = [
            (
                cell_text(
                    re.sub(
                        r'<span class="(visually-hidden|best-mark)".*?</span>', "", c
                    )
                ),
                bool(b),
            )
            for b, c in cells
        ]
    return rows


# Words that betray a template or a missing value (comparison-rules.md).
FORBIDDEN = (
    re.compile(r"\bNone\b"),
    re.compile(r"\bnull\b"),
    re.compile(r"\bnan\b", re.IGNORECASE),
    re.compile(r"\binf\b", re.IGNORECASE),
    re.compile(r"\$-"),
    re.compile(r"\{%|%\}|\{\{"),
)


def cell_text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(strip_tags(html))).strip()


def listed_models(html: str) -> list[str]:
    """Model names in the list's table, in order."""
    table = html.split('<caption id="models-caption">', 1)[1]
    return re.findall(r'<th scope="row"><a href="/models/[^"]+/">([^<]+)</a>', table)
