"""Demo step: 12 sellers from CN, UZ, KG, KZ and RU with their catalogs and generated images.

Everything goes through the same code paths as real sellers: ``seller_create`` (the SCO rule),
the CSV importer (one import per seller, from ``demo/data/demo_catalog.csv``) and the image
service (a Pillow-drawn card per product, thumbnails included). Running it again changes
nothing: users and sellers are looked up first, a re-import finds every row unchanged, and a
product that has an image gets no second one.
"""

import csv
import io
import zlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont
from rest_framework.authtoken.models import Token

from accounts.models import User
from marketplace.models import ImageStatus, Product
from marketplace.services.categories import category_seed_defaults
from marketplace.services.images import product_image_add, product_image_thumbnails_make
from marketplace.services.imports import CONTRACT_COLUMNS, catalog_import_create, catalog_import_run
from sellers.models import PayoutStatus, Seller
from sellers.selectors import seller_for_user
from sellers.services import seller_create, seller_payout_status_set

CATALOG_PATH = Path(__file__).resolve().parent / "data" / "demo_catalog.csv"
SELLER_PASSWORD = "karavan-seller"
EMAIL_DOMAIN = "sellers.karavan.local"
IMPORT_COLUMNS = [*CONTRACT_COLUMNS, "title_ru", "title_zh"]
# Card colours per category (background, text), so the demo shop reads at a glance.
PALETTE = {
    "electronics": ((32, 74, 135), (255, 255, 255)),
    "household": ((196, 120, 64), (255, 255, 255)),
    "tools-renovation": ((90, 90, 90), (255, 214, 0)),
    "clothing-shoes": ((150, 52, 110), (255, 255, 255)),
    "agri-machinery": ((46, 110, 52), (255, 236, 160)),
    "fresh-produce": ((220, 70, 60), (255, 255, 255)),
    "food": ((232, 170, 40), (60, 40, 10)),
    "health": ((40, 150, 150), (255, 255, 255)),
}


def _rows_by_seller() -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    with CATALOG_PATH.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            grouped[row["seller_ref"]].append(row)
    return grouped


def _seller(reference: str, first: dict[str, str]) -> tuple[User, Seller]:
    email = f"{reference}@{EMAIL_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=SELLER_PASSWORD, full_name=first["seller_name"])
    Token.objects.get_or_create(user=user)
    seller = seller_for_user(user=user)
    if seller is None:
        seller = seller_create(
            user=user,
            display_name=first["seller_name"],
            legal_name=first["seller_name"],
            country=first["seller_country"],
            currency=first["seller_currency"],
        )
    # Payouts enabled offline, as the stand-in onboarding does: no Stripe call from a seed.
    seller_payout_status_set(seller=seller, status=PayoutStatus.ENABLED)
    return user, seller


def _import(user: User, seller: Seller, rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=IMPORT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    upload = ContentFile(buffer.getvalue().encode("utf-8"), name="demo_catalog.csv")
    catalog_import = catalog_import_create(seller=seller, user=user, upload=upload, schedule=False)
    done = catalog_import_run(import_id=catalog_import.pk)
    assert done is not None
    if done.error_count:
        raise RuntimeError(f"demo catalog rows refused for {seller}: {done.errors}")
    return f"{done.created_count} new, {done.updated_count} updated, {done.unchanged_count} unchanged"


def _initials(title: str) -> str:
    words = [word for word in title.replace("(", " ").split() if word[:1].isalpha()]
    return "".join(word[0] for word in words[:2]).upper() or "K"


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow built without FreeType: the small bitmap font
        return ImageFont.load_default()


def product_card(product: Product) -> bytes:
    """An 800×800 card: category colour, the product's initials, its title and seller."""
    slug = product.category.slug if product.category else ""
    background, ink = PALETTE.get(slug, ((70, 70, 110), (255, 255, 255)))
    shade = zlib.crc32(product.title.encode()) % 40 - 20
    background = tuple(max(0, min(255, channel + shade)) for channel in background)
    card = Image.new("RGB", (800, 800), background)
    draw = ImageDraw.Draw(card)
    draw.rounded_rectangle((40, 40, 760, 760), radius=40, outline=ink, width=6)
    draw.text((400, 350), _initials(product.title), fill=ink, font=_font(240), anchor="mm")
    draw.text((400, 600), product.title[:44], fill=ink, font=_font(34), anchor="mm")
    draw.text((400, 660), product.seller.display_name[:44], fill=ink, font=_font(26), anchor="mm")
    buffer = io.BytesIO()
    card.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _images(seller: Seller) -> int:
    made = 0
    for product in Product.objects.filter(seller=seller).select_related("category", "seller"):
        if product.images.exists():
            continue
        upload = ContentFile(product_card(product), name=f"{product.external_ref or product.pk}.jpg")
        image = product_image_add(product=product, upload=upload)
        image.refresh_from_db()
        if image.status != ImageStatus.READY:  # with a broker the task may not have run yet
            product_image_thumbnails_make(image_id=image.pk)
        made += 1
    return made


def run(*, log: Callable[[str], None]) -> None:
    category_seed_defaults()
    first_login = None
    for reference, rows in _rows_by_seller().items():
        user, seller = _seller(reference, rows[0])
        outcome = _import(user, seller, rows)
        images = _images(seller)
        log(f"  seller {seller.display_name} ({seller.country}): {outcome}; {images} new images")
        first_login = first_login or user.email
    log(f"  seller login  {first_login} / {SELLER_PASSWORD}  (every seller: <seller_ref>@{EMAIL_DOMAIN})")
