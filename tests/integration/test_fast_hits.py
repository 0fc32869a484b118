"""Fresh page-cache hits answered before Django (core.pagecache.FastHits) answer exactly what Django's whole stack
answers to the same request, and every request the page cache does not serve fresh still reaches Django.

In-process WSGI calls: the same request through FastHits and through Django's WSGIHandler alone (whose
PageCacheMiddleware serves the same stored page), compared status, headers and body.
"""
import pytest
from django.core import signals
from django.core.checks import run_checks
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.db import close_old_connections
from django.test import RequestFactory

from articles import services
from core import pagecache
from tests.factories import make_story

PROXY = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.SECURE_PROXY_SSL_HEADER = PROXY
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_CONTENT_TYPE_NOSNIFF = True
    settings.SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Django's handler closes the database connection after a request; in a test transaction that would end the
    test's transaction (Django's test client disconnects the same receiver around its requests)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


class Django:
    """Django's WSGI handler, counting the requests that reached it."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


def environ(path="/", method="GET", secure=False, **headers):
    request = RequestFactory().generic(method, path, secure=secure, headers=headers)
    return request.environ


def answer(app, env) -> tuple[str, dict, bytes]:
    got = {}

    def start_response(status, headers, exc_info=None):
        got["status"], got["headers"] = status, headers

    body = app(dict(env), start_response)
    try:
        content = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    names = [name.lower() for name, _ in got["headers"]]
    assert len(names) == len(set(names)), got["headers"]  # no header twice
    return got["status"], {name.lower(): value for name, value in got["headers"]}, content


@pytest.fixture
def story(db):
    return services.publish(make_story(headline="Fast hit story", tags=["Dams"]), actor=services.COMMAND)


@pytest.mark.django_db
@pytest.mark.parametrize("secure", [False, True], ids=["http", "https via the proxy header"])
def test_a_hit_answered_before_django_has_the_misses_headers_and_body(story, secure):
    django = Django()
    fast = pagecache.FastHits(django)
    url = story.get_absolute_url()
    kind = {"X-Forwarded-Proto": "https"} if secure else {}
    miss = answer(fast, environ(url, **kind))
    assert miss[1]["x-page-cache"] == "miss" and django.calls == 1
    hit = answer(fast, environ(url, **kind))
    assert django.calls == 1, "the hit reached Django"
    assert hit[1].pop("x-page-cache") == "hit" and miss[1].pop("x-page-cache") == "miss"
    assert hit == miss
    assert ("strict-transport-security" in hit[1]) is secure
    assert {"content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
            "cross-origin-opener-policy", "surrogate-key", "etag", "content-length"} <= hit[1].keys()


@pytest.mark.django_db
def test_a_page_stored_over_https_gets_no_hsts_header_when_read_over_http(story):
    fast = pagecache.FastHits(Django())
    url = story.get_absolute_url()
    answer(fast, environ(url, **{"X-Forwarded-Proto": "https"}))
    hit = answer(fast, environ(url))
    assert hit[1]["x-page-cache"] == "hit" and "strict-transport-security" not in hit[1]


@pytest.mark.django_db
@pytest.mark.parametrize("method, query, headers", [
    ("GET", "", {}),
    ("HEAD", "", {}),
    ("GET", "utm_source=news&fbclid=1", {}),
    ("GET", "", {"If-None-Match": "ETAG"}),  # 304
    ("GET", "", {"If-None-Match": 'W/"something-else"'}),  # 200
    ("HEAD", "", {"If-None-Match": "ETAG"}),  # 200: Django's conditional middleware leaves HEAD alone
    ("GET", "", {"If-Modified-Since": "Sun, 06 Dec 2026 10:00:00 GMT"}),
    ("GET", "", {"If-Match": '"nothing-here"'}),  # 412
    ("GET", "", {"X-Forwarded-Proto": "https", "Cookie": "theme=dark"}),
])
def test_every_kind_of_hit_is_answered_as_djangos_stack_answers_it(story, method, query, headers):
    django = Django()
    fast = pagecache.FastHits(django)
    url = story.get_absolute_url()
    etag = answer(fast, environ(url))[1]["etag"]
    headers = {name: value.replace("ETAG", etag) for name, value in headers.items()}
    path = url + ("?" + query if query else "")
    calls = django.calls
    through_django = answer(django, environ(path, method, **headers))
    assert django.calls == calls + 1 and through_django[1].get("x-page-cache", "hit") == "hit"
    before_django = answer(fast, environ(path, method, **headers))
    assert django.calls == calls + 1, "the hit reached Django"
    assert before_django == through_django
    if headers.get("If-None-Match") == etag and method == "GET":
        assert before_django[0] == "304 Not Modified" and before_django[2] == b""
    if "If-Match" in headers:
        assert before_django[0].startswith("412")


@pytest.mark.django_db
def test_requests_the_page_cache_does_not_serve_fresh_reach_django(story, settings):
    django = Django()
    fast = pagecache.FastHits(django)
    url = story.get_absolute_url()
    answer(fast, environ(url))
    assert answer(fast, environ(url))[1]["x-page-cache"] == "hit" and django.calls == 1
    cases = [
        environ(url, Cookie=f"{settings.SESSION_COOKIE_NAME}=abc"),  # staff: a fresh page
        environ(url, "POST"),
        environ(url + "?nocache=1"),  # redirected to the clean URL
        environ("/healthz"),  # excluded prefix
        environ("/section/world/"),  # not cached yet
    ]
    for case in cases:
        calls = django.calls
        status, headers, _ = answer(fast, case)
        assert django.calls == calls + 1, case["PATH_INFO"]
        assert headers.get("x-page-cache") != "hit"
    assert answer(fast, environ(url + "?nocache=1"))[0].startswith("302")

    pagecache.purge_keys([f"story:{story.pk}"])  # soft: Django's middleware re-renders (or hands out the old copy)
    calls = django.calls
    assert answer(fast, environ(url))[1]["x-page-cache"] == "miss" and django.calls == calls + 1
    assert answer(fast, environ(url))[1]["x-page-cache"] == "hit" and django.calls == calls + 1

    settings.SECURE_SSL_REDIRECT = True  # plain HTTP is redirected by SecurityMiddleware, not served from the cache
    django = Django()  # its middleware reads the setting when built
    fast = pagecache.FastHits(django)
    status, headers, _ = answer(fast, environ(url))
    assert status.startswith("301") and headers["location"].startswith("https://") and django.calls == 1
    assert answer(fast, environ(url, **{"X-Forwarded-Proto": "https"}))[1]["x-page-cache"] == "hit"
    assert django.calls == 1


@pytest.mark.django_db
def test_with_other_middleware_before_the_page_cache_hits_go_through_django_and_the_check_says_so(story, settings):
    assert not [m for m in run_checks() if m.id == "core.W001"]
    settings.MIDDLEWARE = ["core.middleware.ImportMapCSPMiddleware", *settings.MIDDLEWARE]
    django = Django()
    fast = pagecache.FastHits(django)
    url = story.get_absolute_url()
    answer(fast, environ(url))
    status, headers, _ = answer(fast, environ(url))
    assert headers["x-page-cache"] == "hit" and django.calls == 2
    assert [m.id for m in run_checks() if m.id == "core.W001"] == ["core.W001"]


def test_the_wsgi_application_answers_hits_before_django():
    from newsroom import wsgi

    assert isinstance(wsgi.application, pagecache.FastHits)
    assert wsgi.application.application is wsgi.django_application


@pytest.mark.parametrize("extra", [
    {},
    {"wsgi.url_scheme": "https"},
    {"HTTP_X_FORWARDED_PROTO": "https"},
    {"HTTP_X_FORWARDED_PROTO": "http", "wsgi.url_scheme": "https"},
    {"HTTP_X_FORWARDED_PROTO": " https , http"},
    {"SCRIPT_NAME": "/news", "PATH_INFO": "/story/caf%C3%A9/"},
    {"PATH_INFO": ""},
    {"PATH_INFO": "//double/"},
])
@pytest.mark.parametrize("proxy", [PROXY, None])
def test_the_request_as_fast_hits_reads_it_is_the_request_django_makes(settings, extra, proxy):
    settings.SECURE_PROXY_SSL_HEADER = proxy
    env = {**environ("/story/x/"), **extra}
    request = WSGIRequest(dict(env))
    assert pagecache._is_secure(env) is request.is_secure()
    assert pagecache._path(env) == request.path


@pytest.mark.django_db
def test_a_cached_page_is_not_served_for_a_host_django_refuses(story, settings):
    settings.ALLOWED_HOSTS = ["news.example"]
    django = Django()
    fast = pagecache.FastHits(django)
    url = story.get_absolute_url()
    answer(fast, environ(url, Host="news.example"))
    assert answer(fast, environ(url, Host="news.example"))[1]["x-page-cache"] == "hit"
    calls = django.calls
    for _ in range(2):  # asked of Django, then remembered: refused both times
        status, _, _ = answer(fast, environ(url, Host="evil.example"))
        assert status.startswith("400")
    assert django.calls == calls + 2, "the refused Host was answered from the cache"
