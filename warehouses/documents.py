"""Printable warehouse documents (print-ready HTML): pick lists, packing slips, departure manifests and
barcode labels, in the reader's language (rendered under the request's active language).

The manifest lists, per line, what customs and the carrier ask for: the 6-digit HS code, the
country of origin, the weight and the declared value (summed per currency, never converted).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from core.money import Money, money_round
from warehouses.barcodes import label_for
from warehouses.floor import floor_lines, variant_label
from warehouses.models import OutboundShipment, Stock


@dataclass
class ManifestLine:
    shipment: OutboundShipment
    unit: str
    sku: str
    description: str
    hs_code: str
    origin_country: str
    quantity: int
    weight_kg: Decimal
    declared_value: Money


@dataclass
class Manifest:
    departure: Any
    lines: list[ManifestLine] = field(default_factory=list)

    @property
    def total_weight_kg(self) -> Decimal:
        return sum((line.weight_kg for line in self.lines), Decimal(0))

    @property
    def totals_by_currency(self) -> list[Money]:
        totals: dict[str, Money] = {}
        for line in self.lines:
            code = line.declared_value.currency.code
            totals[code] = totals[code] + line.declared_value if code in totals else line.declared_value
        return [money_round(totals[code]) for code in sorted(totals)]

    @property
    def shipment_count(self) -> int:
        return len({line.shipment.pk for line in self.lines})


def manifest_build(*, departure: Any, shipments: Iterable[OutboundShipment]) -> Manifest:
    manifest = Manifest(departure=departure)
    for shipment in shipments:
        for line in shipment.lines.all():
            product = line.variant.product
            manifest.lines.append(
                ManifestLine(
                    shipment=shipment,
                    unit=shipment.departure_unit.number if shipment.departure_unit else "",
                    sku=line.variant.sku,
                    description=variant_label(line.variant).split(" · ", 1)[-1]
                    + (f" ({product.title})" if line.variant.name and product.title != line.variant.name else ""),
                    hs_code=(product.hs_code or "")[:6],
                    origin_country=product.origin_country,
                    quantity=line.quantity,
                    weight_kg=line.weight_kg,
                    declared_value=money_round(line.declared_value),
                )
            )
    return manifest


def _render(template: str, context: dict[str, Any]) -> str:
    return render_to_string(template, {"printed_at": timezone.now(), **context})


def _with_floor_lines(shipments: Iterable[OutboundShipment]) -> list[tuple[OutboundShipment, list[Any]]]:
    return [
        (shipment, floor_lines(warehouse_id=shipment.warehouse_id, lines=shipment.lines.all()))
        for shipment in shipments
    ]


def pick_list_render(*, shipments: Iterable[OutboundShipment]) -> str:
    """One page per shipment, its lines in bin order: a picker walks the aisles once."""
    return _render("warehouses/documents/pick_list.html", {"pages": _with_floor_lines(shipments)})


def packing_slip_render(*, shipments: Iterable[OutboundShipment]) -> str:
    return _render("warehouses/documents/packing_slip.html", {"pages": _with_floor_lines(shipments)})


def labels_render(*, stocks: Iterable[Stock], copies: int = 1) -> str:
    """Barcode labels of stock rows (EAN/GTIN when valid, else Code 128 of the SKU), ``copies`` each."""
    labels = []
    for stock in stocks:
        label = label_for(sku=stock.variant.sku, gtin=stock.variant.barcode)
        labels.extend([(stock, label)] * copies)
    return _render("warehouses/documents/labels.html", {"labels": labels})


def manifest_render(*, manifests: Iterable[Manifest]) -> str:
    return _render("warehouses/documents/manifest.html", {"manifests": list(manifests)})
