"""The Jinja2 environment of the reader pages (TEMPLATES in config/settings.py).

The admin keeps Django's template language; every page readers see is a Jinja2
template in templates/. Globals mirror the Django tags the pages used: url() for
{% url %} and static() for {% static %}.
"""

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from jinja2 import ChainableUndefined, Environment

from comparisons.templating import FILTERS


@lru_cache(maxsize=256)
def _reverse_plain(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, urlconf=urlconf)


def url(name: str, *args: Any) -> str:
    """reverse() for templates.

    Every page links the same few argument-free URLs (home, compare, models), so
    those are kept, per script prefix and URLconf, as neither changes what they
    resolve to while a process runs.
    """
    if args:
        return reverse(name, args=args)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse_plain(name, get_script_prefix(), urlconf)


def environment(**options: Any) -> Environment:
    # A missing value reads as empty, as in Django's templates, with DEBUG on too
    # (where Django's default would print it back as template code).
    options["undefined"] = ChainableUndefined
    env = Environment(**options)
    env.globals.update(url=url, static=static)
    env.filters.update(FILTERS)
    return env
