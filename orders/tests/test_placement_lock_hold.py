"""Order placement holds the hot stock row for as short as possible (ADR 0014), on PostgreSQL.

While the stock is being taken, the Idempotency-Key's claim is already committed (another
connection sees it and can lock it: it is not part of the stock transaction), a retry with the
same key is answered at once with 409 ``idempotency_key_in_progress``, and after the stock update
the transaction only writes the ledger before it commits: the order's rows, shipments, the key's
response, reading the order back and rendering it all happen outside the row lock.
"""

import threading
from typing import Any

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from core.models import IdempotencyKey
from orders.models import Order
from orders.services import cart_item_add
from orders.services import placement as placement_module
from orders.services.cart import cart_get_or_create
from orders.tests.factories import ALMATY_ADDRESS
from warehouses.models import Stock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BODY = {"shipping_address": ALMATY_ADDRESS, "currency": "KZT", "preference": "cheapest"}


def in_another_connection(work: Any) -> Any:
    """Run ``work()`` on a thread of its own, hence its own database connection (its own transaction)."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = work()
        except Exception as error:
            result["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_the_key_is_claimed_outside_the_stock_transaction_and_a_retry_meanwhile_is_told_so(
    make_user, market, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    buyer = make_user(email="hold@example.com")
    cart = cart_get_or_create(user=buyer)
    cart_item_add(cart=cart, variant_id=market.a_urc.pk, quantity=2)
    token = api_token_issue(user=buyer).key

    def post() -> Any:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="hold-1")

    seen: dict[str, Any] = {}
    statements: list[str] = []
    real_take = placement_module.stock_take

    def take_and_look(**kwargs: Any) -> None:
        # Inside the placement transaction, just before the stock rows are taken.
        def look() -> dict[str, Any]:
            with connection.cursor() as cursor:
                # NOWAIT: fails at once if the placement transaction held this row.
                cursor.execute(
                    "SELECT response_status FROM core_idempotencykey WHERE key = %s FOR UPDATE NOWAIT", ["hold-1"]
                )
                claim = cursor.fetchall()
            return {"claim": claim, "retry": post()}

        seen.update(in_another_connection(look))
        statements.append("TAKE")
        real_take(**kwargs)

    def commit_and_note(real_commit: Any) -> Any:
        def commit() -> None:
            statements.append("COMMIT")
            real_commit()

        return commit

    monkeypatch.setattr(placement_module, "stock_take", take_and_look)
    monkeypatch.setattr(connection, "commit", commit_and_note(connection.commit))
    with connection.execute_wrapper(lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)):
        response = post()

    assert response.status_code == 201, response.data
    # The claim was committed before the stock transaction began, and that transaction did not lock it.
    assert seen["claim"] == [(None,)]
    # A retry while the order was being placed was answered at once, without a second order.
    assert seen["retry"].status_code == 409
    assert seen["retry"].data["code"] == "idempotency_key_in_progress"
    # From the stock update to the commit: the update, the ledger, nothing else (no shipments, no key).
    start = statements.index("TAKE")
    end = statements.index("COMMIT", start)
    taken = statements[start + 1 : end]
    assert [sql.split()[0] for sql in taken] == ["UPDATE", "INSERT"], taken
    assert "warehouses_stock" in taken[0] and "warehouses_stockledgerentry" in taken[1]
    # The key was claimed (and committed) before, its response stored after; a retry now replays it.
    before, after = statements[:start], statements[end:]
    assert any("core_idempotencykey" in sql and sql.startswith("INSERT") for sql in before)
    assert not any("core_idempotencykey" in sql for sql in taken)
    assert any("core_idempotencykey" in sql and sql.startswith("UPDATE") for sql in after)
    assert IdempotencyKey.objects.get(key="hold-1").response_status == 201
    again = post()
    assert again.status_code == 201 and again.data["id"] == response.data["id"]
    assert Order.objects.count() == 1
    assert Stock.objects.get(variant=market.a_urc, warehouse=market.urumqi).reserved == 2
