"""The import's columns, each documented, and the template CSV that shows them to sellers."""

import csv
import io

from marketplace.models import LANGUAGES, PRODUCT_FIELDS, VARIANT_FIELDS

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
#: The product or variant field (marketplace.models.PRODUCT_FIELDS / VARIANT_FIELDS) each column
#: fills; ``product_ref`` is the file's grouping key and ``title_<lang>`` / ``description_<lang>``
#: fill ``translations``. A test checks every seller field has its column.
COLUMN_FIELDS: dict[str, str] = {
    **{name: name for name in (*PRODUCT_FIELDS, *VARIANT_FIELDS) if name in KNOWN_COLUMNS},
    "variant_name": "name",
    "product_ref": "external_ref",
    **{column: "translations" for column in EXTRA_COLUMNS if column.rsplit("_", 1)[-1] in LANGUAGES},
}

TRUE_WORDS = {"true", "1", "yes", "y", "да", "是"}
FALSE_WORDS = {"false", "0", "no", "n", "", "нет", "否"}


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
