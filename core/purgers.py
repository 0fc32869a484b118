"""Purgers: send the page cache's purges to a CDN or Varnish in front of the app servers.

`PAGE_CACHE_PURGER` names the class (empty: none); `PAGE_CACHE_PURGER_URL`, `PAGE_CACHE_PURGER_TOKEN` and
`PAGE_CACHE_PURGER_SERVICE` configure it (docs/production.md has a configuration for each). Every response the
page cache stores names its keys in `Surrogate-Key` (Fastly, Varnish xkey) and `Cache-Tag` (Cloudflare), and a
purge sends the same keys. A purger that cannot reach its CDN logs it and the change still goes out: the app's own
cache is purged whatever the CDN answers, and the CDN keeps a page at most PAGE_CACHE_CDN_SECONDS.
"""
import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("newsroom.purge")
TIMEOUT = 2.0  # seconds; a purge runs after the commit, on the editor's request


class Purger:
    """Sends nothing (no CDN, or one that only keeps pages PAGE_CACHE_CDN_SECONDS)."""

    def purge(self, keys: list[str], *, hard: bool) -> None:
        pass


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

    def purge(self, keys: list[str], *, hard: bool) -> None:
        for start in range(0, len(keys), self.batch):
            for method, url, headers, body in self.requests(keys[start:start + self.batch], hard):
                request = urllib.request.Request(url, data=body, method=method, headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                        response.read()
                except OSError as error:  # URLError, HTTPError and timeouts are OSErrors
                    log.warning("CDN purge of %d keys failed: %s", len(keys), error)


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
