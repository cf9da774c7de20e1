"""The Stripe webhook endpoint: a plain Django view, so the raw body reaches the signature check untouched."""

from django.http import HttpRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from core.payments import WebhookSignatureInvalid, payment_provider_get
from orders.services import webhook_receive


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(View):
    """Stripe calls with POST only; no session or token: the signature is the authentication."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> JsonResponse:
        """``POST /api/v1/payments/stripe/webhook/``: verify, record once, answer 200; a task applies it.

        The signature is checked on the raw bytes before anything parses them; a forged, tampered,
        stale or wrongly-signed body is a 400 and leaves nothing written.
        """
        provider = payment_provider_get()
        if provider.name != "stripe":
            return JsonResponse({"detail": "Stripe is not the payment provider here.", "code": "not_found"}, status=404)
        try:
            event = provider.webhook_event_parse(
                payload=request.body, signature=request.headers.get("Stripe-Signature")
            )
        except WebhookSignatureInvalid as error:
            return JsonResponse(
                {
                    "detail": "Invalid webhook signature.",
                    "code": "invalid_signature",
                    "errors": {"signature": [str(error)]},
                },
                status=400,
            )
        webhook_receive(provider=provider.name, event=event)
        return JsonResponse({"received": True, "id": event.id})
