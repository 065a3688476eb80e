"""Pointers and messages of validation errors, against small hand-made pydantic models.

The generated models are large and still changing; the pointer walk only depends on how
pydantic spells `loc` (union member names, discriminator tags), which these tiny models
reproduce. One test at the end runs the real generated models when they are present.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field, ValidationError

from crosswalk.errors import InvalidRequestError
from crosswalk.validate import loc_to_pointer, validate, validate_with

FIXTURES = Path(__file__).resolve().parent / "fixtures"


class CacheControl(BaseModel):
    type: Literal["ephemeral"]


class TextBlock(BaseModel):
    type: Literal["text"]
    text: str
    cache_control: CacheControl | None = None


class ImageSource(BaseModel):
    type: Literal["base64"]
    data: str


class ImageBlock(BaseModel):
    type: Literal["image"]
    source: ImageSource


Block = Annotated[TextBlock | ImageBlock, Field(discriminator="type")]


class UserMessage(BaseModel):
    role: Literal["user"]
    content: str | list[Block]


class SystemMessage(BaseModel):
    role: Literal["system"]
    content: str


class Request(BaseModel):
    model: str
    messages: list[SystemMessage | UserMessage]
    metadata: dict[str, int] = {}


def errors_of(body: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Every (loc, pointer) pydantic reports for `body`."""
    with pytest.raises(ValidationError) as info:
        Request.model_validate(body)
    return [(tuple(e["loc"]), loc_to_pointer(e["loc"], body)) for e in info.value.errors()]


def invalid(body: object) -> InvalidRequestError:
    with pytest.raises(InvalidRequestError) as info:
        validate_with(Request, body)
    return info.value


def test_plain_union_member_names_are_skipped() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": 5}]}
    pointers = {ptr for _, ptr in errors_of(body)}
    assert pointers == {"/messages/0/role", "/messages/0/content"}
    for loc, _ in errors_of(body):
        assert any(step in {"SystemMessage", "UserMessage"} for step in loc)


def test_discriminator_tags_are_skipped() -> None:
    body = {
        "model": "m",
        "messages": [
            {"role": "user", "content": [{"type": "image", "source": {"type": "url", "data": ""}}]}
        ],
    }
    found = dict(errors_of(body))
    loc = ("messages", 0, "UserMessage", "content", "list[tagged-union[TextBlock,ImageBlock]]", 0)
    assert found[(*loc, "image", "source", "type")] == "/messages/0/content/0/source/type"


def test_a_tag_that_is_also_a_key_does_not_lead_the_walk_astray() -> None:
    # A text block's tag `text` is also its field `text`; a greedy walk would stop there.
    block = {"type": "text", "text": "hi", "cache_control": {"type": "forever"}}
    loc = ("messages", 0, "UserMessage", "content", "list[...]", 0, "text", "cache_control", "type")
    body = {"messages": [{"role": "user", "content": [block]}]}
    assert loc_to_pointer(loc, body) == "/messages/0/content/0/cache_control/type"


def test_a_tag_that_is_the_failing_key_still_points_at_it() -> None:
    body = {"messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]}
    loc = ("messages", 0, "UserMessage", "content", "list[...]", 0, "text", "text")
    assert loc_to_pointer(loc, body) == "/messages/0/content/0/text"


def test_keys_are_escaped_per_rfc_6901() -> None:
    body = {"model": "m", "messages": [], "metadata": {"a/b~c": "x"}}
    assert [ptr for _, ptr in errors_of(body)] == ["/metadata/a~1b~0c"]
    assert loc_to_pointer(("~1",), {"~1": 0}) == "/~01"


def test_list_indices_must_exist_in_the_data() -> None:
    data = {"a": [10, 20]}
    assert loc_to_pointer(("a", 1), data) == "/a/1"
    assert loc_to_pointer(("a", 2), data) == "/a"
    assert loc_to_pointer(("a", -1), data) == "/a"
    assert loc_to_pointer(("a", "1"), data) == "/a"
    assert loc_to_pointer((0,), {"0": 1}) == ""


def test_string_values_are_not_indexed() -> None:
    assert loc_to_pointer(("s", 0), {"s": "abc"}) == "/s"


def test_empty_loc_is_the_root() -> None:
    assert loc_to_pointer((), {"a": 1}) == ""


def test_missing_field_message_names_the_field() -> None:
    err = invalid({"messages": []})
    assert err.pointer == ""
    assert err.message == "Field required: model"


def test_first_error_gives_pointer_and_message() -> None:
    err = invalid({"model": "m", "messages": "x"})
    assert err.pointer == "/messages"
    assert err.message == "Input should be a valid list"


@pytest.mark.parametrize("body", [[], "x", None, 3])
def test_non_object_bodies_are_refused(body: object) -> None:
    err = invalid(body)
    assert (err.pointer, err.message) == ("", "request body must be a JSON object")


def test_valid_body_passes() -> None:
    validate_with(Request, {"model": "m", "messages": [{"role": "system", "content": "s"}]})


def _generated_roots() -> dict[str, tuple[str, str]]:
    try:
        from crosswalk.generated.models import ROOTS
    except ImportError:
        return {}
    roots: dict[str, tuple[str, str]] = ROOTS
    return roots


@pytest.mark.skipif("chat.request" not in _generated_roots(), reason="models not generated yet")
def test_generated_chat_request_model() -> None:
    body = json.loads((FIXTURES / "sdk_chat_tools.json").read_text())
    validate("chat.request", body)
    with pytest.raises(InvalidRequestError) as info:
        validate("chat.request", {**body, "messages": "x"})
    assert info.value.pointer == "/messages"


@pytest.mark.skipif(
    "anthropic.request" not in _generated_roots(), reason="models not generated yet"
)
@pytest.mark.parametrize(
    "name",
    [
        "claude_code_tool_read_image_with_thinking.json",
        "claude_code_tool_bash_followup.json",
        "claude_code_say_hi_opus.json",
        "claude_code_sonnet45.json",
        "sdk_anthropic_tools.json",
        "sdk_anthropic_tool_result.json",
    ],
)
def test_generated_anthropic_request_model_accepts_real_clients(name: str) -> None:
    validate("anthropic.request", json.loads((FIXTURES / name).read_text()))
