"""``manage.py stripe_fake``: the local fake Stripe API beside ``make run``, delivering signed webhooks."""

import threading
from typing import Any

from django.core.management.base import BaseCommand

from core.payments.stripe_fake import StripeFake, http_sender, stripe_fake_server

#: Pending events are retried this often, up to MAX_ATTEMPTS times (Stripe retries for days; a
#: local fake only needs to survive the app restarting).
DELIVERY_INTERVAL_SECONDS = 1.0
MAX_ATTEMPTS = 30


class Command(BaseCommand):
    help = "Serve a fake Stripe API on 127.0.0.1 and post its events as signed webhooks to the app."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=12111)
        parser.add_argument(
            "--webhook-url", default="http://127.0.0.1:8000/api/v1/payments/stripe/webhook/", help="where events go"
        )
        parser.add_argument("--webhook-secret", default="whsec_karavan_fake", help="the app's STRIPE_WEBHOOK_SECRET")

    def handle(self, *args: Any, port: int, webhook_url: str, webhook_secret: str, **options: Any) -> None:
        stop = threading.Event()
        send = http_sender(webhook_url)
        with stripe_fake_server(port=port, fake=StripeFake(webhook_secret=webhook_secret)) as fake:
            self.stdout.write(f"Fake Stripe on {fake.base_url}; webhooks to {webhook_url}")
            self.stdout.write(
                f"Run the app with PAYMENT_PROVIDER=stripe STRIPE_SECRET_KEY=sk_test_fake "
                f"STRIPE_WEBHOOK_SECRET={webhook_secret} STRIPE_API_BASE={fake.base_url}"
            )
            try:
                while not stop.wait(DELIVERY_INTERVAL_SECONDS):
                    for delivery in fake.pending_deliveries():
                        if delivery.attempts >= MAX_ATTEMPTS:
                            continue
                        if fake.deliver(delivery, send):
                            self.stdout.write(f"delivered {delivery.event['type']} {delivery.event['id']}")
                        else:
                            self.stdout.write(f"delivery of {delivery.event['id']} failed; will retry")
            except KeyboardInterrupt:
                stop.set()
