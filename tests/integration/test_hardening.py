"""Production hardening: deploy check, error pages that leak nothing, database-down, login throttling, XSS."""
import re
import secrets
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.urls import path

from core.sanitize import sanitize_body
from tests.factories import make_story
from tests.processes import ROOT, app_server

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<svg onload=alert(1)><circle r=1></svg>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<body onload=alert(1)>",
    "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<form action=\"https://evil.example\"><input name=q></form>",
    "<p><img src=\"data:image/svg+xml,<svg onload=alert(1)>\"></p>",
    "<details open ontoggle=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<base href=\"https://evil.example/\">",
    "<p>fine</p><!-- <script>alert(1)</script> -->",
]
DANGEROUS = re.compile(r"<script|<iframe|<object|<svg|<math|<form|<style|<meta|<base|\son\w+\s*=|javascript:|data:text/html|style=", re.I)


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_sanitizer_removes_every_payload(payload):
    assert not DANGEROUS.search(sanitize_body(payload)), sanitize_body(payload)


@pytest.mark.django_db
def test_payloads_in_headline_and_body_render_inert(client):
    from articles import services

    story = services.publish(make_story(headline="<script>alert('h')</script>", body="".join(XSS_CORPUS)), actor=services.COMMAND)
    html = client.get(story.get_absolute_url()).content.decode()
    body = html[html.index('class="story__body"'):html.index("story__published")]
    body = re.sub(r'<aside class="ad-slot.*?</aside>', "", body, flags=re.S)  # our own slots are not editor input
    assert not DANGEROUS.search(body)
    assert "<script>alert(&#x27;h&#x27;)</script>" not in html and "&lt;script&gt;alert(&#x27;h&#x27;)&lt;/script&gt;" in html


def test_deploy_check_is_clean_in_production_settings():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64),
           "ALLOWED_HOSTS": "news.example.com", "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "Set SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_404_page_is_ours_and_leaks_nothing(client):
    response = client.get("/story/does-not-exist/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We couldn’t find that page" in html
    assert "Traceback" not in html and "urlpatterns" not in html and "DEBUG" not in html


def broken_view(request):
    raise RuntimeError("secret internals: password=hunter2")


def db_down_view(request):
    from django.db import OperationalError

    raise OperationalError("could not connect to server at 10.0.0.5")


handler500 = "core.views.server_error"  # as newsroom/urls.py sets it
urlpatterns = [path("boom/", broken_view), path("db-down/", db_down_view)]


@pytest.mark.urls("tests.integration.test_hardening")
def test_500_and_503_pages_leak_nothing(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode() and "hunter2" not in response.content.decode()
    response = client.get("/db-down/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    html = response.content.decode()
    assert "We’ll be right back" in html and "10.0.0.5" not in html


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_database_down_readers_get_503_healthz_says_so_and_the_log_says_it_once(tmp_path):
    log = tmp_path / "server.log"
    with app_server(DATABASE_URL="postgres://postgres@127.0.0.1:9/unreachable", error_log=str(log)) as server:
        for path_ in ("/", "/story/anything/") * 20:
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(server + path_, timeout=10)
            assert caught.value.code == 503
            assert "We’ll be right back" in caught.value.read().decode()
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(server + "/healthz", timeout=10)
        body = caught.value.read()
        assert caught.value.code == 503 and b'"database": "down"' in body
        assert b"Error" not in body  # no exception class names
    logged = log.read_text()
    # 40 failed requests: one line for the outage (per minute, per worker), no traceback.
    assert logged.count("database unavailable") == 1, logged[-3000:]
    assert "Traceback" not in logged and "OperationalError" not in logged


@pytest.mark.django_db
def test_admin_login_is_throttled_after_repeated_failures(client, django_user_model):
    django_user_model.objects.create_user("desk", password="the-right-password-123", is_staff=True)
    for _ in range(5):
        client.post("/admin/login/?next=/admin/", {"username": "desk", "password": "wrong"})
    response = client.post("/admin/login/?next=/admin/", {"username": "desk", "password": "the-right-password-123"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_csp_header_on_public_pages(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
