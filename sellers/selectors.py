"""Seller reads on behalf of a user: which seller (if any) the caller acts for, whom they follow."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from sellers.models import Seller, SellerFollower, SellerInvitation, SellerMember


def seller_membership_for_user(*, user: Any) -> SellerMember | None:
    """The caller's membership (a user belongs to at most one seller), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return SellerMember.objects.select_related("seller").filter(user=user).first()


def seller_for_user(*, user: Any) -> Seller | None:
    """The seller the caller acts for, or None for buyers and anonymous callers."""
    membership = seller_membership_for_user(user=user)
    return membership.seller if membership else None


def seller_member_list(*, seller: Seller) -> QuerySet[SellerMember]:
    return SellerMember.objects.filter(seller=seller).select_related("user").order_by("id")


def seller_invitation_list(*, seller: Seller) -> QuerySet[SellerInvitation]:
    return SellerInvitation.objects.filter(seller=seller).order_by("-created_at", "-id")


def seller_get_public(*, seller_id: Any) -> Seller:
    seller = Seller.objects.filter(pk=seller_id).first() if str(seller_id).isdigit() else None
    if seller is None:
        raise NotFound(_("No such seller."), code="seller_not_found")
    return seller


def seller_following_for_user(*, user: Any) -> QuerySet[SellerFollower]:
    """The sellers a user follows, most recently followed first."""
    return SellerFollower.objects.filter(user=user).select_related("seller").order_by("-created_at", "-pk")
