"""Account writes: registration, token issue, notifications."""

from datetime import datetime

from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Notification, User
from core.exceptions import ValidationFailed


@transaction.atomic
def user_register(*, email: str, password: str, preferred_language: str = "") -> tuple[User, str]:
    """Create a buyer account and its API token; a taken email or weak password is a 400."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed(
            "An account with this email already exists.", errors={"email": ["Already registered."]}
        ) from None
    candidate = User(email=email)
    try:
        password_validation.validate_password(password, user=candidate)
    except DjangoValidationError as error:
        raise ValidationFailed("The password is too weak.", errors={"password": list(error.messages)}) from None
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, preferred_language=preferred_language)
    except IntegrityError:  # two registrations raced for the same email
        raise ValidationFailed(
            "An account with this email already exists.", errors={"email": ["Already registered."]}
        ) from None
    token = Token.objects.create(user=user)
    return user, token.key


def user_token_obtain(*, email: str, password: str) -> str:
    """The user's API token for valid credentials; anything else is one vague 400 (no user probing)."""
    user = authenticate(username=email.lower(), password=password)
    if user is None or not user.is_active:
        raise ValidationFailed(
            "Unable to log in with these credentials.",
            code="invalid_credentials",
            errors={"non_field_errors": ["Unable to log in with these credentials."]},
        )
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


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
            f"Unknown language {language!r}.", errors={"language": [f"Use one of: {', '.join(sorted(codes))}."]}
        )
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    user.preferred_language = language
    return language
