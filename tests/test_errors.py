"""Error responses across formats, read back by the official SDK clients.

What a proxy user depends on is the exception the client raises (chosen by status) and
what it says (the type and message), so every check ends in the SDK's own status-error
factory (`crosswalk.testing.check_sdk`).
"""

from __future__ import annotations

from typing import Any

import anthropic
import openai
import pytest

from crosswalk.convert import run
from crosswalk.errors import ConversionError, InvalidRequestError
from crosswalk.testing import check_sdk
from crosswalk.transforms import Options
from crosswalk.transforms.errors import ANTHROPIC_TYPE_BY_STATUS

OPENAI = ("chat", "responses")


def anthropic_error(status: int, kind: str, message: str = "it failed") -> dict[str, Any]:
    return {
        "status": status,
        "body": {"type": "error", "error": {"type": kind, "message": message}},
    }


def openai_error(status: int, kind: str, code: str | None = None) -> dict[str, Any]:
    error = {"message": "it failed", "type": kind, "param": None, "code": code}
    return {"status": status, "body": {"error": error}}


@pytest.mark.parametrize("target", OPENAI)
@pytest.mark.parametrize(("status", "kind"), sorted(ANTHROPIC_TYPE_BY_STATUS.items()))
def test_every_anthropic_error_survives_a_round_trip(target: str, status: int, kind: str) -> None:
    there = run("anthropic", target, "error", anthropic_error(status, kind))
    assert not there.loss
    check_sdk(target, "error", there.result)
    back = run(target, "anthropic", "error", there.result)
    assert back.result == anthropic_error(status, kind)
    assert not back.loss


@pytest.mark.parametrize(
    ("status", "exception"),
    [
        (400, openai.BadRequestError),
        (401, openai.AuthenticationError),
        (403, openai.PermissionDeniedError),
        (404, openai.NotFoundError),
        (429, openai.RateLimitError),
        (500, openai.InternalServerError),
        (529, openai.InternalServerError),
    ],
)
def test_openai_clients_raise_the_matching_exception(status: int, exception: type) -> None:
    kind = ANTHROPIC_TYPE_BY_STATUS[status]
    result = run("anthropic", "chat", "error", anthropic_error(status, kind)).result
    error = check_sdk("chat", "error", result)
    assert isinstance(error, exception)


@pytest.mark.parametrize("source", OPENAI)
@pytest.mark.parametrize(
    ("status", "kind", "code", "exception", "anthropic_kind"),
    [
        # OpenAI's own bodies: the type is generic, the status is specific.
        (
            401,
            "invalid_request_error",
            "invalid_api_key",
            anthropic.AuthenticationError,
            "authentication_error",
        ),
        (
            404,
            "invalid_request_error",
            "model_not_found",
            anthropic.NotFoundError,
            "not_found_error",
        ),
        (429, "requests", "rate_limit_exceeded", anthropic.RateLimitError, "rate_limit_error"),
        (
            429,
            "insufficient_quota",
            "insufficient_quota",
            anthropic.RateLimitError,
            "billing_error",
        ),
        (503, "server_error", None, anthropic.OverloadedError, "overloaded_error"),
        (500, "server_error", None, anthropic.InternalServerError, "api_error"),
        (413, "invalid_request_error", None, anthropic.APIStatusError, "request_too_large"),
    ],
)
def test_anthropic_clients_raise_the_matching_exception(
    source: str, status: int, kind: str, code: str | None, exception: type, anthropic_kind: str
) -> None:
    conversion = run(source, "anthropic", "error", openai_error(status, kind, code))
    assert conversion.result["body"]["error"]["type"] == anthropic_kind
    error = check_sdk("anthropic", "error", conversion.result)
    assert isinstance(error, exception)
    # `code` is the only thing Anthropic's error object cannot carry.
    assert [(e.kind, e.pointer) for e in conversion.loss] == (
        [("dropped", "/body/error/code")] if code else []
    )


def test_retry_after_and_request_id_reach_the_client() -> None:
    envelope = anthropic_error(429, "rate_limit_error")
    envelope["headers"] = {"retry-after": "17", "request-id": "req_01"}
    result = run("anthropic", "responses", "error", envelope).result
    assert result["headers"] == {"retry-after": "17", "x-request-id": "req_01"}
    error = check_sdk("responses", "error", result)
    assert isinstance(error, openai.RateLimitError)
    assert error.response.headers["retry-after"] == "17"
    assert error.request_id == "req_01"


def test_strict_mode_refuses_to_drop_the_code() -> None:
    with pytest.raises(ConversionError) as caught:
        run(
            "chat",
            "anthropic",
            "error",
            openai_error(400, "invalid_request_error", "bad"),
            Options(strict=True),
        )
    assert caught.value.pointer == "/body/error/code"


@pytest.mark.parametrize(
    ("envelope", "pointer", "says"),
    [
        # A missing field is reported at its parent, naming the field.
        ({"body": {"error": {"message": "m", "type": "t"}}}, "", "status"),
        ({"status": 200, "body": {"error": {"message": "m", "type": "t"}}}, "/status", "400"),
        ({"status": 400, "body": {"error": {"type": "t"}}}, "/body/error", "message"),
        ({"status": 400, "body": {}, "headers": {"x": "y"}}, "/body", "error"),
    ],
)
def test_malformed_error_responses_name_the_field(
    envelope: dict[str, Any], pointer: str, says: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        run("chat", "anthropic", "error", envelope)
    assert caught.value.pointer == pointer
    assert says in caught.value.message


def test_chat_and_responses_errors_are_the_same_body() -> None:
    envelope = openai_error(400, "invalid_request_error", "invalid_value")
    envelope["body"]["error"]["param"] = "temperature"
    for source, target in (("chat", "responses"), ("responses", "chat")):
        conversion = run(source, target, "error", envelope)
        assert conversion.result == envelope and not conversion.loss
