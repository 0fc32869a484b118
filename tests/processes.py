"""Running the project in other processes against the test database (races, shared caches)."""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def project_env(**extra) -> dict:
    """The environment another process needs to share this test run's database and cache."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "other-process-test-key",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "STATIC_ROOT": collected_static_root(),
    }
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("RedisCache"):
        env["REDIS_URL"] = cache["LOCATION"]
        env["CACHE_KEY_PREFIX"] = cache["KEY_PREFIX"]
    else:
        env.pop("REDIS_URL", None)
        env["CACHE_DIR"] = cache["LOCATION"]
    env.update(extra)
    return env


_collected: dict[str, str] = {}


def collected_static_root() -> str:
    """collectstatic once per test run, as a deploy does: production settings need the manifest."""
    if "root" not in _collected:
        root = tempfile.mkdtemp(prefix="newsroom-test-collected-")
        env = {**os.environ, "SECRET_KEY": "collectstatic", "DEBUG": "0", "STATIC_ROOT": root,
               "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        _collected["root"] = root
    return _collected["root"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def app_server(workers: int = 1, access_log: str = "/dev/null", error_log=None, **extra_env):
    """A gunicorn app server on a free port, as in production; yields its base URL.

    `access_log` gets one line per request, `<worker pid> <path>`, so a test can tell which worker answered;
    `error_log` (a path) keeps what the server logged, for tests that count log lines.
    """
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--access-logfile", access_log, "--access-logformat", "%(p)s %(U)s"],
        cwd=ROOT, env=project_env(**extra_env), stdout=subprocess.DEVNULL,
        stderr=open(error_log, "w") if error_log else subprocess.PIPE, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers (unhealthy is still an answer)
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"app server did not start: {_stderr(process, error_log)}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _stderr(process, error_log) -> str:
    if error_log:
        return Path(error_log).read_text()[-2000:]
    return process.stderr.read()[-2000:]


@contextmanager
def private_redis():
    """A redis-server of this test's own (never the shared one): yields its URL and process."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)
