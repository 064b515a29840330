"""How model slugs join into a comparison's address: "<a>-vs-<b>[-vs-<c>...]".

It is why a model slug may not contain "-vs-" (see
`catalog.validators.validate_model_slug`). The catalog, the derivation, pages
and the API all build and read addresses with these functions.
"""

from collections.abc import Iterable

SEPARATOR = "-vs-"


def models_slug(slugs: Iterable[str]) -> str:
    """The canonical address part of several models: their slugs in code-point order."""
    return SEPARATOR.join(sorted(slugs))


def pair_slug(slug_a: str, slug_b: str) -> str:
    """The canonical "<a>-vs-<b>" of two model slugs (code-point order)."""
    return models_slug((slug_a, slug_b))


def models_parse(text: str) -> list[str]:
    """The slugs a "<a>-vs-<b>-vs-..." string names, in its order.

    Model slugs never contain "-vs-", start with "vs-" or end with "-vs", so
    the split is the only reading of the text.
    """
    return text.split(SEPARATOR)
