"""What a dispatch needs, per mode: the transit document a TIR truck, a train or a courier hands over.

A TIR truck leaves under a TIR carnet and customs seals; a train under an SMGS consignment note
(container seals if any); a parcel that stays in the country goes to a courier with a tracking
number (no customs document, no seals). The dispatch form asks for exactly this, so nobody types
a carnet number for a local parcel.
"""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from warehouses.models import OutboundShipment


@dataclass(frozen=True, slots=True)
class DispatchDocument:
    kind: str  # tir_carnet | smgs | cmr | bill_of_lading | tracking
    label: Promise
    help_text: Promise
    pattern: str
    pattern_error: Promise
    seals_required: bool = False
    asks_seals: bool = True
    asks_courier: bool = False

    def check(self, reference: str) -> bool:
        return re.fullmatch(self.pattern, reference.strip().upper()) is not None


TIR_CARNET = DispatchDocument(
    kind="tir_carnet",
    label=_("TIR carnet number"),
    help_text=_("Two letters and the carnet's 7–8 digits, e.g. XA 12345678."),
    pattern=r"[A-Z]{2} ?\d{7,8}",
    pattern_error=_("A TIR carnet number is two letters and 7–8 digits, e.g. XA 12345678."),
    seals_required=True,
)
SMGS = DispatchDocument(
    kind="smgs",
    label=_("SMGS consignment note number"),
    help_text=_("The number on the rail consignment note (CIM/SMGS)."),
    pattern=r"[A-Z0-9][A-Z0-9 /-]{3,31}",
    pattern_error=_("4–32 letters, digits, spaces, / or -."),
)
CMR = DispatchDocument(
    kind="cmr",
    label=_("CMR consignment note number"),
    help_text=_("The road consignment note of a non-TIR truck."),
    pattern=r"[A-Z0-9][A-Z0-9 /-]{3,31}",
    pattern_error=_("4–32 letters, digits, spaces, / or -."),
)
BILL_OF_LADING = DispatchDocument(
    kind="bill_of_lading",
    label=_("Bill of lading number"),
    help_text=_("The sea carrier's bill of lading."),
    pattern=r"[A-Z0-9][A-Z0-9 /-]{3,31}",
    pattern_error=_("4–32 letters, digits, spaces, / or -."),
)
COURIER = DispatchDocument(
    kind="tracking",
    label=_("Courier tracking number"),
    help_text=_("A local parcel: the courier's tracking number (no customs document, no seals)."),
    pattern=r"[A-Z0-9][A-Z0-9-]{5,39}",
    pattern_error=_("6–40 letters, digits or -."),
    asks_seals=False,
    asks_courier=True,
)

_BY_MODE = {"tir": TIR_CARNET, "rail": SMGS, "rail_road": SMGS, "rail_sea_rail": SMGS, "sea": BILL_OF_LADING}


def dispatch_document_for(shipment: OutboundShipment) -> DispatchDocument:
    """The document this shipment leaves under: by its mode, and a road parcel inside the warehouse's
    own country is a courier parcel."""
    if shipment.mode == "road" or not shipment.mode:
        return COURIER if shipment.country == shipment.warehouse.country else CMR
    return _BY_MODE.get(shipment.mode, CMR)
