"""Purgers: send the page cache's purges to a CDN or Varnish in front of the app servers.

`PAGE_CACHE_PURGER` names the class (empty: none); `PAGE_CACHE_PURGER_URL`, `PAGE_CACHE_PURGER_TOKEN` and
`PAGE_CACHE_PURGER_SERVICE` configure it (docs/production.md has a configuration for each). Every response the
page cache stores names its keys in `Surrogate-Key` (Fastly, Varnish xkey) and `Cache-Tag` (Cloudflare), and a
purge sends the same keys. A purger that cannot reach its CDN logs it and the change still goes out: the app's own
cache is purged whatever the CDN answers, and the CDN keeps a page at most PAGE_CACHE_CDN_PURGED_SECONDS.

A purge runs after the commit, on the editor's request, so it must not hang: each request to the CDN has a wall
deadline of TIMEOUT seconds, headers and body included (core.deadline), and a CDN that failed is not asked again
for BREAKER_SECONDS by this process (core.breaker): a hung CDN API costs one editor's save TIMEOUT, not every save.
"""
import http.client
import json
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

from .breaker import breaker_for
from .deadline import Deadline

log = logging.getLogger("newsroom.purge")
TIMEOUT = 2.0  # seconds, per request, whatever the CDN does
BREAKER_SECONDS = 10.0


class Purger:
    """Sends nothing (no CDN, or one that only keeps pages PAGE_CACHE_CDN_SECONDS)."""

    def purge(self, keys: list[str], *, hard: bool) -> bool:
        """Send the purge; False if (part of) it was not sent or not accepted (the reason is logged)."""
        return True


class HttpPurger(Purger):
    method = "POST"
    batch = 256  # keys per request

    def __init__(self):
        self.url = settings.PAGE_CACHE_PURGER_URL
        self.token = settings.PAGE_CACHE_PURGER_TOKEN
        self.service = settings.PAGE_CACHE_PURGER_SERVICE

    def requests(self, keys: list[str], hard: bool):
        """(method, url, headers, body) for each request to send."""
        raise NotImplementedError

    def purge(self, keys: list[str], *, hard: bool) -> bool:
        sent = True
        for start in range(0, len(keys), self.batch):
            for method, url, headers, body in self.requests(keys[start:start + self.batch], hard):
                breaker = breaker_for(f"CDN {urlsplit(url).netloc}", BREAKER_SECONDS)
                if not breaker.allow():
                    log.warning("CDN purge of %d keys not sent: the CDN failed less than %g s ago", len(keys),
                                BREAKER_SECONDS)
                    sent = False
                    continue
                try:
                    status = send(method, url, headers, body)
                except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, cut at the deadline
                    breaker.failed()
                    log.warning("CDN purge of %d keys failed: %s", len(keys), error)
                    sent = False
                    continue
                if status >= 500:
                    breaker.failed()
                else:
                    breaker.succeeded()
                if status >= 300:
                    log.warning("CDN purge of %d keys failed: HTTP %d", len(keys), status)
                    sent = False
        return sent


def send(method: str, url: str, headers: dict, body: bytes | None, timeout: float = TIMEOUT) -> int:
    """One request, answered in full within `timeout` seconds or cut off (TimeoutError); the response status."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise OSError(f"not an http(s) URL: {parts.scheme}")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    with Deadline(timeout) as deadline:
        conn = deadline.connection(parts.scheme, parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        try:
            conn.request(method, target, body=body, headers=headers)
            response = conn.getresponse()
            while response.read(8192):
                deadline.check()
            deadline.check()
            return response.status
        except (OSError, http.client.HTTPException):
            if deadline.expired:
                raise TimeoutError(f"no answer within {timeout:g} s") from None
            raise
        finally:
            conn.close()


class VarnishXkeyPurger(HttpPurger):
    """Varnish with vmod-xkey: `PURGE` with the keys in `xkey-purge` (hard) or `xkey-softpurge` (soft).

    PAGE_CACHE_PURGER_URL: each Varnish, space-separated (e.g. "http://10.0.0.5:6081/ http://10.0.0.6:6081/")."""

    def requests(self, keys, hard):
        header = "xkey-purge" if hard else "xkey-softpurge"
        return [("PURGE", url, {header: " ".join(keys)}, None) for url in self.url.split()]


class VarnishBanPurger(HttpPurger):
    """Plain Varnish: `BAN` with a regular expression over the stored `Surrogate-Key` header (the VCL in
    docs/production.md turns `X-Ban-Keys` into `ban("obj.http.Surrogate-Key ~ ...")`)."""

    def requests(self, keys, hard):
        pattern = "(^| )(" + "|".join(_regex_escape(key) for key in keys) + ")( |$)"
        return [("BAN", url, {"X-Ban-Keys": pattern}, None) for url in self.url.split()]


class FastlyPurger(HttpPurger):
    """Fastly: `POST /service/<id>/purge` with the keys in `Surrogate-Key`; soft purges mark stale."""

    def requests(self, keys, hard):
        base = (self.url or "https://api.fastly.com").rstrip("/")
        headers = {"Fastly-Key": self.token, "Surrogate-Key": " ".join(keys)}
        if not hard:
            headers["Fastly-Soft-Purge"] = "1"
        return [("POST", f"{base}/service/{self.service}/purge", headers, None)]


class CloudflarePurger(HttpPurger):
    """Cloudflare: `POST /zones/<id>/purge_cache` with `{"tags": [...]}` (at most 30 tags per request)."""

    batch = 30

    def requests(self, keys, hard):
        base = (self.url or "https://api.cloudflare.com/client/v4").rstrip("/")
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        body = json.dumps({"tags": keys}).encode()
        return [("POST", f"{base}/zones/{self.service}/purge_cache", headers, body)]


def _regex_escape(key: str) -> str:
    return "".join("\\" + c if c in r".^$*+?()[]{}|\\" else c for c in key)


def purger() -> Purger:
    path = settings.PAGE_CACHE_PURGER
    return import_string(path)() if path else Purger()
