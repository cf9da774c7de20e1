"""What every page's header needs: the chosen currency, the currencies and languages to switch to.

No query: the header must not add to a page's SQL (the cart count is on the cart page itself).
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from storefront.forms import currency_choices

#: The languages whose storefront translation is complete (the switcher offers only these).
STOREFRONT_LANGUAGES = ("en", "ru", "zh-hans")


def storefront(request: HttpRequest) -> dict[str, Any]:
    if not request.path.startswith("/") or request.path.startswith(("/admin/", "/api/")):
        return {}
    from storefront.views import buyer_currency

    return {
        "sf_currency": buyer_currency(request) if hasattr(request, "session") else "USD",
        "sf_currencies": [code for code, _name in currency_choices()],
        "sf_languages": [(code, name) for code, name in settings.LANGUAGES if code in STOREFRONT_LANGUAGES],
    }
