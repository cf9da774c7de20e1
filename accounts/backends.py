"""django-axes' lockout check, for the logins that come with a request (admin, API).

``authenticate()`` without a request (a management command, the test client's ``login()``)
has no client address to count and no attacker at the other end: django-axes would refuse it
outright; here it is passed on to the model backend unchecked.
"""

from typing import Any

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
