"""Every outbound network call of the product has a wall deadline: the only modules that open connections are the
ones built on core/deadline.py. A new HTTP client elsewhere fails this test until it uses core.deadline (and is
added here), so docs/decisions.md's "the product's only outbound HTTP calls" stays true.

Redis (django-redis: socket timeouts and core.breaker) and the database are reached through their drivers and are
not counted here; tests/ and bench/ are not the product."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["core", "articles", "reporters", "photos", "ads", "distribution", "search", "live", "newsroom", "demo"]
NETWORK_MODULES = {"urllib.request", "http.client", "requests", "httpx", "urllib3", "aiohttp", "smtplib", "ftplib",
                   "socket"}
ALLOWED = {"core/deadline.py", "core/safe_fetch.py", "core/purgers.py"}


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def network_importers() -> dict[str, set[str]]:
    result = {}
    for app in PRODUCT:
        for path in sorted((ROOT / app).rglob("*.py")):
            used = {name for name in imports_of(path) if name in NETWORK_MODULES}
            if used:
                result[str(path.relative_to(ROOT))] = used
    return result


def test_only_the_deadline_bound_modules_open_network_connections():
    importers = network_importers()
    # socket is also imported for its hostname (the scheduler's heartbeat) and its timeout exception (the cache
    # breaker); those modules open no connection.
    lookups_only = {"articles/scheduler.py": {"socket"}, "core/breaker.py": {"socket"}}
    unexpected = {path: used for path, used in importers.items() if path not in ALLOWED and lookups_only.get(path) != used}
    assert unexpected == {}, f"network clients outside core.deadline's users: {unexpected}"
    assert set(importers) >= ALLOWED  # the check sees the clients it is meant to see


def test_the_allowed_clients_go_through_core_deadline():
    for path in ALLOWED - {"core/deadline.py"}:
        text = (ROOT / path).read_text()
        assert "from .deadline import Deadline" in text and "Deadline(" in text, path
