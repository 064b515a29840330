"""What a reader typed into a model field of a picker, as one published model.

The picker's fields are text boxes: the combobox sends a model's slug, a reader
without script sends whatever they typed. Both go through model_resolve():

1. a published model's slug is that model (read from the catalog version's
   index: no query once the index is built);
2. anything else goes to the site's search (catalog/search.py, models only,
   best match first, one query whatever the catalog's size). The best match
   is the answer when no other match is as good: the only exact match (name,
   slug or a provider's model id, compared normalised, so case and punctuation
   do not matter), else the only prefix match, else the only match of every
   word, else the only close spelling at all. A text of fewer than three
   letters and digits must match exactly ("o" is not o3);
3. otherwise the reader chooses among the best few matches ("Did you mean"),
   or is told nothing matches.
"""

from collections.abc import Collection
from dataclasses import dataclass

from catalog.search import EXACT, MAX_QUERY_LENGTH, SearchResult, normalise, search
from catalog.validators import SLUG_RE
from comparisons import services

# Matches offered when what was typed names no single model.
CANDIDATES_SHOWN = 5
MAX_TEXT_LENGTH = MAX_QUERY_LENGTH
# Shorter texts name a model only exactly: a letter or two starts too many names.
MIN_INEXACT_LENGTH = 3


@dataclass(frozen=True)
class PickedModel:
    """A published model a field may name: its slug, its name and its vendor."""

    slug: str
    name: str
    detail: str = ""


@dataclass(frozen=True)
class Resolution:
    """One field's answer: the model it names, or the matches to choose among."""

    model: PickedModel | None
    candidates: tuple[PickedModel, ...] = ()
    # Nothing to offer because every match is among the excluded slugs.
    all_excluded: bool = False


def _picked(result: SearchResult) -> PickedModel:
    return PickedModel(slug=result.slug, name=result.name, detail=result.detail)


def model_resolve(text: str, *, exclude: Collection[str] = ()) -> Resolution:
    """The published model `text` names, or the best matches when it names none.

    `exclude` holds slugs the reader has already chosen: they are never offered
    as candidates, but a text naming one of them still resolves to it, so the
    caller can say it was chosen twice instead of silently taking another.
    """
    text = text.strip()
    if SLUG_RE.fullmatch(text):
        ref = services.published_model(text)
        if ref is not None:
            return Resolution(model=PickedModel(slug=ref.slug, name=ref.name))
    results = search(
        text[:MAX_TEXT_LENGTH],
        limit=CANDIDATES_SHOWN + len(exclude) + 1,
        kinds=("model",),
    )
    if not results:
        return Resolution(model=None)
    best = results[0]
    alone = len(results) == 1 or results[1].tier < best.tier
    long_enough = len(normalise(text).replace(" ", "")) >= MIN_INEXACT_LENGTH
    if alone and (best.tier == EXACT or long_enough):
        return Resolution(model=_picked(best))
    candidates = [_picked(result) for result in results if result.slug not in exclude]
    return Resolution(
        model=None,
        candidates=tuple(candidates[:CANDIDATES_SHOWN]),
        all_excluded=not candidates,
    )
