"""HTML views of accounts: the admin's language switch."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.services import user_language_set
from core.exceptions import DomainError


@require_POST
@staff_member_required
def language_set(request: HttpRequest) -> HttpResponse:
    """Save the chosen language on the user (and in the cookie, for the login page) and go back."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    response = HttpResponseRedirect(target)
    try:
        language = user_language_set(user=request.user, language=request.POST.get("language", ""))
    except DomainError:
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure()
    )
    return response
