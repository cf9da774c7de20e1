"""The Stripe webhook endpoint: a plain Django view, so the raw body reaches the signature check untouched."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.payments import WebhookSignatureInvalid, payment_provider_get
from orders.services import webhook_receive


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    """``POST /api/v1/payments/stripe/webhook/``: verify, record once, answer 200; a task applies it.

    The signature is checked on the raw bytes before anything parses them; a forged, tampered,
    stale or wrongly-signed body is a 400 and leaves nothing written.
    """
    provider = payment_provider_get()
    if provider.name != "stripe":
        return JsonResponse({"detail": "Stripe is not the payment provider here.", "code": "not_found"}, status=404)
    try:
        event = provider.webhook_event_parse(payload=request.body, signature=request.headers.get("Stripe-Signature"))
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
