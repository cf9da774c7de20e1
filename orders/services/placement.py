"""Placing an order: one transaction reserves every line (or none) and writes the whole order.

Everything that can be computed is computed *before* the transaction: the warehouses (a plan on
the current counts), routes, rates and duties. The transaction then writes the order's own rows
and takes the stock last, with one conditional ``UPDATE ... WHERE on_hand - reserved >= n`` per
stock row (``stock_take``), so a flash sale holds the hot row for that update, the ledger insert
and the commit only (ADR 0014). If the counts moved under the plan (the planned warehouse ran
out), the transaction rolls back and the order is placed again the old way: the candidate rows
locked, planned again, and only the parcels that changed priced again.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from core.money import money_sum
from orders.emails import order_email_schedule
from orders.exceptions import ReservedUnitsLimit, UnpaidOrdersLimit
from orders.models import (
    Cart,
    CartItem,
    Order,
    OrderLine,
    OrderShipment,
    OrderStatus,
    Payment,
    SellerOrder,
)
from orders.services.checkout import (
    Quote,
    checkout_lines_for_cart,
    checkout_params_validate,
    parcel_key,
    quote_build,
    reservation_lines,
)
from orders.services.events import order_event_record
from orders.services.live import live_lines_check, live_offers_claim
from orders.services.payments import payment_open
from orders.services.pricing import Converter
from warehouses.reservations import Plan
from warehouses.services import StockPlanStale, outbound_shipment_create, stock_plan, stock_reserve, stock_take

NUMBER_PREFIX = "KRV"


def order_number_for(order: Order) -> str:
    return f"{NUMBER_PREFIX}-{order.placed_at:%Y}-{order.pk:06d}"


def _cart_signature(cart: Cart) -> list[tuple[int, int, int | None]]:
    return list(
        CartItem.objects.filter(cart=cart).order_by("variant_id").values_list("variant_id", "quantity", "livestream")
    )


def _write_order(*, user: Any, quote: Quote, placed_at: Any) -> Order:
    minutes = (
        settings.ORDER_LIVESTREAM_RESERVATION_MINUTES if quote.is_livestream else settings.ORDER_RESERVATION_MINUTES
    )
    order = Order.objects.create(
        number=f"TMP-{uuid4().hex[:24]}",
        buyer=user,
        currency=quote.currency,
        preference=quote.preference,
        shipping_address=quote.address,
        destination_country=quote.address["country"],
        subtotal=quote.subtotal,
        shipping_total=quote.shipping_total,
        duties_total=quote.duties_total,
        total=quote.total,
        duties_notes=quote.duties_notes,
        exchange_rates=quote.exchange_rates,
        is_livestream=quote.is_livestream,
        reserved_until=placed_at + timedelta(minutes=minutes),
        placed_at=placed_at,
    )
    order.number = order_number_for(order)
    Order.objects.filter(pk=order.pk).update(number=order.number)
    return order


def _write_lines(*, order: Order, quote: Quote) -> tuple[dict[int, SellerOrder], dict[int, OrderLine]]:
    currency = quote.currency
    seller_orders: dict[int, SellerOrder] = {}
    for seller in quote.sellers:
        seller_lines = [line for line in quote.lines if line.variant.seller_id == seller.pk]
        seller_currency = seller_lines[0].unit_price_seller.currency.code
        seller_orders[seller.pk] = SellerOrder.objects.create(
            order=order,
            seller=seller,
            subtotal=money_sum([line.line_total for line in seller_lines if line.line_total], currency),
            subtotal_seller=money_sum(
                [line.unit_price_seller * line.quantity for line in seller_lines], seller_currency
            ),
            shipping_total=money_sum(
                [p.shipping for p in quote.parcels if p.seller.pk == seller.pk and p.shipping is not None], currency
            ),
            commission_percent=seller.commission_percent,
        )
    # One INSERT for every line (bulk_create returns the ids on PostgreSQL and SQLite alike).
    rows = OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            seller_order=seller_orders[line.variant.seller_id],
            variant=line.variant,
            sku=line.variant.sku,
            title=(f"{line.variant.product.title} {line.variant.name}".strip())[:300],
            quantity=line.quantity,
            unit_price_seller=line.unit_price_seller,
            unit_price=line.unit_price,
            line_total=line.line_total,
            exchange_rate=line.rate,
            exchange_rate_ids=list(line.rate_ids),
            livestream=line.livestream,
        )
        for line in quote.lines
    )
    order_lines = {row.variant_id: row for row in rows}
    return seller_orders, order_lines


def _write_shipments(
    *, order: Order, quote: Quote, seller_orders: dict[int, SellerOrder], order_lines: dict[int, OrderLine]
) -> None:
    for parcel in quote.parcels:
        seller_order = seller_orders[parcel.seller.pk]
        outbound = outbound_shipment_create(
            warehouse_id=parcel.warehouse.pk,
            seller_id=parcel.seller.pk,
            reference=f"{order.number}-S{parcel.seller.pk}",
            destination=quote.address,
            lines=[(item.line.variant.pk, item.quantity, item.line.unit_price_seller) for item in parcel.items],
            mode=parcel.mode,
            transit_days_min=parcel.transit_days_min,
            transit_days_max=parcel.transit_days_max,
            shipping_cost=parcel.shipping,
        )
        OrderShipment.objects.create(
            order=order,
            seller_order=seller_order,
            warehouse=parcel.warehouse,
            outbound_shipment=outbound,
            items=[
                {
                    "line": order_lines[item.line.variant.pk].pk,
                    "variant": item.line.variant.pk,
                    "sku": item.line.variant.sku,
                    "quantity": item.quantity,
                }
                for item in parcel.items
            ],
            mode=parcel.mode,
            transit_days_min=parcel.transit_days_min,
            transit_days_max=parcel.transit_days_max,
            reasons=parcel.reasons,
            legs=parcel.legs,
            border_crossings=parcel.border_crossings,
            weight_kg=parcel.weight_kg,
            volume_m3=parcel.volume_m3,
            declared_value=parcel.declared_value,
            quoted_cost=parcel.quoted_cost,
            shipping=parcel.shipping,
            duties=parcel.duties,
            duty_note=parcel.duty_note[:300],
            duty_rule=parcel.duty_rule,
            duty_allowance_counted=parcel.allowance_counted,
        )


def unpaid_holdings_check(*, user: Any, units: int) -> None:
    """Refuse an order that would let one buyer hold too much stock without paying (409 naming the limit).

    Unpaid orders reserve stock for ``ORDER_RESERVATION_MINUTES``; without a bound one account
    could hold a product's whole stock, renewing its orders as they expire. Called with the
    buyer's cart locked, so two placements of the same buyer are counted one after the other.
    """
    # One query for both counts: it runs on every placement, under the cart's lock.
    held = Order.objects.filter(buyer=user, status=OrderStatus.PENDING_PAYMENT).aggregate(
        orders=Count("pk", distinct=True), units=Sum("lines__quantity")
    )
    max_orders = settings.ORDER_MAX_UNPAID_PER_BUYER
    held_orders = held["orders"]
    if held_orders >= max_orders:
        raise UnpaidOrdersLimit(
            _(
                "You have %(held_orders)s unpaid orders; at most %(max_orders)s may wait for payment at once. "
                "Pay or cancel one first."
            )
            % {"held_orders": held_orders, "max_orders": max_orders},
            errors={
                "orders": [
                    _("At most %(max_orders)s unpaid orders (ORDER_MAX_UNPAID_PER_BUYER).") % {"max_orders": max_orders}
                ]
            },
            extra={"limit": max_orders, "unpaid_orders": held_orders},
        )
    max_units = settings.ORDER_MAX_RESERVED_UNITS_PER_BUYER
    held_units = held["units"] or 0
    if held_units + units > max_units:
        raise ReservedUnitsLimit(
            _(
                "This order's %(units)s units with the %(held_units)s held in your unpaid orders would be "
                "%(total)s; at most %(max_units)s units may wait for payment at once."
            )
            % {"units": units, "held_units": held_units, "total": held_units + units, "max_units": max_units},
            errors={
                "quantity": [
                    _("At most %(max_units)s units in unpaid orders (ORDER_MAX_RESERVED_UNITS_PER_BUYER).")
                    % {"max_units": max_units}
                ]
            },
            extra={"limit": max_units, "reserved_units": held_units, "requested_units": units},
        )


def order_place(
    *, user: Any, cart: Cart, shipping_address: Any, currency: Any, preference: Any, at: Any = None
) -> Order:
    """Reserve stock for every cart line and create the order, or change nothing (409 ``insufficient_stock``)."""
    at = at or timezone.now()
    currency, preference, address = checkout_params_validate(
        currency=currency, preference=preference, address=shipping_address, on=at.date()
    )
    lines = checkout_lines_for_cart(cart=cart, user=user, at=at)
    live_lines_check(lines=lines)
    # What the cart held when it was read (one line per variant: the cart's unique constraint),
    # compared with the cart under its lock before anything is written.
    signature = sorted(((line.variant.pk, line.quantity, line.livestream) for line in lines), key=lambda row: row[0])
    converter = Converter(currency, at=at)
    # Plan outside any lock: which warehouses, which routes, what they cost (rates, network, duties).
    plan = stock_plan(lines=reservation_lines(lines), destination_country=address["country"])
    draft = quote_build(
        user=user,
        lines=lines,
        allocations=plan.allocations,
        address=address,
        currency=currency,
        preference=preference,
        at=at,
        converter=converter,
    )
    placing = _Placing(user=user, cart=cart, lines=lines, signature=signature, address=address, at=at)
    try:
        order = _place_as_planned(placing, plan=plan, quote=draft)
    except StockPlanStale:
        # Stock moved between the plan and the take (another buyer took the planned warehouse's last
        # units): everything rolled back; plan again on locked rows and price what changed.
        order = _place_locked(placing, planned=plan.allocations, draft=draft, converter=converter)
    # Ask the provider for the payment (a network call) only once the stock locks are released:
    # after the outermost commit, since a caller may still hold a transaction open. If the
    # provider cannot be reached the order stays pending_payment with a payment the buyer can
    # retry (POST /orders/{id}/payment/).
    transaction.on_commit(lambda: payment_open(order=order))
    return order


@dataclass(frozen=True)
class _Placing:
    user: Any
    cart: Cart
    lines: list[Any]
    signature: list[tuple[int, int, int | None]]
    address: dict[str, Any]
    at: Any


def _lock_cart(placing: _Placing) -> None:
    # The buyer's cart is locked first (before any stock row) so two tabs cannot order it twice.
    Cart.objects.select_for_update().filter(pk=placing.cart.pk).first()
    if _cart_signature(placing.cart) != placing.signature:
        raise Conflict(_("The cart changed while the order was being placed; please try again."), code="cart_changed")
    # Under the cart's lock, so two tabs of one buyer cannot both pass the hoarding limits.
    unpaid_holdings_check(user=placing.user, units=sum(quantity for _variant, quantity, _stream in placing.signature))


def _write_placed(
    placing: _Placing, *, quote: Quote
) -> tuple[Order, Payment, dict[int, SellerOrder], dict[int, OrderLine]]:
    """The order's own rows (none of them contended): order, lines, payment, event; the cart emptied."""
    order = _write_order(user=placing.user, quote=quote, placed_at=placing.at)
    seller_orders, order_lines = _write_lines(order=order, quote=quote)
    payment = Payment.objects.create(order=order, provider=settings.PAYMENT_PROVIDER, amount=order.total)
    CartItem.objects.filter(cart=placing.cart).delete()
    order_event_record(
        order=order,
        code="placed",
        message=f"Order placed; stock reserved until {order.reserved_until:%Y-%m-%d %H:%M} UTC.",
        to_status=OrderStatus.PENDING_PAYMENT,
        actor=placing.user,
        actor_label="buyer",
        occurred_at=placing.at,
    )
    return order, payment, seller_orders, order_lines


def _place_as_planned(placing: _Placing, *, plan: Plan, quote: Quote) -> Order:
    """The short path: write the whole order as planned, then take the stock last.

    The hot stock rows are locked by ``stock_take``'s conditional updates, the last writes before
    the commit (with the live offers' caps, locked after the stock as everywhere else), so they are
    held for one update per row, the ledger insert and the commit: not for the order's inserts,
    the shipments, reading the order back or rendering it.
    """
    with transaction.atomic():
        _lock_cart(placing)
        order, _, seller_orders, order_lines = _write_placed(placing, quote=quote)
        _write_shipments(order=order, quote=quote, seller_orders=seller_orders, order_lines=order_lines)
        order_email_schedule(order=order, kind="placed")
        stock_take(plan=plan, reference=order.number, actor=placing.user)
        live_offers_claim(order=order, lines=placing.lines, buyer=placing.user)
    return order


def _place_locked(placing: _Placing, *, planned: list[Any], draft: Quote, converter: Converter) -> Order:
    """The fallback when the plan went stale: lock the candidate rows, plan again, price what changed."""
    user, lines, address = placing.user, placing.lines, placing.address
    priced = {parcel_key(parcel): parcel for parcel in draft.parcels}
    with transaction.atomic():
        _lock_cart(placing)
        order, payment, seller_orders, order_lines = _write_placed(placing, quote=draft)
        allocations = stock_reserve(
            lines=reservation_lines(lines),
            destination_country=address["country"],
            reference=order.number,
            actor=user,
        )
        # Live units are claimed after the stock rows are locked (the order cancellation and expiry
        # release them in), so the cap and the stock are taken together or not at all.
        live_offers_claim(order=order, lines=lines, buyer=user)
        quote = draft
        if sorted(allocations, key=repr) != sorted(planned, key=repr):
            # Stock moved between the dry run and the lock: price the parcels that changed.
            quote = quote_build(
                user=user,
                lines=lines,
                allocations=allocations,
                address=address,
                currency=draft.currency,
                preference=draft.preference,
                at=placing.at,
                converter=converter,
                priced_parcels=priced,
            )
            Order.objects.filter(pk=order.pk).update(
                shipping_total=quote.shipping_total, duties_total=quote.duties_total, total=quote.total
            )
            Payment.objects.filter(pk=payment.pk).update(amount=quote.total)
            for seller_id, seller_order in seller_orders.items():
                shipping = money_sum(
                    [p.shipping for p in quote.parcels if p.seller.pk == seller_id and p.shipping is not None],
                    draft.currency,
                )
                SellerOrder.objects.filter(pk=seller_order.pk).update(shipping_total=shipping)
            order.refresh_from_db()
        _write_shipments(order=order, quote=quote, seller_orders=seller_orders, order_lines=order_lines)
        order_email_schedule(order=order, kind="placed")
    return order
