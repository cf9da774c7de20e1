"""Orders' tables: carts, orders and their parts, payments, refunds, webhooks, payouts and the ledger."""

from orders.models.cart import Cart, CartItem
from orders.models.ledger import LedgerAccount, LedgerEntry, LedgerPosting, PostingKind
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
from orders.models.payment import (
    PAYABLE_STATUSES,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    SellerTransfer,
    TransferStatus,
    WebhookEvent,
)

__all__ = [
    "PAYABLE_STATUSES",
    "Cart",
    "CartItem",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerPosting",
    "Order",
    "OrderEmail",
    "OrderEvent",
    "OrderLine",
    "OrderShipment",
    "OrderStatus",
    "Payment",
    "PaymentStatus",
    "PostingKind",
    "Preference",
    "Refund",
    "RefundStatus",
    "SellerOrder",
    "SellerTransfer",
    "ShipmentStatus",
    "TransferStatus",
    "WebhookEvent",
]
