"""Slow clients hold nginx connections, not gunicorn threads (deploy/nginx/newsroom-limits.conf).

Real processes: a gunicorn app server (1 worker x 2 threads, gunicorn.conf.py) and a real nginx in front of it,
configured by the repository's limits file exactly as `make faults` runs it. 16 connections send their headers a
byte a second and 16 send a body a byte a second, from 127.0.0.2; /healthz is asked from 127.0.0.1.
`make faults` runs the same drill longer, with 64 + 64 connections against 4 workers x 2 threads.
"""
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest

from tests.processes import ROOT, app_server, free_port

sys.path.insert(0, str(ROOT / "bench"))
import faults  # noqa: E402  (bench/faults.py: the nginx the drill runs)


@pytest.fixture(autouse=True)
def _nginx_present():
    """Skipped with a reason on a machine without nginx; with CI=true (.ci/run installs it) a missing one fails."""
    if not faults.nginx_binary():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true: nginx is missing (.ci/run installs Debian's nginx)", pytrace=False)
        pytest.skip("nginx not installed (apt-get install nginx)")

SLOW_HEAD = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
SLOW_BODY = (b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
             b"Content-Length: 100000\r\n\r\n")


@contextmanager
def slow_clients(port: int, each: int = 16):
    sockets = []
    for first in (SLOW_HEAD, SLOW_BODY):
        for _ in range(each):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.2", 0))
            sock.sendall(first)
            sockets.append(sock)
    stop = threading.Event()

    def drip():
        while not stop.wait(1.0):
            for sock in sockets:
                try:
                    sock.sendall(b"x")
                except OSError:
                    pass

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)
        for sock in sockets:
            sock.close()


def probe(port: int, timeout: float) -> int | str:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", "/healthz", headers={"Connection": "close"})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status
    except TimeoutError:
        return "timeout"


@pytest.fixture
def nginx_in_front(tmp_path):
    @contextmanager
    def start(upstream: int):
        port = free_port()
        process = subprocess.Popen(faults.nginx_command(faults.nginx_binary(), tmp_path / "nginx", port, upstream),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            faults.wait_for_nginx(port, tmp_path / "nginx")
            yield port
        finally:
            process.terminate()
            process.wait(timeout=10)
    return start


@pytest.mark.django_db
def test_slow_clients_through_nginx_leave_healthz_answering_while_straight_at_gunicorn_they_take_it(nginx_in_front):
    with app_server(workers=1) as base:
        gunicorn_port = int(base.rsplit(":", 1)[1])
        with nginx_in_front(gunicorn_port) as port:
            with slow_clients(port):
                time.sleep(1)  # the slow connections are all in
                through_nginx = [probe(port, timeout=5) for _ in range(6)]
        assert through_nginx == [200] * 6

        # The same attack straight at gunicorn (what TRUSTED_PROXY_COUNT=0 "if exposed directly" allowed): its two
        # threads are held and the probe gets nothing. This is why gunicorn is never exposed.
        with slow_clients(gunicorn_port):
            time.sleep(1)
            assert probe(gunicorn_port, timeout=3) == "timeout"
