"""Outbound calls end at their deadline, whatever the other side sends (core/deadline.py).

A real local server drips its answer one byte every 0.1 s: a socket timeout alone never fires, since every wait
is short. The wire fetch (core/safe_fetch.py) and the CDN purger (core/purgers.py) are cut at their limit.
"""
import socket
import threading
import time
from contextlib import contextmanager

import pytest

from articles.models import Article
from core import purgers, safe_fetch
from tests.factories import image_bytes
from tests.hostile import picture_server
from tests.integration.test_ingest_fetch import remote_story
from tests.integration.test_ingest_ninjs import run, write

MARGIN = 4.0  # seconds of slack for a loaded 2-core machine


@contextmanager
def dripping_server(*, drip_headers: bool = False, step: float = 0.1):
    """Answers every request with a picture, one byte every `step` seconds (the headers too, if `drip_headers`)."""
    picture = image_bytes(colour=(9, 9, 9))
    head = f"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {len(picture)}\r\n\r\n".encode()
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()
    connections = []

    def serve(conn):
        with conn:
            try:
                request = b""
                while b"\r\n\r\n" not in request:
                    data = conn.recv(4096)
                    if not data:
                        return
                    request += data
                answer = head + picture
                sent = 0 if drip_headers else len(head)
                conn.sendall(answer[:sent])
                while sent < len(answer) and not stop.is_set():
                    conn.sendall(answer[sent:sent + 1])
                    sent += 1
                    time.sleep(step)
            except OSError:  # the client hung up: what we want
                pass

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            connections.append(conn)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    server = type("DrippingServer", (), {"port": listener.getsockname()[1], "connections": connections})()
    try:
        yield server
    finally:
        stop.set()
        thread.join(5)
        listener.close()


@pytest.mark.django_db
def test_a_dripping_picture_is_cut_at_the_deadline_and_the_other_items_go_on(tmp_path, settings):
    with dripping_server() as drip, picture_server({"/pic.jpg": (200, {"Content-Type": "image/jpeg"},
                                                                  image_bytes(colour=(1, 2, 3)))}) as good:
        settings.INGEST_FETCH_ALLOW_ADDRESSES = [f"127.0.0.1:{drip.port}", f"127.0.0.1:{good.port}"]
        settings.INGEST_FETCH_TIMEOUT = 2
        write(tmp_path, "1.json", remote_story(f"http://127.0.0.1:{drip.port}/drip.jpg", uri="urn:drip:1"))
        write(tmp_path, "2.json", remote_story(f"http://127.0.0.1:{good.port}/pic.jpg", uri="urn:drip:2"))
        started = time.monotonic()
        lines, error = run(tmp_path)
        elapsed = time.monotonic() - started
    assert elapsed < 2 + MARGIN, elapsed  # the drip alone would take over 60 s (a picture of ~600 bytes)
    dripped = next(line for line in lines if "urn:drip:1" in line)
    assert "not fetched: the server did not answer in time (over 2 s)" in dripped, lines
    assert next(line for line in lines if "urn:drip:2" in line).startswith("created "), lines
    assert Article.objects.get(wire_uri="urn:drip:2").hero_photo is not None
    assert Article.objects.get(wire_uri="urn:drip:1").hero_photo is None


@pytest.mark.parametrize("drip_headers", [False, True], ids=["dripping body", "dripping headers"])
def test_fetch_fails_with_a_clear_reason_within_its_deadline(settings, drip_headers):
    with dripping_server(drip_headers=drip_headers) as drip:
        settings.INGEST_FETCH_ALLOW_ADDRESSES = [f"127.0.0.1:{drip.port}"]
        started = time.monotonic()
        with pytest.raises(safe_fetch.FetchRefused) as refused:
            safe_fetch.fetch(f"http://127.0.0.1:{drip.port}/drip.jpg", timeout=1.5)
        elapsed = time.monotonic() - started
    assert str(refused.value) == "the server did not answer in time (over 1.5 s)"
    assert 1.4 < elapsed < 1.5 + MARGIN, elapsed


def test_a_dripping_cdn_costs_one_purge_its_timeout_and_the_next_purges_are_not_sent(settings, caplog):
    with dripping_server(drip_headers=True) as cdn:
        settings.PAGE_CACHE_PURGER_URL = f"http://127.0.0.1:{cdn.port}/"
        purger = purgers.VarnishXkeyPurger()
        started = time.monotonic()
        assert purger.purge(["story:1"], hard=True) is False
        first = time.monotonic() - started
        started = time.monotonic()
        assert purger.purge(["story:2"], hard=False) is False
        second = time.monotonic() - started
        asked = len(cdn.connections)
    assert purgers.TIMEOUT - 0.1 < first < purgers.TIMEOUT + MARGIN, first
    assert second < 0.5 and asked == 1  # the breaker: not asked again while it is open
    assert "CDN purge of 1 keys failed: no answer within 2 s" in caplog.text
    assert "CDN purge of 1 keys not sent" in caplog.text
