"""Orders' tables: carts, orders with seller orders, lines, shipments and events, payments and refunds."""

from orders.models.cart import Cart, CartItem
from orders.models.order import (
    Order,
    OrderEmail,
    OrderEvent,
    OrderLine,
    OrderShipment,
    OrderStatus,
    Preference,
    SellerOrder,
    ShipmentStatus,
)
from orders.models.payment import Payment, PaymentStatus, Refund, RefundStatus

__all__ = [
    "Cart",
    "CartItem",
    "Order",
    "OrderEmail",
    "OrderEvent",
    "OrderLine",
    "OrderShipment",
    "OrderStatus",
    "Payment",
    "PaymentStatus",
    "Preference",
    "Refund",
    "RefundStatus",
    "SellerOrder",
    "ShipmentStatus",
]
