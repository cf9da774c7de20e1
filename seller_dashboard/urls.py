"""Routes of the seller dashboard, mounted at /seller/ (config/urls.py)."""

from django.urls import path
from django.views.i18n import set_language

from seller_dashboard import views

app_name = "seller_dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    # Django's own switch (POST, CSRF): the choice is kept in the language cookie.
    path("language/", set_language, name="language"),
    path("products/", views.product_list, name="products"),
    path("products/new/", views.product_create, name="product-new"),
    path("products/<int:product_id>/", views.product_edit, name="product"),
    path("products/<int:product_id>/activate/", views.product_activate, name="product-activate"),
    path("products/<int:product_id>/images/", views.product_image_upload, name="product-images"),
    path("products/<int:product_id>/images/status/", views.product_images_status, name="product-images-status"),
    path("imports/", views.import_list, name="imports"),
    path("imports/template.csv", views.import_template, name="import-template"),
    path("imports/<int:import_id>/", views.import_detail, name="import"),
    path("imports/<int:import_id>/status/", views.import_status, name="import-status"),
    path("stock/", views.stock, name="stock"),
    path("inbound/", views.inbound_list, name="inbound"),
    path("inbound/<int:shipment_id>/in-transit/", views.inbound_in_transit, name="inbound-in-transit"),
    path("livestreams/", views.livestream_list, name="livestreams"),
    path("livestreams/<int:stream_id>/", views.livestream_detail, name="livestream"),
    path(
        "livestreams/<int:stream_id>/<slug:action>/",
        views.livestream_action,
        name="livestream-action",
    ),
    path("orders/", views.order_list, name="orders"),
    path("balance/", views.balance, name="balance"),
    path("balance/payouts/", views.payout_onboarding, name="payout-onboarding"),
]
