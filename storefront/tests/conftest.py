"""Fixtures of the storefront's tests: the orders tests' two-seller market, with words a buyer reads."""

import pytest

from core.services import exchange_rates_seed_offline
from orders.tests.factories import market_build
from warehouses.transport.services import delivery_estimates_recompute, network_load_seed


@pytest.fixture
def shop(db):  # type: ignore[no-untyped-def]
    """Two sellers (Yiwu Goods, CNY; Almaty Trade, KZT), stock in Urumqi and Lianyungang, rates and routes."""
    exchange_rates_seed_offline()
    network_load_seed()
    market = market_build()
    titles = {
        market.a_urc: ("Electric teapot", "Электрический чайник", "电热水壶"),
        market.a_lyg: ("Silk scarf", "Шёлковый шарф", "丝绸围巾"),
        market.b_urc: ("Felt carpet", "Войлочный ковёр", "毛毡地毯"),
        market.b_lyg: ("Dried apricots", "Курага", "杏干"),
    }
    for variant, (en, ru, zh) in titles.items():
        product = variant.product
        product.refresh_from_db()  # price_from was set when its variant was saved
        product.title = en
        product.translations = {"ru": {"title": ru}, "zh": {"title": zh}}
        product.save()
    delivery_estimates_recompute()  # the catalog's delivery times for each destination
    return market
