"""Wire pictures fetched over http(s): only from public addresses, through `ingest_ninjs` (issue 12, point 1).

The local server listens on 127.0.0.1, which policy refuses: the refusal tests prove it is never asked. The success
tests allow exactly that host:port with INGEST_FETCH_ALLOW_ADDRESSES, a test-only setting (empty in production).
"""
import time

import pytest

from articles.models import Article
from photos.models import Photo
from tests.factories import image_bytes
from tests.hostile import corpus, picture_server
from tests.integration.test_ingest_ninjs import run, story_v3, write

NOT_ALLOWED = "not fetched: address not allowed"


def remote_story(href, uri="urn:fetch:1"):
    return story_v3(uri=uri, associations=[
        {"name": "featureimage", "type": "picture", "copyrightHolder": "AP",
         "renditions": [{"name": "original", "href": href, "contentType": "image/jpeg"}]},
    ])


@pytest.fixture
def server():
    picture = image_bytes(colour=(1, 2, 3))
    with picture_server({
        "/pic.jpg": (200, {"Content-Type": "image/jpeg"}, picture),
        "/big.jpg": (200, {"Content-Type": "image/jpeg"}, b"x" * 5000),
        "/big-unannounced.jpg": (200, {"Content-Type": "image/jpeg", "Content-Length": "10"}, b"x" * 10),
        "/loop": (302, {"Location": "/loop"}, b""),
    }) as srv:
        yield srv


@pytest.mark.django_db
def test_every_ssrf_target_is_refused_with_one_note_and_the_server_is_never_asked(tmp_path, server):
    targets = corpus("ssrf_urls.txt", port=server.port)
    assert len(targets) > 20
    for i, href in enumerate(targets):
        write(tmp_path, f"{i:02}.json", remote_story(href, uri=f"urn:ssrf:{i}"))
    lines, error = run(tmp_path)
    assert error is None  # a picture not fetched is a note; the story still imports
    assert len(lines) == len(targets)
    for line, href in zip(lines, targets):
        assert line.startswith("created ") and f"picture {href} {NOT_ALLOWED}" in line, line
    assert server.hits == []
    assert Photo.objects.count() == 0


@pytest.mark.django_db
def test_allowed_test_address_imports_the_picture(tmp_path, server, settings):
    settings.INGEST_FETCH_ALLOW_ADDRESSES = [f"127.0.0.1:{server.port}"]
    write(tmp_path, "a.json", remote_story(f"http://127.0.0.1:{server.port}/pic.jpg"))
    lines, error = run(tmp_path)
    assert error is None and lines[0].startswith("created ") and "not fetched" not in lines[0]
    assert Article.objects.get().hero_photo is not None
    assert server.hits == ["/pic.jpg"]


@pytest.mark.django_db
def test_redirect_to_a_refused_address_is_checked_again(tmp_path, settings):
    with picture_server({}) as other:
        other_port = other.port
        with picture_server({"/r": (302, {"Location": f"http://127.0.0.1:{other_port}/pic.jpg"}, b""),
                             "/meta": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")}) as srv:
            settings.INGEST_FETCH_ALLOW_ADDRESSES = [f"127.0.0.1:{srv.port}"]
            write(tmp_path, "a.json", remote_story(f"http://127.0.0.1:{srv.port}/r", uri="urn:r:1"))
            write(tmp_path, "b.json", remote_story(f"http://127.0.0.1:{srv.port}/meta", uri="urn:r:2"))
            lines, error = run(tmp_path)
        assert other.hits == []
    assert all(NOT_ALLOWED in line for line in lines), lines
    assert srv.hits == ["/r", "/meta"]


@pytest.mark.django_db
def test_redirect_loop_size_and_scheme_limits(tmp_path, server, settings):
    settings.INGEST_FETCH_ALLOW_ADDRESSES = [f"127.0.0.1:{server.port}"]
    settings.INGEST_FETCH_MAX_BYTES = 1000
    base = f"http://127.0.0.1:{server.port}"
    write(tmp_path, "1.json", remote_story(f"{base}/loop", uri="urn:l:1"))
    write(tmp_path, "2.json", remote_story(f"{base}/big.jpg", uri="urn:l:2"))
    write(tmp_path, "3.json", remote_story("ftp://example.com/pic.jpg", uri="urn:l:3"))
    lines, error = run(tmp_path)
    assert "not fetched: more than 3 redirects" in lines[0]
    assert server.hits.count("/loop") == 4
    assert "not fetched: larger than 1000 bytes" in lines[1]
    # ftp:// is no URL we fetch, so it is a local name; it is not inside the item's folder.
    assert lines[2].startswith("rejected urn:l:3")


@pytest.mark.django_db
def test_closed_port_and_tls_failure_read_the_same_as_a_refused_address(tmp_path, server, settings):
    from tests.processes import free_port

    closed = free_port()
    settings.INGEST_FETCH_ALLOW_ADDRESSES = [f"127.0.0.1:{server.port}", f"127.0.0.1:{closed}"]
    write(tmp_path, "1.json", remote_story(f"http://127.0.0.1:{closed}/pic.jpg", uri="urn:c:1"))
    write(tmp_path, "2.json", remote_story(f"https://127.0.0.1:{server.port}/pic.jpg", uri="urn:c:2"))
    lines, error = run(tmp_path)
    assert all(line.endswith(f"{NOT_ALLOWED})") for line in lines), lines


@pytest.mark.django_db
def test_host_allowlist(tmp_path, server, settings):
    settings.INGEST_FETCH_ALLOW_ADDRESSES = [f"127.0.0.1:{server.port}"]
    settings.INGEST_FETCH_HOSTS = ["photos.agency.example"]
    write(tmp_path, "a.json", remote_story(f"http://127.0.0.1:{server.port}/pic.jpg"))
    lines, _ = run(tmp_path)
    assert "not fetched: host not in INGEST_FETCH_HOSTS" in lines[0]
    assert server.hits == []


@pytest.mark.django_db
def test_slow_server_is_cut_off_at_the_timeout(tmp_path, settings):
    def slow(handler):
        time.sleep(3)
        return b"late"

    with picture_server({"/slow.jpg": (200, {"Content-Length": "4"}, slow)}) as srv:
        settings.INGEST_FETCH_ALLOW_ADDRESSES = [f"127.0.0.1:{srv.port}"]
        settings.INGEST_FETCH_TIMEOUT = 0.5
        write(tmp_path, "a.json", remote_story(f"http://127.0.0.1:{srv.port}/slow.jpg"))
        started = time.monotonic()
        lines, _ = run(tmp_path)
        assert time.monotonic() - started < 2.5
    assert "not fetched: the server did not answer in time" in lines[0]


@pytest.mark.django_db
def test_the_connection_goes_to_the_checked_address_not_a_second_lookup(tmp_path, server, settings, monkeypatch):
    """DNS rebinding: the name answers a public address when checked and loopback afterwards. We connect to what we
    checked (here a public address that does not answer in time), never to a second answer. A resolver that changes
    its answer cannot be had without owning a DNS zone, so this one is simulated."""
    import socket

    from core import safe_fetch

    answers = iter(["8.8.8.8"] + ["127.0.0.1"] * 10)
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host == "rebind.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, port, *args, **kwargs)

    connected = []
    real_connect = socket.create_connection

    def recording_connect(address, *args, **kwargs):
        connected.append(address)
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(safe_fetch.socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(safe_fetch.socket, "create_connection", recording_connect)
    settings.INGEST_FETCH_TIMEOUT = 0.5
    write(tmp_path, "a.json", remote_story(f"http://rebind.example:{server.port}/pic.jpg"))
    lines, _ = run(tmp_path)
    assert connected == [("8.8.8.8", server.port)]
    assert server.hits == [] and NOT_ALLOWED in lines[0]
