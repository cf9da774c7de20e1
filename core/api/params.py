"""Query parameters read strictly: a bad value is a 400 naming the parameter, never a 500."""

from collections.abc import Mapping

from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed

#: The largest primary key a (Big)AutoField holds; a longer "id" cannot name anything.
MAX_ID = 2**63 - 1


def query_id(params: Mapping[str, str], name: str) -> int | None:
    """An object id from ``?name=``; None when absent or blank.

    Only ASCII digits: ``str.isdigit`` also accepts "²", which ``int`` then refuses, and a
    23-digit id overflows SQLite's integers.
    """
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_ID:
        message = _("Must be an id: a whole number from 1 to %(maximum)s.") % {"maximum": MAX_ID}
        raise ValidationFailed(f"{name}: {message}", errors={name: [message]})
    return int(value)
