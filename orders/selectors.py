"""Order reads on behalf of someone: visibility is enforced here (a buyer's own orders, a seller's own parts)."""

from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from core.money import from_minor_units
from orders.exceptions import OrderNotFound
from orders.models import (
    Cart,
    CartItem,
    LedgerAccount,
    LedgerEntry,
    Order,
    OrderEvent,
    OrderLine,
    OrderShipment,
    PostingKind,
    SellerOrder,
)
from warehouses.models import ShipmentEvent


def cart_items_for(*, cart: Any) -> QuerySet[CartItem]:
    return (
        CartItem.objects.filter(cart=cart)
        .select_related("variant", "variant__product", "variant__seller")
        .order_by("pk")
    )


def cart_item_get(*, cart: Any, item_id: Any) -> CartItem:
    item = cart_items_for(cart=cart).filter(pk=item_id).first() if str(item_id).isdigit() else None
    if item is None:
        from core.exceptions import NotFound

        raise NotFound(_("No such item in your cart."), code="cart_item_not_found")
    return item


def cart_item_get_for_user(*, user: Any, item_id: Any) -> CartItem:
    """An item of the user's cart, or 404; never creates a cart (a refused request writes nothing)."""
    cart = Cart.objects.filter(user=user).first()
    if cart is None:
        from core.exceptions import NotFound

        raise NotFound(_("No such item in your cart."), code="cart_item_not_found")
    return cart_item_get(cart=cart, item_id=item_id)


def _order_queryset() -> QuerySet[Order]:
    return Order.objects.select_related("payment").prefetch_related(
        "payment__refunds",
        Prefetch("lines", queryset=OrderLine.objects.select_related("seller_order__seller").order_by("pk")),
        Prefetch("shipments", queryset=OrderShipment.objects.select_related("warehouse", "seller_order__seller")),
        Prefetch("seller_orders", queryset=SellerOrder.objects.select_related("seller").order_by("pk")),
    )


def order_list_for_buyer(*, user: Any) -> QuerySet[Order]:
    return _order_queryset().filter(buyer=user).order_by("-placed_at", "-pk")


def order_get_for_buyer(*, user: Any, order_id: Any) -> Order:
    """The buyer's own order; anyone else's is a 404 (never a 403 that would confirm it exists)."""
    order = order_list_for_buyer(user=user).filter(pk=order_id).first() if str(order_id).isdigit() else None
    if order is None:
        raise OrderNotFound()
    return order


def order_tracking(*, order: Order) -> list[dict[str, Any]]:
    """What the buyer sees as tracking: order events merged with the warehouses' shipment events."""
    rows: list[dict[str, Any]] = []
    for event in OrderEvent.objects.filter(order=order).order_by("occurred_at", "pk"):
        rows.append(
            {
                "source": "order",
                "code": event.code,
                "status": event.to_status,
                "message": event.message,
                "location": "",
                "actor": event.actor_label,
                "occurred_at": event.occurred_at,
            }
        )
    outbound_ids = [s.outbound_shipment_id for s in order.shipments.all() if s.outbound_shipment_id]
    codes = {s.outbound_shipment_id: s.warehouse.code for s in order.shipments.all()}
    for event in ShipmentEvent.objects.filter(shipment_id__in=outbound_ids).order_by("occurred_at", "pk"):
        rows.append(
            {
                "source": "shipment",
                "code": event.code,
                "status": "",
                "message": event.note,
                "location": event.location,
                "actor": "warehouse",
                "warehouse": codes.get(event.shipment_id, ""),
                "occurred_at": event.occurred_at,
            }
        )
    rows.sort(key=lambda row: row["occurred_at"])
    return rows


def seller_order_list_for_seller(*, seller: Any) -> QuerySet[SellerOrder]:
    """A seller's own parts of orders, with only its own lines and shipments."""
    return (
        SellerOrder.objects.filter(seller=seller)
        .select_related("order")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            Prefetch("shipments", queryset=OrderShipment.objects.select_related("warehouse").order_by("pk")),
        )
        .order_by("-created_at", "-pk")
    )


def cart_priced(*, cart: Any, currency: str, user: Any = None) -> tuple[list[CartItem], dict[int, dict[str, Any]], Any]:
    """The cart's lines priced in ``currency`` (live price where an offer applies) and their subtotal.

    A line from a stream also says how its offer stands (``live``: live, not started, ended, sold
    out, over the per-buyer limit) so the buyer is told why a list price applies.
    """
    from core.money import money_sum
    from orders.services.live import live_line_pricing
    from orders.services.pricing import Converter

    converter = Converter(currency)
    items = list(cart_items_for(cart=cart))
    priced: dict[int, dict[str, Any]] = {}
    for item in items:
        live = live_line_pricing(variant=item.variant, livestream_id=item.livestream, user=user, quantity=item.quantity)
        unit = (live.price if live else None) or item.variant.price
        offer = live.rendering() if live else None
        if unit is None:
            priced[item.pk] = {"unit_price": None, "line_total": None, "is_live": False, "live_offer": offer}
            continue
        priced[item.pk] = {
            "unit_price": converter.rounded(unit),
            "line_total": converter.line_total(unit, item.quantity),
            "is_live": bool(live and live.applies),
            "live_offer": offer,
        }
    subtotal = money_sum([row["line_total"] for row in priced.values() if row["line_total"] is not None], currency)
    return items, priced, subtotal


def order_get_for_staff(*, user: Any, order_id: Any) -> Order:
    """Any order, for platform staff who may refund (operators, superusers); to anyone else every order is a 404.

    ``is_staff`` alone is not enough: warehouse staff have it too (for their shift's admin pages),
    and a warehouse shift must never refund orders (found by the permission matrix).
    """
    may_refund = user.is_active and user.is_staff and user.has_perm("orders.add_refund")
    order = _order_queryset().filter(pk=order_id).first() if str(order_id).isdigit() and may_refund else None
    if order is None:
        raise OrderNotFound()
    return order


def seller_balance(*, seller: Any) -> list[dict[str, Any]]:
    """Per currency, from the ledger lines of the seller's payable account: what they earned (goods
    sold), commission (net of what refunds returned), refunded goods, transferred, and still payable."""
    rows = (
        LedgerEntry.objects.filter(seller=seller, account=LedgerAccount.SELLER_PAYABLE)
        .values("currency", "kind")
        .annotate(total=Sum("amount_minor"))
        .order_by("currency", "kind")
    )
    by_currency: dict[str, dict[str, int]] = {}
    for row in rows:
        by_currency.setdefault(row["currency"], {})[row["kind"]] = int(row["total"] or 0)
    balances = []
    for currency, kinds in by_currency.items():
        earned = -kinds.get(PostingKind.CHARGE, 0)
        commission = kinds.get(PostingKind.COMMISSION, 0) + kinds.get(PostingKind.COMMISSION_REVERSAL, 0)
        refunded = kinds.get(PostingKind.REFUND, 0)
        transferred = kinds.get(PostingKind.TRANSFER, 0)
        payable = -sum(kinds.values())
        balances.append(
            {
                "currency": currency,
                **{
                    name: from_minor_units(value, currency)
                    for name, value in (
                        ("earned", earned),
                        ("commission", commission),
                        ("refunded", refunded),
                        ("transferred", transferred),
                        ("payable", payable),
                    )
                },
            }
        )
    return balances


def seller_ledger_entries(*, seller: Any, currency: str | None = None) -> QuerySet[Any]:
    """The seller's own ledger lines (their payable account only), newest first."""
    queryset = LedgerEntry.objects.filter(seller=seller, account=LedgerAccount.SELLER_PAYABLE)
    if currency:
        queryset = queryset.filter(currency=currency)
    return queryset.select_related("posting__order").order_by("-created_at", "-id")
