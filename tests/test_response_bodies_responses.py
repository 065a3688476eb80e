"""Response bodies, Anthropic Message <-> Responses Response, on real client shapes.

The fixtures (tests/fixtures/rr_*.json, described in rr_README.md) are the replies whose
echoes the Claude Code and Codex captures carry. Every converted body is also parsed with
the official SDK types (`openai.types.responses.Response`, `anthropic.types.beta.BetaMessage`),
which is what the clients behind a proxy do with it.
"""

from __future__ import annotations

import copy
import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from anthropic.types.beta import BetaMessage
from openai.types.responses import Response

from crosswalk.convert import Conversion, UnsupportedPair, custom_tool_names, run
from crosswalk.errors import ConversionError, RefusedError
from crosswalk.transforms import Options, signatures
from crosswalk.validate import validate

FIXTURES = Path(__file__).parent / "fixtures"
NOW = 1763819700
SCHEMAS = Path(__file__).parent.parent / "schemas"


def fixture(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return body


def to_responses(message: dict[str, Any], **options: Any) -> Conversion:
    return run("anthropic", "responses", "response", message, Options(now=NOW, **options))


def to_anthropic(response: dict[str, Any], **options: Any) -> Conversion:
    return run("responses", "anthropic", "response", response, Options(**options))


def losses(conversion: Conversion) -> set[tuple[str, str]]:
    return {(e.kind, e.pointer) for e in conversion.loss}


def schema_enum(schema: str, *path: str) -> list[str]:
    """The string values a field of a schema admits (anyOf of an enum and null)."""
    node: Any = json.loads((SCHEMAS / f"{schema}.json").read_text())
    for step in path:
        node = node[step]
    values: list[str] = next(m["enum"] for m in node["anyOf"] if "enum" in m)
    return values


def message(content: list[dict[str, Any]], stop_reason: str = "end_turn") -> dict[str, Any]:
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5-20250929",
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 6},
    }


# -- Anthropic -> Responses on the Claude Code reply -------------------------------------


def test_claude_code_reply_parses_as_an_openai_response() -> None:
    reply = fixture("rr_claude_code_read_image_reply")
    conversion = to_responses(reply)
    response = Response.model_validate(conversion.result)

    assert response.id == "resp_01RDq0kwK4xdxd5MusI0FKUr"
    assert response.created_at == NOW
    assert response.model == "claude-opus-4-8"
    assert response.status == "completed"
    assert [item.type for item in response.output] == ["reasoning", "message", "function_call"]
    assert [item.id for item in response.output] == [
        "rs_01RDq0kwK4xdxd5MusI0FKUr_0",
        "msg_01RDq0kwK4xdxd5MusI0FKUr_1",
        "fc_01RDq0kwK4xdxd5MusI0FKUr_2",
    ]
    assert response.output_text == "I'll run that."

    thinking, _, tool_use = reply["content"]
    reasoning, _, call = conversion.result["output"]
    assert reasoning["summary"] == [{"type": "summary_text", "text": thinking["thinking"]}]
    assert signatures.decode(reasoning["encrypted_content"]) == ("thinking", thinking["signature"])
    assert call["call_id"] == tool_use["id"]
    assert json.loads(call["arguments"]) == tool_use["input"]

    # OpenAI input includes cache reads and writes; nothing is counted twice.
    usage = reply["usage"]
    assert response.usage is not None
    assert response.usage.input_tokens == (
        usage["input_tokens"]
        + usage["cache_read_input_tokens"]
        + usage["cache_creation_input_tokens"]
    )
    assert response.usage.input_tokens_details.cached_tokens == usage["cache_read_input_tokens"]
    assert response.usage.total_tokens == response.usage.input_tokens + usage["output_tokens"]
    # Only the 5m/1h split of the cache writes is lost.
    assert losses(conversion) == {("dropped", "/usage/cache_creation")}


def test_replayed_output_items_are_valid_next_turn_input() -> None:
    """A Responses client sends the output items back with its tool result next turn.

    The items must be valid Responses request input, and once the request converter
    (responses.request -> anthropic.request) exists, the thinking block must reach
    Anthropic with its signature byte for byte.
    """
    reply = fixture("rr_claude_code_read_image_reply")
    output = to_responses(reply).result["output"]
    call = output[-1]
    request = {
        "model": "claude-opus-4-8",
        "max_output_tokens": 1024,
        "input": [
            {"role": "user", "content": "Read the image red.png and describe it"},
            *copy.deepcopy(output),
            {"type": "function_call_output", "call_id": call["call_id"], "output": "a red square"},
        ],
    }
    validate("responses.request", request)
    try:
        conversion = run("responses", "anthropic", "request", request)
    except UnsupportedPair:
        pytest.skip("responses.request -> anthropic.request is not built in this tree yet")
    blocks = [
        block
        for m in conversion.result["messages"]
        if m["role"] == "assistant" and isinstance(m["content"], list)
        for block in m["content"]
    ]
    assert reply["content"][0] in blocks
    validate("anthropic.request", conversion.result)


# -- round trips ---------------------------------------------------------------------------


def test_round_trip_keeps_every_block_and_signature_byte_exact() -> None:
    content = [
        {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/+=="},
        {"type": "thinking", "thinking": "First line.\n\nSecond line.", "signature": "EqQB+/=="},
        {"type": "thinking", "thinking": "", "signature": "EqQBempty"},
        {"type": "text", "text": "Let me patch it."},
        {"type": "text", "text": " And check."},
        {
            "type": "tool_use",
            "id": "toolu_01A",
            "name": "apply_patch",
            "input": {"input": "*** Begin Patch\n*** End Patch\n"},
        },
        {"type": "tool_use", "id": "toolu_01B", "name": "exec", "input": {"cmd": ["ls", "-l"]}},
    ]
    original = message(content, "tool_use")
    there = to_responses(original, custom_tools=["apply_patch"])
    assert [item["type"] for item in there.result["output"]] == [
        "reasoning",
        "reasoning",
        "reasoning",
        "message",
        "custom_tool_call",
        "function_call",
    ]
    Response.model_validate(there.result)
    back = to_anthropic(there.result)
    BetaMessage.model_validate(back.result)

    assert back.result["content"] == content
    assert back.result["stop_reason"] == "tool_use"
    assert back.result["id"] == original["id"]
    assert back.result["usage"] == {
        "input_tokens": 12,
        "output_tokens": 6,
        "cache_read_input_tokens": 0,
        "cache_creation_input_tokens": 0,
    }
    assert losses(there) == set()
    assert losses(back) == {("dropped", "/created_at")}


STOP_ROUND_TRIP = {
    "end_turn": ("end_turn", None),
    "tool_use": ("tool_use", None),
    "max_tokens": ("max_tokens", None),
    "refusal": ("refusal", None),
    "pause_turn": ("pause_turn", None),
    "stop_sequence": ("end_turn", "/stop_sequence"),
    "model_context_window_exceeded": ("max_tokens", "/stop_reason"),
    "compaction": ("pause_turn", "/stop_reason"),
}


def test_every_stop_reason_round_trips_or_reports_the_change() -> None:
    values = schema_enum("anthropic.response", "properties", "stop_reason")
    assert set(values) == set(STOP_ROUND_TRIP)
    for stop_reason in values:
        content: list[dict[str, Any]] = [{"type": "text", "text": "x"}]
        if stop_reason == "tool_use":
            content.append({"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}})
        original = message(content, stop_reason)
        if stop_reason == "stop_sequence":
            original["stop_sequence"] = "END"
        there = to_responses(original)
        Response.model_validate(there.result)
        back = to_anthropic(there.result)
        expected, reported = STOP_ROUND_TRIP[stop_reason]
        assert back.result["stop_reason"] == expected, stop_reason
        assert {p for _, p in losses(there)} == ({reported} if reported else set()), stop_reason


def test_every_response_status_converts_or_is_refused() -> None:
    statuses = schema_enum("responses.response", "properties", "status")
    reasons = schema_enum(
        "responses.response", "$defs", "IncompleteDetails", "properties", "reason"
    )
    expected = {
        ("completed", None): "end_turn",
        ("incomplete", None): "pause_turn",
        ("incomplete", "max_output_tokens"): "max_tokens",
        ("incomplete", "content_filter"): "refusal",
        ("incomplete", "steered"): "pause_turn",
        ("incomplete", "max_messages"): "pause_turn",
    }
    base = fixture("rr_codex_apply_patch_reply")["response"]
    for status in statuses:
        for reason in [None, *reasons]:
            body = {**base, "output": [], "status": status}
            body["incomplete_details"] = {"reason": reason}
            key = (status, reason if status == "incomplete" else None)
            if key in expected:
                result = to_anthropic(body).result
                assert result["stop_reason"] == expected[key], key
                BetaMessage.model_validate(result)
            else:
                with pytest.raises(RefusedError) as refused:
                    to_anthropic(body)
                assert refused.value.pointer == "/status"


# -- Responses -> Anthropic on the Codex reply -----------------------------------------------


def test_codex_custom_tool_reply_to_anthropic_and_back() -> None:
    codex = fixture("rr_codex_apply_patch_reply")
    reply = codex["response"]
    conversion = to_anthropic(reply)
    parsed = BetaMessage.model_validate(conversion.result)
    assert parsed.stop_reason == "tool_use"

    reasoning, call = reply["output"]
    assert conversion.result["content"] == [
        # OpenAI's own encrypted reasoning rides in the signature, for Claude Code to
        # show and to replay.
        {
            "type": "thinking",
            "thinking": reasoning["summary"][0]["text"],
            "signature": "crosswalk.openai.reasoning:" + reasoning["encrypted_content"],
        },
        {
            "type": "tool_use",
            "id": call["call_id"],
            "name": "apply_patch",
            "input": {"input": call["input"]},
        },
    ]
    assert not any(p.startswith("/output/0") for _, p in losses(conversion))
    # 5120 input tokens, 4096 of them cached: Anthropic's input_tokens is the rest.
    assert conversion.result["usage"]["input_tokens"] == 1024
    assert conversion.result["usage"]["cache_read_input_tokens"] == 4096
    assert conversion.result["usage"]["output_tokens_details"] == {"thinking_tokens": 64}

    # The reply's tool_use goes back to Codex as the custom call it was.
    names = custom_tool_names("responses", codex["request"])
    assert names == frozenset({"apply_patch"})
    back = to_responses(conversion.result, custom_tools=names)
    Response.model_validate(back.result)
    thought, item = back.result["output"]
    # ... and comes back sealed as OpenAI sealed it.
    assert thought["encrypted_content"] == reasoning["encrypted_content"]
    assert thought["summary"] == reasoning["summary"]
    assert item["type"] == "custom_tool_call"
    assert (item["call_id"], item["name"], item["input"]) == (
        call["call_id"],
        call["name"],
        call["input"],
    )
    assert back.result["usage"]["input_tokens"] == reply["usage"]["input_tokens"]


def test_request_echoes_are_reported_not_silently_lost() -> None:
    conversion = to_anthropic(fixture("rr_codex_apply_patch_reply")["response"])
    pointers = {p for _, p in losses(conversion)}
    assert {"/tools", "/reasoning", "/text", "/prompt_cache_key", "/created_at"} <= pointers
    # Defaults the API echoes are not losses.
    assert not pointers & {"/tool_choice", "/parallel_tool_calls"}


# -- usage ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "usage",
    [
        {"input_tokens": 12, "output_tokens": 6},
        {
            "input_tokens": 3,
            "cache_read_input_tokens": 18432,
            "cache_creation_input_tokens": 2051,
            "output_tokens": 96,
        },
        {"input_tokens": 0, "cache_read_input_tokens": 100, "output_tokens": 1},
    ],
)
def test_usage_is_converted_exactly_both_ways(usage: dict[str, Any]) -> None:
    there = to_responses({**message([]), "usage": usage}).result["usage"]
    cached = usage.get("cache_read_input_tokens", 0)
    written = usage.get("cache_creation_input_tokens", 0)
    assert there["input_tokens"] == usage["input_tokens"] + cached + written
    assert there["input_tokens_details"] == {"cached_tokens": cached, "cache_write_tokens": written}
    assert there["total_tokens"] == there["input_tokens"] + usage["output_tokens"]
    back = to_anthropic({**fixture("rr_codex_apply_patch_reply")["response"], "usage": there})
    assert back.result["usage"] == {
        "input_tokens": usage["input_tokens"],
        "output_tokens": usage["output_tokens"],
        "cache_read_input_tokens": cached,
        "cache_creation_input_tokens": written,
    }


# -- odd but schema-valid bodies: only ConversionErrors may escape ----------------------------


def test_odd_anthropic_blocks_are_reported_not_raised() -> None:
    original = message(
        [
            {
                "type": "server_tool_use",
                "id": "srvtoolu_1",
                "name": "web_search",
                "input": {"query": 5},
            },
            {"type": "tool_use", "id": "toolu_1", "name": "apply_patch", "input": {"input": 5}},
            {"type": "text", "text": "", "citations": []},
        ]
    )
    conversion = to_responses(original, custom_tools=["apply_patch"])
    Response.model_validate(conversion.result)
    search, custom, _ = conversion.result["output"]
    assert search["action"] == {"type": "search"}
    assert custom["input"] == '{"input":5}'
    assert losses(conversion) == {
        ("dropped", "/content/0/input/query"),
        ("coerced", "/content/1/input"),
    }


def test_odd_response_items_are_reported_not_raised() -> None:
    long_id = "call_" + "x" * 80
    body = {
        **fixture("rr_codex_apply_patch_reply")["response"],
        "output": [
            {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": None},
            {"type": "function_call", "call_id": long_id, "name": "f", "arguments": "[1]"},
            {
                "type": "web_search_call",
                "id": "ws_1",
                "status": "searching",
                "action": {"type": "search"},
            },
            {
                "type": "message",
                "id": "msg_1",
                "status": "completed",
                "role": "assistant",
                "content": [],
            },
        ],
    }
    conversion = to_anthropic(body)
    BetaMessage.model_validate(conversion.result)
    tool_use, server_tool_use = conversion.result["content"]
    assert len(tool_use["id"]) <= 64 and tool_use["input"] == {}
    assert server_tool_use == {
        "type": "server_tool_use",
        "id": "srvtoolu_1",
        "name": "web_search",
        "input": {},
    }
    assert {
        ("dropped", "/output/0"),
        ("coerced", "/output/1/call_id"),
        ("dropped", "/output/1/arguments"),
    } <= losses(conversion)


def test_failed_response_is_refused_at_its_error() -> None:
    body = {
        **fixture("rr_codex_apply_patch_reply")["response"],
        "status": "failed",
        "error": {"code": "server_error", "message": "The server had an error."},
    }
    with pytest.raises(ConversionError) as refused:
        to_anthropic(body)
    assert (refused.value.kind, refused.value.pointer) == ("refused", "/error")


# -- every golden output parses with the official SDK types ---------------------------------


@pytest.mark.parametrize(
    ("module", "sdk"),
    [
        ("test_golden_anthropic__responses_response", Response),
        ("test_golden_responses__anthropic_response", BetaMessage),
    ],
)
def test_golden_outputs_parse_with_the_sdk_types(module: str, sdk: Any) -> None:
    golden = importlib.import_module(f"crosswalk.generated.tests.{module}")
    source, target = ("anthropic", "responses") if sdk is Response else ("responses", "anthropic")
    checked = 0
    for given, expect in golden.EXAMPLES.values():
        if expect["error"] is not None:
            continue
        result = run(source, target, "response", given, Options(**expect["options"])).result
        sdk.model_validate(result)
        checked += 1
    assert checked > 20
