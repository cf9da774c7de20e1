"""OpenAPI post-processing: every operation documents the error responses the API can give.

Errors all share one body (``core.api.exceptions.error_body``): ``{"detail", "code", "errors"}``
plus, for some domain errors, extra keys (``current_status``...). Which statuses an operation can
answer follows from how the API is built rather than from each view:

- 400 bad input (body, query), 401 a missing/expired/unknown token (any operation: a wrong token is
  refused even where anonymous callers are welcome), 403 not allowed (or CSRF for a session), 404
  nothing the caller may see at that address, 429 a throttle, 503 the database or a dependency is
  unavailable (``Retry-After`` says when to come back) — on every operation;
- 409 a conflict with the current state (stock, status, a replayed idempotency key) on writes;
- 413 a body too large and 415 a media type the operation does not parse, where a body is read.

The fuzz test (core/tests/test_api_fuzz.py) holds every response to this.
"""

from typing import Any

ERROR_COMPONENT = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every API error: a sentence, a stable code and the fields at fault.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["detail", "code", "errors"],
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "Bad input: `errors` names each field and the reason.",
    "401": "Not authenticated: no token, or an unknown or expired one.",
    "403": "Authenticated but not allowed.",
    "404": "Nothing the caller may see at this address.",
    "409": "Conflicts with the current state (stock, status, an idempotency key in use).",
    "413": "The request body is too large.",
    "415": "The request's media type is not accepted here.",
    "429": "Too many requests: `Retry-After` says when to try again.",
    "503": "Temporarily unavailable (the database or a dependency): `Retry-After` says when to try again.",
}
EVERY_OPERATION = ("400", "401", "403", "404", "429", "503")
WRITES = ("409",)
WITH_BODY = ("413", "415")
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}


def error_responses_add(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry: add the shared error responses to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = list(EVERY_OPERATION)
            if method.lower() in ("post", "put", "patch", "delete"):
                statuses += WRITES
            if "requestBody" in operation:
                statuses += WITH_BODY
            for status in statuses:
                if status in operation["responses"]:
                    continue
                response: dict[str, Any] = {
                    "description": DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": reference}},
                }
                if status in ("429", "503"):
                    response["headers"] = RETRY_AFTER
                operation["responses"][status] = response
    return result
