"""Shared-kernel reads."""

from datetime import date

from django.utils import timezone

from core.reference import Country, countries_in_force


def country_list_served(*, on: date | None = None) -> list[Country]:
    """SCO members and partners in force on the day (today by default), members first."""
    on = on or timezone.localdate()
    countries = countries_in_force(on)
    return sorted(countries, key=lambda country: (country.role_on(on) != "member", country.name))
