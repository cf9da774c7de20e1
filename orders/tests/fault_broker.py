"""Fault: the broker is down while an order is placed (run by ``make test-faults``).

The order must commit and the buyer get their 201; the "placed" email waits in the transactional
outbox (core/outbox.py) and goes out once the broker is back, exactly once, however many times the
relay runs or a message is delivered again.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core import mail

from config.celery import app as celery_app
from core.models import OutboxMessage
from core.outbox import outbox_relay
from core.tasks import outbox_relay_task
from orders.audit import audit_run
from orders.models import Order, OrderEmail, OrderStatus
from orders.tests.payments_support import fill_cart, place

pytestmark = pytest.mark.django_db(transaction=True)

#: Port 9 (discard): nothing listens there, so every connection is refused at once.
DEAD_BROKER = "redis://127.0.0.1:9/0"


@contextmanager
def broker(url: str, *, eager: bool) -> Iterator[None]:
    """Point this process's Celery app at ``url`` (dropping pooled connections to the old one)."""
    names = ("broker_url", "broker_write_url", "broker_read_url", "task_always_eager")
    saved = {name: celery_app.conf[name] for name in names}
    celery_app.conf.update(broker_url=url, broker_write_url=url, broker_read_url=url, task_always_eager=eager)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def test_an_order_placed_while_the_broker_is_down_commits_and_its_email_follows_once(
    market, make_user, client_for
) -> None:
    buyer = make_user(email="fault-broker@example.com")
    fill_cart(buyer, (market.a_urc, 1), (market.b_urc, 2))
    mail.outbox.clear()

    with broker(DEAD_BROKER, eager=False):
        response = place(client_for(buyer), key="fault-broker-1")
        assert response.status_code == 201, response.data  # not a 500 after the commit
        order = Order.objects.get(pk=response.data["id"])
        assert order.status == OrderStatus.PENDING_PAYMENT
        (message,) = OutboxMessage.objects.filter(task="orders.tasks.order_email_send_task")
        assert message.args == [order.pk, "placed"] and message.sent_at is None
        assert message.attempts == 1 and message.last_error  # tried on commit, refused
        assert outbox_relay_task.run() == {"sent": 0, "failed": 1}  # beat's relay: still down
        assert mail.outbox == []
    assert audit_run() == []

    # The broker is back (tasks run in this process here): the next relay sends the email.
    with broker(DEAD_BROKER, eager=True):
        assert outbox_relay_task.run() == {"sent": 1, "failed": 0}
        assert outbox_relay() == {"sent": 0, "failed": 0}  # nothing left: sent once
        # A message delivered twice (a relay died between sending and marking) sends nothing more.
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=None)
        assert outbox_relay() == {"sent": 1, "failed": 0}
    assert [email.to for email in mail.outbox] == [[buyer.email]]
    assert OrderEmail.objects.filter(order=order, kind="placed").count() == 1
    findings = audit_run()
    print(f"fault: broker down during placement: order committed, 1 email after recovery; audit: {len(findings)}")
    assert findings == []
