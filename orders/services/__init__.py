"""Every write of orders: cart, quote, placement, payment, cancel, expiry, shipment follow-up."""

from orders.services.cart import (
    SESSION_CART_KEY,
    cart_clear,
    cart_get_or_create,
    cart_item_add,
    cart_item_remove,
    cart_item_update,
    cart_merge,
    cart_merge_session,
    live_offers_release,
    live_price_for,
)
from orders.services.checkout import Quote, checkout_quote
from orders.services.lifecycle import order_cancel, order_shipment_status_apply, orders_expire_due
from orders.services.payments import (
    order_pay_confirm_by_staff,
    order_pay_offline,
    payment_confirm,
    payment_needs_opening,
    payment_open,
    payment_retry,
    payment_state_apply,
    payments_reconcile,
)
from orders.services.payouts import payout_send, payouts_run
from orders.services.placement import order_place
from orders.services.refunds import refund_create, refund_process, refund_request, refund_state_apply
from orders.services.webhooks import webhook_event_process, webhook_receive

__all__ = [
    "SESSION_CART_KEY",
    "Quote",
    "cart_clear",
    "cart_get_or_create",
    "cart_item_add",
    "cart_item_remove",
    "cart_item_update",
    "cart_merge",
    "cart_merge_session",
    "checkout_quote",
    "live_offers_release",
    "live_price_for",
    "order_cancel",
    "order_pay_confirm_by_staff",
    "order_pay_offline",
    "order_place",
    "order_shipment_status_apply",
    "orders_expire_due",
    "payment_confirm",
    "payment_needs_opening",
    "payment_open",
    "payment_retry",
    "payment_state_apply",
    "payments_reconcile",
    "payout_send",
    "payouts_run",
    "refund_create",
    "refund_process",
    "refund_request",
    "refund_state_apply",
    "webhook_event_process",
    "webhook_receive",
]
