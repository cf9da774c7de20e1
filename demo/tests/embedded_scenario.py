"""Set-up for the `make run` test, run as its own process against the embedded default's files.

``python -m demo.tests.embedded_scenario`` (with KARAVAN_VAR_DIR and a pinned clock) seeds the
demo, then leaves work for the periodic jobs: an unpaid order of the demo buyer, a packed
cross-border parcel of the demo's paid order, and every beat job due. Prints the ids as JSON.
"""

import json
import os
from datetime import timedelta

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Sum
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import ModelEntry

    from accounts.models import User
    from config.celery import app as celery_app
    from demo.ownership import demo_variants
    from demo.seed_accounts import BUYER_EMAIL
    from demo.seed_orders import ADDRESS
    from orders.models import Order, OrderStatus
    from orders.services import cart_clear, cart_get_or_create, cart_item_add, order_place
    from warehouses.models import Stock
    from warehouses.services import outbound_shipment_pack, outbound_shipment_pick

    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    buyer = User.objects.get(email=BUYER_EMAIL)
    # The main demo order (the two-way trade step adds a second one after it).
    paid = Order.objects.filter(buyer=buyer, status=OrderStatus.ALLOCATED).order_by("pk").first()
    assert paid is not None

    # A parcel that crosses a border (a domestic one goes by courier, never on a departure).
    parcel = next(
        shipment.outbound_shipment
        for shipment in paid.shipments.select_related("outbound_shipment__warehouse")
        if shipment.outbound_shipment.warehouse.country != shipment.outbound_shipment.country
    )
    parcel = outbound_shipment_pack(shipment=outbound_shipment_pick(shipment=parcel))

    # The demo buyer orders again and does not pay: the stock is held until the hold runs out.
    in_stock = Stock.objects.filter(variant__in=demo_variants().values("pk"), warehouse__code="ALA", on_hand__gt=5)
    unpaid_stock = in_stock.order_by("variant_id").first()
    assert unpaid_stock is not None
    cart = cart_get_or_create(user=buyer)
    cart_clear(cart=cart)
    cart_item_add(cart=cart, variant_id=unpaid_stock.variant_id, quantity=1)
    unpaid = order_place(user=buyer, cart=cart, shipping_address=ADDRESS, currency="KZT", preference="cheapest")

    # Beat's jobs as beat stores them, last run a day ago: all due the moment beat starts.
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        ModelEntry.from_entry(name, app=celery_app, **entry)
    PeriodicTask.objects.filter(name__in=settings.CELERY_BEAT_SCHEDULE).update(
        last_run_at=timezone.now() - timedelta(days=1)
    )
    # The seed's follow-up tasks (thumbnails it already made inline, emails) are not under test:
    # without them the worker gets to beat's jobs at once.
    celery_app.control.purge()
    reserved = Stock.objects.filter(variant_id=unpaid_stock.variant_id).aggregate(total=Sum("reserved"))["total"]
    print(
        json.dumps(
            {
                "unpaid_order": unpaid.pk,
                "unpaid_status": unpaid.status,
                "variant": unpaid_stock.variant_id,
                "reserved": reserved,
                "parcel": parcel.pk,
            }
        )
    )


if __name__ == "__main__":
    main()
