"""Signals of the sellers app, for apps above it (the catalog listens)."""

from django.dispatch import Signal

#: Sent after commit when a seller is suspended or reinstated (``seller_id``): its goods leave or
#: return to the catalog, which drops its cached pages. A queryset update sends no ``post_save``.
seller_sale_status_changed = Signal()
