"""Barcode labels as inline SVG (python-barcode): the variant's EAN/GTIN when it has a valid one,
else a Code 128 of its SKU, which is what the scan fields of the staff pages match."""

import re
from dataclasses import dataclass

import barcode
from barcode.errors import BarcodeError
from barcode.writer import SVGWriter
from django.utils.safestring import SafeString, mark_safe

#: Label geometry in millimetres: readable by a handheld scanner at arm's length on a 62 mm label.
WRITER_OPTIONS = {"module_width": 0.25, "module_height": 12.0, "font_size": 8, "text_distance": 4, "quiet_zone": 3}
_GTIN_BY_LENGTH = {8: "ean8", 12: "upca", 13: "ean13", 14: "ean14"}


@dataclass(frozen=True, slots=True)
class Label:
    symbology: str
    code: str
    svg: SafeString


def _svg(symbology: str, code: str) -> str:
    rendered = barcode.get(symbology, code, writer=SVGWriter()).render(writer_options=WRITER_OPTIONS)
    text = rendered.decode("utf-8")
    # Inline in HTML: drop the XML prologue and doctype, keep the <svg> element.
    return text[text.index("<svg") :]


def _valid_gtin(code: str) -> str | None:
    """The python-barcode symbology of a GTIN whose check digit is right, else None."""
    symbology = _GTIN_BY_LENGTH.get(len(code)) if re.fullmatch(r"\d+", code) else None
    if symbology is None:
        return None
    digits = [int(digit) for digit in code]
    body, check = digits[:-1], digits[-1]
    weighted = sum(digit * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return symbology if (10 - weighted % 10) % 10 == check else None


def label_for(*, sku: str, gtin: str = "") -> Label:
    """The label of a variant: its GTIN as EAN/UPC when valid, otherwise Code 128 of the SKU."""
    gtin = (gtin or "").strip()
    symbology = _valid_gtin(gtin) if gtin else None
    if symbology is not None:
        try:
            # The symbology computes the check digit itself: give it the code without it.
            return Label(symbology, gtin, mark_safe(_svg(symbology, gtin[:-1])))  # noqa: S308
        except BarcodeError:
            pass
    # Generated SVG of our own SKU text (escaped by the writer): safe to inline.
    return Label("code128", sku, mark_safe(_svg("code128", sku)))  # noqa: S308
