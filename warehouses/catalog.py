"""What the public catalog needs from stock and transport: availability, delivery estimates, delivery options.

``CatalogStock`` is the ``marketplace.browse.query.StockSource`` the catalog API hands to the
marketplace's queries: it builds the SQL expressions about a product's (``OuterRef("pk")``) stock,
so filtering on availability or on reaching a country stays one query whatever the page size.

- Available means ``on_hand > reserved`` (the row's ``is_available``) in an active warehouse, for an
  active variant; a product's rows are found by the row's own ``product`` (one index, no join).
- Delivery to a country comes from the precomputed estimates (``DeliveryEstimate``, per origin hub
  and destination country, read without assuming which pairs exist): a product reaches the country
  when a warehouse holding it has an estimate there, and its delivery is the fastest such warehouse
  (p90 days first, then minimum days).
- ``delivery_options`` prices, for a product page, one unit of each variant from each warehouse
  holding it, with the planner's ``route_quote`` and the same inputs the checkout uses for a
  one-item parcel, so the page shows what a one-item order would be charged for shipping.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Case, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from core.exceptions import DomainError
from core.money import Money
from core.services import ExchangeRateMissing
from marketplace.browse.query import Converter, DeliveryRoutes, DeliveryTier
from marketplace.models import Product, ProductVariant
from warehouses.models import Stock, Warehouse
from warehouses.transport.models import DeliveryEstimate
from warehouses.transport.selectors import route_quote

#: A variant without a weight still travels: priced as the checkout prices it (one kilogram).
DEFAULT_UNIT_WEIGHT_KG = Decimal("1.000")
#: At most this many (variant, warehouse) options are priced for one product page (bounded work).
DELIVERY_OPTIONS_MAX = 24


def _retired_variants() -> QuerySet[ProductVariant]:
    return ProductVariant.objects.filter(is_active=False)


def _available_for_product() -> QuerySet[Stock]:
    """The available stock rows of the product ``OuterRef("pk")``, its retired variants' left out.

    Read through ``stock_available_product_idx`` (the row's own ``product`` and ``is_available``),
    not by joining the variants: a variant's ``is_active`` is checked as "not one of the retired
    variants" (an anti-join with the small ``variant_retired_idx``), so it stays exact the moment
    a variant is retired or brought back, without copying the flag onto every stock row (which
    every writer of variants, the importer's bulk updates included, would have to keep right).
    """
    return Stock.objects.filter(product=OuterRef("pk"), is_available=True).filter(
        ~Exists(_retired_variants().filter(pk=OuterRef("variant_id")))
    )


@dataclass(frozen=True)
class DeliveryOption:
    variant_id: int
    sku: str
    warehouse: Warehouse
    mode: str
    days_min: int
    days_max: int
    price: Money | None
    reasons: tuple[str, ...]


class CatalogStock:
    """Stock and delivery expressions for the catalog's queries (``StockSource``).

    One instance serves one request: the estimates to a country are read once by it (the product
    page needs them for the row's delivery and again for the delivery options).
    """

    def __init__(self) -> None:
        self._estimates_read: dict[str, list[tuple[Warehouse, DeliveryEstimate]]] = {}

    def product_in_stock(self) -> Exists:
        """Some active variant has a unit on hand not reserved, in an active warehouse.

        "Not in a closed warehouse" (an anti-join, as for retired variants) rather than a join to
        the open ones: the rows then stay in the index's product order, so a count merges them
        with the products instead of hashing every available row.
        """
        closed = Warehouse.objects.filter(pk=OuterRef("warehouse_id"), is_active=False)
        return Exists(_available_for_product().filter(~Exists(closed)))

    def variant_in_stock(self) -> Exists:
        return Exists(
            Stock.objects.filter(variant=OuterRef("pk"), on_hand__gt=F("reserved"), warehouse__is_active=True)
        )

    def _estimates(self, country: str) -> list[tuple[Warehouse, DeliveryEstimate]]:
        """Each active warehouse with the estimate of its hub to ``country`` (two small queries, once)."""
        if country not in self._estimates_read:
            self._estimates_read[country] = self._estimates_query(country)
        return self._estimates_read[country]

    def _estimates_query(self, country: str) -> list[tuple[Warehouse, DeliveryEstimate]]:
        estimates = {row.origin_hub_id: row for row in DeliveryEstimate.objects.filter(destination_country=country)}
        if not estimates:
            return []
        warehouses = Warehouse.objects.filter(is_active=True, hub_id__in=estimates).select_related("hub")
        return [(warehouse, estimates[warehouse.hub_id]) for warehouse in warehouses.order_by("code")]

    def delivery_routes(self, *, country: str) -> DeliveryRoutes:
        pairs = self._estimates(country)
        tiers = sorted({(estimate.days_max, estimate.days_min, estimate.mode) for _, estimate in pairs})
        tier_of = {key: index for index, key in enumerate(tiers)}
        warehouse_tier = {
            warehouse.pk: tier_of[(estimate.days_max, estimate.days_min, estimate.mode)]
            for warehouse, estimate in pairs
        }
        holding = _available_for_product().filter(warehouse_id__in=list(warehouse_tier))
        # The tier of the fastest warehouse holding the product: equal tiers mean equal
        # {days_min, days_max, mode}, so the row shows the same delivery whichever of them it is.
        tier = Subquery(
            holding.annotate(
                tier=Case(
                    *[When(warehouse_id=pk, then=Value(index)) for pk, index in sorted(warehouse_tier.items())],
                    output_field=IntegerField(),
                )
            )
            .order_by("tier")
            .values("tier")[:1],
            output_field=IntegerField(),
        )
        # The same tier for sorting a whole result (``ordering=fastest``): one join and GROUP BY over
        # the product's own stock rows rather than the subquery above once per product. Retired
        # variants are a NOT IN, which PostgreSQL hashes once from ``variant_retired_idx``
        # (an EXISTS per row inside the aggregate's FILTER measured slower); the hash is planned
        # while the retired variants fit in ``work_mem``, some hundred thousand of them.
        stocked = Q(
            stock_levels__is_available=True,
            stock_levels__warehouse_id__in=list(warehouse_tier),
        ) & ~Q(stock_levels__variant_id__in=_retired_variants().values("pk"))
        tier_to_sort = Min(
            Case(
                *[
                    When(stock_levels__warehouse_id=pk, then=Value(index))
                    for pk, index in sorted(warehouse_tier.items())
                ],
                output_field=IntegerField(),
            ),
            filter=stocked,
        )
        return DeliveryRoutes(
            country=country,
            tiers=tuple(DeliveryTier(days_min=low, days_max=high, mode=mode) for high, low, mode in tiers),
            reachable=Exists(holding),
            tier=tier,
            tier_to_sort=tier_to_sort,
        )

    def delivery_options(
        self, *, product: Product, variants: list[ProductVariant], country: str, converter: Converter
    ) -> list[DeliveryOption]:
        """One unit of each variant from each warehouse holding it that reaches ``country``, fastest first.

        Priced by the planner as the checkout prices a one-item parcel (weight, volume, declared
        value in USD, cold chain and shelf life, cheapest route, shipped today), the cost converted
        with the checkout's converter. A warehouse the planner finds no route from for this parcel
        (a cold chain it cannot keep, say) is left out.
        """
        reaching = {warehouse.pk: warehouse for warehouse, _ in self._estimates(country)}
        by_id = {variant.pk: variant for variant in variants}
        rows = (
            Stock.objects.filter(variant_id__in=list(by_id), warehouse_id__in=list(reaching), on_hand__gt=F("reserved"))
            .order_by("variant_id", "warehouse__code")
            .values_list("variant_id", "warehouse_id")[:DELIVERY_OPTIONS_MAX]
        )
        at = timezone.now()
        options = []
        for variant_id, warehouse_id in rows:
            option = _option(product, by_id[variant_id], reaching[warehouse_id], country, converter, at)
            if option is not None:
                options.append(option)
        options.sort(key=lambda o: (o.variant_id, o.days_max, o.days_min, o.warehouse.code))
        return options


def _parcel_profile(product: Product) -> dict[str, Any]:
    """The cold-chain inputs of a parcel holding only this product (the checkout's rule for one product)."""
    perishable = bool(product.perishable)
    return {
        "perishable": perishable,
        "temperature_min_c": product.temperature_min_c if perishable else None,
        "temperature_max_c": product.temperature_max_c if perishable else None,
        "shelf_life_days": (product.shelf_life_days or None) if perishable else None,
    }


def _option(
    product: Product, variant: ProductVariant, warehouse: Warehouse, country: str, converter: Converter, at: datetime
) -> DeliveryOption | None:
    if variant.price is None:
        return None
    try:
        route = route_quote(
            origin_hub=warehouse.hub.code,
            destination_country=country,
            weight_kg=variant.weight_kg or DEFAULT_UNIT_WEIGHT_KG,
            volume_m3=variant.volume_m3 or Decimal(0),
            declared_value=converter.rounded(variant.price, "USD"),
            preference="cheapest",
            ship_date=at.date(),
            # The same conversions as the checkout's parcel (seller's currency → buyer's), so the
            # option's reasons (stale rates included) are the quote's.
            rate_currencies=(variant.price.currency.code, converter.currency),
            rates=converter.table,
            **_parcel_profile(product),
        )
    except (DomainError, ExchangeRateMissing):
        return None  # no route for this parcel from here (or no rate to declare its value)
    try:
        price: Money | None = converter.rounded(route.cost)
    except ExchangeRateMissing:
        price = None
    return DeliveryOption(
        variant_id=variant.pk,
        sku=variant.sku,
        warehouse=warehouse,
        mode=str(route.mode),
        days_min=route.transit_days_min,
        days_max=route.transit_days_max,
        price=price,
        reasons=tuple(str(reason) for reason in route.reasons),
    )
