"""Checkout quotes: split the cart per seller and warehouse, price each parcel's route and duties.

Nothing is reserved here: ``stock_reserve(dry_run=True)`` says which warehouses would serve each
line. ``order_place`` reuses ``quote_build`` with the allocations it actually reserved, so an order
is priced by exactly the same code as the quote the buyer saw.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.money import Money, currency_exists, money_round, money_sum
from marketplace.models import LiveOffer, ProductStatus, ProductVariant
from orders import customs
from orders.addresses import address_normalize
from orders.exceptions import CartEmpty, CartLineInvalid
from orders.models import Cart, CartItem, Order, OrderShipment, OrderStatus, Preference
from orders.services.live import live_line_pricing
from orders.services.pricing import Converter
from sellers.models import Seller
from warehouses.models import Warehouse
from warehouses.services import Allocation, ReservationLine, stock_reserve
from warehouses.transport.selectors import route_quote

#: China's annual CBEC allowance runs by the calendar year in China.
CHINA_TIME = ZoneInfo("Asia/Shanghai")
# A variant without a weight still travels; count it as a small parcel rather than refuse the cart.
DEFAULT_UNIT_WEIGHT_KG = Decimal("1.000")
PAID_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.ALLOCATED,
    OrderStatus.IN_FULFILMENT,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
)


@dataclass
class CheckoutLine:
    """One cart line as it would be ordered: the variant, quantity and unit price in the seller's currency."""

    variant: ProductVariant
    quantity: int
    unit_price_seller: Money
    livestream: int | None = None
    cart_item_id: int | None = None
    live_offer: LiveOffer | None = None  # set when the line is bought at the live price (claims units)
    live_status: str = ""  # how a line from a stream was priced (orders.services.live), "" otherwise
    live_message: str = ""
    unit_price: Money | None = None  # in the order currency, rounded for display
    line_total: Money | None = None  # in the order currency, rounded once
    rate: Decimal = Decimal(1)
    rate_ids: tuple[int, ...] = ()


@dataclass
class ParcelItem:
    line: CheckoutLine
    quantity: int


@dataclass
class ParcelQuote:
    """One shipment: a seller's goods leaving one warehouse, with its route, shipping and duties."""

    seller: Seller
    warehouse: Warehouse
    items: list[ParcelItem]
    weight_kg: Decimal
    volume_m3: Decimal
    goods_value_seller: Money
    declared_value: Money  # order currency, rounded
    mode: str = ""
    legs: list[dict[str, Any]] = field(default_factory=list)
    transit_days_min: int | None = None
    transit_days_max: int | None = None
    reasons: list[str] = field(default_factory=list)
    border_crossings: list[str] = field(default_factory=list)
    quoted_cost: Money | None = None
    shipping: Money | None = None
    duties: Money | None = None
    duty_note: str = ""
    duty_rule: str = ""
    duty_rule_info: dict[str, object] | None = None  # which rule applied and how current its source is
    allowance_counted: Money | None = None  # what the parcel uses of the buyer's annual China allowance


@dataclass
class Quote:
    currency: str
    preference: str
    address: dict[str, str]
    lines: list[CheckoutLine]
    parcels: list[ParcelQuote]
    subtotal: Money
    shipping_total: Money
    duties_total: Money
    total: Money
    duties_notes: list[str]
    exchange_rates: dict[str, dict[str, object]]
    is_livestream: bool
    quoted_at: datetime
    allowances: list[dict[str, Any]] = field(default_factory=list)

    @property
    def sellers(self) -> list[Seller]:
        seen: dict[int, Seller] = {}
        for parcel in self.parcels:
            seen.setdefault(parcel.seller.pk, parcel.seller)
        return list(seen.values())


def checkout_params_validate(*, currency: Any, preference: Any, address: Any, on: Any) -> tuple[str, str, dict]:
    errors: dict[str, list[str]] = {}
    if not isinstance(currency, str) or not currency_exists(currency):
        errors["currency"] = [_("Use an ISO 4217 code such as KZT.")]
    if preference in (None, ""):
        preference = Preference.CHEAPEST
    if preference not in Preference.values:
        errors["preference"] = [_("Use one of: %(choices)s.") % {"choices": ", ".join(Preference.values)}]
    try:
        clean_address = address_normalize(address, on=on)
    except ValidationFailed as error:
        errors.update(error.errors)
        clean_address = {}
    if errors:
        first_field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{first_field}: {messages[0]}", errors=errors)
    return str(currency), str(preference), clean_address


def checkout_lines_for_cart(*, cart: Cart, user: Any = None, at: datetime | None = None) -> list[CheckoutLine]:
    """The cart's lines with today's prices (live ones where an offer applies); anything no longer for sale is a 400."""
    at = at or timezone.now()
    items = list(
        CartItem.objects.filter(cart=cart)
        .select_related("variant", "variant__product", "variant__seller")
        .order_by("pk")
    )
    if not items:
        raise CartEmpty()
    lines: list[CheckoutLine] = []
    errors: dict[str, list[str]] = {}
    for item in items:
        variant = item.variant
        if (
            not variant.is_active
            or variant.product.status != ProductStatus.ACTIVE
            or variant.price is None
            or variant.seller.is_suspended
        ):
            errors[f"items.{item.pk}"] = [
                _("%(sku)s is no longer for sale; remove it from the cart.") % {"sku": variant.sku}
            ]
            continue
        live = live_line_pricing(
            variant=variant, livestream_id=item.livestream, user=user, quantity=item.quantity, at=at
        )
        lines.append(
            CheckoutLine(
                variant=variant,
                quantity=item.quantity,
                unit_price_seller=(live.price if live else None) or variant.price,
                livestream=item.livestream,
                cart_item_id=item.pk,
                live_offer=live.offer if live and live.applies else None,
                live_status=live.status if live else "",
                live_message=live.message if live else "",
            )
        )
    if errors:
        raise CartLineInvalid(_("Some items in the cart are no longer for sale."), errors=errors)
    return lines


def _uz_allowance_used(*, user: Any, at: datetime, converter: Converter, rule_currency: str) -> Money:
    """What the buyer already imported to Uzbekistan this calendar month (paid orders), in the rule's currency."""
    month_start = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    orders = Order.objects.filter(
        Q(buyer=user) & Q(destination_country="UZ") & Q(status__in=PAID_STATUSES) & Q(paid_at__gte=month_start)
    )
    return money_sum([converter.exact(order.subtotal, rule_currency) for order in orders], rule_currency)


#: Orders whose parcels still count against a buyer's allowance (placed and not called off).
ALLOWANCE_COUNTING_STATUSES = (OrderStatus.PENDING_PAYMENT, *PAID_STATUSES)


def _cn_allowance_used(*, user: Any, at: datetime, rule: customs.DutyRule) -> Money:
    """What the buyer's earlier orders this calendar year (China time) used of the annual CBEC allowance.

    Each shipment records what it counted when it was placed, so a later change of exchange rate
    does not move the allowance. Unpaid orders count too (until they expire or are cancelled): a
    buyer cannot place several orders at once to use the allowance twice.
    """
    local = at.astimezone(CHINA_TIME)
    start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    counted = OrderShipment.objects.filter(
        order__buyer=user,
        order__status__in=ALLOWANCE_COUNTING_STATUSES,
        order__placed_at__gte=start,
        order__placed_at__lt=start.replace(year=start.year + 1),
        duty_rule=rule.key,
        duty_allowance_counted__isnull=False,
    ).values_list("duty_allowance_counted", "duty_allowance_counted_currency")
    return money_sum([Money(amount, currency) for amount, currency in counted], rule.currency)


def _parcel_profile(items: list[ParcelItem]) -> dict[str, Any]:
    products = [item.line.variant.product for item in items]
    perishable = any(product.perishable for product in products)
    mins = [p.temperature_min_c for p in products if p.perishable and p.temperature_min_c is not None]
    maxes = [p.temperature_max_c for p in products if p.perishable and p.temperature_max_c is not None]
    shelf = [p.shelf_life_days for p in products if p.perishable and p.shelf_life_days]
    return {
        "perishable": perishable,
        "temperature_min_c": max(mins) if mins else None,
        "temperature_max_c": min(maxes) if maxes else None,
        "shelf_life_days": min(shelf) if shelf else None,
    }


def _price_route(parcel: ParcelQuote, *, country: str, preference: str, converter: Converter, at: datetime) -> None:
    route = route_quote(
        origin_hub=parcel.warehouse.hub.code,
        destination_country=country,
        weight_kg=parcel.weight_kg,
        volume_m3=parcel.volume_m3,
        declared_value=converter.rounded(parcel.goods_value_seller, "USD"),
        preference=preference,
        ship_date=at.date(),
        # The parcel's own conversions (seller's currency → buyer's); the route adds the planner's.
        rate_currencies=(parcel.goods_value_seller.currency.code, converter.currency),
        rates=converter.table,
        **_parcel_profile(parcel.items),
    )
    parcel.mode = str(route.mode)
    parcel.legs = [dict(leg) for leg in route.legs]
    parcel.transit_days_min = route.transit_days_min
    parcel.transit_days_max = route.transit_days_max
    parcel.reasons = [str(reason) for reason in route.reasons]
    parcel.border_crossings = [str(crossing) for crossing in route.border_crossings]
    parcel.quoted_cost = route.cost
    parcel.shipping = converter.rounded(route.cost)


def _price_duties(
    parcel: ParcelQuote, *, country: str, converter: Converter, at: datetime, allowance: dict[str, Money]
) -> None:
    on = at.date()
    origin = parcel.warehouse.country
    if not customs.import_needed(origin_country=origin, destination_country=country):
        # Stock in an overseas warehouse was cleared into its country (and the EAEU) on arrival.
        parcel.duties = Money(0, converter.currency)
        parcel.duty_note = customs.no_import_note(
            origin_country=origin, destination_country=country, place=parcel.warehouse.city or parcel.warehouse.code
        )
        return
    rule = customs.duty_rule_for(country=country, on=on)
    if rule is None:
        estimate = customs.duty_estimate(country=country, on=on, value=Money(0, "USD"), weight_kg=Decimal(0))
        parcel.duty_note = estimate.note
        return
    value = converter.exact(parcel.goods_value_seller, rule.currency)
    used = allowance.get(rule.key)
    estimate = customs.duty_estimate(
        country=country,
        on=on,
        value=value,
        weight_kg=parcel.weight_kg,
        allowance_used=used,
        hs_codes=[item.line.variant.product.hs_code or "" for item in parcel.items],
        single_item=len(parcel.items) == 1 and parcel.items[0].quantity == 1,
    )
    if rule.kind == customs.MONTHLY_ALLOWANCE:
        allowance[rule.key] = (used or Money(0, rule.currency)) + value
    elif estimate.allowance_counted is not None:
        allowance[rule.key] = (used or Money(0, rule.currency)) + estimate.allowance_counted
        parcel.allowance_counted = estimate.allowance_counted
    parcel.duty_rule = rule.key
    parcel.duty_rule_info = rule.as_json()
    parcel.duty_note = estimate.note
    parcel.duties = converter.rounded(estimate.total) if estimate.total is not None else None


def _allowance_summary(rule: customs.DutyRule, *, before: Money, after: Money, at: datetime) -> dict[str, Any]:
    limit = Money(rule.annual_limit or Decimal(0), rule.currency)
    return {
        "rule": rule.key,
        "period": str(at.astimezone(CHINA_TIME).year),
        "limit": limit,
        "used_before": before,
        "this_order": after - before,
        "remaining": Money(max(limit.amount - after.amount, Decimal(0)), rule.currency),
    }


def quote_build(
    *,
    user: Any,
    lines: list[CheckoutLine],
    allocations: list[Allocation],
    address: dict[str, str],
    currency: str,
    preference: str,
    at: datetime | None = None,
    converter: Converter | None = None,
    priced_parcels: dict[tuple[int, int, tuple[tuple[int, int], ...]], ParcelQuote] | None = None,
) -> Quote:
    """Price lines, split ``allocations`` into parcels per (seller, warehouse) and price each parcel.

    ``priced_parcels`` lets the caller reuse parcels already priced for identical contents (the
    order reuses its dry-run quote so no route is re-planned while stock rows are locked).
    """
    at = at or timezone.now()
    converter = converter or Converter(currency, at=at)
    country = address["country"]
    for line in lines:
        rate = converter.rate_for(line.unit_price_seller.currency.code)
        line.rate, line.rate_ids = rate.rate, rate.rate_ids
        line.unit_price = converter.rounded(line.unit_price_seller)
        line.line_total = converter.line_total(line.unit_price_seller, line.quantity)
    by_variant = {line.variant.pk: line for line in lines}
    groups: dict[tuple[int, int], list[ParcelItem]] = defaultdict(list)
    for allocation in allocations:
        line = by_variant[allocation.variant_id]
        groups[(line.variant.seller_id, allocation.warehouse_id)].append(ParcelItem(line, allocation.quantity))
    warehouses = Warehouse.objects.select_related("hub").in_bulk({warehouse for _, warehouse in groups})
    allowance: dict[str, Money] = {}
    import_rule = customs.duty_rule_for(country=country, on=at.date())
    if import_rule is not None and import_rule.kind == customs.MONTHLY_ALLOWANCE and user is not None:
        allowance[import_rule.key] = _uz_allowance_used(
            user=user, at=at, converter=converter, rule_currency=import_rule.currency
        )
    if import_rule is not None and import_rule.kind == customs.CN_CBEC and user is not None:
        allowance[import_rule.key] = _cn_allowance_used(user=user, at=at, rule=import_rule)
    allowance_before = dict(allowance)
    parcels: list[ParcelQuote] = []
    for (_seller_id, warehouse_id), items in sorted(groups.items()):
        seller = items[0].line.variant.seller
        seller_currency = items[0].line.unit_price_seller.currency.code
        goods = money_sum(
            [Money(i.line.unit_price_seller.amount * i.quantity, seller_currency) for i in items], seller_currency
        )
        weight = sum(((i.line.variant.weight_kg or DEFAULT_UNIT_WEIGHT_KG) * i.quantity for i in items), Decimal(0))
        volume = sum(((i.line.variant.volume_m3 or Decimal(0)) * i.quantity for i in items), Decimal(0))
        parcel = ParcelQuote(
            seller=seller,
            warehouse=warehouses[warehouse_id],
            items=items,
            weight_kg=weight,
            volume_m3=volume,
            goods_value_seller=goods,
            declared_value=money_round(converter.exact(goods)),
        )
        key = (parcel.seller.pk, warehouse_id, tuple(sorted((i.line.variant.pk, i.quantity) for i in items)))
        cached = (priced_parcels or {}).get(key)
        if cached is not None:
            for name in ("mode", "legs", "transit_days_min", "transit_days_max", "reasons", "border_crossings"):
                setattr(parcel, name, getattr(cached, name))
            parcel.quoted_cost, parcel.shipping = cached.quoted_cost, cached.shipping
        else:
            _price_route(parcel, country=country, preference=preference, converter=converter, at=at)
        _price_duties(parcel, country=country, converter=converter, at=at, allowance=allowance)
        parcels.append(parcel)
    subtotal = money_sum([line.line_total for line in lines if line.line_total is not None], currency)
    shipping_total = money_sum([p.shipping for p in parcels if p.shipping is not None], currency)
    duties_total = money_sum([p.duties for p in parcels if p.duties is not None], currency)
    notes = sorted({p.duty_note for p in parcels if p.duties is None and p.duty_note})
    allowances = []
    if import_rule is not None and import_rule.kind == customs.CN_CBEC and import_rule.key in allowance_before:
        before, after = allowance_before[import_rule.key], allowance[import_rule.key]
        allowances.append(_allowance_summary(import_rule, before=before, after=after, at=at))
    return Quote(
        currency=currency,
        preference=preference,
        address=address,
        lines=lines,
        parcels=parcels,
        subtotal=subtotal,
        shipping_total=shipping_total,
        duties_total=duties_total,
        total=subtotal + shipping_total + duties_total,
        duties_notes=notes,
        exchange_rates=converter.rates_json(),
        # Only lines that claim live units shorten the hold; a stream id alone (or a lapsed offer) does not.
        is_livestream=any(line.live_offer is not None for line in lines),
        quoted_at=at,
        allowances=allowances,
    )


def parcel_key(parcel: ParcelQuote) -> tuple[int, int, tuple[tuple[int, int], ...]]:
    return (parcel.seller.pk, parcel.warehouse.pk, tuple(sorted((i.line.variant.pk, i.quantity) for i in parcel.items)))


def reservation_lines(lines: list[CheckoutLine]) -> list[ReservationLine]:
    return [ReservationLine(variant_id=line.variant.pk, quantity=line.quantity) for line in lines]


def checkout_quote(
    *, user: Any, cart: Cart, shipping_address: Any, currency: Any, preference: Any, at: datetime | None = None
) -> Quote:
    """What the cart would cost delivered to ``shipping_address``: parcels, shipping, duties, totals."""
    at = at or timezone.now()
    currency, preference, address = checkout_params_validate(
        currency=currency, preference=preference, address=shipping_address, on=at.date()
    )
    lines = checkout_lines_for_cart(cart=cart, user=user, at=at)
    allocations = stock_reserve(
        lines=reservation_lines(lines),
        destination_country=address["country"],
        reference=f"quote:{user.pk if user else 'anonymous'}",
        actor=user,
        dry_run=True,
    )
    return quote_build(
        user=user,
        lines=lines,
        allocations=allocations,
        address=address,
        currency=currency,
        preference=preference,
        at=at,
    )
