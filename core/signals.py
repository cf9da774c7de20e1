"""Signals of the shared kernel, so that apps above it react without core importing them.

``exchange_rates_stored`` is sent after the transaction that stored a publication of exchange rates
commits, with ``base``, ``effective_at``, ``source`` and ``currencies`` (the quote codes offered).
Storing the same publication again sends it again; receivers must be idempotent.
"""

from django.dispatch import Signal

exchange_rates_stored = Signal()
