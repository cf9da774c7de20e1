"""Bulk CSV import of products and variants: streamed, validated per row, written in batches.

The file is read through Django's storage API as a text stream (UTF-8 with or without BOM,
``,`` or ``;`` sniffed from the header), never loaded whole. Rows are grouped into batches of
``settings.IMPORT_BATCH_SIZE``; each batch costs two reads and at most four bulk writes in one
transaction, and moves ``processed_rows`` on in the same transaction, so progress shown to the
seller is always what is saved. A bad row is reported (row, field, message) and skipped; it
never blocks the others. Rows are matched by SKU, so importing the same file twice changes
nothing the second time (every row counts as unchanged).

Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2.
"""

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from djmoney.money import Money

from core.money import MoneyError, parse_money
from marketplace import validation
from marketplace.exceptions import ImportFileInvalid, ImportFileTooLarge
from marketplace.models import LANGUAGES, CatalogImport, Category, ImportStatus, Product, ProductStatus, ProductVariant
from marketplace.models.catalog import product_search_text
from sellers.models import Seller

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1000
HEADER_PROBE_BYTES = 64 * 1024

# Column → (rule, meaning, example). The template CSV prints these under the header.
CONTRACT_COLUMNS: dict[str, tuple[str, str, str]] = {
    "sku": ("required", "your stock-keeping unit; unique per seller; rows are matched on it", "TEE-BLK-M"),
    "product_ref": ("optional", "groups variants into one product (default: the sku)", "TEE-BLK"),
    "title": ("required for a new product", "product title, up to 200 characters", "Cotton T-shirt"),
    "description": ("optional", "product description", "100% cotton, 180 g/m2"),
    "category": ("optional", "category slug, e.g. electronics, food, fresh-produce", "clothing-shoes"),
    "price": ("required to activate", "price in your currency, a decimal like 35.00", "35.00"),
    "hs_code": ("required to activate", "HS code, 6 to 10 digits (keep leading zeros)", "610910"),
    "origin_country": ("optional", "ISO 3166-1 alpha-2 country of origin (default: yours)", "CN"),
    "weight_kg": ("required to activate", "weight of one unit in kg, up to 3 decimals", "0.200"),
    "length_cm": ("required to activate", "packed length in cm", "30"),
    "width_cm": ("required to activate", "packed width in cm", "25"),
    "height_cm": ("required to activate", "packed height in cm", "2"),
    "perishable": ("optional", "true or false (default false)", "false"),
    "temperature_min_c": ("perishables only", "lowest transport temperature, -30..30 °C", ""),
    "temperature_max_c": ("perishables only", "highest transport temperature, -30..30 °C", ""),
    "variant_name": ("optional", "what distinguishes this variant (size, colour)", "M"),
    "status": ("optional", "draft, active or archived (default draft)", "draft"),
}
EXTRA_COLUMNS: dict[str, tuple[str, str, str]] = {
    "barcode": ("optional", "EAN/UPC/GTIN barcode", ""),
    "is_active": ("optional", "false retires the variant (default true)", "true"),
    "hazardous": ("optional", "true for dangerous goods (batteries, aerosols)", "false"),
    "fragile": ("optional", "true for goods that need careful handling", "false"),
    "shelf_life_days": ("optional", "shelf life in days (perishables)", ""),
    **{
        f"{name}_{language}": ("optional", f"{name} in {language}", "")
        for language in LANGUAGES
        for name in ("title", "description")
    },
}
KNOWN_COLUMNS = {**CONTRACT_COLUMNS, **EXTRA_COLUMNS}

TRUE_WORDS = {"true", "1", "yes", "y", "да", "是"}
FALSE_WORDS = {"false", "0", "no", "n", "", "нет", "否"}
PRODUCT_STATE_FIELDS = (
    "title",
    "description",
    "translations",
    "category_id",
    "hs_code",
    "origin_country",
    "status",
    "perishable",
    "temperature_min_c",
    "temperature_max_c",
    "hazardous",
    "fragile",
    "shelf_life_days",
    "external_ref",
)
VARIANT_STATE_FIELDS = ("name", "price", "weight_kg", "length_cm", "width_cm", "height_cm", "barcode", "is_active")


# --- reading the file


def _sniff_delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _header_columns(raw: list[str]) -> list[str]:
    return [column.strip().lower() for column in raw]


def import_header_check(columns: list[str]) -> None:
    """Raise ``ImportFileInvalid`` naming unknown, repeated or missing columns."""
    unknown = [column for column in columns if column not in KNOWN_COLUMNS]
    errors: dict[str, list[str]] = {}
    if unknown:
        errors["columns"] = [f"Unknown columns: {', '.join(repr(column) for column in unknown)}."]
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        errors.setdefault("columns", []).append(f"Repeated columns: {', '.join(repeated)}.")
    if "sku" not in columns:
        errors.setdefault("columns", []).append("The 'sku' column is required.")
    if errors:
        raise ImportFileInvalid(
            "; ".join(message for messages in errors.values() for message in messages),
            errors=errors,
            extra={"unknown_columns": unknown},
        )


def import_header_probe(fp: IO[bytes]) -> list[str]:
    """Read just the header of an uploaded file and check it (used before queueing)."""
    head = fp.read(HEADER_PROBE_BYTES)
    fp.seek(0)
    if not head.strip():
        raise ImportFileInvalid("The file is empty.", errors={"file": ["The file is empty."]})
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # The probe may cut a multi-byte character at its end; only earlier bytes matter here.
        if len(head) < HEADER_PROBE_BYTES or error.start < len(head) - 4:
            raise ImportFileInvalid(
                "The file is not UTF-8.", errors={"file": ["Save the CSV as UTF-8 (with or without BOM)."]}
            ) from None
        text = head[: error.start].decode("utf-8-sig")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    columns = _header_columns(next(csv.reader([first_line], delimiter=_sniff_delimiter(first_line)), []))
    import_header_check(columns)
    return columns


def _open_rows(fp: IO[bytes]) -> tuple[list[str], str, Iterator[list[str]]]:
    text = io.TextIOWrapper(fp, encoding="utf-8-sig", newline="")
    header_line = text.readline()
    delimiter = _sniff_delimiter(header_line)
    columns = _header_columns(next(csv.reader([header_line], delimiter=delimiter), []))
    return columns, delimiter, csv.reader(text, delimiter=delimiter)


def _is_skipped(cells: list[str]) -> bool:
    """Blank rows and comment rows (first cell starting with ``#``, as in the template)."""
    return not any(cell.strip() for cell in cells) or (bool(cells) and cells[0].lstrip().startswith("#"))


# --- parsing one row


class RowError(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def _decimal(value: str, field_name: str, places: int, decimal_comma: bool) -> Decimal | None:
    value = value.strip()
    if not value:
        return None
    if decimal_comma and "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise RowError(field_name, f"{value!r} is not a number.") from None
    if not number.is_finite():
        raise RowError(field_name, f"{value!r} is not a number.")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise RowError(field_name, f"At most {places} decimal places.")
    return number


def _integer(value: str, field_name: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise RowError(field_name, f"{value!r} is not a whole number.") from None


def _boolean(value: str, field_name: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise RowError(field_name, f"{value!r} is not true or false.")


@dataclass(slots=True)
class ParsedRow:
    row: int
    sku: str
    ref: str
    ref_explicit: bool
    product: dict[str, Any] = field(default_factory=dict)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    variant: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportContext:
    seller: Seller
    columns: list[str]
    decimal_comma: bool
    categories: dict[str, int]
    seen_skus: dict[str, int] = field(default_factory=dict)
    applied_products: set[int] = field(default_factory=set)


def _parse_row(number: int, cells: list[str], context: ImportContext) -> tuple[ParsedRow | None, list[RowError]]:
    columns = context.columns
    if len(cells) > len(columns):
        return None, [RowError("row", f"The row has {len(cells)} cells; the header has {len(columns)}.")]
    values = dict(zip(columns, cells, strict=False))
    errors: list[RowError] = []
    sku = values.get("sku", "").strip()
    if not sku:
        return None, [RowError("sku", "Required.")]
    if len(sku) > 64:
        return None, [RowError("sku", "At most 64 characters.")]
    ref_cell = values.get("product_ref", "").strip()
    if len(ref_cell) > 100:
        errors.append(RowError("product_ref", "At most 100 characters."))
    parsed = ParsedRow(row=number, sku=sku, ref=ref_cell or sku, ref_explicit=bool(ref_cell))
    product, variant = parsed.product, parsed.variant
    for column, raw in values.items():
        try:
            if column in ("sku", "product_ref"):
                continue
            if column == "title":
                title = raw.strip()
                if len(title) > 200:
                    raise RowError(column, "At most 200 characters.")
                if title:
                    product["title"] = title
            elif column == "description":
                product["description"] = raw.strip()
            elif column == "category":
                slug = raw.strip().lower()
                if slug and slug not in context.categories:
                    raise RowError(column, f"Unknown category {slug!r}; use one of {', '.join(context.categories)}.")
                product["category_id"] = context.categories.get(slug) if slug else None
            elif column == "price":
                amount = raw.strip()
                if context.decimal_comma and "," in amount and "." not in amount:
                    amount = amount.replace(",", ".")
                if not amount:
                    variant["price"] = None
                else:
                    try:
                        money = parse_money(amount, context.seller.currency)
                    except MoneyError as error:
                        raise RowError(column, str(error)) from None
                    if money.amount <= 0:
                        raise RowError(column, "Must be greater than 0.")
                    variant["price"] = Money(money.amount, context.seller.currency)
            elif column == "hs_code":
                product["hs_code"] = validation.hs_code_normalize(raw.strip())
            elif column == "origin_country":
                product["origin_country"] = raw.strip().upper() or context.seller.country
            elif column == "weight_kg":
                variant["weight_kg"] = _decimal(raw, column, 3, context.decimal_comma)
            elif column in ("length_cm", "width_cm", "height_cm"):
                variant[column] = _decimal(raw, column, 2, context.decimal_comma)
            elif column in ("perishable", "hazardous", "fragile"):
                product[column] = _boolean(raw, column)
            elif column in ("temperature_min_c", "temperature_max_c", "shelf_life_days"):
                product[column] = _integer(raw, column)
            elif column == "variant_name":
                variant["name"] = raw.strip()[:200]
            elif column == "status":
                status = raw.strip().lower() or ProductStatus.DRAFT
                if status not in ProductStatus.values:
                    raise RowError(column, f"{raw!r} is not one of draft, active, archived.")
                product["status"] = status
            elif column == "barcode":
                variant["barcode"] = raw.strip()[:32]
            elif column == "is_active":
                variant["is_active"] = _boolean(raw or "true", column)
            else:  # title_<lang> / description_<lang>
                name, language = column.rsplit("_", 1)
                text = raw.strip()
                if name == "title" and len(text) > 200:
                    raise RowError(column, "At most 200 characters.")
                parsed.translations.setdefault(language, {})[name] = text
        except RowError as error:
            errors.append(error)
    return (None if errors else parsed), errors


# --- one batch


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


def _new_product_state(seller: Seller, ref: str) -> dict[str, Any]:
    return {
        "title": "",
        "description": "",
        "translations": {},
        "category_id": None,
        "hs_code": "",
        "origin_country": seller.country,
        "status": ProductStatus.DRAFT,
        "perishable": False,
        "temperature_min_c": None,
        "temperature_max_c": None,
        "hazardous": False,
        "fragile": False,
        "shelf_life_days": None,
        "external_ref": ref,
    }


NEW_VARIANT_STATE: dict[str, Any] = {
    "name": "",
    "price": None,
    "weight_kg": None,
    "length_cm": None,
    "width_cm": None,
    "height_cm": None,
    "barcode": "",
    "is_active": True,
}


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
        missing = [name for name in ("hs_code", "origin_country") if not product_state[name]]
        missing += [
            name for name in ("price", "weight_kg", "length_cm", "width_cm", "height_cm") if variant_state[name] is None
        ]
        if missing:
            errors.append(RowError("status", f"Cannot be active without: {', '.join(missing)}."))
    return errors


def _run_batch(rows: list[ParsedRow], context: ImportContext) -> BatchOutcome:
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
        variant_current = _variant_state(existing_variant) if existing_variant is not None else dict(NEW_VARIANT_STATE)
        variant_candidate = {**variant_current, **row.variant}
        errors = _row_rules(candidate, variant_candidate)
        if errors:
            outcome.errors.extend({"row": row.row, "field": e.field, "message": e.message} for e in errors)
            continue
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
    context.applied_products.update(key for key in product_states if isinstance(key, int) and key in applied_in_batch)
    context.applied_products.update(product.pk for product in new_products.values())
    return outcome


# --- the import


def catalog_import_create(*, seller: Seller, user: Any, upload: Any, schedule: bool = True) -> CatalogImport:
    """Store the uploaded CSV and queue its import (after commit). Header problems are a 400 now."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ImportFileTooLarge(
            errors={"file": [f"The file is {size:,} bytes; at most {settings.IMPORT_MAX_UPLOAD_BYTES:,}."]}
        )
    upload.seek(0)
    import_header_probe(upload)
    with transaction.atomic():
        catalog_import = CatalogImport(
            seller=seller, created_by=user, original_filename=str(getattr(upload, "name", ""))[:255]
        )
        catalog_import.file.save("catalog.csv", upload, save=False)
        catalog_import.save()
        if schedule:
            transaction.on_commit(lambda: _schedule(catalog_import.pk))
    return catalog_import


def _schedule(import_id: int) -> None:
    from marketplace.tasks import catalog_import_task

    catalog_import_task.delay(import_id)


def _count_rows(catalog_import: CatalogImport) -> int:
    with catalog_import.file.open("rb") as fp:
        _columns, _delimiter, reader = _open_rows(fp)
        return sum(1 for cells in reader if not _is_skipped(cells))


def _fail(import_id: int, reason: str, errors: list[dict[str, Any]] | None = None) -> None:
    fields: dict[str, Any] = {"status": ImportStatus.FAILED, "failure_reason": reason, "finished_at": timezone.now()}
    if errors is not None:
        fields["errors"] = errors
        fields["error_count"] = len(errors)
    CatalogImport.objects.filter(pk=import_id).update(**fields)


def catalog_import_run(*, import_id: int) -> CatalogImport | None:
    """Run a queued import (the task calls this). Only a ``queued`` import is claimed, so a
    redelivered task does nothing; counters move on per committed batch."""
    claimed = CatalogImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return CatalogImport.objects.filter(pk=import_id).first()
    catalog_import = CatalogImport.objects.select_related("seller").get(pk=import_id)
    try:
        total = _count_rows(catalog_import)
        CatalogImport.objects.filter(pk=import_id).update(total_rows=total)
        _process(catalog_import)
    except ImportFileInvalid as error:
        messages = [m for ms in error.errors.values() for m in ms] or [error.detail]
        _fail(import_id, error.detail, [{"row": 1, "field": "columns", "message": m} for m in messages])
    except UnicodeDecodeError:
        _fail(import_id, "The file is not UTF-8; save the CSV as UTF-8 (with or without BOM).")
    except csv.Error as error:
        _fail(import_id, f"The CSV cannot be parsed: {error}")
    except Exception as error:
        logger.exception("catalog import %s failed", import_id)
        _fail(import_id, f"Unexpected error: {error.__class__.__name__}")
        raise
    return CatalogImport.objects.get(pk=import_id)


def _process(catalog_import: CatalogImport) -> None:
    seller = catalog_import.seller
    stored_errors: list[dict[str, Any]] = []
    totals = {"processed": 0, "created": 0, "updated": 0, "unchanged": 0, "errors": 0}
    with catalog_import.file.open("rb") as fp:
        columns, delimiter, reader = _open_rows(fp)
        import_header_check(columns)
        context = ImportContext(
            seller=seller,
            columns=columns,
            decimal_comma=delimiter == ";",
            categories=dict(Category.objects.values_list("slug", "id")),
        )
        batch: list[ParsedRow] = []
        batch_errors: list[dict[str, Any]] = []
        batch_rows = 0
        for index, cells in enumerate(reader, start=2):
            if _is_skipped(cells):
                continue
            batch_rows += 1
            parsed, errors = _parse_row(index, cells, context)
            if parsed is not None:
                first = context.seen_skus.get(parsed.sku)
                if first is not None:
                    errors = [RowError("sku", f"SKU {parsed.sku!r} already appears in row {first}; one row per SKU.")]
                    parsed = None
                else:
                    context.seen_skus[parsed.sku] = index
            if parsed is None:
                batch_errors.extend({"row": index, "field": e.field, "message": e.message} for e in errors)
            else:
                batch.append(parsed)
            if batch_rows >= settings.IMPORT_BATCH_SIZE:
                _commit_batch(catalog_import.pk, batch, batch_errors, batch_rows, context, totals, stored_errors)
                batch, batch_errors, batch_rows = [], [], 0
        _commit_batch(catalog_import.pk, batch, batch_errors, batch_rows, context, totals, stored_errors)
    CatalogImport.objects.filter(pk=catalog_import.pk).update(status=ImportStatus.DONE, finished_at=timezone.now())


def _commit_batch(
    import_id: int,
    batch: list[ParsedRow],
    batch_errors: list[dict[str, Any]],
    batch_rows: int,
    context: ImportContext,
    totals: dict[str, int],
    stored_errors: list[dict[str, Any]],
) -> None:
    if not batch_rows:
        return
    outcome = BatchOutcome()
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                outcome = _run_batch(batch, context) if batch else BatchOutcome()
                _progress(import_id, batch_rows, outcome, batch_errors, totals, stored_errors)
            return
        except IntegrityError:
            # Another import of the same seller inserted one of these SKUs meanwhile: read again.
            if attempt == 2:
                logger.warning("catalog import %s: batch could not be saved", import_id, exc_info=True)
    failed = [
        {"row": row.row, "field": "sku", "message": "Could not be saved (a concurrent change); retry."} for row in batch
    ]
    with transaction.atomic():
        _progress(import_id, batch_rows, BatchOutcome(), batch_errors + failed, totals, stored_errors)


def _progress(
    import_id: int,
    batch_rows: int,
    outcome: BatchOutcome,
    batch_errors: list[dict[str, Any]],
    totals: dict[str, int],
    stored_errors: list[dict[str, Any]],
) -> None:
    errors = sorted(batch_errors + outcome.errors, key=lambda error: error["row"])
    totals["processed"] += batch_rows
    totals["created"] += outcome.created
    totals["updated"] += outcome.updated
    totals["unchanged"] += outcome.unchanged
    totals["errors"] += len(errors)
    fields: dict[str, Any] = {
        "processed_rows": totals["processed"],
        "created_count": totals["created"],
        "updated_count": totals["updated"],
        "unchanged_count": totals["unchanged"],
        "error_count": totals["errors"],
    }
    room = MAX_STORED_ERRORS - len(stored_errors)
    if errors and room > 0:
        stored_errors.extend(errors[:room])
        fields["errors"] = stored_errors
    CatalogImport.objects.filter(pk=import_id).update(**fields)


def import_template_csv() -> str:
    """The template: header, one comment row documenting each column, and two example rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = list(CONTRACT_COLUMNS) + list(EXTRA_COLUMNS)
    writer.writerow(columns)
    docs = [f"{rule}: {meaning}" for rule, meaning, _example in (KNOWN_COLUMNS[c] for c in columns)]
    docs[0] = "# " + docs[0]  # rows whose first cell starts with # are skipped by the importer
    writer.writerow(docs)
    example = [KNOWN_COLUMNS[column][2] for column in columns]
    writer.writerow(example)
    second = dict(zip(columns, example, strict=True))
    second.update(sku="TEE-BLK-L", variant_name="L", weight_kg="0.210", length_cm="31", width_cm="26")
    writer.writerow([second[column] for column in columns])
    return buffer.getvalue()
