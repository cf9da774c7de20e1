"""Catalog rules a customs officer and a warehouse would sign, as pure functions.

Each function returns ``{field: [message, ...]}`` (empty when fine) so the API serializers, the
services and the CSV importer report the same words for the same mistake.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django_countries.data import COUNTRIES as ISO_COUNTRIES

from marketplace.models.catalog import (
    LANGUAGES,
    PRODUCT_FIELDS_TO_ACTIVATE,
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
    VARIANT_FIELDS_TO_ACTIVATE,
)

Errors = dict[str, list[str]]

# HS chapters 01–97 exist except 77 (reserved for future use by the WCO).
HS_RESERVED_CHAPTERS = frozenset({77})
HS_MIN_DIGITS = 6
HS_MAX_DIGITS = 10

# Sane bounds for one sellable unit: heavier or longer than a 40 ft container's payload or
# interior cannot travel on the network as one piece.
WEIGHT_KG_MAX = Decimal("25000")
DIMENSION_CM_MAX = Decimal("1200")
SHELF_LIFE_DAYS_MAX = 3650

TRANSLATABLE_FIELDS = ("title", "description")
TITLE_MAX_LENGTH = 200


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def hs_code_normalize(value: str) -> str:
    """Customs paperwork writes ``8516.71.000``; we store the digits only."""
    return "".join(value.split()).replace(".", "") if isinstance(value, str) else value


def hs_code_errors(value: str, *, field: str = "hs_code") -> Errors:
    """``value`` (normalised) must be 6–10 digits whose chapter (first two) is 01–97 but not 77."""
    errors: Errors = {}
    if not value:
        return errors
    if not value.isascii() or not value.isdigit():
        _add(errors, field, "An HS code has digits only (6 to 10), e.g. 851671.")
    elif not HS_MIN_DIGITS <= len(value) <= HS_MAX_DIGITS:
        _add(errors, field, f"An HS code has 6 to 10 digits; {value!r} has {len(value)}.")
    else:
        chapter = int(value[:2])
        if not 1 <= chapter <= 97 or chapter in HS_RESERVED_CHAPTERS:
            _add(errors, field, f"HS chapter {value[:2]} does not exist (chapters are 01–97, 77 is reserved).")
    return errors


def country_code_errors(value: str, *, field: str = "origin_country") -> Errors:
    if value and (not isinstance(value, str) or value.upper() != value or value not in ISO_COUNTRIES):
        return {field: [f"{value!r} is not an ISO 3166-1 alpha-2 country code (e.g. CN, UZ)."]}
    return {}


def measurement_errors(
    *,
    weight_kg: Decimal | None,
    length_cm: Decimal | None,
    width_cm: Decimal | None,
    height_cm: Decimal | None,
    prefix: str = "",
) -> Errors:
    errors: Errors = {}
    if weight_kg is not None:
        if weight_kg <= 0:
            _add(errors, f"{prefix}weight_kg", "Must be greater than 0.")
        elif weight_kg > WEIGHT_KG_MAX:
            _add(errors, f"{prefix}weight_kg", f"Must be at most {WEIGHT_KG_MAX} kg for one unit.")
    for name, value in (("length_cm", length_cm), ("width_cm", width_cm), ("height_cm", height_cm)):
        if value is None:
            continue
        if value <= 0:
            _add(errors, f"{prefix}{name}", "Must be greater than 0.")
        elif value > DIMENSION_CM_MAX:
            _add(errors, f"{prefix}{name}", f"Must be at most {DIMENSION_CM_MAX} cm.")
    return errors


def cold_chain_errors(*, perishable: bool, temperature_min_c: int | None, temperature_max_c: int | None) -> Errors:
    """A temperature range only for perishable goods, within −30..+30 °C, min ≤ max."""
    errors: Errors = {}
    given = [(n, v) for n, v in (("temperature_min_c", temperature_min_c), ("temperature_max_c", temperature_max_c))]
    if not perishable:
        for name, value in given:
            if value is not None:
                _add(errors, name, "A cold-chain temperature applies only to perishable goods (set perishable).")
        return errors
    for name, value in given:
        if value is not None and not TEMPERATURE_MIN_C <= value <= TEMPERATURE_MAX_C:
            _add(errors, name, f"Must be between {TEMPERATURE_MIN_C} and {TEMPERATURE_MAX_C} °C.")
    if (temperature_min_c is None) != (temperature_max_c is None):
        missing = "temperature_max_c" if temperature_max_c is None else "temperature_min_c"
        _add(errors, missing, "Give both ends of the cold-chain range, or neither.")
    if temperature_min_c is not None and temperature_max_c is not None and temperature_min_c > temperature_max_c:
        _add(errors, "temperature_min_c", "Must not be above temperature_max_c.")
    return errors


def shelf_life_errors(value: int | None) -> Errors:
    if value is not None and not 1 <= value <= SHELF_LIFE_DAYS_MAX:
        return {"shelf_life_days": [f"Must be between 1 and {SHELF_LIFE_DAYS_MAX} days."]}
    return {}


def description_check(value: str, *, field: str) -> str:
    """A description of at most ``PRODUCT_DESCRIPTION_MAX_LENGTH`` characters (any language)."""
    from django.conf import settings
    from rest_framework import serializers

    if len(value) > settings.PRODUCT_DESCRIPTION_MAX_LENGTH:
        # Only the API's serializers call this (the import's row errors, stored, use the rules above untranslated).
        raise serializers.ValidationError(
            _("At most %(limit)s characters.") % {"limit": f"{settings.PRODUCT_DESCRIPTION_MAX_LENGTH:,}"}
        )
    return value


def translations_errors(value: Any) -> Errors:
    """``{"ru": {"title": "...", "description": "..."}, ...}`` in the supported languages only."""
    if not isinstance(value, dict):
        return {"translations": ['Send {"ru": {"title": "...", "description": "..."}}.']}
    errors: Errors = {}
    for language, fields in value.items():
        if language not in LANGUAGES:
            _add(errors, "translations", f"Unsupported language {language!r}; use one of {', '.join(LANGUAGES)}.")
            continue
        if not isinstance(fields, dict) or set(fields) - set(TRANSLATABLE_FIELDS):
            _add(errors, f"translations.{language}", "Only 'title' and 'description' can be translated.")
            continue
        for name, text in fields.items():
            if not isinstance(text, str):
                _add(errors, f"translations.{language}.{name}", "Must be text.")
            elif name == "title" and len(text) > TITLE_MAX_LENGTH:
                _add(errors, f"translations.{language}.title", f"At most {TITLE_MAX_LENGTH} characters.")
            elif name == "description" and len(text) > _description_max_length():
                _add(
                    errors, f"translations.{language}.description", f"At most {_description_max_length():,} characters."
                )
    return errors


def merge(*parts: Errors) -> Errors:
    merged: Errors = {}
    for part in parts:
        for field, messages in part.items():
            merged.setdefault(field, []).extend(messages)
    return merged


def product_errors(
    *,
    hs_code: str,
    origin_country: str,
    perishable: bool,
    temperature_min_c: int | None,
    temperature_max_c: int | None,
    shelf_life_days: int | None = None,
) -> Errors:
    """Field rules of one product (not the activation rule: see ``activation_missing``)."""
    return merge(
        hs_code_errors(hs_code),
        country_code_errors(origin_country),
        cold_chain_errors(
            perishable=perishable, temperature_min_c=temperature_min_c, temperature_max_c=temperature_max_c
        ),
        shelf_life_errors(shelf_life_days),
    )


def activation_missing(*, hs_code: str, origin_country: str, variants: Iterable[Any]) -> list[str]:
    """Every field missing before a product may be ``active``, in a stable order.

    ``variants`` are objects with ``sku``, ``is_active`` and the ``VARIANT_FIELDS_TO_ACTIVATE``. A
    product needs its ``PRODUCT_FIELDS_TO_ACTIVATE`` (an HS code, an origin) and at least one
    active variant; every active variant needs a price, a weight and its dimensions.
    """
    given = {"hs_code": hs_code, "origin_country": origin_country}
    missing: list[str] = [name for name in PRODUCT_FIELDS_TO_ACTIVATE if not given[name]]
    active = [variant for variant in variants if variant.is_active]
    if not active:
        missing.append("variants")
    for variant in active:
        for name in VARIANT_FIELDS_TO_ACTIVATE:
            if getattr(variant, name) is None:
                missing.append(f"variants[{variant.sku}].{name}")
    return missing


def _description_max_length() -> int:
    from django.conf import settings

    return int(settings.PRODUCT_DESCRIPTION_MAX_LENGTH)
