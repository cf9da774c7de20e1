"""Django app config for the seller dashboard."""

from django.apps import AppConfig


class SellerDashboardConfig(AppConfig):
    name = "seller_dashboard"
    verbose_name = "Seller dashboard"
