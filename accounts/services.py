"""Account writes: registration, API tokens (issue, revoke), notifications."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken, get_digest_token
from knox.settings import CONSTANTS

from accounts.models import Notification, User
from core.exceptions import ValidationFailed


@transaction.atomic
def user_register(*, email: str, password: str, preferred_language: str = "") -> tuple[User, "IssuedToken"]:
    """Create a buyer account and its first API token; a taken email or weak password is a 400."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed(
            _("An account with this email already exists."), errors={"email": [_("Already registered.")]}
        ) from None
    candidate = User(email=email)
    try:
        # AUTH_PASSWORD_VALIDATORS include accounts.validators (a password of only spaces is refused).
        password_validation.validate_password(password, user=candidate)
    except DjangoValidationError as error:
        raise ValidationFailed(_("The password is too weak."), errors={"password": list(error.messages)}) from None
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, preferred_language=preferred_language)
    except IntegrityError:  # two registrations raced for the same email
        raise ValidationFailed(
            _("An account with this email already exists."), errors={"email": [_("Already registered.")]}
        ) from None
    return user, api_token_issue(user=user)


def user_token_obtain(*, email: str, password: str, request: Any = None) -> "IssuedToken":
    """A new API token for valid credentials; anything else is one vague 400 (no user probing).

    ``request`` (the Django request) lets django-axes count the failure against the client's
    address and refuse a locked-out client, even with the right password (the middleware then
    answers 429, ``accounts.lockout``).
    """
    user = authenticate(request, username=email.lower(), password=password)
    if user is None or not user.is_active:
        raise ValidationFailed(
            _("Unable to log in with these credentials."),
            code="invalid_credentials",
            errors={"non_field_errors": [_("Unable to log in with these credentials.")]},
        )
    # As a session login does (and knox's own login view): last_login moves on, and django-axes
    # forgets this client's earlier failures (AXES_RESET_ON_SUCCESS).
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return api_token_issue(user=user)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """The token's key (what the client sends: shown once, stored only hashed) and its expiry."""

    key: str
    expiry: datetime | None


@transaction.atomic
def api_token_issue(*, user: User, ttl: timedelta | None = None) -> IssuedToken:
    """A new token for one device (stored hashed; only this answer ever shows its key), valid for
    ``ttl`` (default ``AUTH_TOKEN_TTL``).

    Expired tokens of the user go, and beyond ``AUTH_TOKENS_PER_USER`` live ones the oldest are
    revoked, so repeated logins never pile up rows.
    """
    now = timezone.now()
    AuthToken.objects.filter(user=user, expiry__lt=now).delete()
    keep = max(settings.AUTH_TOKENS_PER_USER - 1, 0)
    stale = list(
        AuthToken.objects.filter(user=user).order_by("-created", "-digest").values_list("digest", flat=True)[keep:]
    )
    if stale:
        AuthToken.objects.filter(digest__in=stale).delete()
    instance, key = AuthToken.objects.create(user=user, expiry=ttl or settings.AUTH_TOKEN_TTL)
    return IssuedToken(key=key, expiry=instance.expiry)


def expired_tokens_purge() -> int:
    """Delete every API token past its expiry; how many went.

    Logins already delete their user's expired tokens; this catches users who never log in again
    (``accounts.authentication`` no longer cleans other tokens on each request).
    """
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


def api_tokens_issue_many(*, users: Iterable[User]) -> list[str]:
    """One token per user in one insert (tests and benchmarks that sign in many users at once)."""
    expiry = timezone.now() + settings.AUTH_TOKEN_TTL
    rows, keys = [], []
    for user in users:
        digest, key = get_digest_token()
        rows.append(AuthToken(user=user, digest=digest, token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH], expiry=expiry))
        keys.append(key)
    AuthToken.objects.bulk_create(rows)
    return keys


def api_token_revoke(*, token: AuthToken) -> None:
    """Log out one device: its token stops working at once."""
    AuthToken.objects.filter(digest=token.digest).delete()


def api_tokens_revoke_all(*, user: User) -> int:
    """Log out everywhere: every token of the user stops working; returns how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def notification_mark_read(*, notification: Notification, at: datetime | None = None) -> Notification:
    """Mark read (once: reading it again keeps the first time)."""
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=at or timezone.now())
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_create(*, rows: list[Notification]) -> None:
    """Insert notifications; a row whose (user, dedupe_key) exists is skipped, so a re-run writes nothing twice."""
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


def user_language_set(*, user: User, language: str) -> str:
    """Remember the language a person chose (one of ``settings.LANGUAGES``); the admin follows it."""
    from django.conf import settings

    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or "").lower()
    if language not in codes:
        raise ValidationFailed(
            _("Unknown language %(language)s.") % {"language": repr(language)},
            errors={"language": [_("Use one of: %(choices)s.") % {"choices": ", ".join(sorted(codes))}]},
        )
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    user.preferred_language = language
    return language
