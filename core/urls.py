"""Shared-kernel API routes."""

from django.urls import path

from core.api.views import CountryListView

urlpatterns = [
    path("countries/", CountryListView.as_view(), name="country-list"),
]
