"""Demo step: one paid order of the demo buyer, from two sellers, shipped from two warehouses.

Runs after the catalog and the stock are seeded; does nothing when the demo buyer already has an
order (idempotent). Only the demo catalog's own goods (``demo.ownership``) go into it. The order
goes through the same services as the API (quote, reserve, pay with the offline provider), so the
admin shows a realistic order with its parcels at two warehouses.
"""

from collections.abc import Callable
from itertools import product

from accounts.models import User
from core.exceptions import DomainError
from demo.ownership import demo_variants
from demo.seed_accounts import BUYER_EMAIL
from marketplace.models import ProductStatus
from orders.models import Order, Payment
from orders.services import (
    cart_clear,
    cart_get_or_create,
    cart_item_add,
    checkout_quote,
    order_place,
    payment_confirm,
)
from warehouses.models import Stock

ADDRESS = {
    "recipient": "Aigerim Demo",
    "phone": "+7 701 234 5678",
    "country": "KZ",
    "city": "Almaty",
    "postal_code": "050000",
    "line1": "Abay Ave 10, apt 5",
}


def run(*, log: Callable[[str], None]) -> None:
    buyer = User.objects.filter(email=BUYER_EMAIL).first()
    if buyer is None or Order.objects.filter(buyer=buyer).exists():
        return
    in_stock = (
        Stock.objects.filter(
            variant__in=demo_variants().values("pk"),
            on_hand__gt=5,
            variant__is_active=True,
            variant__product__status=ProductStatus.ACTIVE,
        )
        .exclude(variant__price__isnull=True)
        .select_related("variant__seller")
        .order_by("variant__seller__country", "variant_id")
    )
    candidates: dict[str, list[int]] = {"CN": [], "UZ": []}
    for stock in in_stock:
        ids = candidates.get(stock.variant.seller.country)
        if ids is not None and stock.variant_id not in ids and len(ids) < 5:
            ids.append(stock.variant_id)
    cart = cart_get_or_create(user=buyer)
    order = None
    # The first pair of goods the network can deliver to Almaty from two warehouses (some stock sits
    # where no lane leads to Kazakhstan).
    for first, second in product(candidates["CN"], candidates["UZ"]):
        cart_clear(cart=cart)
        cart_item_add(cart=cart, variant_id=first, quantity=1)
        cart_item_add(cart=cart, variant_id=second, quantity=1)
        arguments = {"shipping_address": ADDRESS, "currency": "KZT", "preference": "cheapest"}
        try:
            quote = checkout_quote(user=buyer, cart=cart, **arguments)
            if len({parcel.warehouse.pk for parcel in quote.parcels}) < 2:
                continue
            order = order_place(user=buyer, cart=cart, **arguments)
        except DomainError:
            continue
        break
    if order is None:
        cart_clear(cart=cart)
        log("  orders: skipped (no Chinese and Uzbek goods deliverable to Almaty)")
        return
    # Paid as a card payment would be, whichever provider is configured (the demo's own data: with
    # Stripe selected the fake need not be running while seeding).
    payment = Payment.objects.get(order=order)
    payment_confirm(payment=payment, provider_reference=f"demo-{order.number}", amount=payment.amount, actor=buyer)
    order.refresh_from_db()
    warehouses = ", ".join(sorted(order.shipments.values_list("warehouse__code", flat=True)))
    log(f"  order  {order.number} ({order.status}) for {BUYER_EMAIL}: parcels from {warehouses}")
