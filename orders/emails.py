"""Buyer emails about an order (placed, paid, shipped, delivered, cancelled), in the buyer's language.

Templates live in ``templates/emails/``: ``order_<kind>`` subject, text and HTML, with a per-language
folder (``emails/ru/...``) tried first. Sending happens in a Celery task scheduled on commit, so
no email goes out for an order whose transaction rolled back.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string, select_template

from core.api.fields import money_to_representation
from core.outbox import outbox_enqueue
from orders.models import Order, OrderEmail

KINDS = ("placed", "paid", "shipped", "delivered", "cancelled")
LANGUAGES = ("en", "ru")


def email_language_for(user: Any) -> str:
    preferred = (getattr(user, "preferred_language", "") or "").lower()
    base = preferred.split("-")[0]
    return base if base in LANGUAGES else "en"


def order_email_schedule(*, order: Order, kind: str) -> None:
    """Queue the email with the current transaction (the transactional outbox): sent once it commits,
    or later if the broker is down then."""
    if kind not in KINDS:
        raise ValueError(f"Unknown order email {kind!r}")
    outbox_enqueue(task="orders.tasks.order_email_send_task", args=[order.pk, kind])


def _template(language: str, name: str) -> str:
    return select_template([f"emails/{language}/{name}", f"emails/{name}"]).template.name


def _render(language: str, name: str, context: dict[str, Any]) -> str:
    return render_to_string(_template(language, name), context)


def order_email_send(*, order: Order, kind: str) -> bool:
    """Send the ``kind`` email for the order unless it was sent already; True when sent now."""
    buyer = order.buyer
    language = email_language_for(buyer)
    try:
        with transaction.atomic():
            OrderEmail.objects.create(order=order, kind=kind, language=language)
            context = {
                "order": order,
                "kind": kind,
                "buyer": buyer,
                "total": money_to_representation(order.total),
                "lines": list(order.lines.all()),
                "shipments": list(order.shipments.select_related("warehouse")),
            }
            subject = " ".join(_render(language, f"order_{kind}_subject.txt", context).split())
            text = _render(language, f"order_{kind}.txt", context)
            html = _render(language, f"order_{kind}.html", context)
            message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [buyer.email])
            message.attach_alternative(html, "text/html")
            message.send()
    except IntegrityError:
        return False
    return True
