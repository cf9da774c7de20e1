"""DRF permissions for seller endpoints: 401 anonymous, 403 for a caller who is not a member.

Other apps' seller endpoints (stock, inbound shipments, orders) use ``IsSellerMember`` and then
``sellers.selectors.seller_for_user(user=request.user)`` to scope every query.
"""

from typing import Any

from rest_framework.permissions import BasePermission

from sellers.selectors import seller_membership_for_user


def _membership(request: Any) -> Any:
    # Cached on the request: a view checks permissions and then scopes its queries by the seller.
    if not hasattr(request, "_seller_membership"):
        request._seller_membership = seller_membership_for_user(user=request.user)
    return request._seller_membership


class IsSellerMember(BasePermission):
    """The caller belongs to a seller (owner or staff)."""

    message = "Only members of a seller may use this endpoint."

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401 for unauthenticated callers
        return _membership(request) is not None


class IsSellerOwner(BasePermission):
    """The caller is an owner of their seller (payouts, members, invitations)."""

    message = "Only an owner of the seller may do this."

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        membership = _membership(request)
        return membership is not None and membership.is_owner
