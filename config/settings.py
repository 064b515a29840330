"""Versus settings: one module, every environment-specific value from the environment.

With no variable set, Versus runs on an embedded SQLite file and a local-memory
cache, so a newcomer needs nothing installed. Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and HTTPS (see .env.example).
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from vocabulary.release import code_release

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable; anything unrecognised is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def _local_secret_key() -> str:
    """A random key kept in var/ so local sessions survive restarts.

    Production must set SECRET_KEY: several servers need the same key.
    """
    path = VAR_DIR / "secret-key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


# --- Core ----------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
# Earlier keys still accepted for sessions and signatures while a new SECRET_KEY
# rolls out (comma-separated); see docs/security.md, "Rotate keys".
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
# The public origin used in every absolute address (canonical links, sitemaps,
# robots.txt, the feed, the API), e.g. https://versus.example.com. Empty means
# "the host of the request", for development only: the Host header is the
# client's to choose (any port on an allowed host passes), so pages are then
# cached per host. Required when HTTPS is on, i.e. in production.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
SITE_URL_MESSAGE = (
    "SITE_URL must be the site's public origin, e.g. https://versus.example.com "
    "(a scheme and a host, no path), not {value!r}."
)
if SITE_URL:
    _site = urlsplit(SITE_URL)
    if _site.scheme not in {"http", "https"} or not _site.netloc or _site.path:
        raise ImproperlyConfigured(SITE_URL_MESSAGE.format(value=SITE_URL))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Trigram and full-text lookups for search (catalog/search.py); harmless on SQLite.
    "django.contrib.postgres",
    "rest_framework",
    "simple_history",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "core",
    "catalog",
    "comparisons",
    "upstream",
    "pages",
    "api",
]

MIDDLEWARE = [
    # Outermost, so pages from the page cache get these headers too.
    "core.security.SecurityHeadersMiddleware",
    # What a shared cache in front may keep: outside the page cache, so its
    # answers (200s and 304s) are checked too (core/shared_cache.py).
    "core.shared_cache.SharedCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages from this process's memory, keyed on the catalog version, before
    # the session and auth work a cached page doesn't need.
    "core.page_cache.PageCacheMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.security.LoginRateLimitMiddleware",
    "core.security.DatabaseUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    # Reader pages: Jinja2 (config/jinja2.py). A pair page renders several hundred
    # values, and compiled Jinja2 does that several times faster.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
        },
    },
    # The admin, DRF and the API docs: Django's template language, from the apps.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/databases/
# Persistent connections with health checks: a restarted PostgreSQL is
# reconnected to on the next request, without restarting the app.

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The embedded database is for one local process; don't keep it open.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# An optional PostgreSQL read replica for readers' requests; editors and all
# writes stay on the primary (core/db_router.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(0, "core.db_router.ReplicaReadsMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/cache/
# Redis is the shared cache in production (every process sees the same
# catalog version); local memory otherwise. The Redis backend answers an
# outage as a miss, so pages are served uncached rather than failing.

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache_backends.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Sites (or test runs) sharing one Redis keep apart by prefix.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "versus"),
            # Read on every request; kept in each process, and invalidated by
            # Redis the moment it changes (catalog/cache.py VERSION_KEY).
            "TRACKED_KEYS": ("catalog-version",),
            "TIMEOUT": 60 * 60 * 24,
        },
        # Sign-in failures and partner rates (core/counters.py): a Redis that
        # never evicts and holds no pages, so filling the page cache cannot
        # reset a lockout. Defaults to REDIS_URL (safe only without eviction).
        "counters": {
            "BACKEND": "core.cache_backends.ResilientRedisCache",
            "LOCATION": os.environ.get("REDIS_COUNTERS_URL") or REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "versus"),
            "TIMEOUT": None,
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "versus",
            "TIMEOUT": 60 * 60 * 24,
        },
        "counters": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "versus-counters",
            "TIMEOUT": None,
        },
    }

# --- The shared cache in front (nginx, a CDN) ----------------------------------------
# https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Cache-Control
# Anonymous reader answers say a shared cache may keep them this many seconds
# (s-maxage), browsers max-age, and either may show a stale one this long while
# it revalidates in the background. Short on purpose: an edit reaches readers
# through the cache within VERSUS_PAGE_SHARED_MAX_AGE seconds plus one render,
# and revalidation is a cheap 304 against the page's ETag (core/shared_cache.py,
# docs/deployment.md).
VERSUS_PAGE_MAX_AGE = int(os.environ.get("VERSUS_PAGE_MAX_AGE", "1"))
VERSUS_PAGE_SHARED_MAX_AGE = int(os.environ.get("VERSUS_PAGE_SHARED_MAX_AGE", "1"))
VERSUS_PAGE_STALE_WHILE_REVALIDATE = int(
    os.environ.get("VERSUS_PAGE_STALE_WHILE_REVALIDATE", "1")
)

# --- Auth --------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Internationalisation ----------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------
# https://whitenoise.readthedocs.io/en/stable/django.html
# Compressed, content-hashed files with far-future caching, served by whitenoise.

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security ----------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
# HTTPS=true in production turns on every transport protection; the local
# server speaks plain HTTP, so they are off by default.

HTTPS = env_bool("HTTPS", False)
if HTTPS and not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL must be set in production (HTTPS=true), e.g. "
        "SITE_URL=https://versus.example.com: without it, absolute links would "
        "follow the Host header of whoever asks."
    )
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# No page script reads the CSRF cookie (forms carry the token), so hide it from scripts.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Admin sign-in guessing (core/security.py): after this many failures
# for one username from one address (or many from one address), refuse sign-ins
# from there for the lockout period.
VERSUS_LOGIN_FAILURES_PER_USER = int(
    os.environ.get("VERSUS_LOGIN_FAILURES_PER_USER", "5")
)
VERSUS_LOGIN_FAILURES_PER_ADDRESS = int(
    os.environ.get("VERSUS_LOGIN_FAILURES_PER_ADDRESS", "50")
)
VERSUS_LOGIN_LOCKOUT_SECONDS = int(
    os.environ.get("VERSUS_LOGIN_LOCKOUT_SECONDS", "900")
)

# --- Logging -----------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
    },
}

# --- REST framework ----------------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/

# The partner API (api/policies.py): partner keys, a per-key rate counted
# in the shared cache, cursor pages and {"detail", "code"} errors everywhere.

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.policies.PartnerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.policies.HasPartnerKey"],
    "DEFAULT_THROTTLE_CLASSES": ["api.policies.PartnerRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.policies.PartnerCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.policies.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
# Requests a partner key may make when the key has no rate of its own.
VERSUS_API_DEFAULT_RATE = os.environ.get("VERSUS_API_DEFAULT_RATE", "1000/hour")
# The change feed (/api/v1/changes/) keeps this many days of changes; a cursor
# older than that answers 410 and the partner exports again. `manage.py
# prune_changes` (daily) drops the older ones (docs/api.md, "Change feed").
VERSUS_CHANGES_WINDOW_DAYS = int(os.environ.get("VERSUS_CHANGES_WINDOW_DAYS", "90"))

# https://drf-spectacular.readthedocs.io/en/latest/settings.html
# The schema and its docs are public (no key) and self-hosted (sidecar assets).
SPECTACULAR_SETTINGS = {
    "TITLE": "Versus partner API",
    "DESCRIPTION": "The catalog and comparisons of Versus, read-only. "
    "Send your key as `Authorization: Api-Key <key>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Versus ------------------------------------------------------------------------
# Editorial rules from docs/comparison-rules.md, as settings.

VERSUS_BLEND_INPUT_WEIGHT = os.environ.get("VERSUS_BLEND_INPUT_WEIGHT", "0.7")
VERSUS_REVIEW_STALE_DAYS = int(os.environ.get("VERSUS_REVIEW_STALE_DAYS", "180"))
VERSUS_PRICE_STALE_DAYS = int(os.environ.get("VERSUS_PRICE_STALE_DAYS", "90"))
# Memory each process gives to models' facts (pickled and compressed, about
# 1.4 KB a generated model; least recently used let go past it). 32 MB holds
# some 20,000 generated models.
VERSUS_FACTS_CACHE_MB = float(os.environ.get("VERSUS_FACTS_CACHE_MB", "32"))
# The code release, part of every cache key (catalog/cache.py): a deploy that
# changes code, templates or static files retires the pages made before it.
# Set VERSUS_RELEASE (a tag, a commit) to name it; by default it is a hash of
# those folders, computed once as each process starts.
RELEASE_FOLDERS = (
    "api",
    "catalog",
    "comparisons",
    "config",
    "core",
    "pages",
    "static",
    "templates",
    "upstream",
    "vocabulary",
)
VERSUS_RELEASE = os.environ.get("VERSUS_RELEASE", "").strip() or code_release(
    BASE_DIR, RELEASE_FOLDERS
)

# --- Background tasks --------------------------------------------------------------
# https://github.com/RealOrangeOne/django-tasks-db
# Syncs and large imports run outside web requests, on Django's task framework
# with its database backend: no server beyond the database. `manage.py db_worker`
# runs them (docs/deployment.md, "Background worker and daily sync").

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Upstream sync -----------------------------------------------------------------
# docs/upstream-sync.md: where prices and facts come from, and what applies by itself.

VERSUS_UPSTREAM_URL = os.environ.get(
    "VERSUS_UPSTREAM_URL", "https://models.dev/api.json"
)
VERSUS_UPSTREAM_TIMEOUT = float(os.environ.get("VERSUS_UPSTREAM_TIMEOUT", "30"))
# The aggregate is about 4 MB today; a body past this is refused unread.
VERSUS_UPSTREAM_MAX_BYTES = int(
    os.environ.get("VERSUS_UPSTREAM_MAX_BYTES", str(50 * 1024 * 1024))
)
# Which kinds of upstream change apply without review (the rest wait for an
# editor). Kinds: price, new-offering, limits, deprecation, new-model, rename,
# capabilities, dates, facts, availability, no-longer-listed.
VERSUS_UPSTREAM_APPLY_AT_ONCE = env_list(
    "VERSUS_UPSTREAM_APPLY_AT_ONCE", "price,new-offering,limits,deprecation"
)
# A sync whose worker has not been heard from for this long is taken as dead:
# it is marked failed and no longer blocks the next one.
VERSUS_UPSTREAM_STALE_SECONDS = int(
    os.environ.get("VERSUS_UPSTREAM_STALE_SECONDS", "1800")
)
