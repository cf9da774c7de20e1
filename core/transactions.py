"""Transaction helpers shared by the apps."""

from collections.abc import Callable

from django.db import connection, transaction


def on_commit_once(callback: Callable[[], None]) -> None:
    """``transaction.on_commit(callback)`` unless the same callback already waits in this atomic block.

    Many rows saved in one transaction then cause one side effect, not one per row. Django keeps
    ``(savepoint ids, callback, robust)`` per pending callback; comparing the savepoint ids rather
    than looking for any pending copy keeps this right when an inner block rolls back (which
    discards the callbacks it registered). Outside a transaction the callback runs at once.
    """
    if connection.in_atomic_block:
        current = set(connection.savepoint_ids)
        for entry in connection.run_on_commit:
            if entry[1] is callback and set(entry[0]) == current:
                return
    transaction.on_commit(callback)
