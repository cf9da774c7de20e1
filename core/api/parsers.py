"""JSON request bodies with bounds: size (413), nesting depth and finite numbers (400), an object at the top.

Python's ``json`` has no depth limit: a body nested 100,000 deep ends in a ``RecursionError``
(a 500), and one nested 990 deep parses but breaks whatever walks it next (``json.dumps`` of the
idempotency hash, DRF's ``JSONField``). So the depth is measured on the text before parsing.
Every body of the contract is a JSON object; a list, a string, a number or ``null`` at the top
is refused here, so an endpoint that takes no fields cannot mistake ``[]`` for "no body".

``ApiInputMiddleware`` (core.middleware) applies these rules to every JSON body sent to the API,
whether or not the view reads it; ``JSONParser`` reuses its result (and applies the same rules
when a view is called without the middleware).
"""

import json
import math
import re
from collections.abc import Mapping
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import parsers

from core.exceptions import DomainError

# One JSON string, escapes included (possessive, so a long string cannot make the regex backtrack).
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
# Outside strings valid JSON is ASCII: keep the four bracket bytes, each one step in or out.
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_DEPTH_STEP = [0] * 256
for _byte, _step in ((b"[", 1), (b"{", 1), (b"]", -1), (b"}", -1)):
    _DEPTH_STEP[_byte[0]] = _step
# Backslashes before "u0000": an odd number is the escape of NUL; an even one is the text "\\u0000".
_BACKSLASHES_BEFORE_NUL = re.compile(r"(\\+)u0000")
# Lazy: a module constant, translated where it is turned into a message (in the request's language).
NUL_MESSAGE = gettext_lazy("Text may not contain NUL characters (\\u0000).")

#: Set on the Django request by ApiInputMiddleware: the parsed body, so it is parsed once.
PARSED_BODY_ATTRIBUTE = "_karavan_json_body"


class BodyError(ValueError):
    """A body that breaks a rule; ``status`` is 400 or 413, ``code`` and ``errors`` as in the contract."""

    def __init__(self, detail: str, *, status: int = 400, code: str = "parse_error", field: str = "body") -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code
        self.errors = {field: [detail]}

    def as_domain_error(self) -> DomainError:
        return DomainError(self.detail, code=self.code, errors=self.errors, status_code=self.status)


def json_max_depth() -> int:
    return int(getattr(settings, "API_JSON_MAX_DEPTH", 32))


def json_depth(text: str) -> int:
    """How deep the arrays and objects of (valid) JSON ``text`` nest; ``{"a": [1]}`` is 2.

    Strings are removed first (they may hold brackets); what is left is counted at C speed, in
    less time than ``json.loads`` then takes to parse the same text.
    """
    brackets = _STRING.sub("", text).encode("ascii", "ignore").translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 parses as inf; no field can hold it
        raise ValueError(f"the number {text} is out of range")
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, int | float):
        return _("a number")
    return _("a string") if isinstance(value, str) else _("a list")


def json_body_load(raw: bytes | str, *, encoding: str = "utf-8") -> dict[str, Any]:
    """Parse a request body under the API's rules, or raise ``BodyError`` saying which rule."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and len(raw) > limit:
        raise request_too_large()
    try:
        text = raw.decode(encoding) if isinstance(raw, bytes) else raw
    except (LookupError, UnicodeDecodeError):
        raise BodyError(_("The body is not valid %(encoding)s text.") % {"encoding": encoding}) from None
    if "\\u0000" in text and any(len(run) % 2 for run in _BACKSLASHES_BEFORE_NUL.findall(text)):
        # PostgreSQL cannot store NUL in text or jsonb: refused here rather than by the database.
        raise BodyError(str(NUL_MESSAGE))
    max_depth = json_max_depth()
    depth = json_depth(text)
    if depth > max_depth:
        raise BodyError(
            _("JSON nested %(depth)s levels deep; at most %(maximum)s.") % {"depth": depth, "maximum": max_depth}
        )
    try:
        data = json.loads(text, parse_float=_finite_float, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise BodyError(_("JSON parse error - %(error)s") % {"error": error}) from None
    if not isinstance(data, Mapping):
        raise BodyError(
            _('Send a JSON object such as {"field": "value"}, not %(kind)s.') % {"kind": _json_kind(data)},
            code="invalid",
            field="non_field_errors",
        )
    return dict(data)


def request_too_large() -> BodyError:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return BodyError(
        _("The body is larger than %(limit)s bytes.") % {"limit": f"{limit:,}"}, status=413, code="request_too_large"
    )


def refused_request_error(exception: SuspiciousOperation) -> DomainError:
    """Django refusing to read a request (DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields): 413 / 400."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large().as_domain_error()
    return DomainError(_("The request was refused as malformed."), code="bad_request")


def is_json_content_type(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser under the API's rules (see the module docstring)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        context = parser_context or {}
        django_request = getattr(context.get("request"), "_request", None)
        if django_request is not None and hasattr(django_request, PARSED_BODY_ATTRIBUTE):
            return getattr(django_request, PARSED_BODY_ATTRIBUTE)
        raw = stream.read() if stream is not None else b""
        try:
            return json_body_load(raw, encoding=context.get("encoding") or settings.DEFAULT_CHARSET)
        except BodyError as error:
            raise error.as_domain_error() from None
