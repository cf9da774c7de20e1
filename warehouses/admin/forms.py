"""Forms of the staff pages: packing, dispatch (asking what the mode needs), and reading scanned counts."""

from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from warehouses.dispatch import DispatchDocument
from warehouses.models import STOCK_UNITS_MAX
from warehouses.services.inbound import InboundCount

#: Seals on one unit: a trailer or container carries a handful, never hundreds.
MAX_SEALS = 12


class PackForm(forms.Form):
    weight_kg = forms.DecimalField(
        label=_("Weight (kg)"), min_value=Decimal("0.001"), max_digits=10, decimal_places=3, required=False
    )
    length_cm = forms.DecimalField(
        label=_("Length (cm)"), min_value=Decimal("0.1"), max_digits=8, decimal_places=1, required=False
    )
    width_cm = forms.DecimalField(
        label=_("Width (cm)"), min_value=Decimal("0.1"), max_digits=8, decimal_places=1, required=False
    )
    height_cm = forms.DecimalField(
        label=_("Height (cm)"), min_value=Decimal("0.1"), max_digits=8, decimal_places=1, required=False
    )


class DispatchForm(forms.Form):
    """Asks for the document the shipment's mode travels under, seals as a list, a courier for parcels."""

    carrier_ref = forms.CharField(max_length=64)
    carrier_name = forms.CharField(max_length=64, required=False, label=_("Courier"))

    def __init__(self, *args: Any, document: DispatchDocument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document = document
        self.fields["carrier_ref"].label = document.label
        self.fields["carrier_ref"].help_text = document.help_text
        if document.asks_courier:
            self.fields["carrier_name"].required = True
            self.fields["carrier_name"].help_text = _("e.g. Kazpost, CDEK, DHL")
        else:
            del self.fields["carrier_name"]
        data = args[0] if args else kwargs.get("data")
        self.seal_values = [
            seal.strip().upper()
            for seal in (data.getlist("seal") if isinstance(data, QueryDict) else [])
            if seal.strip()
        ]

    def clean_carrier_ref(self) -> str:
        reference = " ".join(self.cleaned_data["carrier_ref"].split()).upper()
        if not self.document.check(reference):
            raise forms.ValidationError(self.document.pattern_error)
        return reference

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.document.asks_seals:
            self.seal_values = []
        if len(self.seal_values) > MAX_SEALS:
            self.add_error(None, gettext("At most %(count)d seals.") % {"count": MAX_SEALS})
        if any(len(seal) > 32 for seal in self.seal_values):
            self.add_error(None, gettext("A seal number has at most 32 characters."))
        if len(set(self.seal_values)) != len(self.seal_values):
            self.add_error(None, gettext("A seal number is listed twice."))
        if self.document.seals_required and not self.seal_values:
            self.add_error(None, gettext("A TIR truck leaves under customs seals: enter at least one seal number."))
        return cleaned

    def seals(self) -> list[str]:
        return list(self.seal_values)


def _whole(value: str, *, label: str, errors: list[str]) -> int | None:
    value = (value or "").strip()
    if value == "":
        return None
    if not value.isdigit() or int(value) > STOCK_UNITS_MAX:
        errors.append(gettext("%(what)s: a whole number of units, 0 or more.") % {"what": label})
        return None
    return int(value)


def receive_counts(data: QueryDict, open_lines: list[Any]) -> tuple[list[InboundCount], list[str]]:
    """The counts typed or scanned on the receiving page; lines left empty are not counted yet."""
    counts: list[InboundCount] = []
    errors: list[str] = []
    for line in open_lines:
        sku = line.variant.sku
        received = _whole(data.get(f"received_{line.pk}", ""), label=sku, errors=errors)
        damaged = _whole(data.get(f"damaged_{line.pk}", ""), label=sku, errors=errors) or 0
        reason = (data.get(f"reason_{line.pk}", "") or "").strip()[:200]
        if received is None:
            if damaged:
                errors.append(gettext("%(sku)s: enter how many arrived, damaged ones included.") % {"sku": sku})
            continue
        counts.append(InboundCount(sku, received, damaged, reason))
    skus, quantities = data.getlist("surplus_sku"), data.getlist("surplus_qty")
    for sku, raw in zip(skus[:100], quantities[:100], strict=False):
        sku = sku.strip()[:64]
        quantity = _whole(raw, label=sku, errors=errors)
        if sku and quantity:
            counts.append(InboundCount(sku, quantity))
    return counts, errors


def scanned_counts(data: QueryDict, lines: list[Any]) -> dict[int, int]:
    """Units confirmed by scanning per line id (the hidden counters of the pick and pack pages)."""
    counts: dict[int, int] = {}
    for line in lines:
        raw = (data.get(f"scanned_{line.pk}", "") or "").strip()
        counts[line.pk] = int(raw) if raw.isdigit() and len(raw) < 10 else 0
    return counts
