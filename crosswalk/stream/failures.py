"""Error envelopes for failures that happen inside a stream.

An in-stream error has no HTTP status of its own (the stream's response was already a
200), yet the error tables convert whole error responses, status included, because the
status decides an error's meaning as much as its type does. So an in-stream error is
given the status its type is sent with when it is an HTTP error, read from the same
value tables the error converters use; a stream that breaks (truncated, malformed) is
described as the 502 a gateway answers for a broken upstream, and converted to the
client's format by the error tables like any other error.
"""

from __future__ import annotations

from typing import Any

from crosswalk.convert import convert, run
from crosswalk.transforms.errors import ANTHROPIC_TYPE_BY_STATUS, anthropic_type_for_status

_STATUS_BY_ANTHROPIC_TYPE: dict[str, int] = {t: s for s, t in ANTHROPIC_TYPE_BY_STATUS.items()}


def anthropic_status(error_type: str) -> int:
    """The status Anthropic sends an error type with (500 for a type it does not list).

    >>> anthropic_status("overloaded_error"), anthropic_status("rate_limit_error")
    (529, 429)
    """
    return _STATUS_BY_ANTHROPIC_TYPE.get(error_type, 500)


def openai_status(error_type: str | None) -> int:
    """The status of an OpenAI error type, through the `error_type` and `error_status`
    value tables: OpenAI's type -> Anthropic's type -> its status -> OpenAI's status.

    >>> openai_status("rate_limit_exceeded"), openai_status("service_unavailable_error")
    (429, 503)
    >>> openai_status("server_error"), openai_status("something_new")
    (500, 500)
    """
    kind = convert(("chat", "anthropic"), "error").rules["ErrorObject/type"].mapping.get(error_type)
    if not isinstance(kind, str):
        return 500
    status: int = _convert(_anthropic(anthropic_status(kind), kind, ""), "chat")["status"]
    return status


def openai_failure(error: Any, *, code: Any = None, param: Any = None) -> dict[str, Any]:
    """An OpenAI in-stream error (a Chat `error` chunk's object, or a Responses failure's
    message/code) as an OpenAI error response, its status read from its type.

    >>> openai_failure({"message": "slow down", "type": "rate_limit_exceeded"})["status"]
    429
    """
    body = dict(error) if isinstance(error, dict) else {"message": str(error)}
    body.setdefault("message", "the upstream stream failed")
    body["message"] = str(body["message"] or "the upstream stream failed")
    body.setdefault("type", str(code) if code else "server_error")
    if code is not None or param is not None:
        body.setdefault("param", param)
        body.setdefault("code", code)
    return {"status": openai_status(body["type"]), "headers": {}, "body": {"error": body}}


def upstream_failure(target: str, message: str, status: int = 502) -> dict[str, Any]:
    """A `target`-format error envelope for a broken upstream stream.

    Made as Anthropic's error for `status` and converted by the error table, so the
    type a client sees is the one the tables give that status.

    >>> upstream_failure("chat", "stream ended early")["body"]["error"]["type"]
    'server_error'
    >>> upstream_failure("anthropic", "stream ended early")["body"]["error"]["type"]
    'api_error'
    """
    return _convert(_anthropic(status, anthropic_type_for_status(status), message), target)


def _anthropic(status: int, kind: str, message: str) -> dict[str, Any]:
    return {
        "status": status,
        "headers": {},
        "body": {"type": "error", "error": {"type": kind, "message": message}},
    }


def _convert(envelope: dict[str, Any], target: str) -> dict[str, Any]:
    if target == "anthropic":
        return envelope
    return run("anthropic", target, "error", envelope, check_input=False).result
