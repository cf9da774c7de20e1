"""Demo step: the platform admin, a demo buyer, and the offline exchange rates."""

from collections.abc import Callable

from django.db import transaction

from accounts.models import User
from core.services import exchange_rates_seed_offline
from orders.services.operators import operator_assign

ADMIN_EMAIL = "admin@karavan.local"
ADMIN_PASSWORD = "karavan-admin"
OPERATOR_EMAIL = "operator@karavan.local"
OPERATOR_PASSWORD = "karavan-operator"
BUYER_EMAIL = "buyer@karavan.local"
BUYER_PASSWORD = "karavan-buyer"


def _ensure_user(email: str, password: str, **fields: object) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, **fields)
    return user


@transaction.atomic
def run(*, log: Callable[[str], None]) -> None:
    _ensure_user(ADMIN_EMAIL, ADMIN_PASSWORD, is_staff=True, is_superuser=True, full_name="Platform admin")
    operator_assign(user=_ensure_user(OPERATOR_EMAIL, OPERATOR_PASSWORD, full_name="Platform operator"))
    _ensure_user(BUYER_EMAIL, BUYER_PASSWORD, full_name="Aigerim Demo", preferred_language="ru")
    exchange_rates_seed_offline()
    log(f"  admin  {ADMIN_EMAIL} / {ADMIN_PASSWORD}")
    log(f"  operator  {OPERATOR_EMAIL} / {OPERATOR_PASSWORD}  (/admin/: dashboard, orders, refunds, sellers)")
    log(f"  buyer  {BUYER_EMAIL} / {BUYER_PASSWORD}")
