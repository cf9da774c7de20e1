"""Signal receivers: a rate row saved or deleted in this process drops the cached exchange-rate table."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.models import ExchangeRate
from core.selectors import exchange_rate_table_forget


@receiver(post_save, sender=ExchangeRate, dispatch_uid="core.exchange_rate_saved")
@receiver(post_delete, sender=ExchangeRate, dispatch_uid="core.exchange_rate_deleted")
def exchange_rate_changed(sender: Any, **kwargs: Any) -> None:
    # Other processes notice a new row by its id; a deletion elsewhere within RATE_TABLE_MAX_SECONDS.
    exchange_rate_table_forget()
