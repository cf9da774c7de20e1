"""Fault: PostgreSQL drops the connections of a running server in the middle of order placements.

Run by ``make test-faults`` (not by ``make test``). The connections are cut with
``pg_terminate_backend`` (what a restart or a failover does to each session) rather than by
restarting the shared cluster. Four buyers place orders at once against a live server while the
test holds the lock of the stock row they all need, so every placement is inside its transaction
(order, lines and payment written, waiting to reserve stock) when its connection is killed.
Each gets a clean 503 with ``Retry-After``; nothing partial is left; the same server, not
restarted, then places all four when they retry with the same Idempotency-Key; the audit passes.
"""

import threading
from typing import Any

import psycopg
import pytest
import requests
from django.db import connection

from core.tests.api_auth import auth_headers
from orders.audit import audit_run
from orders.models import Order, OrderLine, OrderShipment, Payment
from orders.tests.payments_support import BODY, fill_cart
from warehouses.models import Stock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 4


def _dsn() -> str:
    db = connection.settings_dict
    return f"host={db['HOST'] or '127.0.0.1'} port={db.get('PORT') or 5432} user={db['USER']} dbname={db['NAME']}"


def _waiting_on_locks(monitor: Any, count: int) -> list[int]:
    """The pids of ``count`` sessions of this database waiting for a lock (polled; bounded by the deadline)."""
    for _ in range(200_000):  # each query is ~1 ms: a bound, not a timing assumption
        rows = monitor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchall()
        if len(rows) >= count:
            return [row[0] for row in rows]
    raise AssertionError(f"only {len(rows)} of {count} placements reached the stock lock")


def test_connections_killed_mid_placement_answer_503_then_the_same_server_recovers(
    live_server, market, make_user
) -> None:
    buyers = [make_user(email=f"fault-db-{n}@example.com") for n in range(BUYERS)]
    for buyer in buyers:
        fill_cart(buyer, (market.a_urc, 1))
    stock = Stock.objects.get(variant=market.a_urc, warehouse=market.urumqi)
    url = f"{live_server.url}/api/v1/orders/"

    def place(buyer: Any, results: dict[int, requests.Response]) -> None:
        headers = {**auth_headers(buyer), "Idempotency-Key": f"fault-db-{buyer.pk}"}
        results[buyer.pk] = requests.post(url, json=BODY, headers=headers, timeout=60)

    first: dict[int, requests.Response] = {}
    with psycopg.connect(_dsn(), autocommit=True) as monitor, psycopg.connect(_dsn()) as locker:
        locker.execute("SELECT id FROM warehouses_stock WHERE id = %s FOR UPDATE", [stock.pk])
        threads = [threading.Thread(target=place, args=(buyer, first)) for buyer in buyers]
        for thread in threads:
            thread.start()
        pids = _waiting_on_locks(monitor, BUYERS)
        # Mid-transaction: each placement has written its order, lines and payment by now.
        killed = monitor.execute(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) pid) t", [pids]
        ).fetchone()[0]
        for thread in threads:
            thread.join(timeout=60)
        locker.rollback()

    assert killed == BUYERS
    statuses = sorted(response.status_code for response in first.values())
    assert statuses == [503] * BUYERS, [(r.status_code, r.text[:200]) for r in first.values()]
    for response in first.values():
        assert response.headers["Retry-After"] == "5"
        assert response.json()["code"] == "unavailable"
    # Nothing partial: the server rolled every transaction back.
    assert Order.objects.count() == 0 and OrderLine.objects.count() == 0 and Payment.objects.count() == 0
    assert audit_run() == []

    # The same server (never restarted) reconnects; the retries with the same keys place the orders once.
    second: dict[int, requests.Response] = {}
    for buyer in buyers:
        place(buyer, second)
    assert sorted(response.status_code for response in second.values()) == [201] * BUYERS
    assert Order.objects.count() == BUYERS
    for order in Order.objects.all():
        assert OrderLine.objects.filter(order=order).count() == 1
        assert OrderShipment.objects.filter(order=order).count() == 1
        assert Payment.objects.filter(order=order).exists()
    stock.refresh_from_db()
    assert stock.reserved == BUYERS
    findings = audit_run()
    with psycopg.connect(_dsn(), autocommit=True) as monitor:
        # The live server's request threads keep their connections; the test database can only be
        # dropped without them.
        monitor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s",
            [connection.connection.info.backend_pid if connection.connection else 0],
        )
    print(
        f"fault: {killed} connections killed mid-placement: 503 x{BUYERS}, then 201 x{BUYERS}; audit: {len(findings)}"
    )
    assert findings == []
