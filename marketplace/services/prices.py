"""A product's lowest price, in the seller's currency and in the reference currency, kept up to date.

The public catalog filters and sorts goods priced in yuan, tenge and sum together, in the database:
each product carries ``price_from`` (the lowest price of its active variants, in the seller's
currency) and ``price_reference`` (the same price in ``REFERENCE_CURRENCY`` at the latest rate).
``product_prices_refresh`` recomputes both for some products after their variants change (a
receiver calls it on every variant save; the CSV importer after each batch), and
``product_reference_prices_refresh`` recomputes the reference column of every product after new
exchange rates are stored (a Celery task started by ``core.signals.exchange_rates_stored``).

Rates come from ``core.services.currency_convert``, the one the checkout uses. Converting the
reference price into the buyer's currency is never how a price is shown (that is done from the
seller's price with the checkout's converter); the column only orders and pre-filters rows.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, F, Value
from django.db.models.functions import Round

from core.money import Money
from core.services import ExchangeRateMissing, currency_convert
from core.transactions import on_commit_once
from marketplace.browse.cache import catalog_cache_bump
from marketplace.models import Product, ProductVariant

#: Currency of ``Product.price_reference`` (the planner's and the rate providers' base, too).
REFERENCE_CURRENCY = "USD"
#: Decimal places kept in ``price_reference`` (the column is DECIMAL(28, 10)): enough that two
#: prices a minor unit apart in any supported currency never compare equal.
REFERENCE_PLACES = 10
_REFERENCE_EXPONENT = Decimal(1).scaleb(-REFERENCE_PLACES)


def reference_rates(currencies: Iterable[str]) -> dict[str, Decimal]:
    """Rate from each currency to the reference currency; currencies without a known rate are left out."""
    rates: dict[str, Decimal] = {}
    for code in sorted(set(currencies)):
        try:
            rates[code] = currency_convert(Money(1, code), REFERENCE_CURRENCY).rate
        except ExchangeRateMissing:
            continue
    return rates


def _reference(amount: Decimal, rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (amount * rate).quantize(_REFERENCE_EXPONENT)


def _cheaper(candidate: tuple[Decimal, str, Decimal | None], current: tuple[Decimal, str, Decimal | None]) -> bool:
    """A product's variants share the seller's currency, so amounts compare; the reference settles a mix."""
    if candidate[1] == current[1]:
        return candidate[0] < current[0]
    if candidate[2] is None or current[2] is None:
        return current[2] is None and candidate[2] is not None
    return candidate[2] < current[2]


@transaction.atomic
def product_prices_refresh(*, product_ids: Iterable[int]) -> int:
    """Recompute ``price_from`` and ``price_reference`` of these products from their active variants.

    The products are locked first (in primary-key order, as ``product_update`` locks one), so two
    transactions changing variants of the same product cannot each write a lowest price computed
    without the other's change. Returns how many products changed.
    """
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    products = list(
        Product.objects.select_for_update()
        .filter(pk__in=ids)
        .only("pk", "price_from", "price_from_currency", "price_reference")
        .order_by("pk")
    )
    prices = list(
        ProductVariant.objects.filter(product_id__in=ids, is_active=True, price__isnull=False).values_list(
            "product_id", "price", "price_currency"
        )
    )
    rates = reference_rates(currency for _, _, currency in prices)
    lowest: dict[int, tuple[Decimal, str, Decimal | None]] = {}
    for product_id, amount, currency in prices:
        candidate = (amount, currency, _reference(amount, rates.get(currency)))
        current = lowest.get(product_id)
        if current is None or _cheaper(candidate, current):
            lowest[product_id] = candidate
    changed = []
    for product in products:
        amount, currency, reference = lowest.get(product.pk, (None, None, None))
        price = Money(amount, currency) if amount is not None else None
        if (product.price_from, product.price_reference) != (price, reference):
            product.price_from, product.price_reference = price, reference
            changed.append(product)
    if changed:
        Product.objects.bulk_update(changed, ["price_from", "price_from_currency", "price_reference"])
        on_commit_once(catalog_cache_bump)
    return len(changed)


@transaction.atomic
def product_reference_prices_refresh() -> int:
    """Recompute every product's reference price at the latest rates (one UPDATE per currency).

    Rows already right are not rewritten. Idempotent: running it twice changes nothing the
    second time. Returns how many products changed.
    """
    currencies = (
        Product.objects.exclude(price_from_currency__isnull=True)
        .order_by()
        .values_list("price_from_currency", flat=True)
        .distinct()
    )
    changed = 0
    for currency, rate in reference_rates(list(currencies)).items():
        reference = Round(
            F("price_from") * Value(rate, output_field=DecimalField()),
            REFERENCE_PLACES,
            output_field=DecimalField(max_digits=28, decimal_places=REFERENCE_PLACES),
        )
        changed += (
            Product.objects.filter(price_from_currency=currency, price_from__isnull=False)
            .exclude(price_reference=reference)
            .update(price_reference=reference)
        )
    if changed:
        on_commit_once(catalog_cache_bump)
    return changed
