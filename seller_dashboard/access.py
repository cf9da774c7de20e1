"""Who may open a dashboard page: the API's rules (``sellers.permissions``), as HTML answers.

Anonymous visitors are sent to the log-in page; a signed-in person who is not a member of a seller
gets 403; owner-only actions (payouts) answer 403 to staff members. Every page then reads only
through ``request.seller``, and the selectors answer another seller's things with ``NotFound``,
which becomes a 404 here, exactly as the API's 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from accounts.models import User
from core.exceptions import NotFound
from sellers.models import Seller, SellerMember
from sellers.selectors import seller_membership_for_user

View = Callable[..., HttpResponse]


class SellerRequest(HttpRequest):
    """What a dashboard view receives: a signed-in member, their membership and their seller."""

    user: User  # type: ignore[assignment]
    membership: SellerMember
    seller: Seller


def member_required(view: View | None = None, *, owner: bool = False) -> Any:
    """Decorate a view for members of a seller (``owner=True``: owners only)."""

    def decorate(function: View) -> View:
        @wraps(function)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("seller_dashboard:login"))
            membership = seller_membership_for_user(user=request.user)
            if membership is None:
                raise PermissionDenied("Only members of a seller may use the seller dashboard.")
            if owner and not membership.is_owner:
                raise PermissionDenied("Only an owner of the seller may do this.")
            request.membership = membership  # type: ignore[attr-defined]
            request.seller = membership.seller  # type: ignore[attr-defined]
            try:
                return function(request, *args, **kwargs)
            except NotFound as error:  # another seller's product, stream, shipment, import: 404
                raise Http404(error.detail) from error

        return wrapper

    return decorate(view) if view is not None else decorate
