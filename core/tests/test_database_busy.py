"""A request that gets no database connection from the pool in time is told to retry (503), never a 500."""

from django.db import OperationalError
from psycopg_pool import PoolTimeout
from rest_framework.test import APIRequestFactory

from core.api.exceptions import api_exception_handler


def test_an_exhausted_connection_pool_answers_503_with_retry_after() -> None:
    try:
        try:
            raise PoolTimeout("couldn't get a connection after 30.00 sec")
        except PoolTimeout as timeout:
            raise OperationalError(str(timeout)) from timeout
    except OperationalError as error:
        busy = error
    request = APIRequestFactory().post("/api/v1/orders/")
    response = api_exception_handler(busy, {"request": request, "view": None})
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.data["code"] == "busy"


def test_other_database_errors_are_still_unexpected() -> None:
    response = api_exception_handler(OperationalError("server closed the connection"), {"request": None})
    assert response is None  # ApiErrorMiddleware logs it and answers its JSON 500
