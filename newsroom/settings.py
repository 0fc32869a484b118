"""Newsroom settings: one module, configured from the environment.

Embedded defaults (SQLite, a file cache shared by every process) let `make run` work on a bare machine;
production sets DATABASE_URL / REDIS_URL and the security variables (see README).
"""
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-local-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Absolute base URL for links that leave the page (ingest output, feeds, exports).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "taggit",
    "django_prose_editor",
    "axes",
    "core",
    "reporters",
    "photos",
    "ads",
    "articles",
    "live",
    "distribution",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Outside the session, auth and CSP layers: a cached page (stored with its headers) costs no
    # query and no header work.
    "core.pagecache.PageCacheMiddleware",
    # Answers ADS_CREATIVE_ORIGIN's host (ad frames only) before any middleware asks for an allowed Host.
    "ads.origin.CreativeOriginMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.ImportMapCSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it throttles admin logins after repeated failures.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (core/throttling.py): 5 failures for one username from one address, or 10 from one address over
# any usernames (password spraying), lock that out for an hour. TRUSTED_PROXY_COUNT is the number of proxies in
# front of the app that append to X-Forwarded-For (1 behind the documented TLS proxy; 0 when exposed directly):
# with it wrong, every login shares the proxy's address and anyone can lock staff out.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "core.throttling.client_ip"
AXES_HANDLER = "core.throttling.ThrottlingHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner per worker; lockouts are still logged

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "articles.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the scheduler share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis' RedisCache behind a circuit breaker: after a timeout or a refused connection this process
            # treats Redis as down for BREAKER_SECONDS (misses, writes not taken), then tries one call (core/breaker.py).
            "BACKEND": "core.breaker.BreakerRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {
                # The cache is an optimisation: unreachable Redis reads as a miss and a write is dropped, so pages,
                # the admin and its login answer uncached (a purge it did not take waits in core.PurgeOutbox).
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.25")),
                "SOCKET_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
                "BREAKER_SECONDS": float(os.environ.get("REDIS_BREAKER_SECONDS", "5")),
            },
        }
    }
    # Each ignored error is logged to this logger; core.logfilters.OutageFilter lets one line a minute through.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "newsroom.cache"
else:
    # The embedded default: gunicorn's workers and the scheduler are separate processes, so the cache must be one
    # they all read (docs/decisions.md, "A cache every process shares"): files in one directory.
    CACHES = {
        "default": {
            "BACKEND": "core.filecache.FileCache",  # FileBasedCache with an atomic add
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".local" / "cache")),
            # Pages, their fragments and one token per surrogate key: about ten entries per story shown.
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "30000"))},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# Django's own date displays in the site's form (core.timefmt); see newsroom/formats.
FORMAT_MODULE_PATH = ["newsroom.formats"]
# Stored in UTC, shown in IST. Fixed, not read from the environment: core.timefmt writes every text in IST and
# a system check (core.checks) refuses another value, so admin inputs and pages cannot disagree.
USE_TZ = True
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Media is served by Django only for local runs; production puts it behind the web server or object storage.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

STORAGES = {
    "default": {"BACKEND": os.environ.get("MEDIA_STORAGE", "core.storage.AtomicFileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _static_lazy(path):
    from django.utils.functional import lazy

    def url():
        from django.templatetags.static import static

        return static(path)

    return lazy(url, str)()


# The story body's photo, gallery and embed nodes (static/articles/editor-media.js, articles/body_media.py).
# core.sanitize_body is what sanitizes the body; this allowlist is only the editor package's own description.
from django_prose_editor.config import html_tags  # noqa: E402  (no models, no settings read at import)

_MEDIA_FIGURE = html_tags(
    ["figure", "figcaption"], {"figure": ["data-photo", "data-size", "data-gallery", "data-embed", "data-url"]}
)
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [_static_lazy("articles/editor-media.js")],
        "extensions": {"BodyPhoto": _MEDIA_FIGURE, "BodyGallery": _MEDIA_FIGURE, "BodyEmbed": _MEDIA_FIGURE},
    }
]
TAGGIT_CASE_INSENSITIVE = True

# Newsroom behaviour
DEFAULT_SECTION_SLUG = "news"
ARTICLES_PER_PAGE = 12
# Wire pictures fetched over http(s) during ingest (core/safe_fetch.py): public addresses only, whole fetch
# within the timeout (seconds), redirects re-checked. INGEST_FETCH_HOSTS: when set, the only hosts fetched from
# (".example.com" also matches its subdomains).
INGEST_FETCH_TIMEOUT = float(os.environ.get("INGEST_FETCH_TIMEOUT", "10"))
INGEST_FETCH_MAX_BYTES = int(os.environ.get("INGEST_FETCH_MAX_BYTES", str(15 * 1024 * 1024)))
INGEST_FETCH_MAX_REDIRECTS = int(os.environ.get("INGEST_FETCH_MAX_REDIRECTS", "3"))
INGEST_FETCH_HOSTS = env_list("INGEST_FETCH_HOSTS")
# A folder wire items may name pictures in by absolute path or file:// URL; empty: only pictures inside the
# item's own folder are read.
INGEST_LOCAL_ROOT = os.environ.get("INGEST_LOCAL_ROOT", "")
# One ninjs file: at most this many bytes, this nesting depth, and this many characters in any one string.
INGEST_MAX_FILE_BYTES = int(os.environ.get("INGEST_MAX_FILE_BYTES", str(2 * 1024 * 1024)))
INGEST_MAX_JSON_DEPTH = 64
INGEST_MAX_STRING_CHARS = 500_000

LOGIN_URL = "admin:login"
# Where a login goes when its `next` is missing or not ours (an unsafe `next` is ignored): the desk, not Django's
# default /accounts/profile/, which is a 404 here.
LOGIN_REDIRECT_URL = "admin:index"

# Page cache (core/pagecache.py): anonymous public pages, purged by the keys of what they show.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# A purger (core/purgers.py) sends every purge to the CDN too; with one, the CDN may keep pages for minutes.
PAGE_CACHE_PURGER = os.environ.get("PAGE_CACHE_PURGER", "")
PAGE_CACHE_PURGER_URL = os.environ.get("PAGE_CACHE_PURGER_URL", "")
PAGE_CACHE_PURGER_TOKEN = os.environ.get("PAGE_CACHE_PURGER_TOKEN", "")
PAGE_CACHE_PURGER_SERVICE = os.environ.get("PAGE_CACHE_PURGER_SERVICE", "")
# How long a CDN may keep a page (s-maxage): without a purger, a change reaches readers within this time; with
# one, every change is purged there too, so minutes are safe.
PAGE_CACHE_CDN_SECONDS = int(os.environ.get("PAGE_CACHE_CDN_SECONDS", "5"))
PAGE_CACHE_CDN_PURGED_SECONDS = int(os.environ.get("PAGE_CACHE_CDN_PURGED_SECONDS", "300"))
# After a soft purge one request re-renders a page while the others get the previous copy for at most this long.
PAGE_CACHE_LOCK_SECONDS = int(os.environ.get("PAGE_CACHE_LOCK_SECONDS", "5"))
# A purge the cache did not take waits in the purge outbox (a table); each web process looks there at most this
# often (seconds) before serving from the cache, so an old page outlives such a purge by at most about this long
# once the cache answers again.
PAGE_CACHE_OUTBOX_SECONDS = float(os.environ.get("PAGE_CACHE_OUTBOX_SECONDS", "2"))
PAGE_CACHE_EXCLUDE_PREFIXES = ("/admin/", "/preview/", "/ads/", "/healthz", "/search/", "/static/", "/media/")
# RAIL_ESI=1 behind a CDN that processes <esi:include> (Varnish with do_esi, Fastly, Akamai): story pages include
# the "Most recent" rail from /rails/most-recent/<id>/ instead of holding it (articles/rails.py). Without such a CDN
# readers would get no rail: leave it off.
RAIL_ESI = env_bool("RAIL_ESI", False)
# Search (search/): /search/ stays out of the page cache (every query is a new URL), but the results of a normalised
# query, and the rendered page of what a reader typed, are kept this long under the page cache's keys
# (search.results_cache, search.views; 0: not kept), and a search is stopped by the database after this many
# milliseconds (search.budget).
SEARCH_CACHE_SECONDS = int(os.environ.get("SEARCH_CACHE_SECONDS", "60"))
SEARCH_TIME_LIMIT_MS = int(os.environ.get("SEARCH_TIME_LIMIT_MS", "1000"))
# At most this many searches run at once per process; one more waits SEARCH_QUEUE_SECONDS for a place, then gets
# "Search is busy" (503, Retry-After) rather than queueing until its reader gives up (search.budget.a_place).
SEARCH_CONCURRENCY = int(os.environ.get("SEARCH_CONCURRENCY", "1"))
SEARCH_QUEUE_SECONDS = float(os.environ.get("SEARCH_QUEUE_SECONDS", "0.05"))

# Content Security Policy: our own scripts only; advertising hosts are allowed where ads render
# (third-party tags run inside a sandboxed frame served with its own policy, see ads/).
AD_HOSTS = env_list("AD_HOSTS")
# HTML / third-party tag creatives from an origin of their own (ads/origin.py), e.g. https://adframes.example.net:
# a host name pointing at these app servers, outside the site's cookie domain. Empty: from the site's origin,
# isolated by the sandbox alone.
ADS_CREATIVE_ORIGIN = os.environ.get("ADS_CREATIVE_ORIGIN", "")
if ADS_CREATIVE_ORIGIN:
    from ads.origin import parse as parse_creative_origin  # noqa: E402  (no models)

    ADS_CREATIVE_ORIGIN = parse_creative_origin(ADS_CREATIVE_ORIGIN)
    if urlsplit(ADS_CREATIVE_ORIGIN).netloc == urlsplit(SITE_URL).netloc.lower() or urlsplit(ADS_CREATIVE_ORIGIN).hostname in ALLOWED_HOSTS:
        raise ImproperlyConfigured("ADS_CREATIVE_ORIGIN must be a host of its own, not the site's (nor in ALLOWED_HOSTS)")
# Players a story body may embed (articles/embeds.py lists them); the publisher's own video host is optional:
# PUBLISHER_VIDEO_URL="https://video.example.com/v/{id}" PUBLISHER_VIDEO_PLAYER="https://video.example.com/embed/{id}".
PUBLISHER_VIDEO_URL = os.environ.get("PUBLISHER_VIDEO_URL", "")
PUBLISHER_VIDEO_PLAYER = os.environ.get("PUBLISHER_VIDEO_PLAYER", "")
PUBLISHER_VIDEO_LABEL = os.environ.get("PUBLISHER_VIDEO_LABEL", "Our video")
from articles.embeds import frame_origins, publisher_provider  # noqa: E402  (pure Python, no models)

EMBED_FRAME_ORIGINS = frame_origins(
    publisher_provider(PUBLISHER_VIDEO_URL, PUBLISHER_VIDEO_PLAYER, PUBLISHER_VIDEO_LABEL)
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Inline style attributes size the ad slots and the admin's widgets.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *AD_HOSTS],
        "frame-src": ["'self'", *AD_HOSTS, *EMBED_FRAME_ORIGINS, *([ADS_CREATIVE_ORIGIN] if ADS_CREATIVE_ORIGIN else [])],
        "connect-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# Outages (database, cache) are logged once a minute per process, without a traceback; 403s and 404s as one line
# each, without one; see core/logfilters.py.
LOG_REPEAT_SECONDS = int(os.environ.get("LOG_REPEAT_SECONDS", "60"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "outages": {"()": "core.logfilters.OutageFilter"},
        "client_errors": {"()": "core.logfilters.ClientErrorFilter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["outages", "client_errors"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
