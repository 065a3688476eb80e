"""Top-level request parameters (everything but messages and system), chat <-> anthropic,
on real client shapes and on generated inputs.

The golden tests (generated/tests) prove each table row on a minimal body; these check
what the rows promise together: Claude Code and SDK bodies convert as their clients
expect, tool schemas travel by reference, a thinking budget always stays below
max_tokens, and strict mode raises on anything lossy.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from crosswalk.generated.policy import POLICY
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswalk.convert import run
from crosswalk.errors import ConversionError
from crosswalk.transforms import Options
from crosswalk.validate import validate

FIXTURES = Path(__file__).parent / "fixtures"
# Strict-mode tests replace the messages, whose own losses belong to another topic.
HI = [{"role": "user", "content": "hi"}]
EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
# One model per family of mappings/models.yaml, plus one no family names.
FAMILY_MODELS = (
    "claude-opus-4-8",
    "claude-sonnet-4-6",
    "claude-sonnet-4-5-20250929",
    "claude-sonnet-4-20250514",
    "claude-3-5-haiku-latest",
    "claude-unknown-9",
)


def fixture(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return body


def to_chat(body: dict[str, Any], **options: Any) -> Any:
    return run("anthropic", "chat", "request", body, Options(**options) if options else None)


def to_anthropic(body: dict[str, Any], **options: Any) -> Any:
    return run("chat", "anthropic", "request", body, Options(**options) if options else None)


def losses(conversion: Any) -> set[tuple[str, str]]:
    return {(e.kind, e.pointer) for e in conversion.loss}


# -- Claude Code -> Chat -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "claude_code_say_hi_opus.json",
        "claude_code_tool_bash_followup.json",
        "claude_code_tool_read_image_with_thinking.json",
    ],
)
def test_claude_code_opus_adaptive_effort(name: str) -> None:
    body = fixture(name)
    conversion = to_chat(body)
    result = conversion.result
    assert result["reasoning_effort"] == "high"
    assert result["max_completion_tokens"] == 64000
    assert result["stream"] is True
    assert result["stream_options"] == {"include_usage": True}
    assert result["user"] == body["metadata"]["user_id"]
    assert ("dropped", "/context_management") in losses(conversion)
    for key in ("thinking", "output_config", "context_management", "metadata", "max_tokens"):
        assert key not in result
    validate("chat.request", result)


def test_claude_code_tools_pass_by_reference() -> None:
    body = fixture("claude_code_say_hi_opus.json")
    result = to_chat(body).result
    assert [t["function"]["name"] for t in result["tools"]] == [t["name"] for t in body["tools"]]
    for tool, source in zip(result["tools"], body["tools"], strict=True):
        assert tool["type"] == "function"
        assert tool["function"]["parameters"] is source["input_schema"]
        assert tool["function"]["description"] == source["description"]


def test_claude_code_sonnet45_budget_to_effort() -> None:
    body = fixture("claude_code_sonnet45.json")
    conversion = to_chat(body)
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 31999}
    assert conversion.result["reasoning_effort"] == "max"
    assert conversion.result["max_completion_tokens"] == 32000


def test_claude_code_input_is_not_mutated() -> None:
    body = fixture("claude_code_tool_read_image_with_thinking.json")
    before = copy.deepcopy(body)
    to_chat(body)
    assert body == before


def test_claude_code_strict_raises_on_context_management() -> None:
    body = {**fixture("claude_code_say_hi_opus.json"), "system": "be brief", "messages": HI}
    with pytest.raises(ConversionError) as info:
        to_chat(body, strict=True)
    assert info.value.pointer == "/context_management"


# -- SDK Chat -> Anthropic ---------------------------------------------------------------


def test_sdk_chat_tools_to_anthropic() -> None:
    body = fixture("sdk_chat_tools.json")
    before = copy.deepcopy(body)
    conversion = to_anthropic(body)
    result = conversion.result
    assert result["max_tokens"] == 512
    assert result["temperature"] == 0.2
    assert result["tool_choice"] == {"type": "auto"}
    source_fn = body["tools"][0]["function"]
    (tool,) = result["tools"]
    assert tool["name"] == source_fn["name"]
    assert tool["input_schema"] is source_fn["parameters"]
    assert tool["strict"] is True
    assert "thinking" not in result
    assert body == before
    validate("anthropic.request", result)


def test_sdk_chat_stream_usage_is_neutral() -> None:
    conversion = to_anthropic(fixture("sdk_chat_stream_usage.json"))
    assert conversion.result["stream"] is True
    assert "stream_options" not in conversion.result
    assert not any(e.pointer.startswith("/stream") for e in conversion.loss)


def test_strict_chat_to_anthropic_raises_on_lossy_input() -> None:
    body = {**fixture("sdk_chat_tools.json"), "messages": HI, "logit_bias": {"50256": -100}}
    with pytest.raises(ConversionError) as info:
        to_anthropic(body, strict=True)
    assert info.value.pointer == "/logit_bias"


def test_strict_accepts_neutral_values() -> None:
    body = {
        **fixture("sdk_chat_tools.json"),
        "messages": HI,
        "n": 1,
        "logprobs": False,
        "presence_penalty": 0,
        "parallel_tool_calls": True,
    }
    assert not to_anthropic(body, strict=True).loss


# -- thinking: budget always below max_tokens -----------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    model=st.sampled_from(FAMILY_MODELS),
    effort=st.sampled_from((None, *EFFORTS)),
    max_tokens=st.one_of(st.none(), st.integers(min_value=1, max_value=200_000)),
    legacy=st.booleans(),
    default_max_tokens=st.integers(min_value=1, max_value=100_000),
)
def test_budget_always_below_max_tokens(
    model: str, effort: str | None, max_tokens: int | None, legacy: bool, default_max_tokens: int
) -> None:
    body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": "hi"}]}
    if effort is not None:
        body["reasoning_effort"] = effort
    if max_tokens is not None:
        body["max_tokens" if legacy else "max_completion_tokens"] = max_tokens
    result = to_anthropic(body, default_max_tokens=default_max_tokens).result
    family = POLICY.lookup(model)
    assert 1 <= result["max_tokens"] <= family.max_output_tokens
    thinking = result.get("thinking")
    if effort in (None, "none") or family.thinking == "none":
        assert thinking is None
        assert "output_config" not in result
    elif family.thinking == "adaptive":
        assert thinking == {"type": "adaptive"}
        assert result["output_config"]["effort"] == family.effort[effort]
    elif thinking is not None:
        assert thinking["type"] == "enabled"
        assert family.min_budget <= thinking["budget_tokens"] < result["max_tokens"]
        assert thinking["budget_tokens"] <= family.budget[effort]
    else:
        assert max_tokens is not None and max_tokens <= family.min_budget
    validate("anthropic.request", result)


@pytest.mark.parametrize("effort", [e for e in EFFORTS if e != "none"])
def test_budget_effort_round_trips(effort: str) -> None:
    """The inverse budget table gives back the effort that chose the budget."""
    body = {
        "model": "claude-sonnet-4-5",
        "messages": [{"role": "user", "content": "hi"}],
        "max_completion_tokens": 32000,
        "reasoning_effort": effort,
    }
    anthropic = to_anthropic(body).result
    back = to_chat(anthropic).result
    assert back["reasoning_effort"] == effort
    assert back["max_completion_tokens"] == 32000


@pytest.mark.parametrize("effort", ["low", "medium", "high", "xhigh", "max"])
def test_adaptive_effort_round_trips(effort: str) -> None:
    body = {
        "model": "claude-opus-4-8",
        "messages": [{"role": "user", "content": "hi"}],
        "reasoning_effort": effort,
    }
    anthropic = to_anthropic(body).result
    assert to_chat(anthropic).result["reasoning_effort"] == effort


# -- tools and tool choice, both ways ---------------------------------------------------


def test_tool_choice_round_trip_with_parallel() -> None:
    body = {
        "model": "claude-sonnet-4-5",
        "messages": [{"role": "user", "content": "hi"}],
        "tools": [
            {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
        ],
        "tool_choice": {"type": "function", "function": {"name": "f"}},
        "parallel_tool_calls": False,
    }
    anthropic = to_anthropic(body).result
    assert anthropic["tool_choice"] == {
        "type": "tool",
        "name": "f",
        "disable_parallel_tool_use": True,
    }
    back = to_chat(anthropic).result
    assert back["tool_choice"] == body["tool_choice"]
    assert back["parallel_tool_calls"] is False


def test_response_format_round_trip_keeps_schema_reference() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": False,
    }
    body = {
        "model": "claude-sonnet-4-5",
        "messages": [{"role": "user", "content": "hi"}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "output", "schema": schema, "strict": True},
        },
    }
    conversion = to_anthropic(body)
    assert conversion.result["output_config"]["format"]["schema"] is schema
    assert not conversion.loss
    back = to_chat(conversion.result).result
    assert back["response_format"] == body["response_format"]
    assert back["response_format"]["json_schema"]["schema"] is schema
