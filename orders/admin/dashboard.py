"""The operators' dashboard page: charts drawn server-side as SVG (pygal, no JavaScript, nothing from
a CDN) from the tables of ``orders.dashboard``, each table exportable as formula-safe CSV."""

import re
from decimal import Decimal
from typing import Any

import pygal
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from pygal.style import Style

from core.csv_export import csv_response
from orders.dashboard import DAYS_DEFAULT, TABLES, Dashboard, Table, dashboard_build, day_axis
from orders.models import Order

PERMISSION = "orders.view_operator_dashboard"
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
CHART_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    font_family="system-ui, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', sans-serif",
    colors=("#417690", "#e07b39", "#5b9b4a", "#9467bd", "#c94c4c", "#8c6d31", "#17becf", "#7f7f7f"),
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=11,
    title_font_size=14,
    no_data_font_size=18,
)


def _chart(
    kind: type[pygal.graph.graph.Graph], *, title: str, labels: list[str], series: dict[str, list[Any]], **options: Any
) -> SafeString:
    """An inline SVG chart (pygal renders and escapes its own text; no script, no external file)."""
    chart = kind(
        style=CHART_STYLE,
        js=[],
        disable_xml_declaration=True,
        width=720,
        height=340,
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        x_label_rotation=-35 if len(labels) > 10 else 0,
        show_minor_x_labels=False,
        truncate_legend=30,
        title=title,
        no_data_text=gettext("No data"),
        **options,
    )
    chart.x_labels = labels
    if len(labels) > 10:
        chart.x_labels_major = labels[:: max(1, len(labels) // 8)]
    for name, values in series.items():
        chart.add(name, values)
    # pygal adds a config <script> for its optional tooltip script, which we never load: drop it,
    # so the page runs no chart code at all.
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    return mark_safe(svg)  # noqa: S308 - pygal escapes every label it draws


def _float(value: Decimal | int | None) -> float | None:
    # Charts only: pygal plots floats. Tables and CSV keep the exact Decimals.
    return None if value is None else float(value)


def charts_for(board: Dashboard) -> dict[str, SafeString]:
    days = day_axis(since=board.since, until=board.until)
    labels = [day.strftime("%m-%d") for day in days]
    index = {day: position for position, day in enumerate(days)}
    charts: dict[str, SafeString] = {}
    sales = board.tables["sales"]
    orders_series: dict[str, list[Any]] = {}
    gmv: dict[str, list[Any]] = {}
    commission: dict[str, list[Any]] = {}
    for day, currency, count, amount, earned in sales.rows:
        for series, value in ((orders_series, count), (gmv, amount), (commission, earned)):
            series.setdefault(currency, [None] * len(days))[index[day]] = _float(value)
    charts["orders"] = _chart(
        pygal.StackedBar, title=gettext("Orders placed per day, by order currency"), labels=labels, series=orders_series
    )
    charts["gmv"] = _chart(
        pygal.Line,
        title=gettext("GMV per day (paid orders), in each currency"),
        labels=labels,
        series=gmv,
        logarithmic=False,
        dots_size=2,
    )
    charts["commission"] = _chart(
        pygal.Line, title=gettext("Commission per day, in each currency"), labels=labels, series=commission, dots_size=2
    )
    stock = board.tables["stock_value"]
    warehouses = sorted({row[0] for row in stock.rows})
    usd: dict[str, list[Any]] = {}
    for code, currency, _units, _value, value_usd in stock.rows:
        usd.setdefault(currency, [None] * len(warehouses))[warehouses.index(code)] = _float(value_usd)
    charts["stock_value"] = _chart(
        pygal.StackedBar,
        title=gettext("Stock value per warehouse (USD at today's rates)"),
        labels=warehouses,
        series=usd,
    )
    late = board.tables["late_shipments"]
    late_codes = sorted({row[1] for row in late.rows})
    charts["late_shipments"] = _chart(
        pygal.Bar,
        title=gettext("Late shipments per warehouse"),
        labels=late_codes,
        series={gettext("late"): [sum(1 for row in late.rows if row[1] == code) for code in late_codes]},
        show_legend=False,
    )
    departures = board.tables["departures"]
    charts["departures"] = _chart(
        pygal.HorizontalBar,
        title=gettext("Departures per lane this week"),
        labels=[f"{row[0]} {row[1]}" for row in departures.rows],
        series={
            gettext("departures"): [row[2] for row in departures.rows],
            gettext("shipments booked"): [row[3] for row in departures.rows],
        },
    )
    payouts = board.tables["payouts_due"]
    charts["payouts_due"] = _chart(
        pygal.HorizontalBar,
        title=gettext("Payouts due (USD at today's rates)"),
        labels=[f"{row[0]} ({row[1]})" for row in payouts.rows],
        series={gettext("due"): [_float(row[4]) for row in payouts.rows]},
        show_legend=False,
    )
    return charts


def _days(request: HttpRequest) -> int:
    raw = request.GET.get("days", "")
    return int(raw) if raw.isdigit() and len(raw) < 4 else DAYS_DEFAULT


def dashboard_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    board = dashboard_build(days=_days(request))
    charts = charts_for(board)
    sections = [(key, board.tables[key], charts.get(key)) for key in TABLES]
    context = {
        **admin.site.each_context(request),
        "opts": Order._meta,
        "title": gettext("Operator dashboard"),
        "board": board,
        "charts": charts,
        "sections": sections,
        "day_choices": [7, 30, 90],
    }
    return TemplateResponse(request, "admin/orders/dashboard.html", context)


def dashboard_csv_view(request: HttpRequest, table: str) -> HttpResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if table not in TABLES:
        raise Http404(gettext("No such table."))
    board = dashboard_build(days=_days(request), only=table)
    found: Table = board.tables[table]
    return csv_response(
        filename=f"karavan-{table}-{board.until:%Y%m%d}.csv",
        header=[str(cell) for cell in found.header],
        rows=found.rows,
    )
