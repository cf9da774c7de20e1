"""Cart writes: add, change, remove lines; merge an anonymous session's cart into the user's at login."""

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.money import Money
from core.transactions import guarded_write
from marketplace.models import ProductStatus, ProductVariant
from orders.exceptions import CartLineInvalid
from orders.models import Cart, CartItem
from orders.services.live import live_cart_line_check, live_line_pricing
from orders.services.live import live_offers_release as live_offers_release


def live_price_for(*, variant: ProductVariant, livestream_id: int | None, user: Any = None) -> Money | None:
    """The live price of ``variant`` in stream ``livestream_id`` for one unit right now, else None."""
    pricing = live_line_pricing(variant=variant, livestream_id=livestream_id, user=user, quantity=1)
    return pricing.price if pricing is not None else None


def cart_get_or_create(*, user: Any) -> Cart:
    cart = Cart.objects.filter(user=user).first()
    if cart is not None:
        cart.user = user  # the caller's user object: reading cart.user later costs no query
        return cart
    try:
        return guarded_write(lambda: Cart.objects.create(user=user))
    except IntegrityError:  # two first requests raced
        return Cart.objects.get(user=user)


def _lock(cart: Cart) -> Cart:
    return Cart.objects.select_for_update().get(pk=cart.pk)


def _variant_for_cart(variant_id: Any) -> ProductVariant:
    if isinstance(variant_id, bool) or not isinstance(variant_id, int) or variant_id < 1:
        raise CartLineInvalid(_("Send the variant id as a positive integer."), errors={"variant": [_("Invalid id.")]})
    variant = ProductVariant.objects.select_related("product", "seller").filter(pk=variant_id).first()
    if variant is None:
        raise CartLineInvalid(_("No such product variant."), errors={"variant": [_("Unknown variant.")]})
    if not variant.is_active or variant.product.status != ProductStatus.ACTIVE or variant.seller.is_suspended:
        raise CartLineInvalid(_("This product is not for sale."), errors={"variant": [_("Not for sale.")]})
    if variant.price is None:
        raise CartLineInvalid(_("This product has no price yet."), errors={"variant": [_("Not for sale.")]})
    return variant


def _check_limits(
    *, cart: Cart, variant: ProductVariant, new_quantity: int, exclude_item_id: int | None, others: int | None = None
) -> None:
    """The per-line and per-product caps; ``others`` is the product's other lines' units, when known."""
    if new_quantity < 1:
        raise CartLineInvalid(_("Quantity must be at least 1."), errors={"quantity": [_("Must be at least 1.")]})
    per_line = settings.CART_MAX_QUANTITY_PER_LINE
    if new_quantity > per_line:
        raise CartLineInvalid(
            _("At most %(limit)s of one item per order.") % {"limit": per_line},
            errors={"quantity": [_("At most %(limit)s.") % {"limit": per_line}]},
        )
    if others is None:
        others = (
            CartItem.objects.filter(cart=cart, variant__product_id=variant.product_id)
            .exclude(pk=exclude_item_id)
            .aggregate(total=Sum("quantity"))["total"]
            or 0
        )
    per_product = settings.CART_MAX_QUANTITY_PER_PRODUCT
    if others + new_quantity > per_product:
        raise CartLineInvalid(
            _("At most %(limit)s of one product per order.") % {"limit": per_product},
            errors={
                "quantity": [
                    _("At most %(limit)s of this product in all (already %(others)s).")
                    % {"limit": per_product, "others": others}
                ]
            },
        )


@transaction.atomic
def cart_item_add(*, cart: Cart, variant_id: Any, quantity: Any, livestream_id: int | None = None) -> CartItem:
    """Add a variant; a variant already in the cart gets its quantity raised (and the stream, if given)."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise CartLineInvalid(_("Quantity must be a whole number."), errors={"quantity": [_("Must be an integer.")]})
    variant = _variant_for_cart(variant_id)
    user = cart.user
    cart = _lock(cart)
    cart.user = user
    # The product's lines in this cart, read once: this variant's line (if any) and the others'
    # units for the per-product cap.
    product_lines = list(CartItem.objects.filter(cart=cart, variant__product_id=variant.product_id))
    item = next((line for line in product_lines if line.variant_id == variant.pk), None)
    others = sum(line.quantity for line in product_lines if line is not item)
    if quantity < 1:
        raise CartLineInvalid(_("Quantity must be at least 1."), errors={"quantity": [_("Must be at least 1.")]})
    new_quantity = quantity + (item.quantity if item else 0)
    _check_limits(
        cart=cart, variant=variant, new_quantity=new_quantity, exclude_item_id=item.pk if item else None, others=others
    )
    if livestream_id is not None:
        live_cart_line_check(variant=variant, livestream_id=livestream_id, user=cart.user, quantity=new_quantity)
    if item is None:
        item = CartItem.objects.create(cart=cart, variant=variant, quantity=quantity, livestream=livestream_id)
    else:
        item.quantity = new_quantity
        if livestream_id is not None:
            item.livestream = livestream_id
        item.save(update_fields=["quantity", "livestream", "updated_at"])
    Cart.objects.filter(pk=cart.pk).update(updated_at=item.updated_at)
    return item


@transaction.atomic
def cart_item_update(*, item: CartItem, quantity: Any) -> CartItem:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise CartLineInvalid(_("Quantity must be a whole number."), errors={"quantity": [_("Must be an integer.")]})
    cart = _lock(item.cart)
    item = CartItem.objects.select_related("variant").get(pk=item.pk, cart=cart)
    _check_limits(cart=cart, variant=item.variant, new_quantity=quantity, exclude_item_id=item.pk)
    if item.livestream:
        live_cart_line_check(variant=item.variant, livestream_id=item.livestream, user=cart.user, quantity=quantity)
    item.quantity = quantity
    item.save(update_fields=["quantity", "updated_at"])
    return item


@transaction.atomic
def cart_item_remove(*, item: CartItem) -> None:
    _lock(item.cart)
    CartItem.objects.filter(pk=item.pk).delete()


@transaction.atomic
def cart_clear(*, cart: Cart) -> None:
    CartItem.objects.filter(cart=cart).delete()


@transaction.atomic
def cart_merge(*, source: Cart, user: Any) -> Cart:
    """Move an anonymous cart's lines into the user's cart (quantities add up, capped at the limits)."""
    target = _lock(cart_get_or_create(user=user))
    if source.pk == target.pk:
        return target
    for line in CartItem.objects.filter(cart=source).select_related("variant", "variant__product"):
        existing = CartItem.objects.filter(cart=target, variant_id=line.variant_id).first()
        wanted = line.quantity + (existing.quantity if existing else 0)
        quantity = min(wanted, settings.CART_MAX_QUANTITY_PER_LINE)
        others = (
            CartItem.objects.filter(cart=target, variant__product_id=line.variant.product_id)
            .exclude(variant_id=line.variant_id)
            .aggregate(total=Sum("quantity"))["total"]
            or 0
        )
        quantity = min(quantity, settings.CART_MAX_QUANTITY_PER_PRODUCT - others)
        if quantity < 1:
            continue
        if existing:
            existing.quantity = quantity
            existing.livestream = existing.livestream or line.livestream
            existing.save(update_fields=["quantity", "livestream", "updated_at"])
        else:
            CartItem.objects.create(
                cart=target, variant_id=line.variant_id, quantity=quantity, livestream=line.livestream
            )
    source.delete()
    return target


SESSION_CART_KEY = "karavan_cart_id"


def cart_merge_session(*, session: Any, user: Any) -> Cart | None:
    """Merge the storefront session's cart (its id kept in the session) into the user's cart at login.

    The id is read from the session's data, not its key: Django gives the session a new key at login.
    """
    cart_id = session.get(SESSION_CART_KEY) if session is not None else None
    if not cart_id:
        return None
    source = Cart.objects.filter(pk=cart_id, user__isnull=True).first()
    session.pop(SESSION_CART_KEY, None)
    if source is None:
        return None
    return cart_merge(source=source, user=user)
