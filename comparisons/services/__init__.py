"""Work across the catalog's models for pair pages and the API, as plain functions.

Modules
  facts       a model's facts read from the catalog (and kept per catalog version)
  related_index  the index of the catalog related pairs are chosen from, per version
  related     the pairs "continue comparing" links to
  lookup      the pair an address names ("<a>-vs-<b>")
  comparison  comparison_build: one pair derived from the catalog
  curated     the facts curated text rests on, and the queue of text out of date
  table       model_table_build: three or four models in one table

The names imported here are the package's surface for the rest of the project.
"""

from comparisons.services.comparison import comparison_build
from comparisons.services.curated import (
    curated_changes_list,
    curated_facts_read,
)
from comparisons.services.facts import (
    ModelRef,
    blend_input_weight,
    curated_facts,
    model_facts,
)
from comparisons.services.lookup import (
    PAIR_SEPARATOR,
    pair_parse,
    published_model,
    published_models,
    published_pair,
)
from comparisons.services.related import related_pairs
from comparisons.services.related_index import RelatedIndex, blended_expression
from comparisons.services.table import (
    facts_of,
    from_blended_prices,
    model_table_build,
)
from vocabulary.slugs import pair_slug

__all__ = [
    "PAIR_SEPARATOR",
    "ModelRef",
    "RelatedIndex",
    "blend_input_weight",
    "blended_expression",
    "comparison_build",
    "curated_changes_list",
    "curated_facts_read",
    "curated_facts",
    "facts_of",
    "from_blended_prices",
    "model_facts",
    "model_table_build",
    "pair_parse",
    "pair_slug",
    "published_model",
    "published_models",
    "published_pair",
    "related_pairs",
]
