"""Platform operators: the staff who watch the whole marketplace (dashboard, orders, refunds, sellers).

They are not warehouse staff: the warehouse pages stay scoped to assigned warehouses, so an
operator sees no stock rows there unless also assigned (superusers see everything).
"""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

OPERATOR_GROUP_NAME = "Platform operators"

# app label → model → actions; the dashboard is a permission of its own on orders.Order.
OPERATOR_PERMISSIONS = {
    "orders": {
        "order": ["view", "change", "view_operator_dashboard"],
        "sellerorder": ["view"],
        "refund": ["view", "add"],
        "sellertransfer": ["view"],
        "ledgerposting": ["view"],
        "ledgerentry": ["view"],
    },
    "sellers": {"seller": ["view", "change"], "sellermember": ["view"]},
    "marketplace": {"product": ["view"], "productvariant": ["view"]},
    "transport": {"departure": ["view"], "lane": ["view"], "hub": ["view"]},
}


def _codenames() -> Q:
    query = Q(pk__in=[])
    for app_label, models in OPERATOR_PERMISSIONS.items():
        for model, actions in models.items():
            names = [action if action.startswith("view_operator") else f"{action}_{model}" for action in actions]
            query |= Q(content_type__app_label=app_label, codename__in=names)
    return query


@transaction.atomic
def operator_group_ensure() -> Group:
    """The "Platform operators" group with its permissions (idempotent)."""
    group, _ = Group.objects.get_or_create(name=OPERATOR_GROUP_NAME)
    group.permissions.add(*Permission.objects.filter(_codenames()))
    return group


@transaction.atomic
def operator_assign(*, user: Any) -> Any:
    """Let ``user`` work as a platform operator: admin access and the operators' group."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(operator_group_ensure())
    return user
