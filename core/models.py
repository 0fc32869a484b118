"""Core's one table: the purge outbox (core.pagecache)."""
import os
import platform

from django.db import models


class PurgeOutbox(models.Model):
    """A page-cache purge the shared cache did not take (it was down, or refused the write).

    Written by the process that made the change, deleted by whichever process next writes it to the cache: a web
    worker before serving from the cache, the scheduler's pass, or a management command as it exits. Kept in the
    database so that a process ending (a command, a shell) takes no purge with it.
    """

    keys = models.TextField(help_text="surrogate keys, space-separated")
    hard = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    process = models.CharField(max_length=200, help_text="host:pid of the process whose purge the cache missed")

    class Meta:
        verbose_name = "purge waiting for the cache"
        verbose_name_plural = "purges waiting for the cache"

    def __str__(self) -> str:
        return f"{'hard' if self.hard else 'soft'} purge of {self.keys}"

    @staticmethod
    def this_process() -> str:
        return f"{platform.node()}:{os.getpid()}"[:200]
