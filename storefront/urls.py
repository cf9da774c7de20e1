"""The buyers' pages, served at the site's root (config/urls.py keeps /api/, /admin/ and /healthz first)."""

from django.urls import path

from storefront import views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="products"),
    path("products/<int:product_id>/", views.product_detail, name="product"),
    path("live/<int:stream_id>/", views.livestream_detail, name="livestream"),
    path("sellers/<int:seller_id>/", views.seller_detail, name="seller"),
    path("sellers/<int:seller_id>/follow/", views.seller_follow, name="seller-follow"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart-add"),
    path("cart/items/<int:item_id>/", views.cart_item_change, name="cart-item"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:order_id>/", views.order_detail, name="order"),
    path("signup/", views.sign_up, name="sign-up"),
    path("login/", views.log_in, name="log-in"),
    path("logout/", views.log_out, name="log-out"),
    path("notifications/", views.notifications, name="notifications"),
    path("currency/", views.currency_set, name="currency"),
]
