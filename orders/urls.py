"""API routes of orders (mounted under /api/v1/)."""

from django.urls import URLPattern, URLResolver, path

from orders import api, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("cart/", api.CartView.as_view(), name="cart"),
    path("cart/items/", api.CartItemsView.as_view(), name="cart-items"),
    path("cart/items/<int:item_id>/", api.CartItemDetailView.as_view(), name="cart-item"),
    path("checkout/quote/", api.CheckoutQuoteView.as_view(), name="checkout-quote"),
    path("orders/", api.OrderListView.as_view(), name="orders"),
    path("orders/<int:order_id>/", api.OrderDetailView.as_view(), name="order"),
    path("orders/<int:order_id>/cancel/", api.OrderCancelView.as_view(), name="order-cancel"),
    path("orders/<int:order_id>/pay/", api.OrderPayView.as_view(), name="order-pay"),
    path("orders/<int:order_id>/payment/", api.OrderPaymentView.as_view(), name="order-payment"),
    path("orders/<int:order_id>/refunds/", api.OrderRefundsView.as_view(), name="order-refunds"),
    path("seller/orders/", api.SellerOrderListView.as_view(), name="seller-orders"),
    path("seller/balance/", api.SellerBalanceView.as_view(), name="seller-balance"),
    path("seller/balance/entries/", api.SellerBalanceEntriesView.as_view(), name="seller-balance-entries"),
    path("payments/stripe/webhook/", views.StripeWebhookView.as_view(), name="stripe-webhook"),
]
