"""The configured purger sends each purge's keys to the CDN: a local HTTP server on 127.0.0.1 records what arrives."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from articles import services
from core import pagecache
from tests.factories import make_story
from tests.processes import free_port


class Recorder(BaseHTTPRequestHandler):
    received: list

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.received.append({
            "method": self.command, "path": self.path, "headers": {name.lower(): value for name, value in self.headers.items()},
            "body": self.rfile.read(length) if length else b"",
        })
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_POST = do_PURGE = do_BAN = _record

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Recorder)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def story(db, settings):
    settings.PAGE_CACHE_SECONDS = 300
    return services.publish(make_story(headline="Rates held", section_slug="business"), actor=services.COMMAND)


def edit(story, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        story.headline = "Rates held, again"
        services.save_story(story, services.Related(story.ordered_reporters(), [], []), actor=services.COMMAND)


def configure(settings, cdn, purger, **more):
    settings.PAGE_CACHE_PURGER = f"core.purgers.{purger}"
    settings.PAGE_CACHE_PURGER_URL = f"http://127.0.0.1:{cdn.server_port}"
    settings.PAGE_CACHE_PURGER_TOKEN = more.get("token", "")
    settings.PAGE_CACHE_PURGER_SERVICE = more.get("service", "")


EDIT_KEYS = lambda story: sorted([f"story:{story.pk}", "sitemap", "schedule"])  # noqa: E731


def test_varnish_xkey_gets_a_soft_purge_with_the_edits_keys(settings, cdn, story, django_capture_on_commit_callbacks):
    configure(settings, cdn, "VarnishXkeyPurger")
    edit(story, django_capture_on_commit_callbacks)
    [request] = cdn.received
    assert request["method"] == "PURGE" and request["path"] == "/"
    assert sorted(request["headers"]["xkey-softpurge"].split()) == EDIT_KEYS(story)


def test_an_unpublish_is_a_hard_purge_of_every_listing_it_was_in(settings, cdn, story, django_capture_on_commit_callbacks):
    configure(settings, cdn, "VarnishXkeyPurger")
    with django_capture_on_commit_callbacks(execute=True):
        services.unpublish(story, actor=services.COMMAND)
    [request] = cdn.received
    keys = set(request["headers"]["xkey-purge"].split())
    assert {f"story:{story.pk}", f"section:{story.section_id}:stories", "listing:home", "listing:recent"} <= keys
    assert "xkey-softpurge" not in request["headers"]


def test_varnish_ban_gets_a_pattern_over_the_surrogate_key_header(settings, cdn, story, django_capture_on_commit_callbacks):
    configure(settings, cdn, "VarnishBanPurger")
    edit(story, django_capture_on_commit_callbacks)
    [request] = cdn.received
    assert request["method"] == "BAN"
    assert request["headers"]["x-ban-keys"] == "(^| )(" + "|".join(EDIT_KEYS(story)) + ")( |$)"


def test_fastly_gets_the_keys_with_its_token_and_soft_purge_header(settings, cdn, story, django_capture_on_commit_callbacks):
    configure(settings, cdn, "FastlyPurger", token="fastly-token", service="SVC123")
    edit(story, django_capture_on_commit_callbacks)
    [request] = cdn.received
    assert request["method"] == "POST" and request["path"] == "/service/SVC123/purge"
    assert request["headers"]["fastly-key"] == "fastly-token" and request["headers"]["fastly-soft-purge"] == "1"
    assert sorted(request["headers"]["surrogate-key"].split()) == EDIT_KEYS(story)


def test_cloudflare_gets_the_keys_as_tags_thirty_at_a_time(settings, cdn, db):
    configure(settings, cdn, "CloudflarePurger", token="cf-token", service="ZONE9")
    keys = [f"story:{n}" for n in range(45)]
    pagecache.purge_keys(keys, hard=True)
    assert [r["path"] for r in cdn.received] == ["/zones/ZONE9/purge_cache"] * 2
    assert all(r["headers"]["authorization"] == "Bearer cf-token" for r in cdn.received)
    sent = [tag for r in cdn.received for tag in json.loads(r["body"])["tags"]]
    assert sorted(sent) == sorted(keys) and len(json.loads(cdn.received[0]["body"])["tags"]) == 30


def test_the_keys_sent_are_those_the_pages_carry(settings, cdn, story, client, django_capture_on_commit_callbacks):
    configure(settings, cdn, "FastlyPurger", service="S")
    page = client.get(story.get_absolute_url())
    edit(story, django_capture_on_commit_callbacks)
    sent = set(cdn.received[0]["headers"]["surrogate-key"].split())
    assert sent & set(page["Surrogate-Key"].split()) == {f"story:{story.pk}"}
    assert "s-maxage=300" in page["Cache-Control"]  # with a purger the CDN may keep pages for minutes


def test_a_cdn_that_does_not_answer_is_logged_and_the_apps_own_cache_still_purged(settings, story, client, caplog,
                                                                                 django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_PURGER = "core.purgers.VarnishXkeyPurger"
    settings.PAGE_CACHE_PURGER_URL = f"http://127.0.0.1:{free_port()}/"  # nothing listens
    client.get(story.get_absolute_url())
    edit(story, django_capture_on_commit_callbacks)
    assert "CDN purge of 3 keys failed" in caplog.text
    response = client.get(story.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "Rates held, again" in response.content.decode()
