"""Password rules of our own, beside Django's (AUTH_PASSWORD_VALIDATORS)."""

from typing import Any

from django.core.exceptions import ValidationError


class NotOnlyWhitespaceValidator:
    """A password of spaces, tabs or newlines only is refused (Django's validators let 8 spaces pass)."""

    def validate(self, password: str, user: Any = None) -> None:
        if not password.strip():
            raise ValidationError("The password cannot be only spaces.", code="password_only_whitespace")

    def get_help_text(self) -> str:
        return "Your password cannot be only spaces."
