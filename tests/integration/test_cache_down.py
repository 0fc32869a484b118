"""Redis unreachable: every public page and the admin (login included) still answer, uncached.

Through the real middleware stack: a gunicorn app server whose REDIS_URL points at a closed port.
"""
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth import get_user_model

from articles import services
from tests.factories import make_story
from tests.processes import app_server, free_port

PUBLIC = ["/", "/section/world/", "/feeds/rss/", "/sitemap.xml", "/robots.txt", "/search/?q=dam", "/ads/serve/sidebar/"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pages_admin_and_login_answer_with_redis_down_and_the_log_says_so_once(tmp_path, settings):
    story = services.publish(make_story(headline="Dam gates opened", tags=["Dams"]), actor=services.COMMAND)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # one the app server reads
    get_user_model().objects.create_superuser("desk", "desk@example.com", "a-long-test-password-1")
    log = tmp_path / "server.log"
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    with app_server(REDIS_URL=dead_redis, CACHE_KEY_PREFIX="dead", error_log=str(log)) as base:
        reader = opener()
        for path in [*PUBLIC, story.get_absolute_url(), story.get_absolute_url()]:
            with reader.open(base + path, timeout=10) as response:
                assert response.status == 200, path
                assert response.headers.get("X-Page-Cache") in (None, "miss"), path  # never a hit: nothing is stored

        with reader.open(base + "/healthz", timeout=10) as response:
            health = json.loads(response.read())
        assert health == {"status": "degraded", "database": "ok", "cache": "down"}

        # The admin: login form, sign in (session and CSRF work without the cache), the story's change page.
        # Production cookies are Secure; over this plain-HTTP test connection they are carried by hand.
        cookies = {}

        def call(path, data=None):
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Referer": base + "/admin/login/"}
            request = urllib.request.Request(base + path, data=data, headers=headers)
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=10)
            for header in response.headers.get_all("Set-Cookie") or ():
                name, value = header.split(";", 1)[0].split("=", 1)
                cookies[name] = value
            return response

        form = call("/admin/login/?next=/admin/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"username": "desk", "password": "a-long-test-password-1",
                                       "csrfmiddlewaretoken": token, "next": "/admin/"}).encode()
        with pytest.raises(urllib.error.HTTPError) as signed_in:
            call("/admin/login/?next=/admin/", data)
        assert signed_in.value.code == 302 and signed_in.value.headers["Location"] == "/admin/"
        for header in signed_in.value.headers.get_all("Set-Cookie") or ():
            name, value = header.split(";", 1)[0].split("=", 1)
            cookies[name] = value
        assert "sessionid" in cookies
        assert "Log out" in call("/admin/").read().decode()
        assert "Dam gates opened" in call(f"/admin/articles/article/{story.pk}/change/").read().decode()

    logged = log.read_text()
    assert logged.count("cache unavailable") == 1, logged[-3000:]
    assert "Traceback" not in logged and "ConnectionError" not in logged
