"""Demo step: 12 sellers from CN, UZ, KG, KZ and RU with their catalogs and generated images.

Everything goes through the same code paths as real sellers: ``seller_create`` (the SCO rule),
the CSV importer (one import per seller, from ``demo/data/demo_catalog.csv``) and the image
service (a Pillow-drawn card per product, thumbnails included). Running it again changes
nothing and takes well under a second, however big the catalogs grew since: users and sellers are
looked up first, only demo SKUs that are missing are imported (none: no import at all), and only
the demo's own products (``demo.ownership``) get a card when they have no image. A demo seller's
other products, and every other seller's, are never touched.
"""

import csv
import io
import zlib
from collections.abc import Callable
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from accounts.models import User
from demo.ownership import (
    CATALOG_PATH,
    SELLER_EMAIL_DOMAIN,
    catalog_rows_by_seller,
    demo_products,
    seller_email,
)
from marketplace.models import ImageStatus, Product, ProductVariant
from marketplace.services.categories import category_seed_defaults
from marketplace.services.images import product_image_add, product_image_thumbnails_make
from marketplace.services.imports import CONTRACT_COLUMNS, catalog_import_create, catalog_import_run
from sellers.models import PayoutStatus, Seller
from sellers.selectors import seller_for_user
from sellers.services import seller_create, seller_payout_status_set

SELLER_PASSWORD = "karavan-seller"
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


def _seller(reference: str, first: dict[str, str]) -> tuple[User, Seller]:
    email = seller_email(reference)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=SELLER_PASSWORD, full_name=first["seller_name"])
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
        # Only for a seller the seed creates: a demo seller's later changes are theirs to keep.
        seller_payout_status_set(seller=seller, status=PayoutStatus.ENABLED)
    return user, seller


def _import(user: User, seller: Seller, rows: tuple[dict[str, str], ...]) -> str:
    """Import the demo rows whose SKU the seller lacks; the rows that exist are the seller's now."""
    existing = set(
        ProductVariant.objects.filter(seller=seller, sku__in=[row["sku"] for row in rows]).values_list("sku", flat=True)
    )
    missing = [row for row in rows if row["sku"] not in existing]
    if not missing:
        return f"{len(rows)} already there"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=IMPORT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(missing)
    upload = ContentFile(buffer.getvalue().encode("utf-8"), name="demo_catalog.csv")
    catalog_import = catalog_import_create(seller=seller, user=user, upload=upload, schedule=False)
    done = catalog_import_run(import_id=catalog_import.pk)
    assert done is not None
    if done.error_count:
        raise RuntimeError(f"demo catalog rows refused for {seller}: {done.errors}")
    return f"{done.created_count} new, {done.updated_count} updated, {len(existing)} already there"


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


def _images(reference: str, seller: Seller, *, path: Path = CATALOG_PATH) -> int:
    """A card for each of the seller's demo products (those listed in ``path``) that has no image."""
    made = 0
    products = demo_products({reference: seller}, path=path)
    bare = products.filter(images__isnull=True).select_related("category", "seller")
    for product in bare.order_by("pk"):
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
    for reference, rows in catalog_rows_by_seller().items():
        user, seller = _seller(reference, rows[0])
        outcome = _import(user, seller, rows)
        images = _images(reference, seller)
        log(f"  seller {seller.display_name} ({seller.country}): {outcome}; {images} new images")
        first_login = first_login or user.email
    log(f"  seller login  {first_login} / {SELLER_PASSWORD}  (every seller: <seller_ref>@{SELLER_EMAIL_DOMAIN})")
