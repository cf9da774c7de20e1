"""Account reads: the roles a user holds, their notifications."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Notification, User
from core.exceptions import NotFound

BUYER = "buyer"
SELLER = "seller"
WAREHOUSE_STAFF = "warehouse_staff"
ADMIN = "admin"


def user_roles(*, user: User) -> list[str]:
    """Every user is a buyer; other roles follow from memberships.

    Seller and warehouse memberships live in later apps; they are reached through their reverse
    relation names (``seller_memberships``, ``warehouse_assignments``) so accounts never imports them.
    """
    roles = [BUYER]
    memberships = getattr(user, "seller_memberships", None)
    if memberships is not None and memberships.exists():
        roles.append(SELLER)
    assignments = getattr(user, "warehouse_assignments", None)
    if assignments is not None and assignments.exists():
        roles.append(WAREHOUSE_STAFF)
    if user.is_superuser:  # is_staff alone only lets warehouse staff into the admin
        roles.append(ADMIN)
    return roles


def notification_list_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    queryset = Notification.objects.filter(user=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-pk")


def notification_get_for_user(*, user: User, notification_id: Any) -> Notification:
    """One own notification; anyone else's is a 404."""
    found = (
        Notification.objects.filter(user=user, pk=notification_id).first() if str(notification_id).isdigit() else None
    )
    if found is None:
        raise NotFound(_("No such notification."), code="notification_not_found")
    return found
