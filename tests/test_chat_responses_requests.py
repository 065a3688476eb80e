"""Chat <-> Responses requests, both directions, on real client shapes.

Fixtures (request bodies of ../shared/corpus/real_clients/, pretty-printed):

| fixture | corpus file |
|---|---|
| `codex_apply_patch_reasoning.json` | `codex__exec_apply_patch_custom_tool_with_reasoning__02_post_v1_responses.json` |
| `codex_view_image.json` | `codex__exec_input_image_and_view_image__02_post_v1_responses.json` |
| `codex_exec_command.json` | `codex__exec_tool_exec_command__02_post_v1_responses.json` |
| `codex_say_hi_unknown_model.json` | `codex__exec_say_hi_unknown_model__01_post_v1_responses.json` |
| `cr_sdk_responses_tools.json` | `python-sdk__probe__12_post_v1_responses_tools.json` |
| `cr_sdk_responses_function_output.json` | `python-sdk__probe__16_post_v1_responses_stream_tools.json` |
| `sdk_chat_tools.json`, `sdk_chat_tool_followup.json` (shared) | `python-sdk__probe__07…`, `python-sdk__probe__11…` |

Every output is checked against the target's generated model and against the official
SDK's request types (pydantic TypeAdapters over the openai TypedDicts).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from crosswalk.convert import Conversion, custom_tool_names, run
from crosswalk.errors import ConversionError, LossError, RefusedError
from crosswalk.transforms import Options
from crosswalk.transforms.signatures import encode_signature
from crosswalk.validate import validate

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return body


def losses(conv: Conversion) -> set[tuple[str, str]]:
    return {(e.kind, e.pointer) for e in conv.loss}


@cache
def _sdk_adapters() -> tuple[TypeAdapter[Any], TypeAdapter[Any], TypeAdapter[Any]]:
    from openai.types.chat import ChatCompletionMessageParam, ChatCompletionToolUnionParam
    from openai.types.responses import response_create_params

    return (
        TypeAdapter(response_create_params.ResponseCreateParamsNonStreaming),
        TypeAdapter(ChatCompletionMessageParam),
        TypeAdapter(ChatCompletionToolUnionParam),
    )


def check_output(target: str, body: dict[str, Any]) -> None:
    """The body validates against the generated model and parses with the SDK's types.

    The SDK's Chat params type `messages` and `tools` as lazy iterables, so their items are
    validated one by one.
    """
    validate(f"{target}.request", body)
    responses, chat_message, chat_tool = _sdk_adapters()
    if target == "responses":
        responses.validate_python({k: v for k, v in body.items() if k != "stream"})
        return
    for message in body["messages"]:
        chat_message.validate_python(message)
    for tool in body.get("tools") or ():
        chat_tool.validate_python(tool)


def to_chat(body: dict[str, Any], **options: Any) -> Conversion:
    conv = run("responses", "chat", "request", body, Options(**options) if options else None)
    check_output("chat", conv.result)
    return conv


def to_responses(body: dict[str, Any], **options: Any) -> Conversion:
    conv = run("chat", "responses", "request", body, Options(**options) if options else None)
    check_output("responses", conv.result)
    return conv


# -- Codex (Responses) -> Chat ------------------------------------------------------


def test_codex_apply_patch_turn_becomes_one_assistant_message_with_custom_call() -> None:
    body = fixture("codex_apply_patch_reasoning")
    conv = to_chat(body)
    msgs = conv.result["messages"]
    # Codex sends its system prompt as developer messages and no instructions.
    assert [m["role"] for m in msgs[:2]] == ["developer", "developer"]
    assert msgs[0]["content"][0]["text"] == body["input"][0]["content"][0]["text"]
    reasoning, call, output = body["input"][4:7]
    assistant, tool = msgs[-2:]
    assert assistant == {
        "role": "assistant",
        "reasoning_content": reasoning["summary"][0]["text"],
        "tool_calls": [
            {
                "id": call["call_id"],
                "type": "custom",
                "custom": {"name": "apply_patch", "input": call["input"]},
            }
        ],
    }
    assert tool == {"role": "tool", "tool_call_id": call["call_id"], "content": output["output"]}
    assert ("dropped", "/input/4/encrypted_content") in losses(conv)
    # The custom tool keeps its Lark grammar, nested the Chat way.
    apply_patch = next(t for t in conv.result["tools"] if t["type"] == "custom")
    source_tool = next(t for t in body["tools"] if t["type"] == "custom")
    assert apply_patch["custom"]["format"] == {
        "type": "grammar",
        "grammar": {
            "syntax": source_tool["format"]["syntax"],
            "definition": source_tool["format"]["definition"],
        },
    }


def test_codex_parameters_map_field_by_field() -> None:
    body = fixture("codex_exec_command")
    conv = to_chat(body)
    out = conv.result
    assert out["model"] == "gpt-5.5"
    assert out["stream"] is True
    assert out["stream_options"] == {"include_usage": True}
    assert out["tool_choice"] == "auto"
    assert out["parallel_tool_calls"] is True
    assert out["reasoning_effort"] == "medium"
    assert out["verbosity"] == "low"
    assert out["store"] is False
    assert out["prompt_cache_key"] == body["prompt_cache_key"]
    assert out["web_search_options"] == {}
    names = [
        t["function"]["name"] if t["type"] == "function" else t["custom"]["name"]
        for t in out["tools"]
    ]
    assert names == [t["name"] for t in body["tools"] if t["type"] in ("function", "custom")]
    assert all(t["function"]["strict"] is False for t in out["tools"] if t["type"] == "function")
    tool_search = next(i for i, t in enumerate(body["tools"]) if t["type"] == "tool_search")
    assert {
        ("dropped", "/client_metadata"),
        ("dropped", "/include/0"),
        ("dropped", f"/tools/{tool_search}"),
    } <= losses(conv)
    msgs = out["messages"]
    call, output = body["input"][4:6]
    assert msgs[-2]["tool_calls"][0] == {
        "id": call["call_id"],
        "type": "function",
        "function": {"name": "exec_command", "arguments": call["arguments"]},
    }
    assert msgs[-1] == {
        "role": "tool",
        "tool_call_id": call["call_id"],
        "content": output["output"],
    }
    assert {("dropped", "/input/4/id"), ("dropped", "/input/5/id")} <= losses(conv)


def test_codex_images_keep_detail_and_leave_the_tool_message() -> None:
    body = fixture("codex_view_image")
    conv = to_chat(body)
    msgs = conv.result["messages"]
    user_image = body["input"][3]["content"][1]
    assert user_image["detail"] == "original"
    assert msgs[3]["content"][1] == {
        "type": "image_url",
        "image_url": {"url": user_image["image_url"], "detail": "original"},
    }
    tool_at = next(i for i, m in enumerate(msgs) if m["role"] == "tool")
    assert msgs[tool_at]["content"] == ""
    moved = msgs[tool_at + 1]
    assert moved["role"] == "user"
    output_image = body["input"][5]["output"][0]
    assert moved["content"] == [
        {"type": "image_url", "image_url": {"url": output_image["image_url"], "detail": "original"}}
    ]
    assert ("coerced", "/input/5/output/0") in losses(conv)


def test_codex_namespace_tools_are_declared_by_their_own_names() -> None:
    body = fixture("codex_say_hi_unknown_model")
    conv = to_chat(body)
    at = next(i for i, t in enumerate(body["tools"]) if t["type"] == "namespace")
    namespace = body["tools"][at]
    declared = {t["function"]["name"] for t in conv.result["tools"] if t["type"] == "function"}
    assert {t["name"] for t in namespace["tools"]} <= declared
    assert {("dropped", f"/tools/{at}/name"), ("dropped", f"/tools/{at}/description")} <= losses(
        conv
    )
    # reasoning.summary has no Chat counterpart; web search without live access is reported.
    assert ("dropped", "/reasoning/summary") in losses(conv)
    web = next(i for i, t in enumerate(body["tools"]) if t["type"] == "web_search")
    assert ("dropped", f"/tools/{web}/external_web_access") in losses(conv)


def test_codex_custom_tool_names_survive_the_request_conversion() -> None:
    """The response direction turns calls back into custom calls by these names; they must
    be the same whichever side of the request conversion the caller reads them from."""
    body = fixture("codex_apply_patch_reasoning")
    conv = to_chat(body)
    assert custom_tool_names("responses", body) == frozenset({"apply_patch"})
    assert custom_tool_names("chat", conv.result) == frozenset({"apply_patch"})


def test_codex_in_strict_mode_fails_at_the_first_loss() -> None:
    with pytest.raises(LossError) as err:
        run("responses", "chat", "request", fixture("codex_exec_command"), Options(strict=True))
    assert err.value.pointer.startswith("/")


# -- SDK Chat -> Responses ------------------------------------------------------------


def test_sdk_chat_request_converts_without_loss() -> None:
    body = fixture("sdk_chat_tools")
    conv = to_responses(body)
    assert conv.loss == ()
    out = conv.result
    assert out["input"] == [
        {"role": "system", "content": "You are terse."},
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "colour? weather in Paris?"},
                {
                    "type": "input_image",
                    "image_url": body["messages"][1]["content"][1]["image_url"]["url"],
                    "detail": "low",
                },
            ],
        },
    ]
    assert out["max_output_tokens"] == 512
    assert out["temperature"] == 0.2
    assert out["tool_choice"] == "auto"
    assert out["store"] is False
    fn = body["tools"][0]["function"]
    assert out["tools"] == [{"type": "function", **fn}]
    assert out["tools"][0]["parameters"] is fn["parameters"]  # by reference, never copied


def test_sdk_chat_tool_followup_becomes_call_and_output_items() -> None:
    body = fixture("sdk_chat_tool_followup")
    conv = to_responses(body)
    assert conv.loss == ()
    assert conv.result["input"] == [
        {"role": "user", "content": "weather in Paris?"},
        {
            "type": "function_call",
            "call_id": "call_1",
            "name": "get_weather",
            "arguments": '{"city":"Paris"}',
        },
        {"type": "function_call_output", "call_id": "call_1", "output": "18C sunny"},
    ]


def test_chat_tool_message_answering_a_custom_call_is_a_custom_output() -> None:
    body = {
        "model": "gpt-5",
        "tools": [{"type": "custom", "custom": {"name": "apply_patch"}}],
        "messages": [
            {"role": "user", "content": "patch it"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c1", "type": "custom", "custom": {"name": "apply_patch", "input": "x"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "ok"},
        ],
    }
    items = to_responses(body).result["input"]
    assert [i.get("type") for i in items] == [None, "custom_tool_call", "custom_tool_call_output"]


# -- round trips ------------------------------------------------------------------


RICH_CHAT: dict[str, Any] = {
    "model": "gpt-5",
    "messages": [
        {"role": "system", "content": "be brief"},
        {"role": "developer", "content": [{"type": "text", "text": "use tools"}]},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "look", "prompt_cache_breakpoint": {"mode": "explicit"}},
                {
                    "type": "image_url",
                    "image_url": {"url": "https://x.test/a.png", "detail": "high"},
                },
                {"type": "file", "file": {"file_id": "file-1", "filename": "a.pdf"}},
            ],
        },
        {
            "role": "assistant",
            "content": "let me",
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
                {"id": "call_2", "type": "custom", "custom": {"name": "g", "input": "raw"}},
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "r1"},
        {"role": "tool", "tool_call_id": "call_2", "content": [{"type": "text", "text": "r2"}]},
        {
            "role": "assistant",
            "content": [{"type": "text", "text": "a"}, {"type": "refusal", "refusal": "no"}],
        },
        {"role": "user", "content": "thanks"},
    ],
    "tools": [
        {
            "type": "function",
            "function": {"name": "f", "parameters": {"type": "object"}, "strict": True},
        },
        {
            "type": "custom",
            "custom": {
                "name": "g",
                "description": "raw text",
                "format": {"type": "grammar", "grammar": {"syntax": "regex", "definition": "\\w+"}},
            },
        },
    ],
    "tool_choice": {
        "type": "allowed_tools",
        "allowed_tools": {
            "mode": "required",
            "tools": [{"type": "function", "function": {"name": "f"}}],
        },
    },
    "parallel_tool_calls": False,
    "web_search_options": {
        "search_context_size": "low",
        "user_location": {"type": "approximate", "approximate": {"city": "Paris", "country": "FR"}},
    },
    "response_format": {
        "type": "json_schema",
        "json_schema": {"name": "out", "schema": {"type": "object"}, "strict": True},
    },
    "verbosity": "low",
    "reasoning_effort": "high",
    "max_completion_tokens": 1000,
    "temperature": 0.5,
    "top_p": 0.9,
    "logprobs": True,
    "top_logprobs": 2,
    "store": True,
    "metadata": {"k": "v"},
    "user": "u",
    "safety_identifier": "s",
    "service_tier": "flex",
    "prompt_cache_key": "pk",
    "prompt_cache_retention": "24h",
    "prompt_cache_options": {"mode": "explicit", "ttl": "30m"},
    "moderation": {"model": "omni-moderation-latest"},
    "stream": True,
    "stream_options": {"include_usage": True, "include_obfuscation": False},
}


def test_round_trip_chat_responses_chat_keeps_every_shared_field() -> None:
    there = to_responses(copy.deepcopy(RICH_CHAT))
    assert there.loss == ()
    back = to_chat(there.result)
    assert back.result == RICH_CHAT
    # Only the id Responses required for the assistant's output message has no place in Chat.
    assert there.result["input"][8]["id"] == "msg_6"
    assert losses(back) == {("dropped", "/input/8/id")}


def test_round_trip_chat_responses_chat_on_sdk_fixtures() -> None:
    for name in ("sdk_chat_tools", "sdk_chat_tool_followup"):
        body = fixture(name)
        back = to_chat(to_responses(copy.deepcopy(body)).result).result
        # The only differences: Chat's implicit defaults made explicit on the way.
        for tool in body["tools"]:
            tool["function"].setdefault("strict", False)
        body["store"] = False
        for m in body["messages"]:
            if m["role"] == "assistant" and m.get("content") is None:
                del m["content"]
        assert back == body, name


@pytest.mark.parametrize(
    "name",
    [
        "cr_sdk_responses_tools",
        "cr_sdk_responses_function_output",
        "codex_exec_command",
        "codex_apply_patch_reasoning",
        "codex_view_image",
    ],
)
def test_round_trip_responses_chat_responses_keeps_what_chat_can_express(name: str) -> None:
    body = fixture(name)
    chat = to_chat(copy.deepcopy(body))
    back = to_responses(chat.result).result
    for key in ("model", "max_output_tokens", "tool_choice", "parallel_tool_calls"):
        assert back.get(key) == body.get(key), key
    # Chat stores nothing unless asked, so the trip back says so explicitly.
    assert back["store"] is bool(body.get("store"))
    assert back.get("reasoning", {}).get("effort") == body.get("reasoning", {}).get("effort")
    assert back.get("text", {}).get("verbosity") == body.get("text", {}).get("verbosity")
    kept = [t for t in body["tools"] if t["type"] in ("function", "custom")]
    assert [t for t in back["tools"] if t["type"] in ("function", "custom")] == [
        {k: v for k, v in t.items() if k not in ("allowed_callers", "async", "defer_loading")}
        for t in kept
    ]

    # Calls and outputs keep their ids, names, arguments and outputs; item ids are not kept.
    def calls(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [
            (
                i["type"],
                i["call_id"],
                i.get("name"),
                i.get("arguments", i.get("input")),
                _output_text(i.get("output")),
            )
            for i in items
            if i.get("type", "").endswith(("_call", "_call_output"))
        ]

    assert calls(back["input"]) == calls(body["input"])

    # Every message's text comes back, in order, under the same role.
    def texts(items: Any) -> list[tuple[str, str]]:
        if isinstance(items, str):
            return [("user", items)]
        out = []
        for item in items:
            if "role" not in item:
                continue
            content = item["content"]
            parts = (
                [content]
                if isinstance(content, str)
                else [p.get("text") for p in content if "text" in p]
            )
            out.extend((item["role"], t) for t in parts)
        return out

    instructions = [("system", body["instructions"])] if "instructions" in body else []
    assert texts(back["input"]) == instructions + texts(body["input"])


def _output_text(output: Any) -> Any:
    """A call output's text (images and files move out of Chat tool messages)."""
    if output is None or isinstance(output, str):
        return output
    return "".join(part["text"] for part in output if part["type"] == "input_text")


# -- refusals and edge cases -------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "pointer"),
    [
        ({"previous_response_id": "resp_1"}, "/previous_response_id"),
        ({"conversation": "conv_1"}, "/conversation"),
        ({"conversation": {"id": "conv_1"}}, "/conversation"),
        ({"input": [{"type": "item_reference", "id": "msg_1"}]}, "/input/0"),
        ({"input": [{"id": "msg_1"}]}, "/input/0"),
    ],
)
def test_stateful_fields_are_refused_naming_the_field(extra: dict[str, Any], pointer: str) -> None:
    body = {"model": "gpt-5", "input": "hi", **extra}
    with pytest.raises(RefusedError) as err:
        run("responses", "chat", "request", body)
    assert err.value.pointer == pointer
    assert "stateful" in err.value.message or "stored" in err.value.message


def test_a_stored_prompt_is_refused_before_its_missing_input_is_noticed() -> None:
    with pytest.raises(RefusedError) as err:
        run("responses", "chat", "request", {"prompt": {"id": "pmpt_1", "version": "3"}})
    assert err.value.pointer == "/prompt"


def test_a_request_chat_cannot_address_is_refused() -> None:
    with pytest.raises(RefusedError) as err:
        run("responses", "chat", "request", {"input": "hi"})
    assert err.value.pointer == "/model"
    with pytest.raises(RefusedError) as err:
        run("responses", "chat", "request", {"model": "gpt-5"})
    assert err.value.pointer == "/input"
    # instructions alone make a (system) message
    conv = to_chat({"model": "gpt-5", "instructions": "say hi"})
    assert conv.result["messages"] == [{"role": "system", "content": "say hi"}]


def test_anthropic_thinking_in_a_reasoning_item_reaches_chat_as_text_only() -> None:
    """A thinking block converted to a reasoning item (one summary part, the signature in
    encrypted_content) gives Chat its text; the signature cannot go and is reported."""
    body = {
        "model": "gpt-5",
        "input": [
            {"role": "user", "content": "q"},
            {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [{"type": "summary_text", "text": "Let me think.\n\nTwice."}],
                "encrypted_content": encode_signature("EqQBCkYIBxgC"),
            },
            {"role": "assistant", "content": "a"},
        ],
    }
    conv = to_chat(body)
    assert conv.result["messages"][1] == {
        "role": "assistant",
        "content": "a",
        "reasoning_content": "Let me think.\n\nTwice.",
    }
    assert ("dropped", "/input/1/encrypted_content") in losses(conv)


def test_chat_reasoning_content_is_not_invented_into_a_reasoning_item() -> None:
    body = {
        "model": "gpt-5",
        "messages": [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": "a", "reasoning_content": "thought"},
        ],
    }
    conv = to_responses(body)
    assert all(i.get("type") != "reasoning" for i in conv.result["input"])
    assert losses(conv) == {("dropped", "/messages/1/reasoning_content")}


def test_function_strictness_keeps_each_api_default_meaning() -> None:
    chat = {"model": "gpt-5", "messages": [{"role": "user", "content": "q"}]}
    chat["tools"] = [
        {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    ]
    responses = to_responses(chat).result
    assert responses["tools"][0]["strict"] is False
    body = {
        "model": "gpt-5",
        "input": "q",
        "tools": [
            {"type": "function", "name": "f", "parameters": {"type": "object"}, "strict": None}
        ],
    }
    conv = to_chat(body)
    assert "strict" not in conv.result["tools"][0]["function"]
    assert losses(conv) == {("coerced", "/tools/0/strict")}


def test_hosted_tools_only_leave_no_tool_choice_for_chat() -> None:
    body = {
        "model": "gpt-5",
        "input": "q",
        "tools": [{"type": "mcp", "server_label": "docs", "server_url": "https://mcp.x.test"}],
        "tool_choice": {"type": "mcp", "server_label": "docs"},
        "parallel_tool_calls": True,
    }
    conv = to_chat(body)
    assert not {"tools", "tool_choice", "parallel_tool_calls"} & conv.result.keys()
    assert losses(conv) == {("dropped", "/tools/0"), ("dropped", "/tool_choice")}


def test_every_conversion_error_names_a_field() -> None:
    bad = {
        "model": "gpt-5",
        "input": [
            {"role": "user", "content": [{"type": "input_image", "detail": "auto", "file_id": "f"}]}
        ],
    }
    with pytest.raises(ConversionError) as err:
        run("responses", "chat", "request", bad)
    assert err.value.pointer == "/input/0/content/0/file_id"
