"""Transaction helpers shared by the apps."""

from collections.abc import Callable
from typing import TypeVar

from django.db import connection, transaction

T = TypeVar("T")


def on_commit_once(callback: Callable[[], None]) -> None:
    """``transaction.on_commit(callback)`` unless the same callback already waits for this commit.

    Many rows saved in one transaction then cause one side effect, not one per row, even when
    each save runs in a savepoint of its own (``update_or_create`` opens one per call). Any
    pending copy makes a new one redundant: a copy registered in a savepoint that is still open
    is dropped only if that savepoint rolls back, and then so is everything nested in it, this
    registration included; a copy from a released savepoint can no longer be dropped alone (Django
    removes the callbacks of a rolled-back savepoint at once). Outside a transaction the callback
    runs at once.
    """
    if connection.in_atomic_block and any(entry[1] is callback for entry in connection.run_on_commit):
        return
    transaction.on_commit(callback)


def guarded_write(write: Callable[[], T]) -> T:
    """Run one write that may raise ``IntegrityError`` (a unique row another request inserted first).

    Inside a transaction it runs in a savepoint, so that the caller's transaction survives the
    error (PostgreSQL aborts a transaction at its first failed statement). Outside one (autocommit)
    the statement is its own transaction already: no BEGIN, SAVEPOINT, RELEASE and COMMIT around
    it, four round trips saved on hot paths (the idempotency claim, a buyer's first cart).
    """
    if connection.in_atomic_block:
        with transaction.atomic():
            return write()
    return write()
