"""Buyer and seller endpoints of orders: cart, checkout quote, orders, pay/cancel, seller orders (API.md)."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import money_to_representation as money
from core.api.idempotency import REPLAY_HEADER, idempotent_response
from core.api.pagination import PageNumberPagination
from core.api.throttling import UserWriteThrottle
from core.exceptions import ValidationFailed
from core.money import Money, currency_exists
from core.reference import country_get
from orders import selectors
from orders.models import Cart
from orders.serializers import (
    CartItemCreateSerializer,
    CartItemUpdateSerializer,
    CheckoutSerializer,
    OrderCancelSerializer,
    RefundCreateSerializer,
    cart_rendering,
    ledger_entry_rendering,
    order_rendering,
    quote_rendering,
    refund_rendering,
    seller_order_rendering,
)
from orders.services import (
    cart_get_or_create,
    cart_item_add,
    cart_item_remove,
    cart_item_update,
    checkout_quote,
    order_cancel,
    order_pay_offline,
    order_place,
    payment_needs_opening,
    payment_open,
    payment_retry,
    refund_create,
)
from sellers.permissions import IsSellerMember
from sellers.selectors import seller_for_user

DEFAULT_CURRENCY = "USD"


def _display_currency(request: Request) -> str:
    requested = request.query_params.get("currency")
    if requested:
        code = requested.upper()
        if not currency_exists(code):
            raise ValidationFailed(
                _("Unknown currency."), errors={"currency": [_("Use an ISO 4217 code such as KZT.")]}
            )
        return code
    return request.user.preferred_currency or DEFAULT_CURRENCY


def _cart_response(request: Request, *, status_code: int = 200, cart: Cart | None = None) -> Response:
    cart = cart or cart_get_or_create(user=request.user)
    currency = _display_currency(request)
    items, priced, subtotal = selectors.cart_priced(cart=cart, currency=currency, user=request.user)
    return Response(
        cart_rendering(items=items, priced=priced, currency=currency, subtotal=subtotal), status=status_code
    )


class CartView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        return _cart_response(request)


class CartItemsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CartItemCreateSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        payload = CartItemCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        cart = cart_get_or_create(user=request.user)
        cart_item_add(
            cart=cart, variant_id=data["variant"], quantity=data["quantity"], livestream_id=data.get("livestream")
        )
        return _cart_response(request, status_code=status.HTTP_201_CREATED, cart=cart)


class CartItemDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CartItemUpdateSerializer, responses={200: dict})
    def patch(self, request: Request, item_id: int) -> Response:
        item = selectors.cart_item_get_for_user(user=request.user, item_id=item_id)
        payload = CartItemUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cart_item_update(item=item, quantity=payload.validated_data["quantity"])
        return _cart_response(request)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, item_id: int) -> Response:
        item = selectors.cart_item_get_for_user(user=request.user, item_id=item_id)
        cart_item_remove(item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _checkout_arguments(request: Request) -> dict[str, Any]:
    payload = CheckoutSerializer(data=request.data)
    payload.is_valid(raise_exception=True)
    data = payload.validated_data
    address = data["shipping_address"]
    currency = (data.get("currency") or "").upper() or request.user.preferred_currency
    if not currency and isinstance(address, dict):
        # Default to the destination's own currency: what the buyer pays in at home.
        country = country_get(str(address.get("country", "")))
        currency = country.currency if country else ""
    return {
        "shipping_address": address,
        "currency": currency or DEFAULT_CURRENCY,
        "preference": data.get("preference") or "cheapest",
    }


class CheckoutQuoteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=CheckoutSerializer, responses={200: dict})
    def post(self, request: Request) -> Response:
        arguments = _checkout_arguments(request)
        cart = cart_get_or_create(user=request.user)
        quote = checkout_quote(user=request.user, cart=cart, **arguments)
        return Response(quote_rendering(quote))


class OrderListView(APIView):
    permission_classes = [IsAuthenticated]
    # Placing orders is limited per buyer (THROTTLE_ORDERS_RATE); listing them is not.
    throttle_classes = [UserWriteThrottle]
    throttle_scope = "orders"

    @extend_schema(operation_id="orders_list", responses={200: dict})
    def get(self, request: Request) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.order_list_for_buyer(user=request.user), request, view=self)
        rows = [order_rendering(order, tracking=selectors.order_tracking(order=order)) for order in page or []]
        return paginator.get_paginated_response(rows)

    @extend_schema(request=CheckoutSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        # order_place commits its own transaction (the stock is taken last in it), so the key is
        # claimed before it and the response stored after it, each in a short transaction of its
        # own: neither lengthens the hot stock row's lock (ADR 0014).
        response = idempotent_response(
            request, scope="orders.create", handler=lambda: self._create(request), atomic=False
        )
        if response.status_code != status.HTTP_201_CREATED:
            return response
        replayed = response.has_header(REPLAY_HEADER)
        # The order as it is now, read once (the stored response only names it; keys are per
        # caller, so it is the caller's own order).
        order = selectors.order_get_for_buyer(user=request.user, order_id=response.data["id"])
        # order_place asked the provider once its transaction committed. Its payment is still
        # unopened on a replay after the provider could not be reached, or when a caller's outer
        # transaction has not committed yet: ask (again) now, and read the order once more.
        if payment_needs_opening(payment=order.payment, order=order):
            payment_open(order=order)
            order = selectors.order_get_for_buyer(user=request.user, order_id=order.pk)
        fresh = Response(order_rendering(order, tracking=selectors.order_tracking(order=order)), status=201)
        if replayed:
            fresh[REPLAY_HEADER] = response[REPLAY_HEADER]
        return fresh

    def _create(self, request: Request) -> Response:
        arguments = _checkout_arguments(request)
        cart = cart_get_or_create(user=request.user)
        order = order_place(user=request.user, cart=cart, **arguments)
        return Response({"id": order.pk, "number": order.number}, status=201)


class OrderDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request, order_id: int) -> Response:
        order = selectors.order_get_for_buyer(user=request.user, order_id=order_id)
        return Response(order_rendering(order, tracking=selectors.order_tracking(order=order)))


class OrderCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=OrderCancelSerializer, responses={200: dict})
    def post(self, request: Request, order_id: int) -> Response:
        order = selectors.order_get_for_buyer(user=request.user, order_id=order_id)
        payload = OrderCancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order_cancel(order=order, actor=request.user, reason=payload.validated_data["reason"])
        order = selectors.order_get_for_buyer(user=request.user, order_id=order_id)
        return Response(order_rendering(order, tracking=selectors.order_tracking(order=order)))


class OrderPayView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, order_id: int) -> Response:
        order = selectors.order_get_for_buyer(user=request.user, order_id=order_id)
        order_pay_offline(order=order, actor=request.user)
        order = selectors.order_get_for_buyer(user=request.user, order_id=order_id)
        return Response(order_rendering(order, tracking=selectors.order_tracking(order=order)))


class SellerOrderListView(APIView):
    permission_classes = [IsSellerMember]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        seller = seller_for_user(user=request.user)
        queryset = selectors.seller_order_list_for_seller(seller=seller)
        status_filter = request.query_params.get("status")
        if status_filter:
            queryset = queryset.filter(status=status_filter)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response([seller_order_rendering(part) for part in page or []])


class OrderPaymentView(APIView):
    """``POST /orders/{id}/payment/``: open the payment again after the provider could not be reached."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, order_id: int) -> Response:
        order = selectors.order_get_for_buyer(user=request.user, order_id=order_id)
        payment_retry(order=order)
        order = selectors.order_get_for_buyer(user=request.user, order_id=order_id)
        return Response(order_rendering(order, tracking=selectors.order_tracking(order=order)))


class OrderRefundsView(APIView):
    """``POST /orders/{id}/refunds/`` (platform staff): refund the order or one seller's part."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=RefundCreateSerializer, responses={201: dict})
    def post(self, request: Request, order_id: int) -> Response:
        order = selectors.order_get_for_staff(user=request.user, order_id=order_id)
        return idempotent_response(request, scope="orders.refund", handler=lambda: self._create(request, order))

    def _create(self, request: Request, order: Any) -> Response:
        payload = RefundCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        amount: Money | None = data.get("amount")
        refund = refund_create(
            order=order,
            amount=amount,
            seller_order_id=data.get("seller_order"),
            reason=data.get("reason", ""),
            actor=request.user,
            request_key=request.headers.get("Idempotency-Key"),
        )
        return Response(refund_rendering(refund), status=status.HTTP_201_CREATED)


class SellerBalanceView(APIView):
    permission_classes = [IsSellerMember]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        seller = seller_for_user(user=request.user)
        balances = selectors.seller_balance(seller=seller)
        return Response(
            {
                "balances": [
                    {
                        "currency": row["currency"],
                        **{
                            name: money(row[name])
                            for name in ("earned", "commission", "refunded", "transferred", "payable")
                        },
                    }
                    for row in balances
                ],
                "payout_status": seller.payout_status,
            }
        )


class SellerBalanceEntriesView(APIView):
    permission_classes = [IsSellerMember]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        seller = seller_for_user(user=request.user)
        currency = (request.query_params.get("currency") or "").upper() or None
        if currency is not None and not currency_exists(currency):
            raise ValidationFailed(
                _("Unknown currency."), errors={"currency": [_("Use an ISO 4217 code such as KZT.")]}
            )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.seller_ledger_entries(seller=seller, currency=currency), request, view=self
        )
        return paginator.get_paginated_response([ledger_entry_rendering(entry) for entry in page or []])
