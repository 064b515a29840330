"""The Jinja2 environment of the reader pages (TEMPLATES in config/settings.py).

The admin keeps Django's template language; every page readers see is a Jinja2
template in templates/. Globals mirror the Django tags the pages used: url() for
{% url %} and static() for {% static %}.
"""

import re
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from jinja2 import ChainableUndefined, Environment
from jinja2.ext import Extension

from pages.templating import FILTERS

# Stands in for a slug when a URL's shape is worked out once (see url()).
PLACEHOLDER = "0versus0placeholder0"
SLUG_ARGUMENT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@lru_cache(maxsize=256)
def _shape(name: str, arity: int, prefix: str, urlconf: str) -> str | None:
    """The URL with PLACEHOLDER for each argument, or None if it has no such shape."""
    try:
        shape = reverse(name, args=[PLACEHOLDER] * arity, urlconf=urlconf)
    except NoReverseMatch:
        return None  # e.g. an <int:…> argument
    return shape if shape.count(PLACEHOLDER) == arity else None


def url(name: str, *args: Any) -> str:
    """reverse() for templates, without the resolver for each link.

    A pair page links a dozen URLs, most of them the same few (home, compare,
    models) and the rest of one shape (/compare/<pair>/). A URLconf does not
    change what a name resolves to while a process runs, so each name's shape is
    worked out once per script prefix and URLconf, and slug arguments (lowercase
    letters, digits, single hyphens: what every converter on the site accepts,
    and nothing reverse() would quote) are put in; anything else goes through
    reverse().
    """
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    shape = _shape(name, len(args), get_script_prefix(), urlconf)
    if shape is None or not all(
        isinstance(arg, str) and SLUG_ARGUMENT.fullmatch(arg) for arg in args
    ):
        return reverse(name, args=args)
    for arg in args:
        shape = shape.replace(PLACEHOLDER, arg, 1)
    return shape


class Dedent(Extension):
    """Drops the indentation at the start of each template line.

    It is there for the people who edit the templates; in HTML a line break is
    as good as the spaces after it, so pages say the same in about two thirds
    of the bytes (less to build, hash, cache and send). No template holds
    <pre>, <textarea> or inline script text, where spaces would count.
    """

    def preprocess(
        self, source: str, name: str | None, filename: str | None = None
    ) -> str:
        return INDENTATION.sub("\n", source)


INDENTATION = re.compile(r"\n[ \t]+")


def environment(**options: Any) -> Environment:
    # A missing value reads as empty, as in Django's templates, with DEBUG on too
    # (where Django's default would print it back as template code).
    options["undefined"] = ChainableUndefined
    options["extensions"] = [*options.get("extensions", ()), Dedent]
    env = Environment(**options)
    env.globals.update(url=url, static=static)
    env.filters.update(FILTERS)
    return env
