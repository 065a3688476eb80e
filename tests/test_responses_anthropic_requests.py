"""Responses <-> Anthropic requests on real client shapes: Codex CLI requests to Anthropic,
Claude Code requests to Responses, exact round trips both ways, and the design decisions the
other directions rely on (signatures in encrypted_content, custom tools through
Options.custom_tools, stateful fields refused, the per-model sampling policy)."""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from anthropic.types.beta import BetaRedactedThinkingBlock, BetaThinkingBlock
from openai.types.responses import ResponseReasoningItem

from crosswalk.convert import custom_tool_names, run
from crosswalk.errors import ConversionError, RefusedError
from crosswalk.transforms import Options, signatures
from crosswalk.transforms.items import reasoning_id
from crosswalk.validate import validate

FIXTURES = Path(__file__).parent / "fixtures"
CODEX = {
    "say_hi": "codex_say_hi.json",
    "exec_command": "codex_exec_command.json",
    "apply_patch": "codex_apply_patch_reasoning.json",
    "view_image": "codex_view_image.json",
    "unknown_model": "codex_say_hi_unknown_model.json",
}
CLAUDE_CODE = (
    "claude_code_tool_read_image_with_thinking.json",
    "claude_code_tool_bash_followup.json",
)
CUSTOM_SCHEMA = {
    "type": "object",
    "properties": {"input": {"type": "string"}},
    "required": ["input"],
}


def fixture(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return body


def to_anthropic(body: dict[str, Any], **options: Any) -> Any:
    return run("responses", "anthropic", "request", body, Options(**options))


def to_responses(body: dict[str, Any], **options: Any) -> Any:
    return run("anthropic", "responses", "request", body, Options(**options))


def losses(conversion: Any) -> set[tuple[str, str]]:
    return {(e.kind, e.pointer) for e in conversion.loss}


def blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message["content"]
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


# -- Codex -> Anthropic ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CODEX))
def test_codex_requests_convert_validly_and_leave_the_input_alone(name: str) -> None:
    body = fixture(CODEX[name])
    before = copy.deepcopy(body)
    result = to_anthropic(body).result
    validate("anthropic.request", result)
    assert body == before
    # Codex sends its system prompt as developer messages and no instructions.
    assert "instructions" not in body
    assert isinstance(result["system"], list) and result["system"]
    assert result["messages"][0]["role"] == "user"
    roles = [m["role"] for m in result["messages"]]
    assert all(a != b for a, b in itertools.pairwise(roles)), roles


def test_codex_system_prompt_keeps_every_developer_part_in_order() -> None:
    body = fixture(CODEX["say_hi"])
    developer = [i for i in body["input"] if i.get("role") == "developer"]
    texts = [p["text"] for m in developer for p in m["content"]]
    result = to_anthropic(body).result
    assert [b["text"] for b in result["system"]] == texts


def test_codex_client_item_ids_are_accepted_and_reported_not_forwarded() -> None:
    body = fixture(CODEX["exec_command"])
    conversion = to_anthropic(body)
    ids = {f"/input/{i}/id" for i, item in enumerate(body["input"]) if "id" in item}
    assert ids and ids <= {p for k, p in losses(conversion) if k == "dropped"}
    assert "msg_" not in json.dumps(conversion.result["messages"])


def test_codex_exec_command_round_of_tool_use() -> None:
    body = fixture(CODEX["exec_command"])
    call = next(i for i in body["input"] if i.get("type") == "function_call")
    output = next(i for i in body["input"] if i.get("type") == "function_call_output")
    result = to_anthropic(body).result
    assistant, results = result["messages"][-2], result["messages"][-1]
    (tool_use,) = [b for b in blocks(assistant) if b["type"] == "tool_use"]
    assert tool_use == {
        "type": "tool_use",
        "id": call["call_id"],
        "name": "exec_command",
        "input": json.loads(call["arguments"]),
    }
    assert results["content"] == [
        {"type": "tool_result", "tool_use_id": call["call_id"], "content": output["output"]}
    ]
    # tool_choice auto with parallel calls is Anthropic's default behaviour.
    assert result["tool_choice"] == {"type": "auto"}


def test_codex_apply_patch_is_a_custom_tool_on_anthropic_and_back() -> None:
    body = fixture(CODEX["apply_patch"])
    custom = custom_tool_names("responses", body)
    assert custom == frozenset({"apply_patch"})
    conversion = to_anthropic(body)
    result = conversion.result
    (tool,) = [t for t in result["tools"] if t["name"] == "apply_patch"]
    assert tool["input_schema"] == CUSTOM_SCHEMA
    # The Lark grammar cannot be enforced by Anthropic: reported, not silently lost.
    index = next(i for i, t in enumerate(body["tools"]) if t.get("name") == "apply_patch")
    assert ("dropped", f"/tools/{index}/format") in losses(conversion)
    call = next(i for i in body["input"] if i.get("type") == "custom_tool_call")
    uses = [b for m in result["messages"] for b in blocks(m) if b["type"] == "tool_use"]
    assert uses == [
        {
            "type": "tool_use",
            "id": call["call_id"],
            "name": "apply_patch",
            "input": {"input": call["input"]},
        }
    ]
    # The caller keeps `custom` for the reply; an Anthropic request carrying these blocks
    # goes back to Responses as a custom call again.
    back = to_responses(result, custom_tools=custom).result
    (custom_call,) = [i for i in back["input"] if i["type"] == "custom_tool_call"]
    assert custom_call == {k: call[k] for k in ("type", "call_id", "name", "input")}
    assert any(i["type"] == "custom_tool_call_output" for i in back["input"])
    assert {"type": "custom", "name": "apply_patch", "description": tool["description"]} in back[
        "tools"
    ]


def test_codex_openai_reasoning_is_dropped_and_budget_thinking_stays_off() -> None:
    body = fixture(CODEX["apply_patch"])
    index = next(i for i, item in enumerate(body["input"]) if item.get("type") == "reasoning")
    assert signatures.decode(body["input"][index]["encrypted_content"]) is None
    conversion = to_anthropic(body)  # gpt-5.5 is unknown to Anthropic: the default (budget) family
    assert ("dropped", f"/input/{index}") in losses(conversion)
    assert not any(
        b["type"] == "thinking" for m in conversion.result["messages"] for b in blocks(m)
    )
    # The last turn continues a tool call whose thinking cannot be replayed: Anthropic would
    # reject budget thinking, so the effort is dropped instead of failing the request.
    assert "thinking" not in conversion.result
    assert ("dropped", "/reasoning/effort") in losses(conversion)
    # Adaptive thinking may skip a turn's thinking, so it stays on.
    adaptive = to_anthropic({**body, "model": "claude-opus-4-8"}).result
    assert adaptive["thinking"] == {"type": "adaptive"}
    assert adaptive["output_config"] == {"effort": "medium"}


def test_codex_image_with_original_detail_and_image_tool_output() -> None:
    body = fixture(CODEX["view_image"])
    conversion = to_anthropic(body)
    images = [
        b
        for m in conversion.result["messages"]
        for b in blocks(m)
        for b in ([b] if b["type"] != "tool_result" else b["content"])
        if isinstance(b, dict) and b.get("type") == "image"
    ]
    assert len(images) == 2
    assert all(
        i["source"]["type"] == "base64" and i["source"]["media_type"] == "image/png" for i in images
    )
    details = {p for k, p in losses(conversion) if p.endswith("/detail")}
    assert len(details) == 2  # "original" has no Anthropic counterpart; reported each time


def test_codex_unknown_model_namespace_dropped_and_summary_asks_for_thinking() -> None:
    body = fixture(CODEX["unknown_model"])
    conversion = to_anthropic({**body, "model": "claude-opus-4-8"})
    index = next(i for i, t in enumerate(body["tools"]) if t["type"] == "namespace")
    assert ("dropped", f"/tools/{index}") in losses(conversion)
    # reasoning {"summary": "auto"} alone: OpenAI's default effort (medium), summarized.
    assert conversion.result["thinking"] == {"type": "adaptive", "display": "summarized"}
    assert conversion.result["output_config"] == {"effort": "medium"}
    web = [t for t in conversion.result["tools"] if t.get("type", "").startswith("web_search")]
    assert web == [{"type": "web_search_20260318", "name": "web_search"}]


def test_codex_strict_mode_names_the_first_loss() -> None:
    with pytest.raises(ConversionError) as info:
        to_anthropic(fixture(CODEX["say_hi"]), strict=True)
    assert info.value.pointer.startswith("/")


# -- Claude Code -> Responses ----------------------------------------------------------


@pytest.mark.parametrize("name", CLAUDE_CODE)
def test_claude_code_requests_convert_validly(name: str) -> None:
    body = fixture(name)
    before = copy.deepcopy(body)
    conversion = to_responses(body)
    result = conversion.result
    validate("responses.request", result)
    assert body == before
    assert result["store"] is False
    assert result["reasoning"] == {"effort": "high"}
    assert result["include"] == ["reasoning.encrypted_content"]
    # Claude Code's tools are not strict; Responses function tools would be by default.
    assert all(t["type"] == "function" and t["strict"] is False for t in result["tools"])
    assert [t["parameters"] for t in result["tools"]] == [t["input_schema"] for t in body["tools"]]
    # The system blocks lead as one developer message, breakpoints kept.
    first = result["input"][0]
    assert first["role"] == "developer"
    assert [p["text"] for p in first["content"]] == [b["text"] for b in body["system"]]
    assert [("prompt_cache_breakpoint" in p) for p in first["content"]] == [
        ("cache_control" in b) for b in body["system"]
    ]
    # The JSON user id is longer than OpenAI takes: hashed, stable, reported.
    assert len(result["safety_identifier"]) == 64
    assert ("coerced", "/metadata/user_id") in losses(conversion)
    assert losses(conversion) == {
        ("coerced", "/metadata/user_id"),
        ("dropped", "/context_management"),
    }


def test_claude_code_thinking_becomes_a_reasoning_item_clients_accept() -> None:
    body = fixture("claude_code_tool_read_image_with_thinking.json")
    thinking = next(
        b
        for m in body["messages"]
        if m["role"] == "assistant"
        for b in m["content"]
        if b["type"] == "thinking"
    )
    result = to_responses(body).result
    (item,) = [i for i in result["input"] if i["type"] == "reasoning"]
    assert item["summary"] == [{"type": "summary_text", "text": thinking["thinking"]}]
    assert signatures.decode(item["encrypted_content"]) == ("thinking", thinking["signature"])
    assert item["id"] == reasoning_id(item["encrypted_content"])
    # What the OpenAI SDK makes of the item a Responses client stores and replays.
    ResponseReasoningItem.model_validate(item)
    # The image of the tool result stays inside the function output.
    (output,) = [i for i in result["input"] if i["type"] == "function_call_output"]
    assert output["output"][0]["type"] == "input_image"
    assert output["output"][0]["image_url"].startswith("data:image/png;base64,")


def test_claude_code_mid_conversation_system_stays_in_place() -> None:
    body = fixture("claude_code_tool_bash_followup.json")
    result = to_responses(body).result
    roles = [i.get("role") for i in result["input"] if i["type"] == "message"]
    assert roles[:3] == ["developer", "user", "developer"]
    (output,) = [i for i in result["input"] if i["type"] == "function_call_output"]
    assert output["output"] == "hi"


# -- round trips -------------------------------------------------------------------------


def _without_unexpressible(body: dict[str, Any]) -> dict[str, Any]:
    """What Responses can hold of a Claude Code request: no breakpoints or error flags on
    tool calls and results, no context management, the user id hashed."""
    out = copy.deepcopy(body)
    out.pop("context_management", None)
    out.pop("metadata", None)
    for m in out["messages"]:
        for b in m["content"] if isinstance(m["content"], list) else ():
            if b["type"] in ("tool_use", "tool_result"):
                b.pop("cache_control", None)
            if b["type"] == "tool_result" and b.get("is_error") is False:
                del b["is_error"]
    return out


@pytest.mark.parametrize("name", CLAUDE_CODE)
def test_claude_code_round_trip_keeps_everything_responses_can_hold(name: str) -> None:
    body = fixture(name)
    back = to_anthropic(to_responses(body).result).result
    expected = _without_unexpressible(body)
    for key in (
        "model",
        "max_tokens",
        "system",
        "messages",
        "tools",
        "thinking",
        "output_config",
        "stream",
    ):
        assert back[key] == expected[key], key
    assert set(back) - set(expected) == {"metadata"}


ANTHROPIC_REQUEST: dict[str, Any] = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 12288,
    "system": [{"type": "text", "text": "rules", "cache_control": {"type": "ephemeral"}}],
    "thinking": {"type": "enabled", "budget_tokens": 8192},
    "metadata": {"user_id": "u-1"},
    "stream": True,
    "service_tier": "standard_only",
    "tool_choice": {"type": "auto", "disable_parallel_tool_use": True},
    "output_config": {
        "format": {
            "type": "json_schema",
            "schema": {"type": "object", "additionalProperties": False},
        }
    },
    "tools": [
        {"name": "f", "description": "d", "input_schema": {"type": "object"}, "strict": True},
        {"type": "web_search_20250305", "name": "web_search", "allowed_domains": ["a.test"]},
    ],
    "messages": [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "look"},
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": "iVBO"},
                },
                {
                    "type": "document",
                    "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBE"},
                    "title": "a.pdf",
                },
                {"type": "document", "source": {"type": "url", "url": "https://x.test/b.pdf"}},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {
                    "type": "thinking",
                    "thinking": "line one\n\nline two",
                    "signature": "EqQB+/=\u00e9sig",
                },
                {"type": "redacted_thinking", "data": "EmwK/+=="},
                {"type": "text", "text": "let me see"},
                {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"a": [1, "x"]}},
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_1",
                    "content": [
                        {"type": "text", "text": "r"},
                        {"type": "image", "source": {"type": "url", "url": "https://x.test/i.png"}},
                    ],
                },
                {"type": "text", "text": "thanks", "cache_control": {"type": "ephemeral"}},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "", "signature": "s2"},
                {"type": "text", "text": "done"},
            ],
        },
        {"role": "user", "content": "bye"},
    ],
}


def only_item_ids(conversion: Any) -> bool:
    """The one thing a round trip through Anthropic reports: item ids, which Anthropic
    blocks cannot hold (crosswalk's own reasoning ids are derived again on the way back)."""
    return all(k == "dropped" and p.endswith("/id") for k, p in losses(conversion))


def test_anthropic_round_trip_is_exact_with_signatures_byte_for_byte() -> None:
    there = to_responses(ANTHROPIC_REQUEST)
    assert not there.loss
    validate("responses.request", there.result)
    back = to_anthropic(there.result)
    assert back.loss and only_item_ids(back)
    assert back.result == ANTHROPIC_REQUEST


def test_signatures_survive_the_official_sdk_types() -> None:
    items = [i for i in to_responses(ANTHROPIC_REQUEST).result["input"] if i["type"] == "reasoning"]
    for item in items:
        ResponseReasoningItem.model_validate(item)
    back = to_anthropic(to_responses(ANTHROPIC_REQUEST).result).result
    thinking = [
        b
        for m in back["messages"]
        if isinstance(m["content"], list)
        for b in m["content"]
        if b["type"] in ("thinking", "redacted_thinking")
    ]
    BetaThinkingBlock.model_validate(thinking[0])
    BetaRedactedThinkingBlock.model_validate(thinking[1])
    assert thinking[0]["signature"] == "EqQB+/=\u00e9sig"
    assert thinking[1]["data"] == "EmwK/+=="


RESPONSES_REQUEST: dict[str, Any] = {
    "model": "claude-opus-4-8",
    "instructions": "be brief",
    "max_output_tokens": 2048,
    "stream": True,
    "store": False,
    "safety_identifier": "u-1",
    "include": ["reasoning.encrypted_content"],
    "reasoning": {"effort": "high", "summary": "auto"},
    "text": {
        "format": {
            "type": "json_schema",
            "name": "output",
            "strict": True,
            "schema": {"type": "object", "additionalProperties": False},
        }
    },
    "tool_choice": "auto",
    "parallel_tool_calls": False,
    "tools": [
        {
            "type": "function",
            "name": "f",
            "description": "d",
            "parameters": {"type": "object"},
            "strict": False,
        },
        {"type": "custom", "name": "apply_patch", "description": "patch"},
        {
            "type": "web_search",
            "filters": {"allowed_domains": ["a.test"]},
            "user_location": {"type": "approximate", "city": "Paris"},
        },
    ],
    "input": [
        {
            "type": "message",
            "role": "user",
            "content": [
                {
                    "type": "input_text",
                    "text": "look",
                    "prompt_cache_breakpoint": {"mode": "explicit"},
                },
                {
                    "type": "input_image",
                    "image_url": "data:image/png;base64,iVBO",
                    "detail": "auto",
                },
            ],
        },
        {
            "type": "reasoning",
            "id": reasoning_id(signatures.encode_signature("sig")),
            "summary": [{"type": "summary_text", "text": "plan"}],
            "encrypted_content": signatures.encode_signature("sig"),
        },
        {"type": "function_call", "call_id": "call_1", "name": "f", "arguments": '{"a":1}'},
        {
            "type": "custom_tool_call",
            "call_id": "call_2",
            "name": "apply_patch",
            "input": "*** Begin Patch",
        },
        {"type": "function_call_output", "call_id": "call_1", "output": "r1"},
        {
            "type": "custom_tool_call_output",
            "call_id": "call_2",
            "output": [{"type": "input_text", "text": "ok"}],
        },
        {"type": "message", "role": "assistant", "content": "done"},
        {"type": "message", "role": "user", "content": "bye"},
    ],
}


def test_responses_round_trip_is_exact_with_the_custom_tool_names() -> None:
    custom = custom_tool_names("responses", RESPONSES_REQUEST)
    there = to_anthropic(RESPONSES_REQUEST)
    assert only_item_ids(there)
    validate("anthropic.request", there.result)
    back = to_responses(there.result, custom_tools=custom)
    assert not back.loss
    assert back.result == RESPONSES_REQUEST


def test_without_the_custom_tool_names_a_custom_tool_comes_back_as_a_function() -> None:
    back = to_responses(to_anthropic(RESPONSES_REQUEST).result).result
    tool = next(t for t in back["tools"] if t["name"] == "apply_patch")
    assert tool["type"] == "function" and tool["parameters"] == CUSTOM_SCHEMA
    call = next(i for i in back["input"] if i.get("name") == "apply_patch")
    assert call["type"] == "function_call"
    assert json.loads(call["arguments"]) == {"input": "*** Begin Patch"}


# -- stateful fields ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "pointer"),
    [
        ({"previous_response_id": "resp_1"}, "/previous_response_id"),
        ({"conversation": "conv_1"}, "/conversation"),
        ({"conversation": {"id": "conv_1"}}, "/conversation"),
        ({"input": [{"type": "item_reference", "id": "msg_1"}]}, "/input/0"),
        ({"prompt": {"id": "pmpt_1"}}, "/prompt"),
    ],
)
def test_stateful_fields_are_refused_naming_the_field(extra: dict[str, Any], pointer: str) -> None:
    with pytest.raises(RefusedError) as info:
        to_anthropic({"model": "claude-opus-4-8", "input": "hi", **extra})
    assert info.value.pointer == pointer


def test_a_request_without_model_is_refused_and_one_without_input_is_empty() -> None:
    with pytest.raises(RefusedError) as info:
        to_anthropic({"input": "hi"})
    assert info.value.pointer == "/model"
    result = to_anthropic({"model": "claude-opus-4-8", "instructions": "be brief"}).result
    assert result["messages"] == [] and result["system"] == "be brief"


def test_an_unknown_item_type_is_dropped_not_crashed() -> None:
    body = {
        "model": "m",
        "input": [{"role": "user", "content": "hi"}, {"type": "future_item", "x": 1}],
    }
    conversion = run("responses", "anthropic", "request", body, check_input=False)
    assert ("dropped", "/input/1") in losses(conversion)


# -- per-model policy towards Anthropic ----------------------------------------------------


@pytest.mark.parametrize(
    ("model", "kept", "lost"),
    [
        ("claude-opus-4-8", {}, {"/temperature", "/top_p"}),
        ("claude-sonnet-4-6", {"temperature": 0.2}, {"/top_p"}),
        ("claude-sonnet-4-5", {"temperature": 0.2}, {"/top_p"}),
        ("claude-sonnet-4-20250514", {"temperature": 0.2, "top_p": 0.9}, set()),
        ("claude-3-5-haiku-latest", {"temperature": 0.2, "top_p": 0.9}, set()),
    ],
)
@pytest.mark.parametrize("source", ["responses", "chat"])
def test_sampling_policy_applies_from_both_openai_formats(
    source: str, model: str, kept: dict[str, float], lost: set[str]
) -> None:
    body: dict[str, Any] = {"model": model, "temperature": 0.2, "top_p": 0.9}
    body.update(
        {"input": "hi"}
        if source == "responses"
        else {"messages": [{"role": "user", "content": "hi"}]}
    )
    conversion = run(source, "anthropic", "request", body)
    assert {
        k: conversion.result[k] for k in ("temperature", "top_p") if k in conversion.result
    } == kept
    assert {p for k, p in losses(conversion) if k == "dropped"} == lost


@pytest.mark.parametrize(
    ("model", "version"),
    [
        ("claude-opus-4-8", "web_search_20260318"),
        ("claude-sonnet-4-6", "web_search_20260318"),
        ("claude-haiku-4-5", "web_search_20250305"),
        ("gpt-5.5", "web_search_20250305"),
    ],
)
def test_web_search_takes_the_version_the_family_supports(model: str, version: str) -> None:
    result = to_anthropic(
        {"model": model, "input": "news?", "tools": [{"type": "web_search"}]}
    ).result
    assert result["tools"] == [{"type": version, "name": "web_search"}]
