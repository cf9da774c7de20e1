"""The transactional outbox: tasks recorded with the transaction that needs them, relayed to the broker after.

``outbox_enqueue`` writes an ``OutboxMessage`` inside the caller's transaction and asks for a relay of
that message once it commits. If the broker cannot take it (down, unreachable), the request still
succeeds: the message waits, and ``outbox_relay`` (beat, every minute) sends it when the broker is
back. Sending is at least once; the tasks behind it are idempotent.
"""

import importlib
import logging
from typing import Any

from celery import current_app
from django.db import transaction
from django.utils import timezone

from core.models import OutboxMessage

logger = logging.getLogger(__name__)

#: Messages one relay run sends at most (a backlog drains over a few runs, each bounded).
RELAY_BATCH = 500


def outbox_enqueue(*, task: str, args: list[Any] | None = None, kwargs: dict[str, Any] | None = None) -> OutboxMessage:
    """Record ``task(*args, **kwargs)`` in the current transaction; it is sent once that commits."""
    message = OutboxMessage.objects.create(task=task, args=args or [], kwargs=kwargs or {})
    # Sent from the row in hand once the transaction commits (no read back). If the beat's relay
    # sent it in between, it goes twice: at least once, which the idempotent tasks absorb.
    transaction.on_commit(lambda: _send(message))
    return message


def _task(name: str) -> Any:
    """The registered task, importing its module on first use (Celery's autodiscovery is lazy)."""
    if name not in current_app.tasks and "." in name:
        try:
            importlib.import_module(name.rsplit(".", 1)[0])
        except ImportError:
            return None
    return current_app.tasks.get(name)


def _send(message: OutboxMessage) -> bool:
    try:
        # retry=False: with the broker down, fail now and leave the message for the next relay,
        # rather than holding the request (or the relay) in kombu's reconnect loop.
        task = _task(message.task)
        if task is not None:  # apply_async honours eager mode (tests, the embedded default without a broker)
            task.apply_async(args=message.args, kwargs=message.kwargs, retry=False)
        else:
            current_app.send_task(message.task, args=message.args, kwargs=message.kwargs, retry=False)
    except Exception as error:  # the broker's errors are transport-specific (kombu, redis, amqp)
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:300]
        )
        logger.warning("Outbox message %s not sent (%s); the relay will retry", message.pk, error)
        return False
    OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=message.attempts + 1, last_error=""
    )
    return True


def outbox_relay(*, message_ids: list[int] | None = None) -> dict[str, int]:
    """Send unsent messages (the named ones, or the oldest ``RELAY_BATCH``); {"sent": n, "failed": n}.

    No row lock is held while talking to the broker (no network call inside a locking transaction):
    two relays racing may both send a message, which idempotent tasks absorb.
    """
    pending = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk")
    if message_ids is not None:
        pending = pending.filter(pk__in=message_ids)
    counts = {"sent": 0, "failed": 0}
    for message in list(pending[:RELAY_BATCH]):
        counts["sent" if _send(message) else "failed"] += 1
        if counts["failed"]:
            break  # the broker is down: the rest would fail the same way; the next run retries
    return counts
