"""The catalog's query parameters, checked: an unknown or malformed value is a 400 naming it, never ignored.

Parameters the catalog does not know (``utm_source``, a cache buster) are ignored, as any public page
must; a known parameter with a value it cannot honour is an error. Existence checks that need the
database (a category slug, a seller id) are made by the query (``marketplace.browse.query``).
"""

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, MoneyError, currency_exists, parse_money
from core.reference import country_get
from marketplace import i18n, validation
from marketplace.browse.search import QUERY_MAX_LENGTH

ORDERINGS = ("price", "-price", "newest", "fastest")
#: The parameters the catalog reads (``page`` and ``page_size`` are the paginator's).
PARAMETERS = (
    "q",
    "category",
    "seller",
    "origin_country",
    "min_price",
    "max_price",
    "currency",
    "in_stock",
    "ship_to",
    "ordering",
    "lang",
)
#: Price bounds beyond what a money column holds are refused rather than compared.
PRICE_LIMIT = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)
TRUE_VALUES = ("true", "1", "yes")
FALSE_VALUES = ("false", "0", "no")


@dataclass(frozen=True)
class BrowseParams:
    """What a buyer asked the catalog for; ``None`` means "not asked"."""

    q: str | None = None
    category: str | None = None
    seller: int | None = None
    origin_country: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    currency: str | None = None
    in_stock: bool = False
    ship_to: str | None = None
    ordering: str | None = None
    lang: str | None = None

    def canonical(self) -> list[tuple[str, str]]:
        """The parameters that matter, in a fixed order: cache keys and next/previous links use it."""
        pairs = []
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None or value is False:
                continue
            pairs.append((field.name, "true" if value is True else str(value)))
        return pairs


#: Longest value accepted for any parameter but ``q`` (slugs, codes, numbers): bounded echo in errors.
VALUE_MAX_LENGTH = 80


class _Unreadable(ValueError):
    pass


def _text(params: Any, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    value = str(value).strip()
    # A NUL cannot reach PostgreSQL (it refuses it in text), and control characters are never meant.
    if any(ord(character) < 32 for character in value):
        raise _Unreadable(name)
    return value or None


def _check(params: Any, name: str, errors: dict[str, list[str]]) -> None:
    """Refuse control characters anywhere, and long values except in ``q`` (checked on its own)."""
    try:
        value = _text(params, name)
    except _Unreadable:
        errors[name] = [_("Control characters are not allowed.")]
        return
    if value is not None and name != "q" and len(value) > VALUE_MAX_LENGTH:
        errors[name] = [_("At most %(limit)s characters.") % {"limit": VALUE_MAX_LENGTH}]


def browse_params_parse(params: Any, *, detail: bool = False) -> BrowseParams:
    """Parse a ``QueryDict``; raise ``ValidationFailed`` listing every bad parameter.

    ``detail`` parses only what a product page honours (``currency``, ``ship_to``, ``lang``).
    """
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name in PARAMETERS:
        _check(params, name, errors)
    if errors:
        first_field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{first_field}: {messages[0]}", errors=errors)

    currency = _text(params, "currency")
    if currency is not None:
        if not currency_exists(currency.upper()):
            errors["currency"] = [
                _("Unknown currency %(currency)s; use an ISO 4217 code such as KZT.") % {"currency": repr(currency)}
            ]
        else:
            values["currency"] = currency.upper()

    ship_to = _text(params, "ship_to")
    if ship_to is not None:
        if country_get(ship_to.upper()) is None:
            errors["ship_to"] = [
                _("%(ship_to)s is not a country Karavan delivers to (SCO members and partners).")
                % {"ship_to": repr(ship_to)}
            ]
        else:
            values["ship_to"] = ship_to.upper()

    lang = _text(params, "lang")
    if lang is not None:
        if i18n.language_normalize(lang) is None:
            errors["lang"] = [_("Unknown language %(lang)s; use one of: en, ru, zh, kk, uz.") % {"lang": repr(lang)}]
        else:
            values["lang"] = i18n.language_normalize(lang)

    if not detail:
        _list_params(params, values, errors)

    if errors:
        first_field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{first_field}: {messages[0]}", errors=errors)
    return BrowseParams(**values)


def _list_params(params: Any, values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    q = _text(params, "q")
    if q is not None:
        if len(q) > QUERY_MAX_LENGTH:
            errors["q"] = [_("At most %(limit)s characters.") % {"limit": QUERY_MAX_LENGTH}]
        else:
            values["q"] = q

    category = _text(params, "category")
    if category is not None:
        values["category"] = category

    seller = _text(params, "seller")
    if seller is not None:
        if not (seller.isascii() and seller.isdigit()) or len(seller) > 18 or int(seller) < 1:
            errors["seller"] = [_("%(seller)s is not a seller id.") % {"seller": repr(seller)}]
        else:
            values["seller"] = int(seller)

    origin = _text(params, "origin_country")
    if origin is not None:
        problems = validation.country_code_errors(origin.upper())
        if problems:
            errors["origin_country"] = [
                _("%(origin)s is not an ISO 3166-1 alpha-2 country code.") % {"origin": repr(origin)}
            ]
        else:
            values["origin_country"] = origin.upper()

    for name in ("min_price", "max_price"):
        raw = _text(params, name)
        if raw is None:
            continue
        currency = values.get("currency")
        if currency is None:
            if "currency" not in errors:
                errors[name] = [
                    _("Give currency=<ISO code> with %(name)s: the amount is in that currency.") % {"name": name}
                ]
            continue
        try:
            amount = parse_money(raw, currency).amount
        except MoneyError as error:
            errors[name] = [str(error)]
            continue
        except ArithmeticError:  # e.g. 1e400: more digits than a Decimal context holds
            errors[name] = [_("%(value)s is not a price.") % {"value": repr(raw)}]
            continue
        if amount < 0:
            errors[name] = [_("Must not be negative.")]
            continue
        if amount >= PRICE_LIMIT:
            errors[name] = [_("Must be below %(limit)s.") % {"limit": PRICE_LIMIT}]
            continue
        values[name] = amount
    low, high = values.get("min_price"), values.get("max_price")
    if low is not None and high is not None and low > high:
        errors["max_price"] = [_("Must not be below min_price.")]

    in_stock = _text(params, "in_stock")
    if in_stock is not None:
        if in_stock.lower() in TRUE_VALUES:
            values["in_stock"] = True
        elif in_stock.lower() not in FALSE_VALUES:
            errors["in_stock"] = [_("%(value)s is not true or false.") % {"value": repr(in_stock)}]

    ordering = _text(params, "ordering")
    if ordering is not None:
        if ordering not in ORDERINGS:
            errors["ordering"] = [
                _("Unknown ordering %(ordering)s; use one of: %(choices)s.")
                % {"ordering": repr(ordering), "choices": ", ".join(ORDERINGS)}
            ]
        elif ordering == "fastest" and _text(params, "ship_to") is None:
            errors["ordering"] = [_("ordering=fastest needs ship_to=<country>: delivery time depends on it.")]
        else:
            values["ordering"] = ordering
