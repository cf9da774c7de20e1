"""Admin of orders for platform operators: order pages with cancel and refund, money records, the dashboard."""

from orders.admin.orders import OrderAdmin
from orders.admin.records import (
    CartAdmin,
    LedgerEntryAdmin,
    LedgerPostingAdmin,
    RefundAdmin,
    SellerTransferAdmin,
    WebhookEventAdmin,
)

__all__ = [
    "CartAdmin",
    "LedgerEntryAdmin",
    "LedgerPostingAdmin",
    "OrderAdmin",
    "RefundAdmin",
    "SellerTransferAdmin",
    "WebhookEventAdmin",
]
