"""Reading an import file: header checks, streaming rows, and parsing one row into typed values."""

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from djmoney.money import Money

from core.money import MoneyError, parse_money
from marketplace import validation
from marketplace.exceptions import ImportFileInvalid
from marketplace.models import ProductStatus
from marketplace.services.imports.columns import FALSE_WORDS, KNOWN_COLUMNS, TRUE_WORDS
from sellers.models import Seller

HEADER_PROBE_BYTES = 64 * 1024
#: Unknown columns named in an error message at most (the count says how many there were).
UNKNOWN_COLUMNS_SHOWN = 20


def _sniff_delimiter(header_line: str) -> str:
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _header_columns(raw: list[str]) -> list[str]:
    return [column.strip().lower() for column in raw]


def _too_many_columns(count: int) -> ImportFileInvalid:
    limit = settings.IMPORT_MAX_COLUMNS
    message = f"The header has {count:,} columns; at most {limit} are accepted (the template has {len(KNOWN_COLUMNS)})."
    return ImportFileInvalid(message, errors={"columns": [message]})


def _line_too_long(line_number: int) -> ImportFileInvalid:
    limit = settings.IMPORT_MAX_LINE_LENGTH
    message = f"Line {line_number} is longer than {limit:,} characters."
    return ImportFileInvalid(message, errors={"file": [message]})


def import_header_check(columns: list[str]) -> None:
    """Raise ``ImportFileInvalid`` naming unknown, repeated or missing columns (linear in the columns)."""
    if len(columns) > settings.IMPORT_MAX_COLUMNS:
        raise _too_many_columns(len(columns))
    unknown = [column for column in columns if column not in KNOWN_COLUMNS]
    errors: dict[str, list[str]] = {}
    if unknown:
        shown = ", ".join(repr(column) for column in unknown[:UNKNOWN_COLUMNS_SHOWN])
        more = f" and {len(unknown) - UNKNOWN_COLUMNS_SHOWN} more" if len(unknown) > UNKNOWN_COLUMNS_SHOWN else ""
        errors["columns"] = [f"Unknown columns: {shown}{more}."]
    counts = Counter(columns)
    repeated = sorted(column for column, count in counts.items() if count > 1)
    if repeated:
        errors.setdefault("columns", []).append(f"Repeated columns: {', '.join(repeated)}.")
    if "sku" not in columns:
        errors.setdefault("columns", []).append("The 'sku' column is required.")
    if errors:
        raise ImportFileInvalid(
            "; ".join(message for messages in errors.values() for message in messages),
            errors=errors,
            extra={"unknown_columns": unknown[:UNKNOWN_COLUMNS_SHOWN]},
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
    # Bounded before the CSV parser sees it: one line, of a bounded length and column count.
    first_line, _newline, _rest = text.partition("\n")
    first_line = first_line.split("\r", 1)[0]
    if (not _newline and len(head) >= HEADER_PROBE_BYTES) or len(first_line) > settings.IMPORT_MAX_LINE_LENGTH:
        raise _line_too_long(1)
    delimiter = _sniff_delimiter(first_line)
    if first_line.count(delimiter) >= settings.IMPORT_MAX_COLUMNS:
        raise _too_many_columns(first_line.count(delimiter) + 1)
    columns = _header_columns(next(csv.reader([first_line], delimiter=delimiter), []))
    import_header_check(columns)
    return columns


def _bounded_lines(text: IO[str], first_number: int) -> Iterator[str]:
    """The file's lines, refusing one longer than ``IMPORT_MAX_LINE_LENGTH`` before it is parsed."""
    limit = settings.IMPORT_MAX_LINE_LENGTH
    number = first_number
    while line := text.readline(limit + 1):
        if len(line) > limit and not line.endswith(("\n", "\r")):
            raise _line_too_long(number)
        yield line
        number += 1


def open_rows(fp: IO[bytes]) -> tuple[list[str], str, Iterator[list[str]]]:
    text = io.TextIOWrapper(fp, encoding="utf-8-sig", newline="")
    header_line = next(_bounded_lines(text, 1), "")
    delimiter = _sniff_delimiter(header_line)
    if header_line.count(delimiter) >= settings.IMPORT_MAX_COLUMNS:
        raise _too_many_columns(header_line.count(delimiter) + 1)
    columns = _header_columns(next(csv.reader([header_line], delimiter=delimiter), []))
    return columns, delimiter, csv.reader(_bounded_lines(text, 2), delimiter=delimiter)


def is_skipped(cells: list[str]) -> bool:
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


def parse_row(number: int, cells: list[str], context: ImportContext) -> tuple[ParsedRow | None, list[RowError]]:
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
                description = raw.strip()
                if len(description) > settings.PRODUCT_DESCRIPTION_MAX_LENGTH:
                    raise RowError(column, f"At most {settings.PRODUCT_DESCRIPTION_MAX_LENGTH:,} characters.")
                product["description"] = description
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
                if name == "description" and len(text) > settings.PRODUCT_DESCRIPTION_MAX_LENGTH:
                    raise RowError(column, f"At most {settings.PRODUCT_DESCRIPTION_MAX_LENGTH:,} characters.")
                parsed.translations.setdefault(language, {})[name] = text
        except RowError as error:
            errors.append(error)
    return (None if errors else parsed), errors
