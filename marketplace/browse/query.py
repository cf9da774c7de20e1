"""Reads of the public catalog: active products filtered, searched, priced, ordered, counted and paged.

Everything is decided in the database, in a number of queries that does not depend on the page
size: the filters (prices across currencies included) and orderings run in SQL, the count and the
facets come from one grouped query, and a page is one query plus one for its images.

Stock and delivery belong to the warehouses app, which comes after this one: the caller hands in a
``StockSource`` (``warehouses.catalog.CatalogStock``) that builds those expressions, and a
converter with the checkout's rates (``orders.services.pricing.Converter``), so a price shown is
computed exactly as the price charged.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Case, Count, DecimalField, F, Prefetch, QuerySet, Value, When
from django.db.models.functions import Round
from django.utils.translation import gettext as _

from core.exceptions import NotFound, ValidationFailed
from core.money import Money, minor_unit_digits
from core.services import ExchangeRateMissing
from marketplace.browse.params import BrowseParams
from marketplace.browse.search import Search, search_filter, search_prepare
from marketplace.models import Category, Product, ProductImage, ProductStatus, ProductVariant
from marketplace.services.prices import reference_rates
from sellers.models import Seller

#: Sellers listed in the seller facet (the busiest first); the other counts are complete.
SELLER_FACET_LIMIT = 50


class Converter(Protocol):
    """What the catalog needs of the checkout's converter (``orders.services.pricing.Converter``)."""

    currency: str

    def rate_for(self, source: str, target: str | None = None) -> Any: ...

    def rounded(self, money: Money, target: str | None = None) -> Money: ...

    def rates_json(self) -> dict[str, dict[str, object]]: ...


@dataclass(frozen=True)
class DeliveryTier:
    days_min: int
    days_max: int
    mode: str

    def as_json(self) -> dict[str, Any]:
        return {"days_min": self.days_min, "days_max": self.days_max, "mode": self.mode}


@dataclass(frozen=True)
class DeliveryRoutes:
    """Delivery to one country from every warehouse that reaches it, fastest first.

    ``reachable`` is a boolean expression (the product, ``OuterRef("pk")``, has available stock at
    such a warehouse); ``tier`` an integer expression: the index in ``tiers`` of the fastest of
    them, null when none (a subquery per row: for a page); ``tier_to_sort`` the same as an
    aggregate over the product's stock (for ordering a whole result).
    """

    country: str
    tiers: tuple[DeliveryTier, ...]
    reachable: Any
    tier: Any
    tier_to_sort: Any


class StockSource(Protocol):
    def product_in_stock(self) -> Any: ...

    def variant_in_stock(self) -> Any: ...

    def delivery_routes(self, *, country: str) -> DeliveryRoutes: ...


@dataclass
class Browse:
    """A checked request against the catalog, ready to be counted and paged."""

    params: BrowseParams
    queryset: QuerySet[Product]
    stock: StockSource
    categories: dict[int, Category]
    converter: Converter | None
    routes: DeliveryRoutes | None
    order: list[Any]
    unconvertible: set[str] = field(default_factory=set)
    # The same query before the ``ship_to`` filter: ordering by speed filters by reach itself.
    unreached: QuerySet[Product] | None = None


@dataclass(frozen=True)
class Facets:
    count: int
    category: list[dict[str, Any]]
    origin_country: list[dict[str, Any]]
    seller: list[dict[str, Any]]


def category_tree() -> dict[int, Category]:
    return {category.pk: category for category in Category.objects.order_by("position", "slug")}


def category_descendants(categories: dict[int, Category], root: int) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for category in categories.values():
        children.setdefault(category.parent_id, []).append(category.pk)
    found, stack = [], [root]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def converted_price(rates: dict[str, Decimal], currency: str) -> Any:
    """SQL for ``price_from`` in ``currency``: amount × rate rounded to the minor unit, as the checkout does.

    ``rates`` maps each seller currency to its rate into ``currency`` (the converter's); rows in a
    currency without a rate get NULL, which no price bound matches.
    """
    digits = minor_unit_digits(currency)
    output = DecimalField(max_digits=40, decimal_places=digits)
    whens = [
        When(
            price_from_currency=source,
            then=Round(F("price_from") * Value(rate, output_field=DecimalField()), digits, output_field=output),
        )
        for source, rate in sorted(rates.items())
    ]
    return Case(*whens, default=Value(None, output_field=output), output_field=output)


#: The reference pre-filter is this much wider than the bounds: rates may move between a new
#: publication and the end of the reference refresh it starts, and a product must not drop out.
REFERENCE_MARGIN = Decimal("0.05")


def _price_between(
    queryset: QuerySet[Product], rates: dict[str, Decimal], currency: str, low: Decimal | None, high: Decimal | None
) -> QuerySet[Product]:
    """Products whose converted lowest price lies within the bounds, to the minor unit.

    The exact test is the converted price in SQL; before it, a range on the indexed reference price
    that every matching row satisfies (the bounds brought back to USD through each currency's rates,
    half a minor unit and the margin wider), so the database reads the range, not the catalog.
    """
    queryset = queryset.alias(price_converted=converted_price(rates, currency))
    if low is not None:
        queryset = queryset.filter(price_converted__gte=low)
    if high is not None:
        queryset = queryset.filter(price_converted__lte=high)
    usd = reference_rates(rates)
    if not rates or set(usd) != set(rates):
        return queryset  # a currency without a USD rate: its reference is NULL, no pre-filter
    ratios = [usd[source] / rate for source, rate in rates.items()]
    half = Decimal(1).scaleb(-minor_unit_digits(currency)) / 2
    if low is not None:
        queryset = queryset.filter(price_reference__gte=(low - half) * min(ratios) * (1 - REFERENCE_MARGIN))
    if high is not None:
        queryset = queryset.filter(price_reference__lte=(high + half) * max(ratios) * (1 + REFERENCE_MARGIN))
    return queryset


def _rates_for(converter: Converter) -> tuple[dict[str, Decimal], set[str]]:
    """The converter's rate from every seller currency (one lookup per currency, not per row)."""
    rates: dict[str, Decimal] = {}
    missing: set[str] = set()
    for source in Seller.objects.order_by().values_list("currency", flat=True).distinct():
        try:
            rates[source] = converter.rate_for(source).rate
        except ExchangeRateMissing:
            missing.add(source)
    return rates, missing


def browse_build(*, params: BrowseParams, stock: StockSource, converter: Converter | None) -> Browse:
    """Check the request against the database (unknown category or seller → 400) and build its query."""
    categories = category_tree()
    # A suspended seller's goods are off sale (issue 15): not listed, not counted in facets.
    queryset = Product.objects.filter(status=ProductStatus.ACTIVE, seller__suspended_at__isnull=True)
    errors: dict[str, list[str]] = {}
    if params.category is not None:
        root = next((pk for pk, category in categories.items() if category.slug == params.category), None)
        if root is None:
            errors["category"] = [
                _("No category %(category)s; see /api/v1/categories/.") % {"category": repr(params.category)}
            ]
        else:
            queryset = queryset.filter(category_id__in=category_descendants(categories, root))
    if params.seller is not None:
        if not Seller.objects.filter(pk=params.seller).exists():
            errors["seller"] = [_("No seller %(seller)s.") % {"seller": params.seller}]
        queryset = queryset.filter(seller_id=params.seller)
    if errors:
        first_field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{first_field}: {messages[0]}", errors=errors)
    if params.origin_country is not None:
        queryset = queryset.filter(origin_country=params.origin_country)

    unconvertible: set[str] = set()
    if converter is not None:
        rates, unconvertible = _rates_for(converter)
        if params.min_price is not None or params.max_price is not None:
            queryset = _price_between(queryset, rates, converter.currency, params.min_price, params.max_price)

    if params.in_stock:
        queryset = queryset.filter(stock.product_in_stock())

    if params.q is not None:
        search_prepare()
        queryset = search_filter(queryset, Search(params.q))

    routes = None
    unreached = queryset
    if params.ship_to is not None:
        routes = stock.delivery_routes(country=params.ship_to)
        queryset = queryset.filter(routes.reachable) if routes.tiers else queryset.none()

    return Browse(
        params=params,
        queryset=queryset,
        stock=stock,
        categories=categories,
        converter=converter,
        routes=routes,
        order=_order(params),
        unconvertible=unconvertible,
        unreached=unreached,
    )


def _order(params: BrowseParams) -> list[Any]:
    """Each ordering ends in a unique key, so pages never overlap; the indexes follow these orders."""
    if params.ordering == "price":
        return [F("price_reference").asc(nulls_last=True), "id"]
    if params.ordering == "-price":
        return [F("price_reference").desc(nulls_last=True), "-id"]
    if params.ordering == "fastest":
        return [F("delivery_tier").asc(nulls_last=True), "-created_at", "-id"]
    if params.ordering is None and params.q is not None:
        return [F("search_rank").desc(nulls_last=True), "-created_at", "-id"]
    return ["-created_at", "-id"]


def browse_facets(browse: Browse, *, seller_limit: int = SELLER_FACET_LIMIT) -> Facets:
    """The count and, for the whole result, counts per category, origin country and seller (one query)."""
    rows = list(
        browse.queryset.order_by()
        .values_list("category_id", "origin_country", "seller_id")
        # COUNT(*), not COUNT(id): the three columns and the status are all in one index, so the
        # database can answer from the index alone.
        .annotate(products=Count("*"))
    )
    per_category: dict[int | None, int] = {}
    per_country: dict[str, int] = {}
    per_seller: dict[int, int] = {}
    for category_id, country, seller_id, products in rows:
        per_category[category_id] = per_category.get(category_id, 0) + products
        per_country[country] = per_country.get(country, 0) + products
        per_seller[seller_id] = per_seller.get(seller_id, 0) + products
    busiest = sorted(per_seller.items(), key=lambda item: (-item[1], item[0]))[:seller_limit]
    sellers = {
        pk: (name, country)
        for pk, name, country in Seller.objects.filter(pk__in=[pk for pk, _ in busiest]).values_list(
            "pk", "display_name", "country"
        )
    }
    categories = [
        {"category": browse.categories[pk], "count": count}
        for pk, count in per_category.items()
        if pk is not None and pk in browse.categories
    ]
    categories.sort(key=lambda item: (-item["count"], item["category"].slug))
    return Facets(
        count=sum(products for *_, products in rows),
        category=categories,
        origin_country=[
            {"code": code, "count": count}
            for code, count in sorted(per_country.items(), key=lambda item: (-item[1], item[0]))
            if code
        ],
        seller=[
            {"id": pk, "display_name": sellers[pk][0], "country": sellers[pk][1], "count": count}
            for pk, count in busiest
            if pk in sellers
        ],
    )


def _cover_images() -> Prefetch:
    return Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))


def browse_page(browse: Browse, *, offset: int, limit: int) -> list[Product]:
    """One page of rows, with ``in_stock``, ``delivery_tier`` (or None), seller, category and ``cover_image``.

    Two queries: the page's ids in order, then those rows with what a row shows. Asked in one
    query, PostgreSQL plans the per-row subqueries (stock, delivery) for every matching product, as
    if there were no LIMIT, and builds a hash of all the stock to answer twenty rows.
    """
    ordered = browse.queryset
    if browse.params.ordering == "fastest" and browse.routes is not None and browse.unreached is not None:
        # One pass over the stock gives both the tier and, where it is null, "cannot reach".
        tier = browse.routes.tier_to_sort
        ordered = browse.unreached.alias(delivery_tier=tier).filter(delivery_tier__isnull=False)
    ids = list(ordered.order_by(*browse.order).values_list("pk", flat=True)[offset : offset + limit])
    rows = (
        Product.objects.filter(pk__in=ids)
        .select_related("seller", "category")
        .defer("description", "search_text", "hs_code", "external_ref")
        .annotate(in_stock=browse.stock.product_in_stock())
    )
    if browse.routes is not None:
        rows = rows.annotate(delivery_tier=browse.routes.tier)
    by_id = {product.pk: product for product in rows}
    # A row shows its cover only: one query of plain tuples, not a prefetch (which builds a
    # queryset per row to hold its images; a third of the page's Python time).
    covers: dict[int, tuple[Any, str]] = {}
    for product_id, thumbnails, original in (
        ProductImage.objects.filter(product_id__in=ids)
        .order_by("product_id", "position", "id")
        .values_list("product_id", "thumbnails", "original")
    ):
        covers.setdefault(product_id, (thumbnails, original))
    for product in by_id.values():
        product.cover_image = covers.get(product.pk)  # type: ignore[attr-defined]
    return [by_id[pk] for pk in ids if pk in by_id]


def product_get_public_detail(*, product_id: int, stock: StockSource, routes: DeliveryRoutes | None) -> Product:
    """An active product with ``in_stock``, ``delivery_tier``, images and its active variants (``in_stock`` each)."""
    queryset = (
        Product.objects.filter(status=ProductStatus.ACTIVE, pk=product_id, seller__suspended_at__isnull=True)
        .select_related("seller", "category")
        .annotate(in_stock=stock.product_in_stock())
    )
    if routes is not None:
        queryset = queryset.annotate(delivery_tier=routes.tier)
    variants = ProductVariant.objects.filter(is_active=True).annotate(in_stock=stock.variant_in_stock()).order_by("id")
    product = queryset.prefetch_related(_cover_images(), Prefetch("variants", queryset=variants)).first()
    if product is None:
        raise NotFound(_("No such product."))
    return product


def delivery_of(product: Product, routes: DeliveryRoutes | None) -> DeliveryTier | None:
    tier = getattr(product, "delivery_tier", None)
    if routes is None or tier is None or not 0 <= tier < len(routes.tiers):
        return None
    return routes.tiers[tier]


def price_in(converter: Converter | None, price: Money | None, unconvertible: set[str] | None = None) -> Money | None:
    """A price in the buyer's currency (the checkout's conversion and rounding), or None without a rate."""
    if price is None or converter is None:
        return price
    if unconvertible and price.currency.code in unconvertible:
        return None
    try:
        return converter.rounded(price)
    except ExchangeRateMissing:
        return None


__all__ = [
    "Browse",
    "Converter",
    "DeliveryRoutes",
    "DeliveryTier",
    "Facets",
    "StockSource",
    "browse_build",
    "browse_facets",
    "browse_page",
    "category_descendants",
    "category_tree",
    "converted_price",
    "delivery_of",
    "price_in",
    "product_get_public_detail",
]
