"""The operators' dashboard: the platform's figures per day and per currency, as tables.

Each table is what its chart draws and what its CSV export holds. Money is summed per currency
(never across); charts that must compare currencies use USD at the stored rates of today, and say
so. Platform staff only: the admin view checks ``orders.view_operator_dashboard``.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from core.money import Money, from_minor_units, money_round
from core.selectors import ExchangeRates, exchange_rates_at
from core.services import currency_convert
from orders.models import LedgerAccount, LedgerEntry, Order
from orders.services.payouts import payouts_due
from warehouses.models import OutboundShipment, OutboundStatus, Stock
from warehouses.transport.models import Departure

#: Days a dashboard may look back: a month by default, at most a year (one query per table).
DAYS_DEFAULT, DAYS_MAX = 30, 366
#: Rows a list table shows (late shipments): the worst first.
ROWS_MAX = 500
OPEN_STATUSES = (
    OutboundStatus.READY,
    OutboundStatus.PICKED,
    OutboundStatus.PACKED,
    OutboundStatus.DISPATCHED,
    OutboundStatus.IN_TRANSIT,
)


@dataclass
class Table:
    key: str
    title: Promise
    header: list[Any]
    rows: list[list[Any]] = field(default_factory=list)


class UsdConverter:
    """Amounts in USD at today's stored rates, for charts that compare currencies."""

    def __init__(self, rates: ExchangeRates) -> None:
        self.rates = rates
        self.missing: set[str] = set()

    def __call__(self, amount: Decimal, currency: str) -> Decimal | None:
        try:
            return currency_convert(Money(amount, currency), "USD", rates=self.rates).money.amount
        except DomainError:
            self.missing.add(currency)
            return None


def _days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=offset) for offset in range((until - since).days + 1)]


def sales_per_day(*, since: datetime, until: datetime) -> Table:
    """Orders placed, GMV (paid orders' totals) and commission (net of refunds) per day and currency."""
    placed = (
        Order.objects.filter(placed_at__gte=since, placed_at__lte=until)
        .annotate(day=TruncDate("placed_at"))
        .values("day", "currency")
        .annotate(orders=Count("id"))
    )
    paid = (
        Order.objects.filter(paid_at__gte=since, paid_at__lte=until)
        .annotate(day=TruncDate("paid_at"))
        .values("day", "currency")
        .annotate(gmv=Sum("total"))
    )
    commission = (
        LedgerEntry.objects.filter(account=LedgerAccount.COMMISSION, created_at__gte=since, created_at__lte=until)
        .annotate(day=TruncDate("created_at"))
        .values("day", "currency")
        .annotate(minor=Sum("amount_minor"))
    )
    cells: dict[tuple[date, str], dict[str, Any]] = defaultdict(
        lambda: {"orders": 0, "gmv": Decimal(0), "commission": Decimal(0)}
    )
    for row in placed:
        cells[(row["day"], row["currency"])]["orders"] = row["orders"]
    for row in paid:
        cells[(row["day"], row["currency"])]["gmv"] = row["gmv"] or Decimal(0)
    for row in commission:
        # The commission account is credited (negative) as revenue: its negation is what was earned.
        cells[(row["day"], row["currency"])]["commission"] = from_minor_units(
            -(row["minor"] or 0), row["currency"]
        ).amount
    table = Table(
        "sales",
        _("Orders, GMV and commission per day"),
        [_("Day"), _("Currency"), _("Orders"), _("GMV"), _("Commission")],
    )
    for (day, currency), values in sorted(cells.items()):
        gmv = money_round(Money(values["gmv"], currency)).amount
        table.rows.append([day, currency, values["orders"], gmv, values["commission"]])
    return table


def stock_value_per_warehouse(*, convert: UsdConverter) -> Table:
    """Units on hand × the variant's price, per warehouse and price currency (and in USD)."""
    value = ExpressionWrapper(
        F("on_hand") * F("variant__price"), output_field=DecimalField(max_digits=30, decimal_places=3)
    )
    rows = (
        Stock.objects.filter(on_hand__gt=0, variant__price__isnull=False)
        .values("warehouse__code", "variant__price_currency")
        .annotate(value=Sum(value), units=Sum("on_hand"))
        .order_by("warehouse__code", "variant__price_currency")
    )
    table = Table(
        "stock_value",
        _("Stock value per warehouse"),
        [_("Warehouse"), _("Currency"), _("Units on hand"), _("Value"), _("Value in USD")],
    )
    for row in rows:
        currency = row["variant__price_currency"]
        amount = money_round(Money(row["value"] or 0, currency)).amount
        usd = convert(amount, currency)
        table.rows.append([row["warehouse__code"], currency, row["units"], amount, usd])
    return table


def late_shipments(*, now: datetime) -> Table:
    """Open shipments past their ETA (the departure's, or release + the quoted maximum transit days)."""
    candidates = (
        OutboundShipment.objects.filter(status__in=OPEN_STATUSES)
        .filter(Q(eta__lt=now) | Q(eta__isnull=True, transit_days_max__isnull=False, released_at__isnull=False))
        .select_related("warehouse")
        .order_by("eta", "released_at")[: ROWS_MAX * 4]
    )
    late: list[tuple[OutboundShipment, datetime]] = []
    for shipment in candidates:
        due = shipment.eta or (shipment.released_at + timedelta(days=shipment.transit_days_max or 0))
        if due < now:
            late.append((shipment, due))
    late.sort(key=lambda item: item[1])
    table = Table(
        "late_shipments",
        _("Late shipments against their ETA"),
        [_("Shipment"), _("Warehouse"), _("Status"), _("Mode"), _("Destination"), _("ETA"), _("Days late")],
    )
    for shipment, due in late[:ROWS_MAX]:
        table.rows.append(
            [
                shipment.reference,
                shipment.warehouse.code,
                shipment.get_status_display(),
                shipment.mode,
                f"{shipment.city}, {shipment.country}",
                due.date(),
                (now - due).days,
            ]
        )
    return table


def departures_this_week(*, now: datetime) -> Table:
    """Departures per lane from Monday to Sunday of this week (UTC), with the shipments booked on them."""
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = (
        Departure.objects.filter(departs_at__gte=monday, departs_at__lt=monday + timedelta(days=7))
        .values("lane__origin__code", "lane__destination__code", "lane__mode")
        .annotate(departures=Count("id", distinct=True), shipments=Count("units__outbound_shipments", distinct=True))
        .order_by("-departures", "lane__origin__code", "lane__destination__code")
    )
    table = Table(
        "departures",
        _("Departures per lane this week"),
        [_("Lane"), _("Mode"), _("Departures"), _("Shipments booked")],
    )
    for row in rows:
        lane = f"{row['lane__origin__code']}→{row['lane__destination__code']}"
        table.rows.append([lane, row["lane__mode"], row["departures"], row["shipments"]])
    return table


def payouts_due_table(*, now: datetime, convert: UsdConverter) -> Table:
    """Delivered seller orders past the holding period, not yet paid out: what each seller is owed."""
    due = payouts_due(now=now)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    names: dict[int, str] = {}
    for seller_order in due:
        counts[(seller_order.seller_id, seller_order.order.currency)] += 1
        names[seller_order.seller_id] = seller_order.seller.display_name
    owed = (
        LedgerEntry.objects.filter(account=LedgerAccount.SELLER_PAYABLE, seller_order__in=[so.pk for so in due])
        .values("seller_id", "currency")
        .annotate(minor=Sum("amount_minor"))
    )
    amounts = {(row["seller_id"], row["currency"]): -(row["minor"] or 0) for row in owed}
    table = Table(
        "payouts_due",
        _("Payouts due"),
        [_("Seller"), _("Currency"), _("Seller orders"), _("Amount due"), _("Amount in USD")],
    )
    for (seller_id, currency), count in sorted(counts.items(), key=lambda item: names[item[0][0]]):
        amount = from_minor_units(amounts.get((seller_id, currency), 0), currency).amount
        table.rows.append([names[seller_id], currency, count, amount, convert(amount, currency)])
    return table


@dataclass
class Dashboard:
    since: datetime
    until: datetime
    days: int
    tables: dict[str, Table]
    usd_missing: set[str]


TABLES: dict[str, Callable[..., Table]] = {
    "sales": lambda **kw: sales_per_day(since=kw["since"], until=kw["until"]),
    "stock_value": lambda **kw: stock_value_per_warehouse(convert=kw["convert"]),
    "late_shipments": lambda **kw: late_shipments(now=kw["until"]),
    "departures": lambda **kw: departures_this_week(now=kw["until"]),
    "payouts_due": lambda **kw: payouts_due_table(now=kw["until"], convert=kw["convert"]),
}


def dashboard_build(*, days: int = DAYS_DEFAULT, now: datetime | None = None, only: str | None = None) -> Dashboard:
    """Every table (or ``only`` one, for its CSV) over the last ``days`` days."""
    now = now or timezone.now()
    days = max(1, min(int(days), DAYS_MAX))
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    convert = UsdConverter(exchange_rates_at(at=now))
    keys = [only] if only else list(TABLES)
    tables = {key: TABLES[key](since=since, until=now, convert=convert) for key in keys}
    return Dashboard(since=since, until=now, days=days, tables=tables, usd_missing=convert.missing)


def day_axis(*, since: datetime, until: datetime) -> list[date]:
    return _days(since.date(), until.date())
