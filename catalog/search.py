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
spaces. Vendors, providers and benchmarks (hundreds of rows at most) are read
once per catalog version into this process (Directory) and matched here. Models
come from the database: on PostgreSQL from one query over the indexes, full-text
search (prefix tsquery, GIN indexes, migrations 0008 and 0014) and pg_trgm's
nearest names (a GiST index, migration 0010); elsewhere every published model
is read and ranked here, which is fine for a local catalog. Either way a search
costs one query, and one more for the first search after a catalog edit.
"""

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import CharField, Value
from django.db.models.expressions import RawSQL
from django.urls import reverse

from catalog.cache import catalog_version
from catalog.models import Benchmark, LLMModel, Provider, Vendor
from vocabulary.process_memos import process_memo

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
# Models PostgreSQL hands over for ranking, most promising first.
CANDIDATES = 200
# Close spellings: the models whose names are nearest to the query.
NEAREST_NAMES = 30
MODELS = '"catalog_llmmodel"'

EXACT, PREFIX, WORDS, CLOSE = 4, 3, 2, 1
SMALL_TABLES = (("vendor", Vendor), ("provider", Provider), ("benchmark", Benchmark))
# Vendors' ids by the query words their names cover (Directory.vendor_cover).
VendorCover = Iterable[tuple[frozenset[str], list[int]]]
# Letters and digits of any script; everything else separates words.
WORD = re.compile(r"[^\W_]+")
# The same for ASCII text, which NFKC leaves as it is and casefold() as lower().
ASCII_WORD = re.compile(r"[a-z0-9]+")

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


@lru_cache(maxsize=65_536)
def normalise(text: str) -> str:
    """Text as search compares it: NFKC, case folded, words joined by one space."""
    if text.isascii():
        # Most names, slugs and model ids: a third cheaper, and each search
        # meets dozens it has not seen before in a large catalog.
        return " ".join(ASCII_WORD.findall(text.lower()))
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
    return Measure(query).best_run(text)


class Measure:
    """One query's trigrams, against which texts are measured as bit masks.

    Every trigram met while measuring gets a bit, the query's own first, so a
    run of words is measured by counting bits rather than building sets. The
    bits are this query's alone: what a text costs does not hang on whether an
    earlier search happened to measure it, which in a large catalog it seldom
    did. Words recur across a search's candidates (a name, its slug and its
    providers' model ids share most of them), so each is read once per search.
    """

    def __init__(self, query: str) -> None:
        """For a normalised query."""
        grams = trigrams(query)
        self.total = len(grams)
        self.size = len(query.split())
        self._bits = {gram: 1 << index for index, gram in enumerate(grams)}
        # The query's trigrams hold the lowest bits.
        self._query = (1 << self.total) - 1
        self._words: dict[str, int] = {}
        self._texts: dict[str, tuple[tuple[int, ...], int]] = {}

    def _word(self, word: str) -> int:
        mask = self._words.get(word)
        if mask is None:
            bits = self._bits
            mask = 0
            for gram in _word_trigrams(word):
                bit = bits.get(gram)
                if bit is None:
                    bit = bits[gram] = 1 << len(bits)
                mask |= bit
            self._words[word] = mask
        return mask

    def _layout(self, text: str) -> tuple[tuple[int, ...], int]:
        """The text's words as masks, and the whole text's mask."""
        found = self._texts.get(text)
        if found is None:
            masks = tuple(self._word(word) for word in text.split())
            whole = 0
            for mask in masks:
                whole |= mask
            found = self._texts[text] = (masks, whole)
        return found

    def _overlap(self, mask: int) -> float:
        common = (mask & self._query).bit_count()
        return common / (self.total + mask.bit_count() - common) if mask else 0.0

    def share(self, text: str) -> float:
        """The share of the query's trigrams found in the text: no run of its
        words can be more similar to the query than that."""
        if not self.total:
            return 0.0
        return (self._layout(text)[1] & self._query).bit_count() / self.total

    def best_run(self, text: str) -> float:
        """The query's similarity to the text or to its closest run of words."""
        if not self.total:
            return 0.0
        masks, whole = self._layout(text)
        best = self._overlap(whole)
        size = self.size
        for width in {max(1, size - 1), size, size + 1}:
            if width >= len(masks):
                continue  # the whole text, measured above
            for start in range(len(masks) - width + 1):
                mask = 0
                for word in masks[start : start + width]:
                    mask |= word
                best = max(best, self._overlap(mask))
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
    """A row as ranking reads it: names and words it may be found by, normalised."""

    kind: str
    pk: int
    slug: str
    name: str
    detail: str
    # Exact and prefix matches count against these (name, slug, model ids)...
    handles: tuple[str, ...]
    # ...whole-word matches against these words (handles plus the vendor).
    words: frozenset[str]


def tier_of(query: str, candidate: Candidate) -> int:
    """EXACT, PREFIX or WORDS for a normalised query; CLOSE if none, which only a
    similarity of MIN_SIMILARITY or more confirms (score_of)."""
    handles = candidate.handles
    if query in handles:
        return EXACT
    if any(handle.startswith(query) for handle in handles):
        return PREFIX
    words = candidate.words
    if all(any(word.startswith(part) for word in words) for part in query.split()):
        return WORDS
    return CLOSE


def score_of(measure: Measure, candidate: Candidate, tier: int) -> float:
    """The similarity a candidate of this tier is ordered by within its tier; for
    CLOSE, any value below MIN_SIMILARITY means the candidate is no match."""
    if tier == EXACT:
        return 1.0
    if tier != CLOSE:
        return measure.best_run(candidate.handles[0])
    best = 0.0
    for handle in candidate.handles:
        # No run of words shares more of the query's trigrams than the whole
        # handle, so a handle sharing too few cannot reach the best so far.
        bound = measure.share(handle)
        if bound >= MIN_SIMILARITY and bound > best:
            best = max(best, measure.best_run(handle))
    return best


def _candidate(
    kind: str, pk: int, slug: str, name: str, detail: str, extra: Iterable[str] = ()
) -> Candidate:
    handles = tuple(normalise(text) for text in (name, slug, *extra) if text)
    words = frozenset(
        word
        for text in (*handles, normalise(detail) if kind == "model" else "")
        for word in text.split()
    )
    return Candidate(
        kind=kind,
        pk=pk,
        slug=slug,
        name=name,
        detail=detail,
        handles=handles,
        words=words,
    )


class Directory:
    """Vendors, providers and benchmarks, read once per catalog version: hundreds
    of rows at most, which this process matches faster than a query could.

    A lookup finds every row the ranking can place, as if it ranked them all:
    rows where each word of the query starts a word (exact and prefix matches
    are such rows too), and rows sharing at least MIN_SIMILARITY of the query's
    trigrams, as no close spelling's similarity exceeds that share.
    """

    def __init__(self, rows: Iterable[tuple[str, int, str, str]]) -> None:
        """From (kind, pk, slug, name) rows."""
        read = [_directory_row(*row) for row in rows]
        self.rows = tuple(row for row, _ in read)
        owners: dict[str, set[int]] = defaultdict(set)
        grams: dict[str, list[int]] = defaultdict(list)
        for index, (row, row_grams) in enumerate(read):
            for word in row.words:
                owners[word].add(index)
            for gram in row_grams:
                grams[gram].append(index)
        self._words = sorted(owners)
        self._owners = [frozenset(owners[word]) for word in self._words]
        self._trigrams = dict(grams)

    @classmethod
    def read(cls) -> "Directory":
        """Every vendor, provider and benchmark, in one query."""
        tables = [
            model.objects.order_by()
            .annotate(kind=Value(kind, output_field=CharField()))
            .values_list("kind", "pk", "slug", "name")
            for kind, model in SMALL_TABLES
        ]
        return cls(tables[0].union(*tables[1:], all=True))

    def starting(self, part: str) -> set[int]:
        """Rows with a word that starts with `part`."""
        found: set[int] = set()
        for index in range(bisect_left(self._words, part), len(self._words)):
            if not self._words[index].startswith(part):
                break
            found |= self._owners[index]
        return found

    def matches(self, query: str, kinds: set[str]) -> list[Candidate]:
        """The rows of these kinds the ranking can place for a normalised query."""
        found = set.intersection(*(self.starting(part) for part in query.split()))
        grams = trigrams(query)
        shared: dict[int, int] = defaultdict(int)
        for gram in grams:
            for index in self._trigrams.get(gram, ()):
                shared[index] += 1
        # Similarity is at most shared / len(grams); a hair of slack for floats.
        needed = MIN_SIMILARITY * len(grams) - 1e-9
        found.update(index for index, count in shared.items() if count >= needed)
        return [self.rows[i] for i in sorted(found) if self.rows[i].kind in kinds]

    def vendor_cover(self, words: list[str]) -> dict[frozenset[str], list[int]]:
        """Vendors' ids by the query words their name covers (whole, or 3+ letter
        starts): "anthropic sonnet" finds Anthropic's models."""
        covered: dict[int, set[str]] = defaultdict(set)
        for word in words:
            if len(word) >= 3:
                found = self.starting(word)
            else:
                at = bisect_left(self._words, word)
                whole = at < len(self._words) and self._words[at] == word
                found = self._owners[at] if whole else frozenset()
            for index in found:
                if self.rows[index].kind == "vendor":
                    covered[index].add(word)
        cover: dict[frozenset[str], list[int]] = defaultdict(list)
        for index in sorted(covered):
            cover[frozenset(covered[index])].append(self.rows[index].pk)
        return cover


@lru_cache(maxsize=4096)
def _directory_row(
    kind: str, pk: int, slug: str, name: str
) -> tuple[Candidate, frozenset[str]]:
    """A directory row and its trigrams; most rows are the same after an edit."""
    row = _candidate(kind, pk, slug, name, "")
    return row, frozenset().union(*map(trigrams, row.handles))


_directories: dict[str, Directory] = {}
_directories_lock = Lock()
process_memo(_directories.clear)


def directory() -> Directory:
    """The vendors, providers and benchmarks of the current catalog version."""
    version = catalog_version()
    found = _directories.get(version)
    if found is None:
        found = Directory.read()
        with _directories_lock:
            if len(_directories) >= 4:  # older versions are seldom asked for again
                _directories.clear()
            _directories[version] = found
    return found


class _PostgreSQL:
    """Candidates from the indexes: full-text prefix matches and the nearest names.

    The query is written out here rather than built with the ORM: building it
    took longer than PostgreSQL takes to answer it.
    """

    def models(self, query: str, words: list[str], cover: VendorCover):
        slug = query.replace(" ", "-")
        match_words = f"{MODEL_DOCUMENT_SQL} @@ to_tsquery('simple'::regconfig, %s)"
        found = [
            match_words,
            f'{MODELS}."slug" = %s',
            # The nearest names, from a walk of the GiST index (migration 0010);
            # = ANY(ARRAY(…)) runs it once, so the planner can OR it with the
            # other index scans, where IN (SELECT …) would read every row.
            f'{MODELS}."id" = ANY(ARRAY(SELECT "id" FROM {MODELS} '
            f'ORDER BY "name" <-> %s LIMIT {NEAREST_NAMES}))',
            f'{MODELS}."id" = ANY(ARRAY(SELECT "model_id" FROM "catalog_offering" '
            f"WHERE {MODEL_ID_DOCUMENT_SQL} @@ to_tsquery('simple'::regconfig, %s)))",
        ]
        every_word = _tsquery_text(words, " & ")
        params: list = [every_word, slug, query, every_word]
        # "anthropic sonnet": the vendor's name stands for its models' words.
        for covered, ids in cover:
            rest = [word for word in words if word not in covered]
            found.append(
                f'({MODELS}."vendor_id" = ANY(%s) AND {match_words})'
                if rest
                else f'{MODELS}."vendor_id" = ANY(%s)'
            )
            params += [list(ids), _tsquery_text(rest, " & ")] if rest else [list(ids)]
        published = LLMModel.objects.published().query
        shown, shown_params = published.get_compiler(connection=connection).compile(
            published.where
        )
        sql = (
            f'SELECT {MODELS}."id", {MODELS}."slug", {MODELS}."name", '
            # The vendor's name row by row, for the few rows kept, rather than
            # a join, which hashed every vendor (hundreds in a large catalog).
            '(SELECT "name" FROM "catalog_vendor" '
            f'WHERE "id" = {MODELS}."vendor_id"), '
            'ARRAY(SELECT "provider_model_id" '
            f'FROM "catalog_offering" WHERE "model_id" = {MODELS}."id" '
            "AND \"provider_model_id\" <> '') "
            f"FROM {MODELS} "
            f"WHERE ({shown}) AND ({' OR '.join(found)}) "
            # Most promising first, so the cut at CANDIDATES keeps the best.
            f'ORDER BY {MODELS}."slug" = %s DESC, {NORMALISED_NAME_SQL} = %s DESC, '
            f"{NORMALISED_NAME_SQL} LIKE %s DESC, "
            f'similarity({MODELS}."name", %s) DESC, '
            f'LENGTH({MODELS}."name"), {MODELS}."id" '
            f"LIMIT {CANDIDATES}"
        )
        params = [*shown_params, *params, slug, query, f"{query}%", query]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            _candidate("model", pk, slug, name, vendor, ids)
            for pk, slug, name, vendor, ids in rows
        ]


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
    """The words as a full-text query for the ORM (see _tsquery_text)."""
    return SearchQuery(
        _tsquery_text(words, operator), search_type="raw", config="simple"
    )


def _document(sql: str) -> RawSQL:
    """An indexed document expression for the ORM, e.g. MODEL_DOCUMENT_SQL."""
    return RawSQL(sql, [], output_field=SearchVectorField())


class _Fallback:
    """Every published row, ranked in Python: for SQLite and local catalogs."""

    def models(self, query: str, words: list[str], cover: VendorCover):
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
    rows = directory()
    candidates = rows.matches(text, kinds)
    if "model" in kinds:
        cover = rows.vendor_cover(words).items()
        candidates += _backend().models(text, words, cover)
    addresses = _Addresses()
    return [
        SearchResult(
            kind=candidate.kind,
            slug=candidate.slug,
            name=candidate.name,
            url=addresses.of(candidate),
            detail=candidate.detail,
            tier=tier,
            score=round(score, 3),
        )
        for tier, score, candidate in best_first(text, candidates, limit)
    ]


def best_first(
    query: str, candidates: list[Candidate], limit: int
) -> list[tuple[int, float, Candidate]]:
    """The first `limit` candidates that match a normalised query, with their
    tier and similarity, in the order search() gives them."""
    # Tiers first: a tier below the first `limit` candidates needs no similarity.
    tiers = [(tier_of(query, candidate), candidate) for candidate in candidates]
    lowest = CLOSE
    for tier in (EXACT, PREFIX, WORDS):
        if sum(1 for found, _ in tiers if found >= tier) >= limit:
            lowest = tier
            break
    measure = Measure(query)
    ranked = []
    for tier, candidate in tiers:
        if tier >= lowest:
            score = score_of(measure, candidate, tier)
            if tier != CLOSE or score >= MIN_SIMILARITY:
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
    return ranked[:limit]


class _Addresses:
    """Results' page addresses, one reverse() per kind rather than per result."""

    PLACEHOLDER = "slug-placeholder"

    def __init__(self) -> None:
        self._patterns: dict[str, tuple[str, str]] = {}

    def of(self, candidate: Candidate) -> str:
        pattern = self._patterns.get(candidate.kind)
        if pattern is None:
            address = reverse(URL_NAMES[candidate.kind], args=[self.PLACEHOLDER])
            head, _, tail = address.rpartition(self.PLACEHOLDER)
            pattern = self._patterns[candidate.kind] = (head, tail)
        # Slugs are letters, digits and hyphens, which reverse() leaves as they are.
        return f"{pattern[0]}{candidate.slug}{pattern[1]}"
