"""Read the models.dev aggregate (api.json) as a catalog/1 document."""

FACTS_FILENAME = "models.json"


def looks_like_models_dev(document: dict) -> bool:
    return False


def models_dev_convert(*, api, facts):
    raise NotImplementedError
