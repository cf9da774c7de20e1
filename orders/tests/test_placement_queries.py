"""Placing an order runs a known number of queries (ADR 0014): a fixed part, and a part per parcel.

The per-request memo checks the rates' and the network's fingerprints once however many parcels
are priced, the order lines go in with one insert, and the order is read back once: a lookup that
comes back per line, per parcel or per rate fails here.
"""

import pytest

from orders.services import cart_item_add
from orders.services.cart import cart_get_or_create
from orders.tests.factories import ALMATY_ADDRESS

# Autocommit, as a served request runs: order_place commits its own transaction and its on-commit
# work (opening the payment, relaying the e-mail task) runs then, inside the counted request.
pytestmark = pytest.mark.django_db(transaction=True)

BODY = {"shipping_address": ALMATY_ADDRESS, "currency": "KZT", "preference": "cheapest"}
# One line, one parcel; four lines of two sellers from two warehouses, four parcels.
# Before the fast paths (ADR 0014): 60 and 88 (in a test transaction, which hid the on-commit work).
# Then 46 and 68 with knox (two queries per request) and the hoarding check. Now counted in
# autocommit as served, on-commit work included: the order e-mail task (6 queries, run eagerly
# here, by a worker in production) and opening the payment (2). What went: knox's second token
# query, the claim's BEGIN/SAVEPOINT/RELEASE/COMMIT, the outbound shipment's savepoint, reading the
# cart's signature before the lock, reading the outbox message and the payment back, and asking
# for the payment twice.
QUERIES = {1: 44, 4: 60}


@pytest.mark.parametrize("lines", [1, 4])
def test_placing_an_order_runs_a_known_number_of_queries(
    make_user, client_for, market, lines, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    buyer = make_user(email="counted@example.com")
    cart = cart_get_or_create(user=buyer)
    for variant in (market.a_urc, market.a_lyg, market.b_urc, market.b_lyg)[:lines]:
        cart_item_add(cart=cart, variant_id=variant.pk, quantity=1)
    client = client_for(buyer)
    client.post("/api/v1/checkout/quote/", BODY, format="json")  # the per-process tables are built
    with django_assert_num_queries(QUERIES[lines]):
        response = client.post("/api/v1/orders/", BODY, format="json", HTTP_IDEMPOTENCY_KEY="counted")
    assert response.status_code == 201, response.data
    assert len(response.data["items"]) == lines and len(response.data["shipments"]) == lines
