"""Every API endpoint answers bad input with a 4xx, never a 5xx, and writes nothing.

The routes come from Django's URL resolver (every route under ``api/`` and every method its view
allows), so an endpoint added tomorrow is walked too. Each (route, method) gets:

- bodies of the wrong JSON type (``[]``, ``null``, ``1``, ``"s"``, ``true``), nested 100,000
  deep, and 3 MB long: 400 / 413;
- when the OpenAPI schema documents a JSON body: every field with a value of the wrong JSON
  type (must be exactly 400: proof that the caller reached the serializer), every number at
  10^22 (a 4xx, not the database's overflow), every string holding a NUL character (400);
- for GET: every query parameter the schema knows, one at a time, set to values that used to
  500 (``²``, a 23-digit id, a NUL character...);
- ids of 23 digits in the path: 404.

After every request no INSERT, UPDATE or DELETE may have run. A route with a path parameter the
walk cannot fill fails loudly: add a line to ``PATH_PARAMETERS`` (and, for a new kind of caller,
to ``CALLERS``), so a new endpoint cannot slip through untested.
"""

import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from drf_spectacular.generators import SchemaGenerator
from PIL import Image
from rest_framework.test import APIClient

from accounts.services import api_token_issue

pytestmark = pytest.mark.django_db

# --- the routes


@dataclass(frozen=True)
class Route:
    pattern: str  # "api/v1/orders/<int:order_id>/cancel/"
    methods: tuple[str, ...]

    @property
    def parameters(self) -> list[str]:
        return [match.group("name") for match in PARAMETER.finditer(self.pattern)]

    @property
    def schema_path(self) -> str:
        return "/" + PARAMETER.sub(lambda match: "{" + match.group("name") + "}", self.pattern)


PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
IGNORED_METHODS = {"options", "head", "trace"}


class WalkError(Exception):
    """The walk cannot test a route until this file learns how: the message says what to add."""


def api_routes() -> list[Route]:
    """Every route under ``api/`` from the root URLconf, with the methods its view answers."""
    routes: list[Route] = []

    def walk(entries: list[Any], prefix: str) -> None:
        for entry in entries:
            if not isinstance(entry.pattern, RoutePattern):
                text = prefix + str(entry.pattern)
                if text.startswith("api") or prefix.startswith("api"):
                    raise WalkError(f"{text!r} is a regex route: use path() so the walk can fill its parameters")
                continue
            text = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, text)
            elif isinstance(entry, URLPattern) and text.startswith("api/"):
                view_class = getattr(entry.callback, "view_class", None) or getattr(entry.callback, "cls", None)
                if view_class is None:
                    raise WalkError(f"{text!r} is a function view: the walk cannot tell its methods; use a class")
                methods = tuple(
                    method.upper()
                    for method in view_class.http_method_names
                    if method not in IGNORED_METHODS and hasattr(view_class, method)
                )
                routes.append(Route(text, methods))

    walk(get_resolver().url_patterns, "")
    return routes


# --- who calls, and how path parameters are filled

#: (regular expression on the route, caller): the first match says who can reach the route's
#: parser: its owner or staff, so a bad body meets the serializer rather than a 403 or a 404.
CALLERS: list[tuple[str, str]] = [
    (r"^api/v1/admin/", "admin"),  # platform staff
    (r"^api/v1/orders/<int:order_id>/refunds/", "admin"),  # refunds are issued by platform staff
    (r"^api/v1/seller/", "seller"),
    (r"^api/v1/sellers/me/", "seller"),
    (r"^api/v1/warehouse/", "staff"),
    (r"^api/", "buyer"),
]


@dataclass
class World:
    """One of each thing a path parameter can name, owned by the callers above."""

    users: dict[str, Any]
    product: Any
    image: Any
    catalog_import: Any
    member: Any
    invitation: Any
    cart_item: Any
    order: Any
    inbound: Any
    outbound: Any
    seller: Any
    stream: Any
    notification: Any
    offer: Any


#: Path parameter name → its value for a route (the route tells apart e.g. inbound and outbound
#: shipments). A route whose parameter is missing here fails the walk with WalkError.
PATH_PARAMETERS: dict[str, Callable[[World, str], Any]] = {
    "product_id": lambda world, route: world.product.pk,
    "image_id": lambda world, route: world.image.pk,
    "import_id": lambda world, route: world.catalog_import.pk,
    "member_id": lambda world, route: world.member.pk,
    "invitation_id": lambda world, route: world.invitation.pk,
    "item_id": lambda world, route: world.cart_item.pk,
    "order_id": lambda world, route: world.order.pk,
    "shipment_id": lambda world, route: (world.inbound if "inbound-shipments" in route else world.outbound).pk,
    "seller_id": lambda world, route: world.seller.pk,
    "stream_id": lambda world, route: world.stream.pk,
    "notification_id": lambda world, route: world.notification.pk,
    "offer_id": lambda world, route: world.offer.pk,
}


def caller_for(route: Route) -> str:
    return next(caller for expression, caller in CALLERS if re.search(expression, route.pattern))


def url_for(route: Route, world: World, *, override: str | None = None) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in PATH_PARAMETERS:
            raise WalkError(
                f"{route.pattern}: the walk does not know how to fill <{name}>; "
                "add it to PATH_PARAMETERS in core/tests/test_every_endpoint.py"
            )
        return override if override is not None else str(PATH_PARAMETERS[name](world, route.pattern))

    return "/" + PARAMETER.sub(fill, route.pattern)


# --- the bad input

DEEP = "[" * 100_000 + "]" * 100_000
OVERSIZE = '{"x": "' + "a" * 3_000_000 + '"}'
#: Raw JSON bodies no endpoint may accept: (body, the statuses that are right for it).
BAD_BODIES: list[tuple[str, str, set[int]]] = [
    ("a list", "[]", {400}),
    ("null", "null", {400}),
    ("a number", "1", {400}),
    ("a string", '"s"', {400}),
    ("true", "true", {400}),
    ("100,000 deep", DEEP, {400}),
    ("3 MB", OVERSIZE, {413}),
]
#: Query values that used to 500: a digit that is not 0-9, an id past 64 bits, NUL, and friends.
BAD_QUERY_VALUES = ["²", "1" * 23, "-1", "\x00", "[]", "x" * 3000]
HUGE = 10**22


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    for _ in range(20):
        if "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
        elif "oneOf" in schema or "anyOf" in schema or "allOf" in schema:
            schema = (schema.get("oneOf") or schema.get("anyOf") or schema.get("allOf"))[0]
        else:
            break
    return schema


def wrong_types(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """Every documented field with a value of another JSON type than the schema says."""
    schema = _resolve(schema, components)
    wrong = {"string": [], "integer": [], "number": {}, "boolean": [], "object": [], "array": {}}
    body = {}
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(prop, components)
        kind = prop.get("type") or ("string" if "enum" in prop else None)
        if kind in wrong and not prop.get("readOnly"):
            body[name] = wrong[kind]
    return body


def leaves(schema: dict[str, Any], components: dict[str, Any], value: Callable[[dict[str, Any], str], Any]) -> Any:
    """The schema's shape with each leaf replaced by ``value(leaf, name)`` (None drops the leaf)."""

    def build(node: dict[str, Any], name: str, depth: int) -> Any:
        node = _resolve(node, components)
        if depth > 6:
            return None
        if node.get("type") == "object" or "properties" in node:
            built = {key: build(child, key, depth + 1) for key, child in node.get("properties", {}).items()}
            built = {key: child for key, child in built.items() if child is not None}
            return built or None
        if node.get("type") == "array":
            item = build(node.get("items", {}), name, depth + 1)
            return [item] if item is not None else None
        return value(node, name)

    return build(schema, "", 0) or {}


def huge_number(leaf: dict[str, Any], name: str) -> Any:
    if leaf.get("type") in ("integer", "number"):
        return HUGE
    if leaf.get("type") == "string" and (leaf.get("format") == "decimal" or name == "amount"):
        return str(HUGE)
    return None


def nul_string(leaf: dict[str, Any], name: str) -> Any:
    return "a\x00b" if leaf.get("type") == "string" and "enum" not in leaf else None


# --- the world


def _png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "PNG")
    return SimpleUploadedFile("kettle.png", buffer.getvalue(), content_type="image/png")


def world_build(make_user: Callable[..., Any], *, prefix: str = "walk", warehouse: str = "URC") -> World:
    """One of everything, owned by ``<prefix>-buyer``/``-seller``, with staff and an outbound shipment at ``warehouse``.

    (The permission matrix builds two: A's at Urumqi and B's at Lianyungang.)
    """
    from core.services import exchange_rates_seed_offline
    from marketplace.services.images import product_image_add
    from marketplace.services.imports import catalog_import_create
    from orders.services import cart_item_add, order_place
    from orders.services.cart import cart_get_or_create
    from orders.tests.factories import ALMATY_ADDRESS, market_build
    from sellers.services import seller_invitation_create
    from sellers.tests.factories import SellerMemberFactory
    from warehouses.models import Stock
    from warehouses.services import inbound_shipment_create, outbound_shipment_release, staff_assign
    from warehouses.tests.factories import shipment_for
    from warehouses.transport.services import network_load_seed

    exchange_rates_seed_offline()
    network_load_seed()
    users = {
        "buyer": make_user(email=f"{prefix}-buyer@example.com"),
        "seller": make_user(email=f"{prefix}-seller@example.com"),
        "staff": make_user(email=f"{prefix}-staff@example.com"),
        "admin": make_user(email=f"{prefix}-admin@example.com", is_staff=True, is_superuser=True),
    }
    market = market_build(owner_a=users["seller"])
    at_urumqi = warehouse == "URC"
    here, variant = (market.urumqi, market.a_urc) if at_urumqi else (market.lianyungang, market.a_lyg)
    staff_assign(user=users["staff"], warehouse=here)
    seller, product = market.seller_a, market.a_urc.product
    cart = cart_get_or_create(user=users["buyer"])
    cart_item_add(cart=cart, variant_id=market.a_urc.pk, quantity=1)
    order = order_place(
        user=users["buyer"], cart=cart, shipping_address=ALMATY_ADDRESS, currency="KZT", preference="cheapest"
    )
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Notification
    from marketplace.services.livestreams import live_offer_set, livestream_create

    csv_file = SimpleUploadedFile("c.csv", b"sku,price\nWALK-1,10.00\n")
    start = timezone.now() + timedelta(days=1)
    stream = livestream_create(
        seller=seller,
        user=users["seller"],
        title="Walk stream",
        host="Host",
        language="en",
        stream_url="https://example.com/live.m3u8",
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=1),
    )
    offer = live_offer_set(stream=stream, sku=market.a_urc.sku, live_price=market.a_urc.price / 2, quantity_cap=5)
    notification = Notification.objects.create(user=users["buyer"], kind="walk", title="Walk", dedupe_key="walk")
    outbound = shipment_for(stock=Stock.objects.get(variant=variant, warehouse=here))
    return World(
        users=users,
        product=product,
        image=product_image_add(product=product, upload=_png()),
        catalog_import=catalog_import_create(seller=seller, user=users["seller"], upload=csv_file, schedule=False),
        member=SellerMemberFactory(seller=seller),
        invitation=seller_invitation_create(seller=seller, invited_by=users["seller"], email="new@example.com"),
        cart_item=cart_item_add(cart=cart, variant_id=market.a_lyg.pk, quantity=1),
        order=order,
        inbound=inbound_shipment_create(seller=seller, warehouse_code=warehouse, lines=[(variant.sku, 5)]),
        outbound=outbound_shipment_release(shipment=outbound),
        seller=seller,
        stream=stream,
        notification=notification,
        offer=offer,
    )


# --- the walk


class Stub:
    pk = 1


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@dataclass
class Walk:
    world: World
    clients: dict[str, APIClient]
    problems: list[str] = field(default_factory=list)
    requests: int = 0

    def send(
        self,
        route: Route,
        method: str,
        url: str,
        *,
        expect: set[int] | range,
        what: str,
        body: str | None = None,
        query: dict[str, str] | None = None,
    ) -> int:
        client = self.clients[caller_for(route)]
        if query:
            url = f"{url}?{urlencode(query)}"
        kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
        connection.queries_log.clear()  # only this request's statements are looked at
        # A savepoint per request: on PostgreSQL a database error (a 500 to report) would otherwise
        # abort the test's transaction and end the walk at the first problem.
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            response = client.generic(method, url, **kwargs)
        self.requests += 1
        writes = [query["sql"][:120] for query in queries.captured_queries if WRITE.match(query["sql"])]
        where = f"{method} {url[:100]} ({what}, as {caller_for(route)})"
        # A stream (server-sent events) is not read here: it may never end. (Nor closed: closing
        # fires request_finished, which would close the test's database connection.)
        content = b"<a stream>" if response.streaming else response.content[:300]
        if response.status_code >= 500 or response.status_code not in expect:
            self.problems.append(f"{where}: {response.status_code} {content!r}")
        elif writes:
            self.problems.append(f"{where}: answered {response.status_code} but wrote {writes}")
        return response.status_code

    def operation(self, route: Route, method: str) -> dict[str, Any]:
        return self.schema["paths"].get(route.schema_path, {}).get(method.lower(), {})

    def json_body_schema(self, route: Route, method: str) -> dict[str, Any] | None:
        content = self.operation(route, method).get("requestBody", {}).get("content", {})
        return content.get("application/json", {}).get("schema")

    @cached_property
    def schema(self) -> dict[str, Any]:
        return SchemaGenerator().get_schema(request=None, public=True)

    def query_names(self) -> set[str]:
        return {
            parameter["name"]
            for operations in self.schema["paths"].values()
            for operation in operations.values()
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query"
        }


def _bodies(walk: Walk, route: Route, method: str) -> Iterator[tuple[str, str, set[int] | range]]:
    yield from BAD_BODIES
    schema = walk.json_body_schema(route, method)
    if schema is None:
        return
    components = walk.schema["components"]["schemas"]
    wrong = wrong_types(schema, components)
    if wrong:
        # Exactly 400: a 403/404 here means CALLERS or PATH_PARAMETERS picked someone who cannot get in.
        yield "fields of the wrong type", json.dumps(wrong), {400}
    huge = leaves(schema, components, huge_number)
    if huge:
        yield "numbers of 10^22", json.dumps(huge), range(400, 500)
    nul = leaves(schema, components, nul_string)
    if nul:
        yield "strings with NUL", json.dumps(nul), {400}


def walk_route(walk: Walk, route: Route) -> None:
    url = url_for(route, walk.world)
    for method in route.methods:
        for what, body, expect in _bodies(walk, route, method):
            walk.send(route, method, url, expect=expect, what=what, body=body)
        if route.parameters:
            # An id past 64 bits names nothing: 404, not an overflow in the database.
            huge_url = url_for(route, walk.world, override="9" * 23)
            walk.send(route, method, huge_url, expect={404}, what="a 23-digit id")
    if "GET" in route.methods:
        documented = {p["name"] for p in walk.operation(route, "GET").get("parameters", []) if p["in"] == "query"}
        for value in BAD_QUERY_VALUES:
            # Documented parameters one at a time (a 400 on one would hide the next); then every
            # parameter any endpoint documents, together, for views that read more than they say.
            for name in sorted(documented):
                walk.send(
                    route, "GET", url, expect=range(200, 500), what=f"?{name}={value[:12]!r}", query={name: value}
                )
            everything = dict.fromkeys(walk.query_names() - documented, value)
            walk.send(
                route, "GET", url, expect=range(200, 500), what=f"every parameter={value[:12]!r}", query=everything
            )


@pytest.fixture
def walk(make_user) -> Iterator[Walk]:  # type: ignore[no-untyped-def]
    # Throttle counters live in the cache: start from none, so the three login attempts below are
    # answered on their merits (the test settings allow five a minute).
    cache.clear()
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=UTC)):  # a Wednesday in June, no closures
        world = world_build(make_user)
    clients = {}
    for name, user in world.users.items():
        client = APIClient(raise_request_exception=False)
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")
        clients[name] = client
    yield Walk(world=world, clients=clients)
    cache.clear()


@pytest.mark.clock_free
def test_every_endpoint_answers_bad_input_with_a_4xx_and_writes_nothing(walk, caplog) -> None:
    routes = api_routes()
    pairs = [(route.pattern, method) for route in routes for method in route.methods]
    quiet = caplog.at_level(logging.CRITICAL, logger="django.request")
    with time_machine.travel(datetime(2026, 6, 10, 10, 0, tzinfo=UTC)), quiet:
        for route in routes:
            walk_route(walk, route)
    print(f"walked {len(pairs)} (route, method) pairs of {len(routes)} routes with {walk.requests} requests")
    assert len(pairs) >= 55, "the resolver walk found fewer API routes than exist today"
    assert not walk.problems, f"{len(walk.problems)} bad answers:\n" + "\n".join(walk.problems)


def test_a_route_the_walk_cannot_fill_fails_loudly() -> None:
    route = Route("api/v1/things/<int:product_id>/parts/<int:part_id>/", ("GET",))
    with pytest.raises(WalkError, match=r"<part_id>; add it to PATH_PARAMETERS"):
        url_for(route, World(**dict.fromkeys(World.__dataclass_fields__, Stub())))


def test_every_path_parameter_names_something_its_caller_can_read(walk) -> None:
    """The table is right: a GET with the filled parameters is a 200, so the walk's bodies reach the views."""
    checked = 0
    for route in api_routes():
        if route.parameters and "GET" in route.methods:
            response = walk.clients[caller_for(route)].get(url_for(route, walk.world))
            assert response.status_code == 200, (route.pattern, response.content[:200])
            checked += 1
    assert checked >= 8
