"""Error responses: the HTTP status and the error object, which decide each other.

An error's meaning is split between its status and its body, and clients read both. The
SDKs pick the exception class by status alone (so a 529 that became a 500 would lose
Claude Code's overload back-off). Tools and agents branch on the type. So the two are
converted together:

- Anthropic -> OpenAI: the type goes through the `error_type` value table and the
  status through `error_status`. Statuses the table does not list mean the same in both
  and pass unchanged.
- OpenAI -> Anthropic: OpenAI's `type` is a free string, and OpenAI itself uses
  `invalid_request_error` for 401 and 404. So a specific type listed in `error_type`
  (e.g. `insufficient_quota` -> billing_error) decides first. Then the status decides, if
  Anthropic documents a type for it. Failing both, the status class does: Anthropic uses
  invalid_request_error for other 4xx and api_error for other 5xx.
- Chat <-> Responses: the same OpenAI error body, copied.
"""

from __future__ import annotations

from typing import Any

from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform

Body = dict[str, Any]

# The Anthropic error object definitions, by the `type` each one carries. The fates of
# their fields are table rows keyed `<Def>/<prop>`. request_too_large has no SDK
# definition (see schemas/overlay.json); it shares the invalid-request row.
_DEF_BY_TYPE: dict[str, str] = {
    "invalid_request_error": "InvalidRequestErrorObject",
    "request_too_large": "InvalidRequestErrorObject",
    "authentication_error": "AuthenticationErrorObject",
    "billing_error": "BillingErrorObject",
    "permission_error": "PermissionErrorObject",
    "not_found_error": "NotFoundErrorObject",
    "rate_limit_error": "RateLimitErrorObject",
    "timeout_error": "GatewayTimeoutErrorObject",
    "api_error": "APIErrorObject",
    "overloaded_error": "OverloadedErrorObject",
}
_ANTHROPIC_TYPE_KEYS = tuple(f"{d}/type" for d in dict.fromkeys(_DEF_BY_TYPE.values()))

# Anthropic's documented status for each error type (https://docs.claude.com/en/api/errors).
# This is a fact of the Anthropic API, not a crosswalk mapping: it says which type a
# status means on the Anthropic side.
ANTHROPIC_TYPE_BY_STATUS: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def anthropic_type_for_status(status: int) -> str:
    """The Anthropic error type a status is sent with; a status Anthropic does not list
    takes its class's general type.

    >>> anthropic_type_for_status(529), anthropic_type_for_status(502), anthropic_type_for_status(418)
    ('overloaded_error', 'api_error', 'invalid_request_error')
    """
    known = ANTHROPIC_TYPE_BY_STATUS.get(status)
    if known is not None:
        return known
    return "api_error" if status >= 500 else "invalid_request_error"


# Chat and Responses answer errors with the same body, so each rule serves both.
_OPENAI_ERRORS = ("chat.error", "responses.error")

# ================================================================================
# anthropic -> openai
# ================================================================================


@transform(
    "errors.anthropic_to_openai",
    source="anthropic.error",
    target=_OPENAI_ERRORS,
    reads=("/body/error",),
    writes=("/body/error",),
    handles=_ANTHROPIC_TYPE_KEYS,
)
def anthropic_to_openai(error: Body, ctx: Context) -> Body:
    """An Anthropic error object -> an OpenAI one (type through `error_type`).

    The status is a row of its own (`error_status`); this maps the object.
    """
    kind = error["type"]
    definition = _DEF_BY_TYPE.get(kind, "InvalidRequestErrorObject")
    return {
        "message": error["message"],
        "type": ctx.map_enum(f"{definition}/type", kind, "/body/error/type"),
        "param": None,
        "code": None,
    }


# ================================================================================
# openai -> anthropic
# ================================================================================


# Types that say only "client error" / "server error": the status is more specific.
_GENERIC = (None, "invalid_request_error", "api_error")


@transform(
    "errors.openai_to_anthropic",
    source=_OPENAI_ERRORS,
    target="anthropic.error",
    reads=("/body/error",),
    writes=("/body/error",),
    handles=(
        "ErrorObject/type",
        "ErrorObject/param",
        "ErrorObject/code",
        "ErrorObject/misalignment",
    ),
)
def openai_to_anthropic(error: Body, ctx: Context) -> Body:
    """An OpenAI error object -> an Anthropic one; the (already converted) status decides
    the type unless OpenAI's type is specific."""
    # The status row runs first (row order in the table), so the Anthropic status is known.
    status: int = ctx.out["status"]
    by_table = ctx.rule("ErrorObject/type").mapping.get(error["type"])
    kind = by_table if by_table not in _GENERIC else None
    kind = kind or ANTHROPIC_TYPE_BY_STATUS.get(status) or by_table
    if kind is None:
        kind = anthropic_type_for_status(status)
    apply_drops(ctx, "ErrorObject", error, ("param", "code", "misalignment"), "/body/error")
    return {"type": kind, "message": error["message"]}


# ================================================================================
# request ids
# ================================================================================


def _header_safe(value: str) -> bool:
    return all(" " <= c <= "~" for c in value)


@transform(
    "errors.request_id_anthropic_to_openai",
    source="anthropic.error",
    target=_OPENAI_ERRORS,
    reads=("/headers/request-id", "/body/request_id"),
    writes=("/headers/x-request-id",),
)
def request_id_anthropic_to_openai(
    header: str | None, body: str | None, ctx: Context
) -> str | None:
    """Anthropic's request id travels in `request-id` and in the body; OpenAI's only in
    `x-request-id`. The header wins; a body id that differs, or cannot be a header value
    (the body allows any string), is reported."""
    if header is not None:
        if body is not None and body != header:
            ctx.dropped("/body/request_id", "differs from the request-id header, which was kept")
        return header
    if body is not None and not _header_safe(body):
        ctx.dropped("/body/request_id", "not a valid HTTP header value (visible ASCII only)")
        return None
    return body
