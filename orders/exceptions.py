"""Order errors with a stable ``code`` (rendered by the shared API error handler)."""

from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError, NotFound, ValidationFailed


class UnpaidOrdersLimit(Conflict):
    """The buyer already holds ``ORDER_MAX_UNPAID_PER_BUYER`` unpaid orders; ``extra`` has the limit."""

    code = "unpaid_orders_limit"
    default_detail = _("Too many unpaid orders: pay or cancel one before placing another.")


class ReservedUnitsLimit(Conflict):
    """The order would take the buyer's unpaid units over ``ORDER_MAX_RESERVED_UNITS_PER_BUYER``."""

    code = "reserved_units_limit"
    default_detail = _("Too many units held in unpaid orders: pay or cancel one before placing another.")


class CartEmpty(ValidationFailed):
    code = "cart_empty"
    default_detail = _("The cart is empty.")


class CartLineInvalid(ValidationFailed):
    code = "invalid_cart_item"
    default_detail = _("This item cannot be added to the cart.")


class AddressInvalid(ValidationFailed):
    code = "invalid_address"
    default_detail = _("The shipping address is not valid.")


class OrderNotFound(NotFound):
    code = "order_not_found"
    default_detail = _("Order not found.")


class OrderStateConflict(Conflict):
    """The order is not in a state that allows this; ``extra`` carries ``current_status``."""

    code = "order_state_conflict"
    default_detail = _("The order is not in a state that allows this.")


class OrderAlreadyShipped(OrderStateConflict):
    code = "order_already_shipped"
    default_detail = _("Part of this order has already been dispatched; it can no longer be cancelled.")


class OrderNotPayable(OrderStateConflict):
    code = "order_not_payable"
    default_detail = _("This order can no longer be paid.")


class PaymentAmountMismatch(Conflict):
    code = "payment_amount_mismatch"
    default_detail = _("The amount paid does not match the order total.")


class ManualPaymentNotAllowed(DomainError):
    status_code = 409
    code = "manual_payment_not_allowed"
    default_detail = _("Orders are paid through the configured payment provider, not marked paid by hand.")


class RefundNotAllowed(Conflict):
    code = "refund_not_allowed"
    default_detail = _("Nothing was captured on this order, so nothing can be refunded.")


class RefundExceedsCapture(ValidationFailed):
    code = "refund_exceeds_capture"
    default_detail = _("The refund is larger than what is left to refund.")


class PaymentNotRetryable(Conflict):
    code = "payment_not_retryable"
    default_detail = _("This order's payment cannot be opened again.")
