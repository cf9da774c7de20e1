"""The browser test setup works: Debian's chromium opens a page served by the live server."""

import pytest

from conftest import PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chromium_opens_the_health_page_served_by_the_live_server(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(viewport=PHONE)
    response = page.goto("/healthz")

    assert response is not None and response.status == 200
    assert '"database"' in page.content()
    assert screenshot(page, "healthz-phone").stat().st_size > 0
