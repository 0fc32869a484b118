"""Django's file cache with an atomic `add` and occasional culling, for the embedded default (several processes,
one directory).

Uncompressed: Django zlib-compresses every value, and decompressing the stored page was the largest single cost of
a page-cache hit (0.1 ms of about 0.5); pages are tens of kilobytes and the disk is local. Entries carry their own
suffix (".djc"), so files of Django's compressed format are never read as ours.

Culling: Django lists the whole directory before every write to see whether it is over MAX_ENTRIES; with the page
cache's fragments and key tokens that listing cost more than the write itself. Here a process lists it at most
once every CULL_INTERVAL seconds, so the directory may pass MAX_ENTRIES by what is written in between.

Django's FileBasedCache.add checks and then writes, so two processes can both "add" the same key. Here the value
is written to a temporary file and linked to the key's name: `os.link` fails if the name exists, so exactly one
of several racing processes adds it. That makes `add` a lock (the page cache's re-render lock, ad tickets' once-only
use) as on Redis. One gap remains: when the existing entry has expired, it is removed and the link tried once
more, and a process removing an expired entry by name can race another that has just replaced it.
"""
import os
import pickle
import tempfile
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

CULL_INTERVAL = 2.0  # seconds


class FileCache(FileBasedCache):
    cache_suffix = ".djc"
    _last_cull = 0.0

    def get(self, key, default=None, version=None):
        try:
            with open(self._key_to_file(key, version), "rb") as f:
                if not self._is_expired(f):
                    return pickle.loads(f.read())
        except FileNotFoundError:
            pass
        return default

    def _write_content(self, file, timeout, value):
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        value = self.get(key, self, version)  # not atomic, unlike Django's: the page cache does not touch
        if value is self:
            return False
        self.set(key, value, timeout, version)
        return True

    def _cull(self):
        now = time.monotonic()
        if now - self._last_cull < CULL_INTERVAL:
            return
        self._last_cull = now
        super()._cull()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._createdir()
        fname = self._key_to_file(key, version)
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as f:
                self._write_content(f, timeout, value)
            for _ in range(2):
                try:
                    os.link(tmp_path, fname)
                    return True
                except FileExistsError:
                    if self.has_key(key, version):  # has_key removes an expired entry
                        return False
            return False
        finally:
            os.remove(tmp_path)
