"""A memo that lives for one HTTP request: cheap checks that need not repeat within a request.

The per-process caches (the exchange-rate table, the transport network) check a database
fingerprint before each use, so a change made by any process shows up at once. A checkout quote
or an order placement uses them once per parcel: the same fingerprint query 4, 10, 15 times in
one request. Within a request it is checked once (``request_memo``); the memo starts empty when a
request starts (``request_started``) and is gone when it ends, and outside a request (Celery
tasks, management commands, tests calling services) nothing is memoised. A write in this process
drops the entry (``request_memo_forget``), so a request that changes rates or lanes and then
reads them sees its own change.
"""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[str, Any] | None] = ContextVar("karavan_request_memo", default=None)


def request_memo_start(**_: Any) -> None:
    """``request_started`` receiver: a fresh, empty memo for this request."""
    _memo.set({})


def request_memo_end(**_: Any) -> None:
    """``request_finished`` receiver: nothing outlives the request."""
    _memo.set(None)


def request_memo(key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per request under ``key`` (every time outside a request)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def request_memo_forget(key: str) -> None:
    memo = _memo.get()
    if memo is not None:
        memo.pop(key, None)
