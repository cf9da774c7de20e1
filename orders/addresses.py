"""Shipping address rules: required fields, a served destination country, a dialable phone number."""

from datetime import date
from typing import Any

import phonenumbers
from django.utils.translation import gettext as _

from core.reference import country_get
from orders.exceptions import AddressInvalid

REQUIRED_FIELDS = ("recipient", "phone", "country", "city", "postal_code", "line1")
OPTIONAL_FIELDS = ("line2",)
MAX_LENGTH = 200


def address_normalize(address: Any, *, on: date) -> dict[str, str]:
    """A clean copy of the address (phone in E.164, country upper-cased), or AddressInvalid naming each field."""
    prefix = "shipping_address"
    if not isinstance(address, dict):
        raise AddressInvalid(errors={prefix: [_("Send the address as an object.")]})
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    for name in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        value = address.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[f"{prefix}.{name}"] = [_("Must be a string.")]
            continue
        value = value.strip()
        if not value and name in REQUIRED_FIELDS:
            errors[f"{prefix}.{name}"] = [_("This field is required.")]
        elif len(value) > MAX_LENGTH:
            errors[f"{prefix}.{name}"] = [_("At most %(limit)s characters.") % {"limit": MAX_LENGTH}]
        clean[name] = value
    unknown = sorted(set(address) - set(REQUIRED_FIELDS + OPTIONAL_FIELDS))
    if unknown:
        errors[prefix] = [_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)}]
    country_code = clean.get("country", "").upper()
    clean["country"] = country_code
    if country_code and f"{prefix}.country" not in errors:
        country = country_get(country_code)
        if country is None or country.role_on(on) is None:
            errors[f"{prefix}.country"] = [
                _("We do not deliver to %(country)s; choose an SCO member or partner.")
                % {"country": repr(country_code)}
            ]
    phone = clean.get("phone", "")
    if phone and f"{prefix}.phone" not in errors:
        try:
            number = phonenumbers.parse(phone, country_code or None)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            errors[f"{prefix}.phone"] = [_("Enter a valid phone number, e.g. +7 701 234 5678.")]
        else:
            clean["phone"] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if errors:
        first_field, messages = next(iter(errors.items()))
        raise AddressInvalid(f"{first_field}: {messages[0]}", errors=errors)
    return clean
