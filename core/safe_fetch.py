"""Fetching a URL someone else wrote (wire pictures) without letting them reach our network.

`fetch(url)` allows http and https only; resolves the host itself and refuses the request if any address it
resolves to is loopback, private, link-local, multicast, reserved or unspecified (IPv4, IPv6 and IPv4-mapped IPv6;
decimal, octal and hex IPv4 spellings are resolved first, so they are judged by the address they mean). It then
connects to the checked address (the Host header and TLS name stay the URL's), so DNS cannot answer differently
between the check and the connection. Redirects are followed by hand, each target checked the same way, at most
`INGEST_FETCH_MAX_REDIRECTS` of them. `INGEST_FETCH_HOSTS`, when set, is the only hosts fetched from.
`INGEST_FETCH_TIMEOUT` bounds the whole fetch, redirects included: core.deadline cuts the connection when it runs
out, so a server dripping its headers or body a byte at a time is stopped there ("did not answer in time").

Every failure raises `FetchRefused` whose message is safe to print: a refused address, a refused connection, a
timeout while connecting and a TLS failure all read "address not allowed", so the ingest line cannot be used to
map our network. The detail goes to the log.
"""
import http.client
import ipaddress
import logging
import socket
import ssl
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from .deadline import Deadline

logger = logging.getLogger(__name__)

NOT_ALLOWED = "address not allowed"
REDIRECTS = {301, 302, 303, 307, 308}


class FetchRefused(Exception):
    """The URL was not fetched; str() is the public reason."""


def _setting(name, default):
    return getattr(settings, name, default)


def _test_allowed(ip: str, port: int) -> bool:
    # INGEST_FETCH_ALLOW_ADDRESSES is for the test suite's local server only ("127.0.0.1:8123"); it is read from
    # settings (never the environment) and is empty in production.
    allowed = _setting("INGEST_FETCH_ALLOW_ADDRESSES", ())
    return f"{ip}:{port}" in allowed or (ip.count(":") and f"[{ip}]:{port}" in allowed)


def is_public(ip: str) -> bool:
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped
        if mapped is not None:  # ::ffff:127.0.0.1 is 127.0.0.1
            return is_public(str(mapped))
        if address in ipaddress.ip_network("64:ff9b::/96"):  # NAT64: judge the IPv4 address inside
            return is_public(str(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)))
    return address.is_global and not (
        address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
        or address.is_reserved or address.is_unspecified
    )


def _host_allowed(host: str) -> bool:
    hosts = [h.strip().lower() for h in _setting("INGEST_FETCH_HOSTS", ()) if h.strip()]
    if not hosts:
        return True
    host = host.lower().rstrip(".")
    return any(host == h or (h.startswith(".") and host.endswith(h)) for h in hosts)


def resolve_checked(host: str, port: int) -> str:
    """The address to connect to, or FetchRefused. Every address the name resolves to must be public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        logger.info("fetch refused: %s does not resolve (%s)", host, exc)
        raise FetchRefused(NOT_ALLOWED) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchRefused(NOT_ALLOWED)
    for ip in addresses:
        if not (is_public(ip) or _test_allowed(ip, port)):
            logger.info("fetch refused: %s resolves to %s", host, ip)
            raise FetchRefused(NOT_ALLOWED)
    return addresses[0]


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchRefused("not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused("only http and https pictures are fetched")
    host = parts.hostname or ""
    if not host or parts.username or parts.password:
        raise FetchRefused(NOT_ALLOWED)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or (443 if scheme == "https" else 80), target


def fetch(url: str, *, max_bytes: int | None = None, timeout: float | None = None) -> bytes:
    """The body at `url` (after checked redirects), or FetchRefused.

    `timeout` (INGEST_FETCH_TIMEOUT, 10 s) is the whole fetch, redirects, headers and body included: a server that
    drips its answer is cut off when it runs out (core.deadline), not only one that stops sending."""
    max_bytes = max_bytes or _setting("INGEST_FETCH_MAX_BYTES", 15 * 1024 * 1024)
    timeout = timeout or _setting("INGEST_FETCH_TIMEOUT", 10.0)
    max_redirects = _setting("INGEST_FETCH_MAX_REDIRECTS", 3)
    with Deadline(timeout) as deadline:
        for _ in range(max_redirects + 1):
            scheme, host, port, target = _split(url)
            if not _host_allowed(host):
                logger.info("fetch refused: %s is not in INGEST_FETCH_HOSTS", host)
                raise FetchRefused("host not in INGEST_FETCH_HOSTS")
            ip = resolve_checked(host, port)
            conn = deadline.connection(scheme, host, port, address=ip)
            try:
                try:
                    conn.connect()
                except (OSError, ssl.SSLError) as exc:  # refused, unreachable, timed out, bad certificate: all alike
                    logger.info("fetch of %s failed to connect: %r", url, exc)
                    raise FetchRefused(NOT_ALLOWED) from None
                try:
                    conn.request("GET", target, headers={"User-Agent": "Newsroom ingest", "Accept": "image/*"})
                    response = conn.getresponse()
                    if response.status in REDIRECTS and response.getheader("Location"):
                        url = urljoin(url, response.getheader("Location"))
                        continue
                    if response.status != 200:
                        raise FetchRefused(f"HTTP {response.status}")
                    length = response.getheader("Content-Length")
                    if length and length.isdigit() and int(length) > max_bytes:
                        raise FetchRefused(f"larger than {max_bytes} bytes")
                    return _read(response, max_bytes, deadline)
                except (OSError, http.client.HTTPException) as exc:
                    logger.info("fetch of %s failed: %r", url, exc)
                    if deadline.expired:
                        raise FetchRefused(f"the server did not answer in time (over {timeout:g} s)") from None
                    raise FetchRefused("the server did not answer in time" if isinstance(exc, TimeoutError)
                                       else "the server's answer was broken") from None
            finally:
                conn.close()
    raise FetchRefused(f"more than {max_redirects} redirects")


CHUNK = 8192  # bytes per read: the deadline is also checked between reads


def _read(response, max_bytes: int, deadline: Deadline) -> bytes:
    chunks, size = [], 0
    while True:
        deadline.check()
        chunk = response.read(min(CHUNK, max_bytes + 1 - size))
        if not chunk:
            deadline.check()  # a body cut short by the deadline ends like a finished one
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"larger than {max_bytes} bytes")
