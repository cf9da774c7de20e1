"""The permission matrix: every API route × nine callers × objects owned by A and by B.

Routes come from the URL resolver (``api_routes`` of the endpoint walk), so a new endpoint without
a row in ``RULES`` fails the test. Two worlds are built by the walk's ``world_build``: A's (buyer A,
seller A with a staff member, warehouse staff at Urumqi) and B's (buyer B, seller B, warehouse staff
at Lianyungang); their objects fill the path parameters. The nine callers are anonymous, buyer A,
buyer B, seller A, seller B, seller A's staff member, staff of warehouse A (Urumqi), staff of
warehouse B (Lianyungang) and a platform admin.

Each row says who may reach a route's object: relations to the object's owner (``buyer``,
``seller``, ``member``, ``warehouse``) or kinds of caller (``anyone``, ``authenticated``,
``seller-kind``, ``owner-kind``, ``warehouse-kind``, ``admin``), and how everyone else is refused
(403 or 404; anonymous callers 401). An allowed caller must get past authorization (neither
401, 403 nor 404, and no 5xx: a 400 for the empty body is fine); a refused caller must get exactly
the refusal and no INSERT, UPDATE or DELETE may have run. Each request runs in a savepoint rolled
back after it, so an allowed DELETE never changes what the next caller sees.
"""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.tests.api_auth import client_as
from core.tests.test_every_endpoint import WRITE, Route, World, api_routes, url_for, world_build

pytestmark = [pytest.mark.django_db, pytest.mark.clock_free]

CALLERS = (
    "anonymous",
    "buyer_a",
    "buyer_b",
    "seller_a",
    "seller_b",
    "seller_a_staff",
    "warehouse_a_staff",
    "warehouse_b_staff",
    "admin",
)


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    #: Callers of the right kind who are not allowed (another seller's member, another buyer) get
    #: 404: the object is not in their queryset. Callers of the wrong kind get 403 from the
    #: permission class before any object is looked up; anonymous callers 401.
    right_kind: frozenset[str] = frozenset()
    anonymous: int = 401


def rule(*allowed: str, right_kind: tuple[str, ...] = (), anonymous: int = 401) -> Rule:
    return Rule(frozenset(allowed), frozenset(right_kind), anonymous)


PUBLIC = rule("anyone")
AUTHENTICATED = rule("authenticated")
SELLER_KIND = rule("seller-kind", "member-kind")  # any seller's owner or staff; the view scopes to their own
OWNER_KIND = rule("seller-kind")  # owners only (members, invitations, payouts)
WAREHOUSE_KIND = rule("warehouse-kind", "admin")
#: Objects: another owner's object is simply not there (404), callers of the wrong kind get 403.
OWN_BUYER = rule("buyer", right_kind=("authenticated",))
OWN_SELLER = rule("seller", "member", right_kind=("seller-kind", "member-kind"))
OWN_SELLER_OWNER = rule("seller", right_kind=("seller-kind",))
OWN_WAREHOUSE = rule("warehouse", "admin", right_kind=("warehouse-kind",))
ADMIN_ONLY = rule("admin", right_kind=("authenticated",))
#: Stripe's webhook exists only when Stripe is the provider (the tests' default is offline payments).
NOT_CONFIGURED = rule(right_kind=("anyone",), anonymous=404)

#: (route pattern, method) → rule. A route the resolver finds without a row here fails the test.
RULES: dict[tuple[str, str], Rule] = {
    ("api/v1/countries/", "GET"): PUBLIC,
    ("api/v1/auth/register/", "POST"): PUBLIC,
    ("api/v1/auth/token/", "POST"): PUBLIC,
    ("api/v1/auth/logout/", "POST"): AUTHENTICATED,
    ("api/v1/auth/logout-all/", "POST"): AUTHENTICATED,
    ("api/v1/me/", "GET"): AUTHENTICATED,
    ("api/v1/me/notifications/", "GET"): AUTHENTICATED,
    ("api/v1/me/notifications/<int:notification_id>/read/", "POST"): OWN_BUYER,
    ("api/v1/sellers/", "POST"): AUTHENTICATED,
    ("api/v1/sellers/me/", "GET"): SELLER_KIND,
    ("api/v1/sellers/me/", "PATCH"): OWNER_KIND,
    ("api/v1/sellers/me/payouts/onboarding/", "POST"): OWNER_KIND,
    ("api/v1/sellers/me/members/", "GET"): SELLER_KIND,
    ("api/v1/sellers/me/members/<int:member_id>/", "DELETE"): OWN_SELLER_OWNER,
    ("api/v1/sellers/me/invitations/", "GET"): OWNER_KIND,
    ("api/v1/sellers/me/invitations/", "POST"): OWNER_KIND,
    ("api/v1/sellers/me/invitations/<int:invitation_id>/", "DELETE"): OWN_SELLER_OWNER,
    ("api/v1/sellers/invitations/accept/", "POST"): AUTHENTICATED,
    ("api/v1/sellers/<int:seller_id>/follow/", "POST"): AUTHENTICATED,
    ("api/v1/sellers/<int:seller_id>/follow/", "DELETE"): AUTHENTICATED,
    ("api/v1/me/following/", "GET"): AUTHENTICATED,
    ("api/v1/seller/products/", "GET"): SELLER_KIND,
    ("api/v1/seller/products/", "POST"): SELLER_KIND,
    ("api/v1/seller/products/<int:product_id>/", "GET"): OWN_SELLER,
    ("api/v1/seller/products/<int:product_id>/", "PATCH"): OWN_SELLER,
    ("api/v1/seller/products/<int:product_id>/", "DELETE"): OWN_SELLER,
    ("api/v1/seller/products/<int:product_id>/images/", "POST"): OWN_SELLER,
    ("api/v1/seller/products/<int:product_id>/images/<int:image_id>/", "GET"): OWN_SELLER,
    ("api/v1/seller/products/<int:product_id>/images/<int:image_id>/", "DELETE"): OWN_SELLER,
    ("api/v1/seller/imports/", "GET"): SELLER_KIND,
    ("api/v1/seller/imports/", "POST"): SELLER_KIND,
    ("api/v1/seller/imports/template/", "GET"): SELLER_KIND,
    ("api/v1/seller/imports/<int:import_id>/", "GET"): OWN_SELLER,
    ("api/v1/seller/imports/<int:import_id>/file/", "GET"): OWN_SELLER,
    ("api/v1/products/", "GET"): PUBLIC,
    ("api/v1/products/<int:product_id>/", "GET"): PUBLIC,
    ("api/v1/categories/", "GET"): PUBLIC,
    ("api/v1/seller/livestreams/", "GET"): SELLER_KIND,
    ("api/v1/seller/livestreams/", "POST"): SELLER_KIND,
    ("api/v1/seller/livestreams/<int:stream_id>/", "GET"): OWN_SELLER,
    ("api/v1/seller/livestreams/<int:stream_id>/", "PATCH"): OWN_SELLER,
    ("api/v1/seller/livestreams/<int:stream_id>/start/", "POST"): OWN_SELLER,
    ("api/v1/seller/livestreams/<int:stream_id>/end/", "POST"): OWN_SELLER,
    ("api/v1/seller/livestreams/<int:stream_id>/pin/", "POST"): OWN_SELLER,
    ("api/v1/seller/livestreams/<int:stream_id>/offers/", "POST"): OWN_SELLER,
    ("api/v1/seller/livestreams/<int:stream_id>/offers/<int:offer_id>/", "DELETE"): OWN_SELLER,
    ("api/v1/livestreams/", "GET"): PUBLIC,
    ("api/v1/livestreams/<int:stream_id>/", "GET"): PUBLIC,
    ("api/v1/livestreams/<int:stream_id>/events/", "GET"): PUBLIC,
    ("api/v1/warehouses/", "GET"): PUBLIC,
    ("api/v1/seller/stock/", "GET"): SELLER_KIND,
    ("api/v1/seller/inbound-shipments/", "GET"): SELLER_KIND,
    ("api/v1/seller/inbound-shipments/", "POST"): SELLER_KIND,
    ("api/v1/seller/inbound-shipments/<int:shipment_id>/", "GET"): OWN_SELLER,
    ("api/v1/seller/inbound-shipments/<int:shipment_id>/in-transit/", "POST"): OWN_SELLER,
    ("api/v1/warehouse/stock/", "GET"): WAREHOUSE_KIND,
    ("api/v1/warehouse/inbound-shipments/", "GET"): WAREHOUSE_KIND,
    ("api/v1/warehouse/inbound-shipments/<int:shipment_id>/", "GET"): OWN_WAREHOUSE,
    ("api/v1/warehouse/inbound-shipments/<int:shipment_id>/receive/", "POST"): OWN_WAREHOUSE,
    ("api/v1/warehouse/shipments/", "GET"): WAREHOUSE_KIND,
    ("api/v1/warehouse/shipments/<int:shipment_id>/", "GET"): OWN_WAREHOUSE,
    ("api/v1/warehouse/shipments/<int:shipment_id>/pick/", "POST"): OWN_WAREHOUSE,
    ("api/v1/warehouse/shipments/<int:shipment_id>/pack/", "POST"): OWN_WAREHOUSE,
    ("api/v1/warehouse/shipments/<int:shipment_id>/dispatch/", "POST"): OWN_WAREHOUSE,
    ("api/v1/warehouse/shipments/<int:shipment_id>/events/", "POST"): OWN_WAREHOUSE,
    ("api/v1/fulfilment/quote/", "POST"): PUBLIC,  # a shipping estimate before signing up
    ("api/v1/fulfilment/network/", "GET"): PUBLIC,
    ("api/v1/cart/", "GET"): AUTHENTICATED,
    ("api/v1/cart/items/", "POST"): AUTHENTICATED,
    ("api/v1/cart/items/<int:item_id>/", "PATCH"): OWN_BUYER,
    ("api/v1/cart/items/<int:item_id>/", "DELETE"): OWN_BUYER,
    ("api/v1/checkout/quote/", "POST"): AUTHENTICATED,
    ("api/v1/orders/", "GET"): AUTHENTICATED,
    ("api/v1/orders/", "POST"): AUTHENTICATED,
    ("api/v1/orders/<int:order_id>/", "GET"): OWN_BUYER,
    ("api/v1/orders/<int:order_id>/cancel/", "POST"): OWN_BUYER,
    ("api/v1/orders/<int:order_id>/pay/", "POST"): OWN_BUYER,
    ("api/v1/orders/<int:order_id>/payment/", "POST"): OWN_BUYER,
    # Refunds: operators and superusers only; warehouse staff (is_staff for their admin pages) get
    # the 404 everyone else gets (they got a 409 before: past the check).
    ("api/v1/orders/<int:order_id>/refunds/", "POST"): ADMIN_ONLY,
    ("api/v1/seller/orders/", "GET"): SELLER_KIND,
    ("api/v1/seller/balance/", "GET"): SELLER_KIND,
    ("api/v1/seller/balance/entries/", "GET"): SELLER_KIND,
    ("api/v1/payments/stripe/webhook/", "POST"): NOT_CONFIGURED,
    ("api/schema/", "GET"): PUBLIC,
    ("api/docs/", "GET"): PUBLIC,
}


@dataclass
class Matrix:
    worlds: dict[str, World]
    users: dict[str, Any]

    def relations(self, caller: str, owner: str) -> set[str]:
        """What ``caller`` is to world ``owner``'s objects, plus the kinds of caller they are."""
        relations = {"anyone"}
        if caller == "anonymous":
            return relations
        relations.add("authenticated")
        kind, _, side = caller.rpartition("_") if caller != "seller_a_staff" else ("member", "", "a")
        if caller == "admin":
            return relations | {"admin"}
        kinds = {"buyer": "buyer", "seller": "seller", "member": "member", "warehouse_a": "warehouse"}
        if caller.startswith("warehouse"):
            relations.add("warehouse-kind")
            if caller.endswith(f"{owner}_staff"):
                relations.add("warehouse")
            return relations
        relation = kinds[kind]
        if relation in ("seller", "member"):
            relations.add(f"{relation}-kind")
        if side == owner:
            relations.add(relation)
        return relations


def build_matrix(make_user: Any) -> Matrix:
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=UTC)):  # a Wednesday in June, no closures
        world_a = world_build(make_user, prefix="a", warehouse="URC")
        world_b = world_build(make_user, prefix="b", warehouse="LYG")
    users = {
        "anonymous": None,
        "buyer_a": world_a.users["buyer"],
        "buyer_b": world_b.users["buyer"],
        "seller_a": world_a.users["seller"],
        "seller_b": world_b.users["seller"],
        "seller_a_staff": world_a.member.user,
        "warehouse_a_staff": world_a.users["staff"],
        "warehouse_b_staff": world_b.users["staff"],
        "admin": world_a.users["admin"],
    }
    return Matrix(worlds={"a": world_a, "b": world_b}, users=users)


def expected(matrix: Matrix, route_rule: Rule, caller: str, owner: str) -> int | None:
    """The refusal status, or None when the caller is allowed (any status but 401/403/404/5xx)."""
    relations = matrix.relations(caller, owner)
    if relations & route_rule.allowed:
        return None
    if caller == "anonymous":
        return route_rule.anonymous
    return 404 if relations & route_rule.right_kind else 403


STREAMS = re.compile(r"/events/$")


def test_every_route_has_a_row_and_every_caller_gets_what_the_row_says(make_user, caplog) -> None:
    cache.clear()
    routes = api_routes()
    pairs = [(route.pattern, method) for route in routes for method in route.methods]
    missing = [pair for pair in pairs if pair not in RULES]
    assert not missing, f"routes without a row in RULES (core/tests/test_permission_matrix.py): {missing}"
    stale = set(RULES) - set(pairs)
    assert not stale, f"rows for routes that no longer exist: {stale}"

    matrix = build_matrix(make_user)
    clients = {caller: client_as(user) for caller, user in matrix.users.items()}
    problems: list[str] = []
    rows = refusals = 0
    quiet = caplog.at_level(logging.CRITICAL, logger="django.request")
    with time_machine.travel(datetime(2026, 6, 10, 10, 0, tzinfo=UTC)), quiet:
        for route in routes:
            owners = ("a", "b") if route.parameters else ("a",)
            for method in route.methods:
                route_rule = RULES[(route.pattern, method)]
                for owner in owners:
                    url = url_for(route, matrix.worlds[owner])
                    for caller in CALLERS:
                        want = expected(matrix, route_rule, caller, owner)
                        status, writes = _call(clients[caller], method, url, route)
                        rows += 1
                        where = f"{method} {route.pattern} on {owner.upper()}'s object as {caller}"
                        if status >= 500:
                            problems.append(f"{where}: {status}")
                        elif want is None and status in (401, 403, 404):
                            problems.append(f"{where}: refused with {status}, but the row allows it")
                        elif want is not None:
                            refusals += 1
                            if status != want:
                                problems.append(f"{where}: {status}, expected {want}")
                            if writes:
                                problems.append(f"{where}: refused with {status} but wrote {writes}")
    print(f"permission matrix: {rows} rows ({refusals} refusals) over {len(RULES)} (route, method) pairs")
    assert rows >= 9 * len(RULES)
    assert not problems, f"{len(problems)} wrong answers:\n" + "\n".join(problems)


def _call(client: Any, method: str, url: str, route: Route) -> tuple[int, list[str]]:
    cache.clear()  # throttles are not what this test is about
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        if method == "GET":
            response = client.get(url)
        else:
            response = client.generic(method, url, data="{}", content_type="application/json")
        transaction.set_rollback(True)  # an allowed DELETE must not change what the next caller sees
    writes = [query["sql"][:100] for query in queries.captured_queries if WRITE.match(query["sql"])]
    return response.status_code, writes
