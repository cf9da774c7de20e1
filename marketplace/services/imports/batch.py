"""One batch of parsed rows: match by SKU, validate against what is stored, write in bulk."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from core.transactions import on_commit_once
from marketplace import validation
from marketplace.browse.cache import catalog_cache_bump
from marketplace.models import (
    PRODUCT_FIELDS,
    PRODUCT_FIELDS_TO_ACTIVATE,
    VARIANT_FIELDS,
    VARIANT_FIELDS_TO_ACTIVATE,
    Product,
    ProductStatus,
    ProductVariant,
)
from marketplace.models.catalog import product_search_text
from marketplace.services.imports.reading import ImportContext, ParsedRow, RowError
from marketplace.services.price_history import variant_prices_record
from marketplace.services.prices import product_prices_refresh
from sellers.models import Seller

# Working state of a product / variant as the import compares and writes it: the seller's fields
# (marketplace.models.PRODUCT_FIELDS / VARIANT_FIELDS) by column name, plus the file's grouping key.
PRODUCT_STATE_FIELDS = (*("category_id" if name == "category" else name for name in PRODUCT_FIELDS), "external_ref")
VARIANT_STATE_FIELDS = tuple(name for name in VARIANT_FIELDS if name != "sku")  # rows are matched on the SKU


@dataclass
class BatchOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def _product_state(product: Product) -> dict[str, Any]:
    return {name: getattr(product, name) for name in PRODUCT_STATE_FIELDS}


def _variant_state(variant: ProductVariant) -> dict[str, Any]:
    return {name: getattr(variant, name) for name in VARIANT_STATE_FIELDS}


def _defaults(model: type[models.Model], names: tuple[str, ...]) -> dict[str, Any]:
    """What a new row holds before the file says otherwise: the model's own defaults."""
    return {name: model._meta.get_field(name).get_default() for name in names}


def _new_product_state(seller: Seller, ref: str) -> dict[str, Any]:
    return {**_defaults(Product, PRODUCT_STATE_FIELDS), "origin_country": seller.country, "external_ref": ref}


def _new_variant_state() -> dict[str, Any]:
    return _defaults(ProductVariant, VARIANT_STATE_FIELDS)


def _merge_translations(current: dict[str, Any], patch: dict[str, dict[str, str]]) -> dict[str, Any]:
    merged = {language: dict(fields) for language, fields in (current or {}).items()}
    for language, fields in patch.items():
        entry = merged.setdefault(language, {})
        for name, text in fields.items():
            if text:
                entry[name] = text
            else:
                entry.pop(name, None)
        if not entry:
            merged.pop(language)
    return merged


def _row_rules(product_state: dict[str, Any], variant_state: dict[str, Any]) -> list[RowError]:
    problems = validation.merge(
        validation.product_errors(
            hs_code=product_state["hs_code"],
            origin_country=product_state["origin_country"],
            perishable=product_state["perishable"],
            temperature_min_c=product_state["temperature_min_c"],
            temperature_max_c=product_state["temperature_max_c"],
            shelf_life_days=product_state["shelf_life_days"],
        ),
        validation.measurement_errors(
            weight_kg=variant_state["weight_kg"],
            length_cm=variant_state["length_cm"],
            width_cm=variant_state["width_cm"],
            height_cm=variant_state["height_cm"],
        ),
    )
    errors = [RowError(name, message) for name, messages in problems.items() for message in messages]
    if not product_state["title"]:
        errors.append(RowError("title", "Required for a new product."))
    if product_state["status"] == ProductStatus.ACTIVE and variant_state["is_active"]:
        missing = [name for name in PRODUCT_FIELDS_TO_ACTIVATE if not product_state[name]]
        missing += [name for name in VARIANT_FIELDS_TO_ACTIVATE if variant_state[name] is None]
        if missing:
            errors.append(RowError("status", f"Cannot be active without: {', '.join(missing)}."))
    return errors


def run_batch(rows: list[ParsedRow], context: ImportContext) -> BatchOutcome:
    seller = context.seller
    outcome = BatchOutcome()
    skus = [row.sku for row in rows]
    refs = {row.ref for row in rows}
    variants = {variant.sku: variant for variant in ProductVariant.objects.filter(seller=seller, sku__in=skus)}
    product_ids = {variant.product_id for variant in variants.values()}
    products = {
        product.pk: product
        for product in Product.objects.filter(seller=seller).filter(Q(external_ref__in=refs) | Q(pk__in=product_ids))
    }
    by_ref = {product.external_ref: product.pk for product in products.values() if product.external_ref}

    # Variants per product are bounded (PRODUCT_MAX_VARIANTS): what each product has, plus what
    # this batch adds to it.
    variant_counts: Counter[Any] = Counter(
        dict(
            ProductVariant.objects.filter(product_id__in=list(products))
            .values("product_id")
            .annotate(n=Count("id"))
            .values_list("product_id", "n")
        )
    )
    # Working state per product key (an existing pk, or ("new", ref)) and per SKU.
    product_states: dict[Any, dict[str, Any]] = {}
    applied_in_batch: set[Any] = set()
    variant_states: dict[str, tuple[Any, dict[str, Any]]] = {}
    row_outcomes: list[tuple[ParsedRow, Any]] = []

    for row in rows:
        existing_variant = variants.get(row.sku)
        if row.ref in by_ref:
            key: Any = by_ref[row.ref]
        elif ("new", row.ref) in product_states:
            key = ("new", row.ref)
        elif existing_variant is not None and (
            not row.ref_explicit or not products[existing_variant.product_id].external_ref
        ):
            key = existing_variant.product_id
        else:
            key = ("new", row.ref)
        if key not in product_states:
            product_states[key] = (
                _product_state(products[key]) if isinstance(key, int) else _new_product_state(seller, row.ref)
            )
        current = product_states[key]
        candidate = current
        applies_product_fields = key not in applied_in_batch and key not in context.applied_products
        if applies_product_fields:
            candidate = {**current, **row.product}
            if row.translations:
                candidate["translations"] = _merge_translations(current["translations"], row.translations)
            if row.ref_explicit and not candidate["external_ref"]:
                candidate["external_ref"] = row.ref  # an API-made product adopts the file's grouping
        variant_current = _variant_state(existing_variant) if existing_variant is not None else _new_variant_state()
        variant_candidate = {**variant_current, **row.variant}
        errors = _row_rules(candidate, variant_candidate)
        if errors:
            outcome.errors.extend({"row": row.row, "field": e.field, "message": e.message} for e in errors)
            continue
        if existing_variant is None or existing_variant.product_id != key:
            if variant_counts[key] >= settings.PRODUCT_MAX_VARIANTS:
                outcome.errors.append(
                    {
                        "row": row.row,
                        "field": "product_ref",
                        "message": f"The product has {settings.PRODUCT_MAX_VARIANTS} variants already (the most).",
                    }
                )
                continue
            variant_counts[key] += 1
        product_changed = candidate != current
        if applies_product_fields:
            product_states[key] = candidate
            applied_in_batch.add(key)
        variant_states[row.sku] = (key, variant_candidate)
        moved = existing_variant is not None and existing_variant.product_id != key
        row_outcomes.append((row, (existing_variant, variant_candidate != variant_current or moved, product_changed)))

    now = timezone.now()
    # Products: create the new ones (their ids are needed by the variants), update the changed.
    new_products = {
        key: Product(
            seller=seller,
            created_at=now,
            updated_at=now,
            search_text=product_search_text(state["title"], state["translations"]),
            **state,
        )
        for key, state in product_states.items()
        if not isinstance(key, int) and key in applied_in_batch
    }
    Product.objects.bulk_create(list(new_products.values()), batch_size=settings.IMPORT_BATCH_SIZE)
    changed_products = []
    for key, state in product_states.items():
        if isinstance(key, int) and state != _product_state(products[key]):
            product = products[key]
            for name, value in state.items():
                setattr(product, name, value)
            product.updated_at = now
            product.search_text = product_search_text(product.title, product.translations)
            changed_products.append(product)
    if changed_products:
        Product.objects.bulk_update(changed_products, [*PRODUCT_STATE_FIELDS, "search_text", "updated_at"])

    new_variants, changed_variants = [], []
    for row, (existing_variant, variant_changed, product_changed) in row_outcomes:
        key, state = variant_states[row.sku]
        product_id = key if isinstance(key, int) else new_products[key].pk
        if existing_variant is None:
            new_variants.append(
                ProductVariant(
                    seller=seller, product_id=product_id, sku=row.sku, created_at=now, updated_at=now, **state
                )
            )
            outcome.created += 1
        elif variant_changed:
            for name, value in state.items():
                setattr(existing_variant, name, value)
            existing_variant.product_id = product_id
            existing_variant.updated_at = now
            changed_variants.append(existing_variant)
            outcome.updated += 1
        elif product_changed:
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    ProductVariant.objects.bulk_create(new_variants, batch_size=settings.IMPORT_BATCH_SIZE)
    if changed_variants:
        ProductVariant.objects.bulk_update(
            changed_variants, ["product", *VARIANT_STATE_FIELDS, "price_currency", "updated_at"]
        )
    # Bulk writes send no signals: record the new prices in the price history here.
    variant_prices_record(variants=[*new_variants, *changed_variants], at=now)
    # Bulk writes send no signals: keep the lowest prices and the buyers' cached catalog current here.
    touched = {product.pk for product in changed_products} | {product.pk for product in new_products.values()}
    touched |= {variant.product_id for variant in [*new_variants, *changed_variants]}
    touched |= {variants[row.sku].product_id for row, _ in row_outcomes if row.sku in variants}
    product_prices_refresh(product_ids=touched)
    if touched:
        on_commit_once(catalog_cache_bump)
    context.applied_products.update(key for key in product_states if isinstance(key, int) and key in applied_in_batch)
    context.applied_products.update(product.pk for product in new_products.values())
    return outcome
