"""Catalog errors with stable codes (rendered by the API error handler)."""

from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError, ValidationFailed


class ProductNotReady(ValidationFailed):
    """Raised when a product would be ``active`` without what buyers, customs and warehouses need."""

    code = "product_not_ready"
    default_detail = _("The product cannot be active yet; fill in every missing field.")


class SkuTaken(Conflict):
    code = "sku_taken"
    default_detail = _("You already use this SKU on another variant.")


class ProductInUse(Conflict):
    code = "product_in_use"
    default_detail = _("This product has stock or orders; archive it instead of deleting it.")


class ImageTooLarge(DomainError):
    status_code = 413
    code = "image_too_large"
    default_detail = _("The image file is too large.")


class UnsupportedImage(DomainError):
    status_code = 415
    code = "unsupported_image"
    default_detail = _("Upload a JPEG, PNG or WebP image.")


class ImageTooManyPixels(ValidationFailed):
    code = "image_too_many_pixels"
    default_detail = _("The image has too many pixels (possible decompression bomb).")


class ImageUnreadable(ValidationFailed):
    code = "image_unreadable"
    default_detail = _("The image is damaged or truncated and cannot be decoded.")


class ImportFileTooLarge(DomainError):
    status_code = 413
    code = "import_file_too_large"
    default_detail = _("The CSV file is too large.")


class ImportFileInvalid(ValidationFailed):
    code = "import_file_invalid"
    default_detail = _("The CSV file cannot be imported.")


class LiveStreamStateConflict(Conflict):
    """The stream is not in a state that allows this step; ``extra`` carries ``current_status``."""

    code = "livestream_state_conflict"
    default_detail = _("The live stream is not in a state that allows this.")


class LivePriceNotADiscount(ValidationFailed):
    code = "live_price_not_a_discount"
    default_detail = _("A live price must be below the lowest price of the last 30 days.")


class LiveOfferInUse(Conflict):
    code = "live_offer_in_use"
    default_detail = _("Units of this offer are already sold; lower its cap instead of removing it.")


class LiveOfferSoldOut(Conflict):
    code = "live_offer_sold_out"
    default_detail = _("The live offer is sold out.")


class LiveOfferLimitReached(Conflict):
    code = "live_offer_limit_reached"
    default_detail = _("You already bought as many as one buyer may at the live price.")
