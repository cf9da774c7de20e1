"""Demo step: the ten warehouses on their hubs, a staff login per overseas warehouse, and demo stock.

Stock goes in through ``stock_receive`` (reference ``DEMO-SEED``), so the ledger adds up. Only the
demo catalog's own variants (``demo.ownership``) get opening stock, each once: a (variant,
warehouse) pair already seeded is left alone, and no other product ever gets invented stock, so
running the step again changes nothing. Placement follows the
goods' origin: Chinese goods at Lianyungang, Almaty and Moscow, Uzbek goods at Tashkent and
Urumqi, perishables only where there is cold storage, and so on, so a buyer in Kazakhstan
ordering from a Chinese and an Uzbek seller gets two shipments from two warehouses.
"""

import zlib
from collections.abc import Callable

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from demo.ownership import demo_variants
from marketplace.models import ProductStatus, ProductVariant
from warehouses.models import StockLedgerEntry, Warehouse, WarehouseKind
from warehouses.services import staff_assign, stock_receive, stock_settings_update, warehouse_staff_group_ensure
from warehouses.transport.models import Hub
from warehouses.transport.services import network_load_seed

SEED_REFERENCE = "DEMO-SEED"
STAFF_PASSWORD = "karavan-staff"

# code, name, country, city, cold storage, kind
WAREHOUSES = [
    ("LYG", "Lianyungang SCO Logistics Park", "CN", "Lianyungang", False, WarehouseKind.ORIGIN_HUB),
    ("TAO", "Qingdao SCO Demonstration Area", "CN", "Qingdao", True, WarehouseKind.ORIGIN_HUB),
    ("HRG", "Horgos Land Port", "CN", "Horgos", True, WarehouseKind.ORIGIN_HUB),
    ("URC", "Urumqi International Land Port", "CN", "Urumqi", False, WarehouseKind.ORIGIN_HUB),
    ("ALA", "Almaty", "KZ", "Almaty", True, WarehouseKind.OVERSEAS),
    ("TAS", "Tashkent", "UZ", "Tashkent", True, WarehouseKind.OVERSEAS),
    ("FRU", "Bishkek", "KG", "Bishkek", False, WarehouseKind.OVERSEAS),
    ("MOW", "Moscow", "RU", "Moscow", True, WarehouseKind.OVERSEAS),
    ("OVB", "Novosibirsk", "RU", "Novosibirsk", False, WarehouseKind.OVERSEAS),
    ("MSQ", "Minsk", "BY", "Minsk", False, WarehouseKind.OVERSEAS),
]

# Where a product's origin country keeps its stock (first = nearest the maker).
PLACEMENT = {
    "CN": ["LYG", "ALA", "MOW"],
    "UZ": ["TAS", "URC"],
    "KZ": ["ALA", "MOW"],
    "KG": ["FRU", "ALA"],
    "RU": ["MOW", "OVB"],
    "BY": ["MSQ", "MOW"],
}
DEFAULT_PLACEMENT = ["ALA", "MOW"]
# Perishables only where there is cold storage: Chinese and Uzbek fruit through Horgos (the
# green channel), and the overseas warehouses with cold rooms.
PERISHABLE_PLACEMENT = {
    "CN": ["HRG", "ALA", "MOW"],
    "UZ": ["TAS", "HRG"],
    "KG": ["ALA", "TAS"],
    "KZ": ["ALA", "MOW"],
    "RU": ["MOW", "ALA"],
    "BY": ["MOW", "ALA"],
}


def _quantity(sku: str, code: str) -> int:
    """A stable demo quantity between 12 and 120 (the same on every run)."""
    return 12 + zlib.crc32(f"{sku}:{code}".encode()) % 109


def _bin(sku: str, code: str) -> str:
    """A stable demo bin (aisle-rack-shelf), so pick lists have an order to walk."""
    number = zlib.crc32(f"bin:{sku}:{code}".encode())
    return f"{'ABCDEF'[number % 6]}-{number // 6 % 12 + 1:02d}-{number // 72 % 4 + 1}"


def _warehouses(log: Callable[[str], None]) -> dict[str, Warehouse]:
    hubs = {hub.code: hub for hub in Hub.objects.filter(code__in=[row[0] for row in WAREHOUSES])}
    if len(hubs) < len(WAREHOUSES):
        network_load_seed()
        hubs = {hub.code: hub for hub in Hub.objects.filter(code__in=[row[0] for row in WAREHOUSES])}
    warehouses = {}
    for code, name, country, city, cold_storage, kind in WAREHOUSES:
        hub = hubs[code]
        warehouses[code], _ = Warehouse.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "country": country,
                "city": city,
                "timezone": hub.timezone,
                "hub": hub,
                "cold_storage": cold_storage,
                "kind": kind,
            },
        )
    log(f"  warehouses: {', '.join(warehouses)}")
    return warehouses


def _staff(warehouses: dict[str, Warehouse], log: Callable[[str], None]) -> None:
    warehouse_staff_group_ensure()
    for code, warehouse in warehouses.items():
        if warehouse.kind != WarehouseKind.OVERSEAS:
            continue
        email = f"staff.{code.lower()}@karavan.local"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=STAFF_PASSWORD, full_name=f"{warehouse.name} staff")
        staff_assign(user=user, warehouse=warehouse)
        log(f"  staff  {email} / {STAFF_PASSWORD}  ({code}: admin and scanner API)")


def stock_seed(
    *, warehouses: dict[str, Warehouse], variants: QuerySet[ProductVariant], log: Callable[[str], None]
) -> None:
    """Opening stock for ``variants`` where their origin keeps it; pairs seeded before are skipped."""
    variants = variants.filter(is_active=True, product__status=ProductStatus.ACTIVE).select_related("product", "seller")
    seeded = set(
        StockLedgerEntry.objects.filter(reference=SEED_REFERENCE, stock__variant__in=variants.values("pk")).values_list(
            "stock__variant_id", "stock__warehouse_id"
        )
    )
    received = 0
    for variant in variants.order_by("pk"):
        origin = variant.product.origin_country or variant.seller.country
        placement = PERISHABLE_PLACEMENT if variant.product.perishable else PLACEMENT
        for code in placement.get(origin, DEFAULT_PLACEMENT):
            warehouse = warehouses[code]
            if (variant.pk, warehouse.pk) in seeded:
                continue
            stock = stock_receive(
                variant_id=variant.pk,
                warehouse_id=warehouse.pk,
                quantity=_quantity(variant.sku, code),
                reference=SEED_REFERENCE,
                reason="Demo opening stock",
            )
            stock_settings_update(stock=stock, bin_location=_bin(variant.sku, code))
            received += 1
    log(f"  stock: {received} stock rows received ({len(seeded)} already there)")


@transaction.atomic
def run(*, log: Callable[[str], None]) -> None:
    warehouses = _warehouses(log)
    _staff(warehouses, log)
    stock_seed(warehouses=warehouses, variants=demo_variants(), log=log)
