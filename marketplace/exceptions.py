"""Catalog errors with stable codes (rendered by the API error handler)."""

from core.exceptions import Conflict, DomainError, ValidationFailed


class ProductNotReady(ValidationFailed):
    """Raised when a product would be ``active`` without what buyers, customs and warehouses need."""

    code = "product_not_ready"
    default_detail = "The product cannot be active yet; fill in every missing field."


class SkuTaken(Conflict):
    code = "sku_taken"
    default_detail = "You already use this SKU on another variant."


class ProductInUse(Conflict):
    code = "product_in_use"
    default_detail = "This product has stock or orders; archive it instead of deleting it."


class ImageTooLarge(DomainError):
    status_code = 413
    code = "image_too_large"
    default_detail = "The image file is too large."


class UnsupportedImage(DomainError):
    status_code = 415
    code = "unsupported_image"
    default_detail = "Upload a JPEG, PNG or WebP image."


class ImageTooManyPixels(ValidationFailed):
    code = "image_too_many_pixels"
    default_detail = "The image has too many pixels (possible decompression bomb)."


class ImageUnreadable(ValidationFailed):
    code = "image_unreadable"
    default_detail = "The image is damaged or truncated and cannot be decoded."


class ImportFileTooLarge(DomainError):
    status_code = 413
    code = "import_file_too_large"
    default_detail = "The CSV file is too large."


class ImportFileInvalid(ValidationFailed):
    code = "import_file_invalid"
    default_detail = "The CSV file cannot be imported."
