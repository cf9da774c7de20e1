"""Warehouse staff: the permission group and assigning a user to a warehouse."""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from warehouses.models import StaffAssignment, Warehouse

STAFF_GROUP_NAME = "Warehouse staff"

# What staff may do in the admin; which rows they see is narrowed to their warehouses there.
STAFF_PERMISSIONS = {
    "warehouse": ["view"],
    "stock": ["view", "change"],
    "stockledgerentry": ["view"],
    "inboundshipment": ["view", "change"],
    "inboundline": ["view"],
    "outboundshipment": ["view", "change"],
    "outboundline": ["view"],
    "shipmentevent": ["view", "add"],
    "cyclecount": ["view", "change"],
    "cyclecountline": ["view"],
}


@transaction.atomic
def warehouse_staff_group_ensure() -> Group:
    """The "Warehouse staff" group with its model permissions (idempotent)."""
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    codenames = [f"{action}_{model}" for model, actions in STAFF_PERMISSIONS.items() for action in actions]
    permissions = Permission.objects.filter(content_type__app_label="warehouses", codename__in=codenames)
    group.permissions.add(*permissions)
    return group


@transaction.atomic
def staff_assign(*, user: Any, warehouse: Warehouse) -> StaffAssignment:
    """Let ``user`` work at ``warehouse``: admin access, the staff group, and the assignment."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(warehouse_staff_group_ensure())
    assignment, _ = StaffAssignment.objects.get_or_create(user=user, warehouse=warehouse)
    return assignment
