"""Product and variant writes through the API (the CSV importer has its own batched path).

Rules live in ``marketplace.validation``; this module applies them to a whole product with its
variants, so a product is never half-written: every write is one transaction, and a product
that is (or becomes) ``active`` must pass the activation rule after the write.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed
from core.money import Money, minor_unit_digits, money_column_error
from marketplace import validation
from marketplace.exceptions import ProductInUse, ProductNotReady, SkuTaken
from marketplace.models import PRODUCT_FIELDS, VARIANT_FIELDS, Product, ProductStatus, ProductVariant
from sellers.models import Seller


def _product_rules(product: Product) -> None:
    errors = validation.merge(
        validation.product_errors(
            hs_code=product.hs_code,
            origin_country=product.origin_country,
            perishable=product.perishable,
            temperature_min_c=product.temperature_min_c,
            temperature_max_c=product.temperature_max_c,
            shelf_life_days=product.shelf_life_days,
        ),
        validation.translations_errors(product.translations),
    )
    if product.status not in ProductStatus.values:
        errors.setdefault("status", []).append(f"Use one of {', '.join(ProductStatus.values)}.")
    if errors:
        raise ValidationFailed(errors=errors)


def _price_errors(price: Money | None, seller: Seller, field: str) -> dict[str, list[str]]:
    if price is None:
        return {}
    if price.currency.code != seller.currency:
        return {field: [_("Prices are in your currency, %(currency)s.") % {"currency": seller.currency}]}
    if price.amount <= 0:
        return {field: [_("Must be greater than 0.")]}
    too_long = money_column_error(price.amount)
    if too_long:
        return {field: [too_long]}
    exponent = price.amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > minor_unit_digits(seller.currency):
        return {
            field: [
                _("%(currency)s has %(digits)s decimal places.")
                % {"currency": seller.currency, "digits": minor_unit_digits(seller.currency)}
            ]
        }
    return {}


def _variant_rules(variant: ProductVariant, seller: Seller, prefix: str) -> dict[str, list[str]]:
    errors = validation.measurement_errors(
        weight_kg=variant.weight_kg,
        length_cm=variant.length_cm,
        width_cm=variant.width_cm,
        height_cm=variant.height_cm,
        prefix=prefix,
    )
    if not variant.sku or not str(variant.sku).strip():
        errors.setdefault(f"{prefix}sku", []).append("Required.")
    return validation.merge(errors, _price_errors(variant.price, seller, f"{prefix}price"))


def product_activation_check(*, product: Product, variants: list[ProductVariant] | None = None) -> None:
    """Raise ``ProductNotReady`` listing every missing field, when the product is ``active``."""
    if product.status != ProductStatus.ACTIVE:
        return
    variants = list(product.variants.all()) if variants is None else variants
    missing = validation.activation_missing(
        hs_code=product.hs_code, origin_country=product.origin_country, variants=variants
    )
    if missing:
        raise ProductNotReady(
            _("Cannot activate: missing %(fields)s.") % {"fields": ", ".join(missing)},
            errors={name: [_("Required before the product can be active.")] for name in missing},
            extra={"missing": missing},
        )


def _sku_check(*, seller: Seller, variants: list[ProductVariant]) -> None:
    seen: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for index, variant in enumerate(variants):
        if variant.sku in seen:
            errors.setdefault(f"variants.{index}.sku", []).append(f"Repeats the SKU of variants.{seen[variant.sku]}.")
        seen.setdefault(variant.sku, index)
    if errors:
        raise ValidationFailed(errors=errors)
    own_ids = [variant.pk for variant in variants if variant.pk]
    taken = set(
        ProductVariant.objects.filter(seller=seller, sku__in=list(seen))
        .exclude(pk__in=own_ids)
        .values_list("sku", flat=True)
    )
    if taken:
        raise SkuTaken(
            errors={
                f"variants.{index}.sku": [
                    _("SKU %(sku)s is already used by another of your variants.") % {"sku": repr(variant.sku)}
                ]
                for index, variant in enumerate(variants)
                if variant.sku in taken
            }
        )


def _apply_variants(
    *, product: Product, seller: Seller, variants_data: list[dict[str, Any]]
) -> tuple[list[ProductVariant], list[ProductVariant]]:
    """Match each entry to an existing variant (by ``id``, else by ``sku``) or a new one.

    Variants not mentioned are left as they are: a variant may be referenced by stock and orders,
    so it is retired with ``is_active: false`` rather than deleted.
    """
    existing = {variant.pk: variant for variant in product.variants.all()} if product.pk else {}
    by_sku = {variant.sku: variant for variant in existing.values()}
    touched: list[ProductVariant] = []
    errors: dict[str, list[str]] = {}
    for index, data in enumerate(variants_data):
        variant_id = data.get("id")
        if variant_id is not None:
            variant = existing.get(variant_id)
            if variant is None:
                errors.setdefault(f"variants.{index}.id", []).append("No such variant on this product.")
                continue
        else:
            variant = by_sku.get(data.get("sku", "")) or ProductVariant(seller=seller, is_active=True)
        for name in VARIANT_FIELDS:
            if name in data:
                setattr(variant, name, data[name])
        if isinstance(variant.sku, str):
            variant.sku = variant.sku.strip()
        errors = validation.merge(errors, _variant_rules(variant, seller, f"variants.{index}."))
        touched.append(variant)
    if errors:
        raise ValidationFailed(errors=errors)
    touched_ids = {variant.pk for variant in touched if variant.pk}
    untouched = [variant for pk, variant in existing.items() if pk not in touched_ids]
    if len(touched) + len(untouched) > settings.PRODUCT_MAX_VARIANTS:
        limit = settings.PRODUCT_MAX_VARIANTS
        raise ValidationFailed(
            _("A product has at most %(limit)s variants.") % {"limit": limit},
            errors={
                "variants": [
                    _("At most %(limit)s variants per product (PRODUCT_MAX_VARIANTS); retire one instead.")
                    % {"limit": limit}
                ]
            },
        )
    return touched, untouched


def _save(product: Product, seller: Seller, variants_data: list[dict[str, Any]] | None) -> Product:
    _product_rules(product)
    if variants_data is not None:
        touched, untouched = _apply_variants(product=product, seller=seller, variants_data=variants_data)
        _sku_check(seller=seller, variants=touched)
    else:
        touched, untouched = [], list(product.variants.all()) if product.pk else []
    product_activation_check(product=product, variants=touched + untouched)
    try:
        with transaction.atomic():
            product.save()
            for variant in touched:
                variant.product = product
                variant.seller = seller
                variant.save()
    except IntegrityError as error:  # a concurrent write took the SKU between check and insert
        raise SkuTaken() from error
    return product


@transaction.atomic
def product_create(*, seller: Seller, variants: list[dict[str, Any]] | None = None, **fields: Any) -> Product:
    """Create a product with its variants; ``status=active`` only when the activation rule passes."""
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValidationFailed(errors={name: [_("Not a product field.")] for name in sorted(unknown)})
    product = Product(seller=seller, **fields)
    if not product.origin_country:
        product.origin_country = seller.country
    if product.hs_code:
        product.hs_code = validation.hs_code_normalize(product.hs_code)
    return _save(product, seller, variants or [])


@transaction.atomic
def product_update(*, product: Product, variants: list[dict[str, Any]] | None = None, **fields: Any) -> Product:
    """Change the given fields; ``variants`` (when given) updates or adds the listed variants."""
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValidationFailed(errors={name: [_("Not a product field.")] for name in sorted(unknown)})
    product = Product.objects.select_for_update().get(pk=product.pk)
    for name, value in fields.items():
        setattr(product, name, value)
    if "hs_code" in fields and product.hs_code:
        product.hs_code = validation.hs_code_normalize(product.hs_code)
    return _save(product, product.seller, variants)


@transaction.atomic
def product_delete(*, product: Product) -> None:
    """Delete a product, its variants and images (files are removed once the transaction commits).

    Products whose variants have stock or order lines are protected: archive them instead.
    """
    try:
        with transaction.atomic():
            product.delete()
    except ProtectedError as error:
        raise ProductInUse() from error


def quantize_measure(value: Decimal | None, places: int) -> Decimal | None:
    return None if value is None else value.quantize(Decimal(1).scaleb(-places))
