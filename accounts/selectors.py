"""Account reads: the roles a user holds."""

from accounts.models import User

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
