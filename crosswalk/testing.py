"""Assertions shared by the golden tests generated from table examples.

Kept in the runtime package (not in tests/) because generated tests import it and the
generated tree must not depend on hand-written test modules.
"""

from __future__ import annotations

from typing import Any

from crosswalk.convert import SCHEMA_IDS, run
from crosswalk.errors import ConversionError
from crosswalk.transforms import Options
from crosswalk.validate import validate


def check_case(
    source: str, target: str, kind: str, given: dict[str, Any], expect: dict[str, Any]
) -> None:
    """Run one example: exact top-level keys, absent keys, loss set, or the expected error."""
    options = Options(**expect["options"])
    if expect["error"] is not None:
        try:
            run(source, target, kind, given, options)
        except ConversionError as exc:
            assert exc.pointer == expect["error"]["pointer"], (
                f"error at {exc.pointer}: {exc.message}"
            )
            if "kind" in expect["error"]:
                assert exc.kind == expect["error"]["kind"], (
                    f"expected {expect['error']['kind']}, got {exc.kind}"
                )
            return
        raise AssertionError(f"expected a ConversionError at {expect['error']['pointer']}")
    conversion = run(source, target, kind, given, options)
    result = conversion.result
    for key, value in (expect["out"] or {}).items():
        assert key in result, f"missing /{key} in {result}"
        assert result[key] == value, f"/{key}: expected {value!r}, got {result[key]!r}"
    for key in expect["absent"]:
        assert key not in result, f"/{key} should be absent, got {result[key]!r}"
    if expect["loss"] is not None:
        got = sorted((e.kind, e.pointer) for e in conversion.loss)
        assert got == sorted(tuple(x) for x in expect["loss"]), f"loss: {got}"
    validate(SCHEMA_IDS[(target, kind)], result)
    check_sdk(target, kind, result)


def check_sdk(target: str, kind: str, body: dict[str, Any]) -> object:
    """Read `body` the way the official SDK of `target` reads it, and return what it made.

    Our schemas are exported from the SDK types, but the SDK models carry validators and
    discriminators of their own, and for errors the client picks an exception class by
    status: a body the SDK accepts is one a real client reads. Request bodies have no SDK
    model (the SDKs type them as TypedDicts), so they are checked by `validate` alone.
    """
    if kind == "response":
        return _sdk_response_model(target).model_validate(body)
    if kind == "error":
        return _sdk_error(target, body)
    return None


def _sdk_response_model(target: str) -> Any:
    # Imported on use: the SDKs are test dependencies, not runtime ones.
    if target == "anthropic":
        from anthropic.types.beta import BetaMessage

        return BetaMessage
    if target == "chat":
        from openai.types.chat import ChatCompletion

        return ChatCompletion
    from openai.types.responses import Response

    return Response


def _sdk_error(target: str, envelope: dict[str, Any]) -> object:
    """Hand the error response to the SDK client's own status-error factory."""
    import httpx2  # the HTTP library both SDKs are built on

    client: Any
    if target == "anthropic":
        import anthropic

        client, path = anthropic.Anthropic(api_key="test"), "/v1/messages"
    else:
        import openai

        client = openai.OpenAI(api_key="test")
        path = "/v1/chat/completions" if target == "chat" else "/v1/responses"
    response = httpx2.Response(
        envelope["status"],
        json=envelope["body"],
        headers=envelope.get("headers", {}),
        request=httpx2.Request("POST", f"https://api.test{path}"),
    )
    error = client._make_status_error_from_response(response)
    assert error.status_code == envelope["status"], error
    assert error.body == (envelope["body"] if target == "anthropic" else envelope["body"]["error"])
    if target != "anthropic":
        # OpenAI's client also lifts the fields it reads out of the body.
        assert error.message.endswith(envelope["body"]["error"]["message"]), error.message
        assert error.type == envelope["body"]["error"]["type"], error.type
    return error


__all__ = ["check_case", "check_sdk"]
