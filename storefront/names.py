"""Words the storefront shows for codes: countries, transport modes, statuses (all through gettext)."""

from django.utils.translation import gettext_lazy as _

from orders.models import OrderStatus
from warehouses.models import OutboundStatus, ShipmentEventCode

COUNTRY_NAMES = {
    "CN": _("China"),
    "RU": _("Russia"),
    "KZ": _("Kazakhstan"),
    "KG": _("Kyrgyzstan"),
    "TJ": _("Tajikistan"),
    "UZ": _("Uzbekistan"),
    "IN": _("India"),
    "PK": _("Pakistan"),
    "IR": _("Iran"),
    "BY": _("Belarus"),
    "AF": _("Afghanistan"),
    "MN": _("Mongolia"),
    "AM": _("Armenia"),
    "AZ": _("Azerbaijan"),
    "BH": _("Bahrain"),
    "KH": _("Cambodia"),
    "EG": _("Egypt"),
    "KW": _("Kuwait"),
    "MV": _("Maldives"),
    "MM": _("Myanmar"),
    "NP": _("Nepal"),
    "QA": _("Qatar"),
    "SA": _("Saudi Arabia"),
    "LK": _("Sri Lanka"),
    "TR": _("Türkiye"),
    "AE": _("United Arab Emirates"),
    "LA": _("Laos"),
}

MODE_NAMES = {
    "tir": _("TIR truck"),
    "road": _("truck"),
    "rail": _("rail"),
    "rail_road": _("rail and truck"),
    "rail_sea_rail": _("rail, sea and rail"),
}

ORDER_EVENT_NAMES = {
    "placed": _("Order placed"),
    "paid": _("Paid"),
    "allocated": _("Allocated to warehouses"),
    "cancelled": _("Cancelled"),
    "expired": _("Expired unpaid"),
    "cart_changed": _("Cart changed"),
    "live_price_changed": _("Live price changed"),
    "payment_failed": _("Payment failed"),
    "refunded": _("Refunded"),
    "refund_requested": _("Refund requested"),
    "refund_sent": _("Refund sent"),
}


def country_name(code: str) -> str:
    return str(COUNTRY_NAMES.get(code, code))


def mode_name(code: str) -> str:
    return str(MODE_NAMES.get(code, code))


def order_status_name(code: str) -> str:
    try:
        return str(OrderStatus(code).label)
    except ValueError:
        return code


def shipment_status_name(code: str) -> str:
    try:
        return str(OutboundStatus(code).label)
    except ValueError:
        return code


def shipment_event_name(code: str) -> str:
    try:
        return str(ShipmentEventCode(code).label)
    except ValueError:
        return code.replace("_", " ")


def order_event_name(code: str) -> str:
    return str(ORDER_EVENT_NAMES.get(code, code.replace("_", " ")))


STREAM_STATUS_NAMES = {"scheduled": _("Scheduled"), "live": _("Live now"), "ended": _("Ended")}


def stream_status_name(code: str) -> str:
    return str(STREAM_STATUS_NAMES.get(code, code))
