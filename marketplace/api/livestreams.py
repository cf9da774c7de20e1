"""Livestream endpoints: the seller's streams and offers, the public list and detail, the events fallback.

``GET /livestreams/{id}/events/`` is served by ``marketplace.live_events.asgi`` under ASGI (the
production setup and ``make serve-asgi``); the Django view here answers the same path under WSGI
(``runserver``, gunicorn sync workers) by polling: it sends the events after ``Last-Event-ID``
(all retained ones without it) and closes, and the browser's EventSource reconnects after ``retry``.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import View
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from core.exceptions import NotFound
from marketplace import livestream_selectors as selectors
from marketplace.live_events import live_event_bus
from marketplace.live_events.asgi import last_event_id
from marketplace.livestream_serializers import (
    LiveOfferWriteSerializer,
    LiveStreamEndSerializer,
    LiveStreamUpdateSerializer,
    LiveStreamWriteSerializer,
    PinSerializer,
    offer_rendering,
    stream_rendering,
)
from marketplace.models import LiveOffer, LiveStream
from marketplace.services import livestreams as services
from sellers.permissions import IsSellerMember
from sellers.selectors import seller_for_user

# How soon a polling EventSource (WSGI fallback) asks again.
POLL_RETRY_MILLISECONDS = 2000


class SellerLiveView(GenericAPIView):
    permission_classes = [IsSellerMember]
    queryset = LiveStream.objects.none()  # for the schema; reads go through the selectors

    @property
    def seller(self):  # type: ignore[no-untyped-def]
        membership = getattr(self.request, "_seller_membership", None)
        return membership.seller if membership else seller_for_user(user=self.request.user)

    def stream(self, stream_id: int) -> LiveStream:
        return selectors.livestream_get_for_seller(seller=self.seller, stream_id=stream_id)

    def rendered(self, stream_id: int, *, status_code: int = 200) -> Response:
        return Response(stream_rendering(self.stream(stream_id), for_seller=True), status=status_code)


class SellerLiveStreamListView(SellerLiveView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.livestream_list_for_seller(seller=self.seller))
        return self.get_paginated_response([stream_rendering(stream, for_seller=True) for stream in page or []])

    @extend_schema(request=LiveStreamWriteSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        payload = LiveStreamWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        stream = services.livestream_create(seller=self.seller, user=request.user, **payload.validated_data)
        return self.rendered(stream.pk, status_code=status.HTTP_201_CREATED)


class SellerLiveStreamDetailView(SellerLiveView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, stream_id: int) -> Response:
        data = stream_rendering(self.stream(stream_id), for_seller=True)
        data["pins"] = [
            {"sku": pin.variant.sku, "variant": pin.variant_id, "pinned_at": pin.pinned_at}
            for pin in selectors.livestream_pins(stream=self.stream(stream_id))
        ]
        return Response(data)

    @extend_schema(request=LiveStreamUpdateSerializer, responses={200: dict})
    def patch(self, request: Request, stream_id: int) -> Response:
        payload = LiveStreamUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        services.livestream_update(stream=self.stream(stream_id), **payload.validated_data)
        return self.rendered(stream_id)


class SellerLiveStreamStartView(SellerLiveView):
    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, stream_id: int) -> Response:
        services.livestream_start(stream=self.stream(stream_id))
        return self.rendered(stream_id)


class SellerLiveStreamEndView(SellerLiveView):
    @extend_schema(request=LiveStreamEndSerializer, responses={200: dict})
    def post(self, request: Request, stream_id: int) -> Response:
        payload = LiveStreamEndSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.livestream_end(
            stream=self.stream(stream_id),
            ended_by=f"seller ({request.user.email})",
            replay_url=payload.validated_data["replay_url"],
        )
        return self.rendered(stream_id)


class SellerLiveStreamPinView(SellerLiveView):
    @extend_schema(request=PinSerializer, responses={200: dict})
    def post(self, request: Request, stream_id: int) -> Response:
        stream = self.stream(stream_id)  # another seller's or a missing stream: 404 before any body check
        payload = PinSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.livestream_pin(stream=stream, sku=payload.validated_data["sku"], user=request.user)
        return self.rendered(stream_id)


class SellerLiveOfferListView(SellerLiveView):
    """``POST`` creates or changes the stream's offer for a SKU (one offer per SKU)."""

    @extend_schema(request=LiveOfferWriteSerializer, responses={200: dict})
    def post(self, request: Request, stream_id: int) -> Response:
        stream = self.stream(stream_id)  # another seller's or a missing stream: 404 before any body check
        payload = LiveOfferWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        offer = services.live_offer_set(stream=stream, **payload.validated_data)
        return Response(
            offer_rendering(LiveOffer.objects.select_related("variant__product").get(pk=offer.pk), for_seller=True)
        )


class SellerLiveOfferDetailView(SellerLiveView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, stream_id: int, offer_id: int) -> Response:
        stream = self.stream(stream_id)
        offer = next((offer for offer in stream.offers.all() if offer.pk == offer_id), None)
        if offer is None:
            raise NotFound(_("No such offer."), code="live_offer_not_found")
        services.live_offer_remove(offer=offer)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PublicLiveStreamListView(GenericAPIView):
    permission_classes = [AllowAny]
    queryset = LiveStream.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=["live", "scheduled", "ended"])], responses={200: dict}
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.livestream_list_public(status=request.query_params.get("status")))
        return self.get_paginated_response(
            [stream_rendering(stream, for_seller=False, with_offers=False) for stream in page or []]
        )


class PublicLiveStreamDetailView(GenericAPIView):
    permission_classes = [AllowAny]
    queryset = LiveStream.objects.none()

    @extend_schema(responses={200: dict})
    def get(self, request: Request, stream_id: int) -> Response:
        stream = selectors.livestream_get_public(stream_id=stream_id)
        body = stream_rendering(stream, for_seller=False)
        # Connect to the events with ?last_event_id= this value to miss nothing after this read.
        body["events_last_id"] = live_event_bus().last_id(stream_id=stream.pk)
        return Response(body)


class LiveStreamEventsPollView(View):
    """The events endpoint under WSGI: what happened after ``Last-Event-ID``, then close (see the module).

    Under ASGI ``config/asgi.py`` routes this path to the streaming app instead.
    """

    http_method_names = ["get"]

    def get(self, request: HttpRequest, stream_id: int) -> HttpResponse:
        if not selectors.livestream_exists_public(stream_id=stream_id):
            return JsonResponse(
                {"detail": "No such live stream.", "code": "livestream_not_found", "errors": {}}, status=404
            )
        after = last_event_id(request.headers.get("Last-Event-ID"), request.GET.get("last_event_id"))
        replay = live_event_bus().replay(stream_id=stream_id, after=after or 0)
        chunks = [f"retry: {POLL_RETRY_MILLISECONDS}\n\n".encode()]
        if after is not None and not replay.complete:
            chunks.append(b'event: reset\ndata: {"reason": "events_missed"}\n\n')
        chunks.extend(event.sse for event in replay.events)
        response = HttpResponse(b"".join(chunks), content_type="text/event-stream; charset=utf-8")
        response["Cache-Control"] = "no-cache"
        return response
