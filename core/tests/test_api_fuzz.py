"""Schemathesis fuzzes every operation of our own OpenAPI schema, in-process, as four kinds of caller.

The schema is the one ``/api/schema/`` serves (drf-spectacular), loaded through the WSGI app; every
request goes through Django's WSGI handler in this process, against the test database (no network).
For each operation and each caller (anonymous, buyer, seller, warehouse staff) schemathesis draws
``KARAVAN_FUZZ_EXAMPLES`` cases (2 by default: CI's budget; raise it locally to dig deeper); half of
them name real objects of the caller (ids from the endpoint walk's world), so bodies reach the
serializers rather than stopping at a 404. Every response must be no 5xx, a status the schema
documents, of the documented content type and matching the documented body schema.
"""

import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
import time_machine
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.tests.api_auth import auth_headers
from core.tests.test_every_endpoint import PARAMETER, PATH_PARAMETERS, World, world_build

pytestmark = [pytest.mark.django_db, pytest.mark.clock_free]

EXAMPLES = int(os.environ.get("KARAVAN_FUZZ_EXAMPLES", "2"))
CALLERS = ("anonymous", "buyer", "seller", "staff")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: Streams never end (server-sent events): the fuzz checks their status only through the walk.
STREAMING = ("/events/",)


@pytest.fixture
def in_process_app() -> Iterator[Any]:
    """Django's WSGI handler, minus the signal handlers that close the test's connection after each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _filled_path(operation: Any, world: World) -> dict[str, Any]:
    pattern = operation.path.lstrip("/")
    return {
        name: PATH_PARAMETERS[name](world, pattern)
        for name in PARAMETER.findall(operation.path.replace("{", "<").replace("}", ">"))
        if name in PATH_PARAMETERS
    }


def _summary(error: BaseException) -> str:
    failures = getattr(error, "exceptions", None) or [error]
    return "; ".join(f"{getattr(f, 'title', type(f).__name__)}: {str(f)[:600]}" for f in failures)


def test_fuzz_every_operation_as_every_kind_of_caller(make_user, in_process_app, caplog) -> None:
    cache.clear()
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=UTC)):
        world = world_build(make_user)
    headers = {"anonymous": {}, **{name: auth_headers(world.users[name]) for name in ("buyer", "seller", "staff")}}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", in_process_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    problems: list[str] = []
    requests = 0

    def run(operation: Any, caller: str) -> None:
        nonlocal requests
        real_ids = _filled_path(operation, world)
        # Valid data (reaches the services) and invalid data (must meet a documented 4xx), mixed.
        cases = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases, use_real_ids=st.booleans())
        def fuzz(case: Any, use_real_ids: bool) -> None:
            nonlocal requests
            if use_real_ids and real_ids:
                case.path_parameters = {**(case.path_parameters or {}), **real_ids}
            requests += 1
            cache.clear()  # throttles count per test; the fuzz is not about them
            try:
                with transaction.atomic():
                    case.call_and_validate(headers=headers[caller], checks=CHECKS)
            except (Exception, BaseExceptionGroup) as error:  # schemathesis' FailureGroup, or the app's own
                problems.append(f"{operation.label} as {caller}: {_summary(error)}")

        fuzz()

    quiet = caplog.at_level(logging.CRITICAL, logger="django.request")
    fuzzed = [operation for operation in operations if not operation.path.endswith(STREAMING)]
    with time_machine.travel(datetime(2026, 6, 10, 10, 0, tzinfo=UTC)), quiet:
        for operation in fuzzed:
            for caller in CALLERS:
                run(operation, caller)
    print(
        f"fuzzed {len(fuzzed)} of {len(operations)} operations (streams skipped) as {len(CALLERS)} callers "
        f"with {requests} requests, {EXAMPLES} examples each"
    )
    assert len(operations) >= 55
    assert not problems, f"{len(problems)} problems:\n" + "\n\n".join(problems)
