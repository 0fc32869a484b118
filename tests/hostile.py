"""Hostile corpora (tests/fixtures/hostile/) and a local HTTP server that counts who asked it for what."""
import json
import shutil
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hostile"


def corpus(name: str, **fmt) -> list[str]:
    """The non-comment lines of a fixture file, with {placeholders} filled in."""
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [line.format(**fmt) if fmt else line for line in lines if line.strip() and not line.startswith("#")]


@contextmanager
def picture_server(routes: dict):
    """An HTTP server on 127.0.0.1: `routes` maps a path to (status, headers, body); `server.hits` lists the paths asked."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            status, headers, body = routes.get(self.path, (404, {}, b"not here"))
            if callable(body):
                body = body(self)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.hits = hits
    server.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def deep_json(depth: int = 200_000) -> str:
    """An item whose headline sits under `depth` nested arrays: what once ended a run with RecursionError."""
    return '{"uri": "urn:hostile:deep", "headlines": ' + "[" * depth + "]" * depth + "}"


def oversize_json(size: int) -> str:
    """A valid ninjs item of about `size` bytes (the 50 MB file that once took 30 s and 1.4 GB to publish)."""
    body = "<p>" + "word " * (size // 5) + "</p>"
    return json.dumps({"uri": "urn:hostile:oversize", "type": "text", "versionCreated": "2026-11-20T05:45:00Z",
                       "headlines": [{"role": "main", "value": "Oversize"}],
                       "bodies": [{"role": "main", "contentType": "text/html", "value": body}]})


def long_string_json(chars: int) -> str:
    return json.dumps({"uri": "urn:hostile:long-string", "type": "text", "versionCreated": "2026-11-20T05:45:00Z",
                       "headlines": [{"role": "main", "value": "x" * chars}]})


def copy_wire_corpus(folder: Path) -> Path:
    """The static hostile wire items (tests/fixtures/hostile/wire/) copied into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (FIXTURES / "wire").glob("*.json"):
        shutil.copyfile(path, folder / path.name)
    return folder
