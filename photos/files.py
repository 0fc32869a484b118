"""Files that follow the database: written inside a transaction, kept only if it commits.

Django has on_commit but no on_rollback. `delete_on_rollback` registers an on_commit marker that, when run, records
the commit. If the transaction (or the savepoint the files were written in) rolls back, Django drops the marker
without running it, and a finaliser on the marker deletes the files. So a wire item rejected after its first
picture was written leaves no file behind, and neither does an admin save that fails half way.
"""
import logging
import weakref

from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger(__name__)


class _CommitMarker:
    __slots__ = ("state", "__weakref__")

    def __init__(self, state: dict):
        self.state = state

    def __call__(self) -> None:
        self.state["committed"] = True


def _delete_unless_committed(state: dict, storage, names: tuple[str, ...]) -> None:
    if not state["committed"]:
        delete_files(storage, names)


def delete_files(storage, names) -> None:
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except Exception:  # a cleanup must never turn into an error page
            logger.warning("could not delete %s", name, exc_info=True)


def delete_on_rollback(storage, names, using: str = DEFAULT_DB_ALIAS) -> None:
    """Delete `names` from `storage` if the current transaction rolls back (nothing happens in autocommit)."""
    names = tuple(n for n in names if n)
    if not names or not transaction.get_connection(using).in_atomic_block:
        return
    state = {"committed": False}
    marker = _CommitMarker(state)
    finaliser = weakref.finalize(marker, _delete_unless_committed, state, storage, names)
    finaliser.atexit = False  # a process that dies mid-transaction leaves at worst an orphan file
    transaction.on_commit(marker, using=using)


def delete_on_commit(storage, names, using: str = DEFAULT_DB_ALIAS) -> None:
    """Delete `names` once the current transaction commits (at once in autocommit)."""
    names = tuple(n for n in names if n)
    if names:
        transaction.on_commit(lambda: delete_files(storage, names), using=using)
