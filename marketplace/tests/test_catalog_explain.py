"""The buyers' catalog reads its big tables through indexes: every query of its API, EXPLAINed (ADR 0014).

ADR 0014 ("Indexes and EXPLAIN") checked this once by hand with EXPLAIN ANALYZE on 20,000 products;
this is that check as a test that can fail. For each request below, through the test client:

1. every statement the request runs is captured with its parameters (``execute_wrapper``) and with
   the function of ours that ran it (``browse_facets``, ``browse_page``, ...);
2. each SELECT is planned again with ``EXPLAIN (FORMAT JSON)`` under ``SET LOCAL enable_seqscan = off``:
   a few thousand rows are few enough that reading a table whole may be the cheapest plan, so
   sequential scans are priced out. A big table (products, variants, images, stock) that is still
   read whole has no index that can serve the query: a Seq Scan, or an Index Scan / Index Only Scan
   with no index condition (the index walked end to end, what the planner takes instead of a Seq
   Scan when it needs every row). A scan with an index condition counts as served by that index;
3. the indexes a request relies on must appear in its plans: each ordering's index for the page's
   ids, the GIN indexes for a search, the SKU index, the primary key for the page's rows and the
   product page, indexes led by ``product_id`` / ``variant_id`` for images, variants and stock.

The catalog (built once for the module, rolled back at its end) is a kettle made with the factories
and 5,000 products shaped like the benchmark's (``bench/bench_catalog.py``): titles in English, Russian and
Chinese, one to three variants, stock in one or two warehouses, a cover image, 5 % drafts; then
ANALYZE, as production's statistics would be. Below about 2,500 products the planner rightly reads
small tables whole (a hashed subplan for the rows' ``in_stock``, the table instead of the search
indexes), so the size is not arbitrary. Where the test names an index, the 20,000-product plan of
the benchmark's database uses it too.

The exceptions ADR 0014 documents are recorded, not skipped
(``test_the_documented_whole_reads_are_the_only_ones``).
"""

import functools
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from djmoney.money import Money
from rest_framework.test import APIClient

from bench.bench_catalog import ADJECTIVES
from bench.bench_catalog import NOUNS as BENCH_NOUNS
from core.services import exchange_rates_seed_offline
from marketplace.browse.search import TRIGRAM_INDEX, VECTOR_INDEX
from marketplace.models import Category, Product, ProductImage, ProductStatus, ProductVariant
from marketplace.models.catalog import product_search_text
from marketplace.services.categories import category_seed_defaults
from marketplace.services.prices import REFERENCE_PLACES, product_prices_refresh, reference_rates
from marketplace.tests.factories import ProductFactory, VariantFactory
from sellers.tests.factories import SellerFactory
from warehouses.models import Stock
from warehouses.tests.factories import WarehouseFactory, stock_with
from warehouses.transport.models import DeliveryEstimate

# clock_free: it reads no date, and CI's run with the clock moved can leave its seconds out.
pytestmark = [pytest.mark.postgres, pytest.mark.clock_free, pytest.mark.django_db]

URL = "/api/v1/products/"
#: Products beyond the hand-made ones: enough that the planner treats the tables as big (see above).
PRODUCTS = 5000
#: The tables that grow with the catalog: reading one of them whole is what this test is about.
BIG_TABLES = {model._meta.db_table for model in (Product, ProductVariant, ProductImage, Stock)}
ROOT = Path(__file__).resolve().parents[2]

# (en, ru, zh): what buyers of the region look for, the benchmark's own words; the kettle is
# this test's own (a few products, findable in every language).
KETTLE = ("kettle", "чайник", "电水壶")
NOUNS = [noun for noun in BENCH_NOUNS if noun[0] != "kettle"]
#: One product in this many is a kettle: a search term matches a handful of products, as most do.
KETTLE_EVERY = 200
SELLERS = [("CN", "CNY")] * 6 + [("UZ", "UZS")] * 3 + [("KZ", "KZT")] * 3


@dataclass(frozen=True)
class Catalog:
    kettle: Product  # hand-made: variants K-1 and K-2, stock of K-2 at LYG
    seller_id: int  # a seller of the generated part: hundreds of products

    def path(self, read: "Read") -> str:
        return f"{URL}{self.kettle.pk}/" if read.detail else URL

    def params(self, read: "Read") -> dict[str, str]:
        return {name: value.format(seller=self.seller_id) for name, value in read.params.items()}


def catalog_build(*, products: int, rng: random.Random) -> Catalog:
    """Rates, categories, three warehouses reaching KZ and UZ, the kettle, and ``products`` more."""
    exchange_rates_seed_offline()
    category_seed_defaults()
    warehouses = [WarehouseFactory(code=code) for code in ("ALA", "LYG", "TAS")]
    for number, warehouse in enumerate(warehouses):
        for country in ("KZ", "UZ"):
            DeliveryEstimate.objects.update_or_create(
                origin_hub=warehouse.hub,
                destination_country=country,
                defaults={
                    "days_min": 1 + 3 * number,
                    "days_max": 3 + 4 * number,
                    "mode": "road",
                    "usd_per_kg": Decimal("1.5000"),
                    "computed_at": timezone.now(),
                },
            )
    kettle = ProductFactory(
        seller=SellerFactory(display_name="Yiwu Digital", country="CN", currency="CNY"),
        title="Electric kettle",
        description="Stainless steel, 2200 W",
        category=Category.objects.get(slug="household"),
        translations={"ru": {"title": "Электрочайник"}, "zh": {"title": "电水壶"}},
    )
    VariantFactory(product=kettle, sku="K-1", price=Money("89.00", "CNY"))
    stock_with(variant=VariantFactory(product=kettle, sku="K-2", price=Money("79.00", "CNY")), warehouse=warehouses[1])
    made = catalog_fill(warehouses, products=products, rng=rng)
    return Catalog(kettle=kettle, seller_id=made[0].seller_id)


def catalog_fill(warehouses: list[Any], *, products: int, rng: random.Random) -> list[Product]:
    """``products`` products like the benchmark's (95 % active), then what VACUUM ANALYZE would leave.

    Rows go in with ``bulk_create`` from the factories' ``build`` (no ``save``, no signals), so what
    ``save`` and the price refresh keep is set here: ``search_text`` and the lowest price in the
    seller's currency and in the reference currency. Stock rows are written directly, as the
    benchmark's COPY does (this test only reads them).
    """
    sellers = [SellerFactory(country=country, currency=currency) for country, currency in SELLERS]
    rates = reference_rates(currency for _, currency in SELLERS)
    exponent = Decimal(1).scaleb(-REFERENCE_PLACES)
    categories = list(Category.objects.all())
    rows, prices = [], []
    for number in range(products):
        seller = sellers[number % len(sellers)]
        noun = KETTLE if number % KETTLE_EVERY == 0 else rng.choice(NOUNS)
        adjective = rng.choice(ADJECTIVES)
        model = f"{noun[0][:2].upper()}-{rng.randrange(100, 9999)}"
        title = f"{adjective[0].capitalize()} {noun[0]} {model}"
        translations = {
            "ru": {"title": f"{noun[1].capitalize()} {adjective[1]} {model}", "description": f"Модель {model}."},
            "zh": {"title": f"{adjective[2]}{noun[2]} {model}", "description": f"{noun[2]}，型号 {model}。"},
        }
        # From about 2 to 300 US dollars, in the seller's currency.
        amounts = [
            (Decimal(rng.randrange(200, 30000)) / 100 / rates[seller.currency]).quantize(Decimal("0.01"))
            for _ in range(rng.choice((1, 1, 2, 3)))
        ]
        prices.append(amounts)
        rows.append(
            ProductFactory.build(
                seller=seller,
                category=rng.choice(categories),
                title=title,
                description=f"{adjective[0].capitalize()} {noun[0]}. Model {model}.",
                translations=translations,
                search_text=product_search_text(title, translations),
                status=ProductStatus.ACTIVE if rng.random() < 0.95 else ProductStatus.DRAFT,
                price_from=Money(min(amounts), seller.currency),
                price_reference=(min(amounts) * rates[seller.currency]).quantize(exponent),
            )
        )
    made = Product.objects.bulk_create(rows)
    variants = ProductVariant.objects.bulk_create(
        VariantFactory.build(
            product=product,
            sku=f"G-{product.pk}-{option}",
            name=f"Option {option + 1}",
            price=Money(amount, product.seller.currency),
        )
        for product, amounts in zip(made, prices, strict=True)
        for option, amount in enumerate(amounts)
    )
    Stock.objects.bulk_create(
        Stock(
            variant=variant, product_id=variant.product_id, warehouse=warehouse, on_hand=rng.choice((0, 3, 10, 25, 60))
        )
        for variant in variants
        for warehouse in rng.sample(warehouses, rng.choice((1, 2)))
    )
    ProductImage.objects.bulk_create(
        ProductImage(
            product=product,
            original=f"products/{product.pk}/original.jpg",
            thumbnails={"medium": {"webp": f"products/{product.pk}/medium.webp"}},
            format="JPEG",
            width=1200,
            height=900,
            status="ready",
        )
        for product in made
    )
    # The prices set above are the ones the service sets.
    assert product_prices_refresh(product_ids=[product.pk for product in made[:50]]) == 0
    with connection.cursor() as cursor:
        # What VACUUM would do after a load: move the rows GIN queued in its pending list into the
        # index. Left there, every search would scan the list, and the planner rightly prefers the
        # table (an index built after the load, as in the benchmark, has no such list).
        for index in (VECTOR_INDEX, TRIGRAM_INDEX):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        # Every table, the small ones included: unanalysed, the sellers table looks like one row.
        cursor.execute("ANALYZE")
        # What VACUUM would tell the planner after a load: every page all-visible, so an index-only
        # scan is priced without heap fetches, as on the benchmark's vacuumed database (VACUUM
        # cannot run in a transaction; this one rolls the figure back with the catalog). Only
        # plans read it: the executor still checks each row's visibility.
        cursor.execute(
            "UPDATE pg_class SET relallvisible = relpages WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
        )
    return made


@pytest.fixture(scope="module")
def catalog(django_db_setup, django_db_blocker) -> Iterator[Catalog]:  # type: ignore[no-untyped-def]
    """Built once per module inside a transaction rolled back at its end (as seller_dashboard's
    ``shop``): each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield catalog_build(products=PRODUCTS, rng=random.Random(16))
        transaction.set_rollback(True)


# --- capturing and planning -------------------------------------------------------------------


@dataclass
class Statement:
    sql: str
    params: Any
    origin: str  # the function of ours that ran it, "module.function"
    line: str  # "path:line", for the reader
    plan: dict[str, Any] = field(default_factory=dict)

    def nodes(self) -> Iterator[dict[str, Any]]:
        stack = [self.plan]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.get("Plans", [])))

    def indexes(self) -> set[str]:
        return {node["Index Name"] for node in self.nodes() if "Index Name" in node}

    def whole_reads(self) -> list[dict[str, Any]]:
        """Scans that read a big table whole: no index could serve them (sequential scans are priced out).

        A partial index walked end to end is not the table: it holds only the rows its predicate
        admits (the available stock rows, the retired variants), which is the question asked.
        """
        return [
            node
            for node in self.nodes()
            if node.get("Relation Name") in BIG_TABLES
            and (
                node["Node Type"] == "Seq Scan"
                or (
                    node["Node Type"] in ("Index Scan", "Index Only Scan")
                    and "Index Cond" not in node
                    and node["Index Name"] not in partial_indexes()
                )
            )
        ]

    def describe(self, marked: list[dict[str, Any]] | None = None) -> str:
        marked_ids = {id(node) for node in marked or []}
        params = f"\n      params: {list(self.params)!r}" if self.params else ""
        return f"    {self.origin} ({self.line})\n      SQL: {self.sql}{params}\n{plan_text(self.plan, marked_ids)}"


@functools.cache
def partial_indexes() -> frozenset[str]:
    """The partial indexes of the big tables (``CREATE INDEX ... WHERE ...``), by name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index "
            "WHERE indpred IS NOT NULL AND indrelid::regclass::text = ANY(%s)",
            [sorted(BIG_TABLES)],
        )
        return frozenset(name for (name,) in cursor.fetchall())


def _node_text(node: dict[str, Any]) -> str:
    text = node["Node Type"]
    if "Index Name" in node:
        text += f" using {node['Index Name']}"
    if "Relation Name" in node:
        text += f" on {node['Relation Name']}"
    for key in ("Index Cond", "Recheck Cond", "Hash Cond", "Filter"):
        if key in node:
            text += f"  {key}: {node[key]}"
    return text


def plan_text(plan: dict[str, Any], marked: set[int], depth: int = 0) -> str:
    """The plan as an indented tree; nodes in ``marked`` are flagged with ``>>``."""
    flag = ">> " if id(plan) in marked else "   "
    lines = [f"      {flag}{'  ' * depth}{_node_text(plan)}"]
    lines.extend(plan_text(child, marked, depth + 1) for child in plan.get("Plans", []))
    return "\n".join(lines)


def _origin() -> tuple[str, str]:
    """The innermost frame of our own code (not a test, not a library) on the stack."""
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(ROOT) and ".venv" not in path.parts and "tests" not in path.parts:
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            return f"{module}.{frame.f_code.co_name}", f"{path.relative_to(ROOT)}:{frame.f_lineno}"
        frame = frame.f_back
    return "?", "?"


def statements_of(client: APIClient, path: str, params: dict[str, str]) -> list[Statement]:
    """The SELECTs one request runs, each planned with sequential scans priced out."""
    captured: list[Statement] = []

    def capture(execute, sql, sql_params, many, context):  # type: ignore[no-untyped-def]
        origin, line = _origin()
        captured.append(Statement(sql=sql, params=sql_params, origin=origin, line=line))
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(capture):
        response = client.get(path, params)
    assert response.status_code == 200, (path, params, response.content[:500])
    selects = [s for s in captured if s.sql.lstrip().upper().startswith("SELECT") and "set_config(" not in s.sql]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan')")
        (previous,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            for statement in selects:
                # The parameters as the request sent them: client-side binding, as in production.
                cursor.execute("EXPLAIN (FORMAT JSON) " + statement.sql, statement.params)
                (document,) = cursor.fetchone()
                document = json.loads(document) if isinstance(document, str) else document
                statement.plan = document[0]["Plan"]
        finally:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
    return selects


def indexes_led_by(table: str, column: str) -> set[str]:
    """Names of the indexes of ``table`` whose first column is ``column`` (Django hashes FK index names)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name for name, info in constraints.items() if info["index"] and (info["columns"] or [None])[0] == column}


def _resolve(expected: str) -> set[str]:
    """``"table(column)"``: any index led by that column; ``"a|b"``: either; otherwise one index's name."""
    if "|" in expected:
        return set().union(*(_resolve(alternative) for alternative in expected.split("|")))
    if expected.endswith(")"):
        table, column = expected[:-1].split("(")
        return indexes_led_by(table, column)
    return {expected}


# --- the requests -----------------------------------------------------------------------------

PAGE_ROWS = "marketplace_product_pkey"
#: The product page's one active row by id: the primary key, or ``product_status_reach_idx`` (status,
#: id, ...), which answers ``status = 'active' AND id = ...`` with the same one-entry lookup.
PRODUCT_ROW = f"{PAGE_ROWS}|product_status_reach_idx"
COVERS = "marketplace_productimage(product_id)"
SEARCH = (VECTOR_INDEX, TRIGRAM_INDEX)
#: The available stock rows by product (partial on ``is_available``): ``ship_to`` and ``in_stock``.
REACH = "stock_available_product_idx"


@dataclass(frozen=True)
class Read:
    name: str
    params: dict[str, str]
    #: Indexes that must appear in the request's plans ("table(column)": any index led by it; "a|b": either).
    indexes: tuple[str, ...]
    detail: bool = False


INDEXED_READS = [
    Read("first page, newest first", {}, ("product_status_newest_idx", PAGE_ROWS, COVERS)),
    Read("third page", {"page": "3"}, ("product_status_newest_idx", PAGE_ROWS, COVERS)),
    Read("cheapest first", {"ordering": "price"}, ("product_status_price_idx", PAGE_ROWS, COVERS)),
    Read("dearest first", {"ordering": "-price"}, ("product_status_price_desc_idx", PAGE_ROWS, COVERS)),
    Read(
        "a price range in tenge",
        {"currency": "KZT", "min_price": "5000", "max_price": "9000"},
        ("product_status_price_idx|product_status_price_desc_idx", PAGE_ROWS, COVERS),
    ),
    Read("a category", {"category": "household"}, ("product_status_newest_idx", PAGE_ROWS)),
    # The seller's rows by their index, or newest first by status until the page is full: both bounded.
    Read("a seller", {"seller": "{seller}"}, ("product_seller_status_idx|product_status_newest_idx", PAGE_ROWS)),
    Read("an origin country", {"origin_country": "UZ"}, ("product_status_newest_idx", PAGE_ROWS)),
    Read("search in English", {"q": "kettle"}, (*SEARCH, PAGE_ROWS, COVERS)),
    Read("search in Russian, another word form", {"q": "чайники"}, (*SEARCH, PAGE_ROWS)),
    Read("search in Chinese, three characters", {"q": "电水壶"}, (*SEARCH, PAGE_ROWS)),
    # One or two CJK characters: no trigram, so the match is the vector's CJK tokens alone (ADR 0014).
    Read("search in Chinese, two characters", {"q": "水壶"}, (VECTOR_INDEX, PAGE_ROWS, COVERS)),
    Read("search in Chinese, one character", {"q": "杏"}, (VECTOR_INDEX, PAGE_ROWS)),
    Read("search with a typo", {"q": "kettel"}, (*SEARCH, PAGE_ROWS)),
    Read("an exact SKU", {"q": "K-2"}, ("variant_sku_upper_idx", PAGE_ROWS)),
    # The stock filters: the count merges the active products with the available stock rows, each
    # from its index; each row of the page probes the same stock index by product.
    Read("in stock", {"in_stock": "true"}, (REACH, PAGE_ROWS, COVERS)),
    Read("reaching a country, in tenge", {"ship_to": "UZ", "currency": "KZT"}, (REACH, PAGE_ROWS, COVERS)),
    Read(
        "in stock, reaching a country, one category",
        {"in_stock": "true", "ship_to": "KZ", "category": "household"},
        (REACH, PAGE_ROWS),
    ),
    Read(
        "product page",
        {"currency": "KZT"},
        (PRODUCT_ROW, "marketplace_productvariant(product_id)", "warehouses_stock(variant_id)", COVERS),
        detail=True,
    ),
    Read(
        "product page with delivery",
        {"currency": "KZT", "ship_to": "UZ"},
        (PRODUCT_ROW, "marketplace_productvariant(product_id)", "warehouses_stock(variant_id)", COVERS),
        detail=True,
    ),
]


def test_the_catalog_reads_its_big_tables_through_indexes(catalog: Catalog) -> None:
    client = APIClient()
    problems: list[str] = []
    planned = 0
    for read in INDEXED_READS:
        path, params = catalog.path(read), catalog.params(read)
        statements = statements_of(client, path, params)
        planned += len(statements)
        title = f"GET {path} {params} ({read.name})"
        for statement in statements:
            whole = statement.whole_reads()
            if whole:
                tables = ", ".join(sorted({node["Relation Name"] for node in whole}))
                problems.append(f"{title}: reads {tables} whole (no index serves it)\n{statement.describe(whole)}")
        used = set().union(*(statement.indexes() for statement in statements))
        for expected in read.indexes:
            names = _resolve(expected)
            if not names & used:
                missing = "" if names else " (no such index exists)"
                plans = "\n".join(statement.describe() for statement in statements)
                problems.append(f"{title}: no plan uses {expected}{missing}\n{plans}")
    assert planned >= 4 * len(INDEXED_READS), "the requests ran fewer queries than a catalog read takes"
    assert not problems, "\n\n".join(problems)


# --- the documented exceptions ----------------------------------------------------------------

FACETS = "marketplace.browse.query.browse_facets"
PAGE = "marketplace.browse.query.browse_page"
STOCK_JOIN = {"warehouses_stock", "marketplace_productvariant", "marketplace_product"}

#: ADR 0014: the page's ids for ``ordering=fastest`` join the products and their stock whole, by
#: design: the whole result is sorted by delivery speed, so every reachable product's stock is read.
#: (The count and facets of ``ship_to`` / ``in_stock`` lists were exceptions too, until the stock
#: rows carried their product and availability: they are index-served reads above now.)
#: (request, {function of ours: the big tables it may read whole})
WHOLE_READS_BY_DESIGN: list[tuple[dict[str, str], dict[str, set[str]]]] = [
    ({"ship_to": "UZ", "ordering": "fastest"}, {PAGE: STOCK_JOIN}),
]


def test_the_documented_whole_reads_are_the_only_ones(catalog: Catalog) -> None:
    """The exception of ADR 0014, recorded: the page of ``ordering=fastest``.

    Only the statements named here may read a big table whole; if one of them no longer does (an
    index or a precomputed value now serves it), ADR 0014 and this test need updating.
    """
    client = APIClient()
    problems: list[str] = []
    for params, allowed in WHOLE_READS_BY_DESIGN:
        statements = statements_of(client, URL, params)
        title = f"GET {URL} {params}"
        for statement in statements:
            unexpected = [
                node
                for node in statement.whole_reads()
                if node["Relation Name"] not in allowed.get(statement.origin, set())
            ]
            if unexpected:
                tables = ", ".join(sorted({node["Relation Name"] for node in unexpected}))
                problems.append(
                    f"{title}: reads {tables} whole, not a documented exception\n{statement.describe(unexpected)}"
                )
        excepted = [statement for statement in statements if statement.origin in allowed]
        if not any(statement.whole_reads() for statement in excepted):
            plans = "\n".join(statement.describe() for statement in excepted)
            problems.append(f"{title}: no longer reads stock whole: update ADR 0014 and this test\n{plans}")
    assert not problems, "\n\n".join(problems)
