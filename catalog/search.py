"""Search over the catalog: models, vendors, providers and benchmarks, best match first.

One function, search(), on every database. The database finds the candidates
and the ranking is done here, by the same rules everywhere, so PostgreSQL and
SQLite put the same result first:

1. exact: the query is the name, the slug or a provider's model id;
2. prefix: the name or slug starts with the query;
3. words: every word of the query starts a word of the name, slug, vendor or a
   provider's model id ("anthropic sonnet", "4.1 mini");
4. close spelling: trigram similarity, as PostgreSQL's pg_trgm measures it
   ("gtp 4.1 mini" finds GPT-4.1 Mini).

Text is compared normalised (normalise()): NFKC, case folded, punctuation as
spaces. On PostgreSQL the candidates come from full-text search (prefix
tsquery, a GIN index, migration 0008) and from pg_trgm's nearest names (GiST
indexes, migration 0010); elsewhere
every published row is read and ranked here, which is fine for a local
catalog. Either way a search costs the same four queries, one per kind.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, Case, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length
from django.urls import reverse

from catalog.models import Benchmark, LLMModel, Offering, Provider, Vendor

KINDS = ("model", "vendor", "provider", "benchmark")
KIND_LABELS = {
    "model": "Model",
    "vendor": "Vendor",
    "provider": "Provider",
    "benchmark": "Benchmark",
}
# Longer queries are cut: nobody types more, and trigram work grows with length.
MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
# Close spellings below this similarity are noise (pg_trgm's default threshold).
MIN_SIMILARITY = 0.3
# Rows PostgreSQL hands over per kind for ranking, most promising first.
CANDIDATES = 200
# Close spellings: the names (and providers' model ids) nearest to the query.
NEAREST_NAMES = 30
MODELS = '"catalog_llmmodel"'

EXACT, PREFIX, WORDS, CLOSE = 4, 3, 2, 1
# Letters and digits of any script; everything else separates words.
WORD = re.compile(r"[^\W_]+")

# The indexed expressions of migration 0008; PostgreSQL uses an index only for
# the very expression it was built on, so these must stay as written there.
MODEL_DOCUMENT_SQL = (
    "to_tsvector('simple'::regconfig, regexp_replace(lower("
    '"catalog_llmmodel"."name" || \' \' || "catalog_llmmodel"."slug"), '
    "'[^[:alnum:]]+', ' ', 'g'))"
)
NORMALISED_NAME_SQL = (
    "regexp_replace(lower(\"catalog_llmmodel\".\"name\"), '[^[:alnum:]]+', ' ', 'g')"
)
MODEL_ID_DOCUMENT_SQL = (
    "to_tsvector('simple'::regconfig, regexp_replace(lower(\"provider_model_id\"), "
    "'[^[:alnum:]]+', ' ', 'g'))"
)
NAME_DOCUMENT_SQL = (
    "to_tsvector('simple'::regconfig, regexp_replace(lower({table}.\"name\"), "
    "'[^[:alnum:]]+', ' ', 'g'))"
)


@lru_cache(maxsize=65_536)
def normalise(text: str) -> str:
    """Text as search compares it: NFKC, case folded, words joined by one space."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(WORD.findall(folded))


@lru_cache(maxsize=65_536)
def _word_trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigrams of normalised text: each word padded, two spaces before."""
    return frozenset().union(*(_word_trigrams(word) for word in text.split()))


def _overlap(left: frozenset[str], right: frozenset[str]) -> float:
    if not left or not right:
        return 0.0
    shared = len(left & right)
    return shared / (len(left) + len(right) - shared)


def similarity(a: str, b: str) -> float:
    """Shared trigrams over all trigrams, as pg_trgm's similarity() (0 to 1)."""
    return _overlap(trigrams(a), trigrams(b))


def best_similarity(query: str, text: str) -> float:
    """The query's similarity to the text or to its closest run of words."""
    grams = trigrams(query)
    words = [_word_trigrams(word) for word in text.split()]
    best = _overlap(grams, frozenset().union(*words))
    size = len(query.split())
    for width in {max(1, size - 1), size, size + 1}:
        for start in range(max(1, len(words) - width + 1)):
            window = frozenset().union(*words[start : start + width])
            best = max(best, _overlap(grams, window))
    return best


@dataclass(frozen=True)
class SearchResult:
    kind: str
    slug: str
    name: str
    url: str
    detail: str
    tier: int
    score: float

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Candidate:
    """A row as ranking reads it: names and words it may be found by."""

    kind: str
    pk: int
    slug: str
    name: str
    detail: str
    # Exact and prefix matches count against these (name, slug, model ids)...
    handles: tuple[str, ...]
    # ...whole-word matches against these words (handles plus the vendor).
    words: frozenset[str]


def rank(query: str, candidate: Candidate) -> tuple[int, float]:
    """(tier, similarity) of a candidate for a normalised query; tier 0 is no match."""
    handles = [normalise(handle) for handle in candidate.handles]
    score = best_similarity(query, handles[0])
    if query in handles:
        return EXACT, 1.0
    if any(handle.startswith(query) for handle in handles):
        return PREFIX, score
    if all(
        any(word.startswith(part) for word in candidate.words) for part in query.split()
    ):
        return WORDS, score
    score = max(best_similarity(query, handle) for handle in handles)
    return (CLOSE, score) if score >= MIN_SIMILARITY else (0, score)


def _words_of(texts: Iterable[str]) -> frozenset[str]:
    return frozenset(word for text in texts for word in normalise(text).split())


def _candidate(
    kind: str, pk: int, slug: str, name: str, detail: str, extra: Iterable[str] = ()
) -> Candidate:
    extra = tuple(text for text in extra if text)
    handles = (name, slug, *extra)
    return Candidate(
        kind=kind,
        pk=pk,
        slug=slug,
        name=name,
        detail=detail,
        handles=handles,
        words=_words_of((*handles, detail if kind == "model" else "")),
    )


class _PostgreSQL:
    """Candidates from the indexes: full-text prefix matches and the nearest names."""

    def small_table(self, model, kind: str, query: str, words: list[str]):
        table = connection.ops.quote_name(model._meta.db_table)
        rows = (
            model.objects.alias(
                document=_document(NAME_DOCUMENT_SQL.format(table=table))
            )
            .filter(
                Q(document=_tsquery(words, " | "))
                | Q(slug=query.replace(" ", "-"))
                | _nearest(table, table, "id", "name", query, NEAREST_NAMES)
            )
            .values_list("pk", "slug", "name")[:CANDIDATES]
        )
        return [_candidate(kind, pk, slug, name, "") for pk, slug, name in rows]

    def models(self, query: str, words: list[str], vendors: list[Candidate]):
        slug = query.replace(" ", "-")
        found = (
            Q(document=_tsquery(words, " & "))
            | Q(slug=slug)
            | _nearest(MODELS, MODELS, "id", "name", query, NEAREST_NAMES)
            | Q(
                RawSQL(
                    f'{MODELS}."id" = ANY(ARRAY(SELECT "model_id" '
                    f'FROM "catalog_offering" WHERE {MODEL_ID_DOCUMENT_SQL} '
                    "@@ to_tsquery('simple'::regconfig, %s)))",
                    (_tsquery_text(words, " & "),),
                    output_field=BooleanField(),
                )
            )
        )
        # "anthropic sonnet": the vendor's name stands for its models' words.
        for covered, ids in _vendor_cover(words, vendors).items():
            rest = [word for word in words if word not in covered]
            by_vendor = Q(vendor_id__in=ids)
            if rest:
                by_vendor &= Q(document=_tsquery(rest, " & "))
            found |= by_vendor
        rows = (
            LLMModel.objects.published()
            .alias(document=_document(MODEL_DOCUMENT_SQL))
            .filter(found)
            .annotate(
                provider_ids=ArraySubquery(
                    Offering.objects.filter(model=OuterRef("pk"))
                    .exclude(provider_model_id="")
                    .order_by()
                    .values("provider_model_id")
                )
            )
            # Most promising first, so the cut at CANDIDATES keeps the best.
            .order_by(
                Case(When(slug=slug, then=Value(0)), default=Value(1)),
                RawSQL(f"{NORMALISED_NAME_SQL} = %s", (query,)).desc(),
                RawSQL(f"{NORMALISED_NAME_SQL} LIKE %s", (f"{query}%",)).desc(),
                RawSQL('similarity("catalog_llmmodel"."name", %s)', (query,)).desc(),
                Length("name"),
                "pk",
            )
            .values_list("pk", "slug", "name", "vendor__name", "provider_ids")[
                :CANDIDATES
            ]
        )
        return [
            _candidate("model", pk, slug, name, vendor, ids)
            for pk, slug, name, vendor, ids in rows
        ]


def _nearest(
    outer: str, table: str, key: str, column: str, query: str, limit: int
) -> Q:
    """Rows whose `column` is among the `limit` nearest to the query by trigrams.

    The nearest come from a walk of the column's GiST index (migration 0010);
    = ANY(ARRAY(…)) runs that once, so the planner can OR it with the other
    index scans, where IN (SELECT …) would make it read every row.
    """
    return Q(
        RawSQL(
            f'{outer}."id" = ANY(ARRAY(SELECT "{key}" FROM {table} '
            f'ORDER BY "{column}" <-> %s LIMIT {int(limit)}))',
            (query,),
            output_field=BooleanField(),
        )
    )


def _tsquery_text(words: list[str], operator: str) -> str:
    """The words joined by & or |, as prefixes: 'gpt':* & '4' & 'mi':*.

    A one-letter word is a prefix only when last (still being typed): as a
    prefix elsewhere it would match nearly every row. Words hold no quotes.
    """
    last = len(words) - 1
    return operator.join(
        f"'{word}':*" if len(word) > 1 or index == last else f"'{word}'"
        for index, word in enumerate(words)
    )


def _tsquery(words: list[str], operator: str) -> SearchQuery:
    return SearchQuery(
        _tsquery_text(words, operator), search_type="raw", config="simple"
    )


def _document(sql: str) -> RawSQL:
    return RawSQL(sql, [], output_field=SearchVectorField())


def _vendor_cover(
    words: list[str], vendors: list[Candidate]
) -> dict[frozenset[str], list[int]]:
    """Vendors' ids by the query words their name covers (whole, or 3+ letter starts)."""
    cover: dict[frozenset[str], list[int]] = defaultdict(list)
    for vendor in vendors:
        covered = frozenset(
            word
            for word in words
            if any(
                part == word or (len(word) >= 3 and part.startswith(word))
                for part in vendor.words
            )
        )
        if covered:
            cover[covered].append(vendor.pk)
    return cover


class _Fallback:
    """Every published row, ranked in Python: for SQLite and local catalogs."""

    def small_table(self, model, kind: str, query: str, words: list[str]):
        return [
            _candidate(kind, pk, slug, name, "")
            for pk, slug, name in model.objects.values_list("pk", "slug", "name")
        ]

    def models(self, query: str, words: list[str], vendors: list[Candidate]):
        found: dict[int, tuple[str, str, str, list[str]]] = {}
        rows = (
            LLMModel.objects.published()
            .order_by("pk")
            .values_list(
                "pk", "slug", "name", "vendor__name", "offerings__provider_model_id"
            )
        )
        for pk, slug, name, vendor, provider_id in rows:
            entry = found.setdefault(pk, (slug, name, vendor, []))
            if provider_id:
                entry[3].append(provider_id)
        return [
            _candidate("model", pk, slug, name, vendor, ids)
            for pk, (slug, name, vendor, ids) in found.items()
        ]


def _backend():
    return _PostgreSQL() if connection.vendor == "postgresql" else _Fallback()


SMALL_TABLES = (("vendor", Vendor), ("provider", Provider), ("benchmark", Benchmark))
URL_NAMES = {
    "model": "catalog:model-detail",
    "vendor": "catalog:vendor-detail",
    "provider": "catalog:provider-detail",
    "benchmark": "catalog:benchmark-detail",
}


def search(
    query: str, *, limit: int = 20, kinds: Iterable[str] = KINDS
) -> list[SearchResult]:
    """The catalog's best matches for what a reader typed, best first."""
    text = normalise(query[:MAX_QUERY_LENGTH])
    words = text.split()[:MAX_WORDS]
    text = " ".join(words)
    if not text:
        return []
    kinds = set(kinds)
    backend = _backend()
    candidates: list[Candidate] = []
    vendors: list[Candidate] = []
    for kind, model in SMALL_TABLES:
        if kind in kinds or (kind == "vendor" and "model" in kinds):
            found = backend.small_table(model, kind, text, words)
            if kind == "vendor":
                vendors = found
            if kind in kinds:
                candidates += found
    if "model" in kinds:
        candidates += backend.models(text, words, vendors)
    ranked = []
    for candidate in candidates:
        tier, score = rank(text, candidate)
        if tier:
            ranked.append((tier, score, candidate))
    ranked.sort(
        key=lambda item: (
            -item[0],
            -item[1],
            KINDS.index(item[2].kind),
            len(item[2].name),
            item[2].name.casefold(),
            item[2].slug,
        )
    )
    return [
        SearchResult(
            kind=candidate.kind,
            slug=candidate.slug,
            name=candidate.name,
            url=reverse(URL_NAMES[candidate.kind], args=[candidate.slug]),
            detail=candidate.detail,
            tier=tier,
            score=round(score, 3),
        )
        for tier, score, candidate in ranked[:limit]
    ]
