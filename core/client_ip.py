"""The client's address, as every abuse limit counts it (DRF throttles and the login lockout).

X-Forwarded-For is written by the client first and by each proxy after it, so only the entries
added by our own proxies can be trusted: with ``NUM_PROXIES`` proxies in front of the app, the
client is the ``NUM_PROXIES``-th address from the right. With 0 (the default) the header is
ignored and the connection's address counts. This is DRF's own rule
(``BaseThrottle.get_ident``), repeated here for django-axes so both count the same address.
"""

from typing import Any

from django.conf import settings


def client_ip(request: Any) -> str:
    meta = getattr(request, "META", {})
    remote_addr = str(meta.get("REMOTE_ADDR") or "")
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    proxies = int(settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0)
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in str(forwarded).split(",")]
    return addresses[-min(proxies, len(addresses))] or remote_addr
