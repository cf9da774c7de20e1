"""API routes of the transport network and fulfilment planner (mounted under /api/v1/)."""

from django.urls import URLPattern, URLResolver, path

from warehouses.transport import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("fulfilment/quote/", api.QuoteView.as_view(), name="fulfilment-quote"),
    path("fulfilment/network/", api.NetworkView.as_view(), name="fulfilment-network"),
]
