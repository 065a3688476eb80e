"""Non-streaming response bodies, Anthropic <-> Chat and Chat <-> Responses.

On real client shapes (tests/fixtures/rc_*.json, rebuilt from the corpus captures), with
the official SDK types as the judge of what a client accepts, and round trips that must
keep everything both formats can express.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from anthropic.types.beta import BetaMessage
from openai.types.chat import ChatCompletion
from openai.types.responses import Response
from pydantic import BaseModel

from crosswalk.convert import Conversion, custom_tool_names, run
from crosswalk.errors import ConversionError, InvalidRequestError, LossError, RefusedError
from crosswalk.transforms import Options

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SDK: dict[str, type[BaseModel]] = {
    "anthropic": BetaMessage,
    "chat": ChatCompletion,
    "responses": Response,
}
TABLES = (
    ("anthropic", "chat"),
    ("chat", "anthropic"),
    ("chat", "responses"),
    ("responses", "chat"),
)


def fixture(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return doc


def convert(source: str, target: str, body: dict[str, Any], **options: Any) -> Conversion:
    """Convert a response body and check the result the way a client would: the official
    SDK type must parse it (the golden checks also validate it against our models)."""
    conv = run(source, target, "response", body, Options(**options))
    SDK[target].model_validate(conv.result)
    return conv


def losses(conv: Conversion) -> set[tuple[str, str]]:
    return {(e.kind, e.pointer) for e in conv.loss}


def parsed_arguments(choices: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The choices with each function call's arguments parsed (JSON-equal, not byte-equal)."""
    out = json.loads(json.dumps(choices))
    for choice in out:
        for call in choice["message"].get("tool_calls") or ():
            call["function"]["arguments"] = json.loads(call["function"]["arguments"])
    result: list[dict[str, Any]] = out
    return result


def enum_of(schema_id: str, definition: str, prop: str) -> list[str]:
    """The string values a schema field admits (its enum, ignoring null)."""
    doc = json.loads((ROOT / "schemas" / f"{schema_id}.json").read_text())
    node = doc if definition == "$root" else doc["$defs"][definition]
    field = node["properties"][prop]
    for member in field.get("anyOf", [field]):
        if "enum" in member:
            return list(member["enum"])
    raise AssertionError(f"{schema_id} {definition}/{prop} has no enum")


# -- every golden example parses with the official SDK type ---------------------------


def _golden_examples() -> Iterator[Any]:
    for source, target in TABLES:
        path = ROOT / "generated" / "tests" / f"test_golden_{source}__{target}_response.py"
        spec = importlib.util.spec_from_file_location(f"_rc_golden_{source}_{target}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for name, (given, expect) in module.EXAMPLES.items():
            if expect["error"] is None:
                options = {k: v for k, v in expect["options"].items() if k != "strict"}
                yield pytest.param(source, target, given, options, id=f"{source}->{target}:{name}")


@pytest.mark.parametrize(("source", "target", "given", "options"), list(_golden_examples()))
def test_golden_outputs_parse_with_the_official_sdk_types(
    source: str, target: str, given: dict[str, Any], options: dict[str, Any]
) -> None:
    convert(source, target, given, **options)


# -- Claude Code's reply (thinking, text, tool_use) ----------------------------------------


def test_claude_code_reply_to_chat() -> None:
    reply = fixture("rc_claude_code_thinking_tool_reply")["response"]
    conv = convert("anthropic", "chat", reply, now=1763819600)
    out = conv.result
    assert out["id"] == "chatcmpl-01HCtTXpCSfQ9wYj3Fo5rUpb"
    assert out["created"] == 1763819600
    assert out["model"] == "claude-opus-4-8"
    (choice,) = out["choices"]
    message = choice["message"]
    thinking, text, tool_use = reply["content"]
    assert message["reasoning_content"] == thinking["thinking"]
    assert message["content"] == text["text"]
    (call,) = message["tool_calls"]
    assert call["id"] == tool_use["id"]
    assert json.loads(call["function"]["arguments"]) == tool_use["input"]
    assert choice["finish_reason"] == "tool_calls"
    # OpenAI counts cached input inside prompt_tokens; Anthropic does not.
    assert out["usage"]["prompt_tokens"] == 3 + 19848 + 2210
    assert out["usage"]["prompt_tokens_details"] == {
        "cached_tokens": 19848,
        "cache_write_tokens": 2210,
    }
    assert out["service_tier"] == "default"
    assert losses(conv) == {("dropped", "/content/0/signature")}


def test_claude_code_reply_round_trip_through_chat() -> None:
    """Everything Chat can hold comes back; the signature cannot (reported going out)."""
    reply = fixture("rc_claude_code_thinking_tool_reply")["response"]
    chat = convert("anthropic", "chat", reply).result
    back = convert("chat", "anthropic", chat).result
    assert back["id"] == reply["id"]
    assert [b["type"] for b in back["content"]] == ["thinking", "text", "tool_use"]
    assert back["content"][0]["thinking"] == reply["content"][0]["thinking"]
    assert back["content"][0]["signature"] == ""
    assert back["content"][1:] == reply["content"][1:]
    assert back["stop_reason"] == "tool_use"
    usage = back["usage"]
    for key in ("input_tokens", "output_tokens", "cache_read_input_tokens"):
        assert usage[key] == reply["usage"][key]
    assert usage["cache_creation_input_tokens"] == reply["usage"]["cache_creation_input_tokens"]
    assert usage["service_tier"] == "standard"


# -- Codex's replies (reasoning + custom apply_patch; function call) -------------------------


def test_codex_custom_tool_reply_to_chat() -> None:
    doc = fixture("rc_codex_custom_tool_reply")
    reply = doc["response"]
    conv = convert("responses", "chat", reply)
    message = conv.result["choices"][0]["message"]
    reasoning, patch = reply["output"]
    assert message["reasoning_content"] == reasoning["summary"][0]["text"]
    assert message["content"] is None
    assert message["tool_calls"] == [
        {
            "id": patch["call_id"],
            "type": "custom",
            "custom": {"name": "apply_patch", "input": patch["input"]},
        }
    ]
    assert conv.result["choices"][0]["finish_reason"] == "tool_calls"
    assert conv.result["usage"]["completion_tokens_details"] == {"reasoning_tokens": 128}
    lost = losses(conv)
    # The opaque reasoning state and item ids have no Chat place; request echoes are reported.
    assert ("dropped", "/output/0/encrypted_content") in lost
    assert {("dropped", "/output/0/id"), ("dropped", "/output/1/id")} <= lost
    assert {("dropped", "/tools"), ("dropped", "/text"), ("dropped", "/reasoning")} <= lost
    assert ("dropped", "/store") in lost  # echoed by the API, untyped by the SDK


def test_codex_custom_call_survives_anthropic_via_custom_tool_names() -> None:
    """Chat client, Anthropic upstream: the custom call goes out as {"input": text} and
    comes back as a custom call because the request declared the tool custom."""
    doc = fixture("rc_codex_custom_tool_reply")
    chat = convert("responses", "chat", doc["response"]).result
    anthropic = convert("chat", "anthropic", chat).result
    tool_use = anthropic["content"][-1]
    patch = doc["response"]["output"][1]
    assert tool_use == {
        "type": "tool_use",
        "id": patch["call_id"],
        "name": "apply_patch",
        "input": {"input": patch["input"]},
    }
    names = custom_tool_names("responses", {"tools": doc["request_tools"]})
    assert names == frozenset({"apply_patch"})
    back = convert("anthropic", "chat", anthropic, custom_tools=names).result
    assert (
        back["choices"][0]["message"]["tool_calls"] == chat["choices"][0]["message"]["tool_calls"]
    )
    without = convert("anthropic", "chat", anthropic).result
    assert without["choices"][0]["message"]["tool_calls"][0]["type"] == "function"


def test_codex_reply_round_trip_through_chat() -> None:
    reply = fixture("rc_codex_custom_tool_reply")["response"]
    chat = convert("responses", "chat", reply).result
    back = convert("chat", "responses", chat).result
    assert back["id"] == reply["id"]
    assert back["created_at"] == reply["created_at"]
    assert back["status"] == "completed"
    reasoning, patch = back["output"]
    assert reasoning["type"] == "reasoning"
    assert reasoning["id"].startswith("rs_")
    assert reasoning["summary"] == reply["output"][0]["summary"]
    assert "encrypted_content" not in reasoning
    original = reply["output"][1]
    assert patch["id"].startswith("ctc_")
    for key in ("type", "call_id", "name", "input"):
        assert patch[key] == original[key]
    assert back["usage"] == reply["usage"]


def test_codex_function_call_reply() -> None:
    reply = fixture("rc_codex_function_call_reply")["response"]
    conv = convert("responses", "chat", reply)
    (call,) = conv.result["choices"][0]["message"]["tool_calls"]
    item = reply["output"][0]
    assert call == {
        "id": item["call_id"],
        "type": "function",
        "function": {"name": "exec_command", "arguments": item["arguments"]},
    }
    assert losses(conv) == {("dropped", "/output/0/id")}
    back = convert("chat", "responses", conv.result).result
    assert back["output"][0]["id"] == "fc_68af3c1e9a2b4d0f8e7c6b5a49382716_0"
    assert {k: back["output"][0][k] for k in ("call_id", "name", "arguments", "status")} == {
        k: item[k] for k in ("call_id", "name", "arguments", "status")
    }


# -- the SDK probe's ChatCompletions ------------------------------------------------------


@pytest.mark.parametrize("kind", ["text", "tool_call"])
def test_sdk_chat_replies_round_trip_through_responses(kind: str) -> None:
    reply = fixture("rc_sdk_chat_replies")[kind]
    conv = convert("chat", "responses", reply)
    assert conv.result["id"] == reply["id"].replace("chatcmpl-", "resp_")
    if kind == "text":
        assert losses(conv) == {("dropped", "/system_fingerprint")}
    else:
        assert losses(conv) == set()
    back = convert("responses", "chat", conv.result).result
    for key in ("id", "object", "created", "model", "choices", "service_tier"):
        assert back[key] == reply[key]
    assert back["usage"]["prompt_tokens"] == reply["usage"]["prompt_tokens"]
    assert back["usage"]["completion_tokens"] == reply["usage"]["completion_tokens"]


@pytest.mark.parametrize("kind", ["text", "tool_call"])
def test_sdk_chat_replies_round_trip_through_anthropic(kind: str) -> None:
    reply = fixture("rc_sdk_chat_replies")[kind]
    anthropic = convert("chat", "anthropic", reply)
    assert ("dropped", "/created") in losses(anthropic)
    back = convert("anthropic", "chat", anthropic.result, now=reply["created"]).result
    for key in ("id", "object", "created", "model", "service_tier"):
        assert back[key] == reply[key]
    # Anthropic holds arguments as an object: they come back as the same JSON, compact.
    assert parsed_arguments(back["choices"]) == parsed_arguments(reply["choices"])


# -- value tables: every value of every enum has a fate ------------------------------------


@pytest.mark.parametrize("stop_reason", enum_of("anthropic.response", "$root", "stop_reason"))
def test_every_anthropic_stop_reason_has_a_finish_reason(stop_reason: str) -> None:
    reply = fixture("rc_claude_code_thinking_tool_reply")["response"]
    conv = convert("anthropic", "chat", {**reply, "stop_reason": stop_reason})
    finish = conv.result["choices"][0]["finish_reason"]
    assert finish in enum_of("chat.response", "Choice", "finish_reason")


@pytest.mark.parametrize("finish", enum_of("chat.response", "Choice", "finish_reason"))
def test_every_finish_reason_has_a_stop_reason_and_a_status(finish: str) -> None:
    reply = fixture("rc_sdk_chat_replies")["text"]
    body = {**reply, "choices": [{**reply["choices"][0], "finish_reason": finish}]}
    anthropic = convert("chat", "anthropic", body).result
    assert anthropic["stop_reason"] in enum_of("anthropic.response", "$root", "stop_reason")
    responses = convert("chat", "responses", body).result
    assert responses["status"] in ("completed", "incomplete")
    assert (responses["status"] == "incomplete") == ("incomplete_details" in responses)
    # Back to Chat, the finish reason survives (tool_calls/function_call need a call to
    # show, so those come back as stop here).
    back = convert("responses", "chat", responses).result["choices"][0]["finish_reason"]
    assert back == (finish if finish in ("stop", "length", "content_filter") else "stop")


@pytest.mark.parametrize("reason", enum_of("responses.response", "IncompleteDetails", "reason"))
def test_every_incomplete_reason_has_a_finish_reason(reason: str) -> None:
    reply = fixture("rc_codex_function_call_reply")["response"]
    body = {**reply, "status": "incomplete", "incomplete_details": {"reason": reason}}
    finish = convert("responses", "chat", body).result["choices"][0]["finish_reason"]
    assert finish in ("length", "content_filter", "stop")


@pytest.mark.parametrize("status", enum_of("responses.response", "$root", "status"))
def test_unfinished_responses_are_refused_naming_status(status: str) -> None:
    reply = fixture("rc_codex_function_call_reply")["response"]
    body = {**reply, "status": status}
    if status in ("completed", "incomplete"):
        convert("responses", "chat", body)
        return
    with pytest.raises(RefusedError) as info:
        run("responses", "chat", "response", body)
    assert info.value.pointer == "/status"


# -- refusals, citations, usage ------------------------------------------------------------


def test_refusal_round_trip_chat_anthropic_chat() -> None:
    reply = fixture("rc_sdk_chat_replies")["text"]
    refusal = "I'm sorry, I can't help with that."
    message = {"role": "assistant", "content": None, "refusal": refusal, "annotations": []}
    body = {**reply, "choices": [{**reply["choices"][0], "message": message}]}
    anthropic = convert("chat", "anthropic", body).result
    assert anthropic["stop_reason"] == "refusal"
    # The refusal is the stop details' explanation, as a Responses refusal part becomes:
    # a text block would read as the model's own words.
    assert anthropic["content"] == []
    assert anthropic["stop_details"] == {"type": "refusal", "explanation": refusal}
    back = convert("anthropic", "chat", anthropic).result["choices"][0]
    assert back["message"]["refusal"] == refusal
    assert back["message"]["content"] is None
    assert back["finish_reason"] == "content_filter"


def test_web_citation_spans_its_text_through_chat_and_responses() -> None:
    """The annotation's offsets slice exactly the cited block out of Chat's content, and
    survive the trip to Responses and back."""
    reply = fixture("rc_claude_code_thinking_tool_reply")["response"]
    citation = {
        "type": "web_search_result_location",
        "url": "https://example.com/zürich",
        "title": "Zürich — weather",
        "cited_text": "Sunny, 21 °C.",
        "encrypted_index": "Eo8BCioIBxgCIiQ",
    }
    content = [
        {"type": "text", "text": "Heute in Zürich: "},
        {"type": "text", "text": "sonnig, 21 °C.", "citations": [citation]},
    ]
    conv = convert("anthropic", "chat", {**reply, "content": content, "stop_reason": "end_turn"})
    message = conv.result["choices"][0]["message"]
    (annotation,) = message["annotations"]
    span = annotation["url_citation"]
    assert message["content"][span["start_index"] : span["end_index"]] == "sonnig, 21 °C."
    assert span["url"] == citation["url"] and span["title"] == citation["title"]
    assert {
        ("dropped", "/content/1/citations/0/cited_text"),
        ("dropped", "/content/1/citations/0/encrypted_index"),
    } <= losses(conv)
    responses = convert("chat", "responses", conv.result).result
    back = convert("responses", "chat", responses).result["choices"][0]["message"]
    assert back["annotations"] == message["annotations"]
    assert back["content"] == message["content"]


@pytest.mark.parametrize(
    ("uncached", "read", "write", "output"),
    [(12, 0, 0, 9), (3, 19848, 2210, 87), (0, 1200, 0, 1), (40, 0, 300, 5)],
)
def test_usage_is_exact_both_ways_and_never_double_counted(
    uncached: int, read: int, write: int, output: int
) -> None:
    reply = fixture("rc_claude_code_thinking_tool_reply")["response"]
    usage = {
        "input_tokens": uncached,
        "cache_read_input_tokens": read,
        "cache_creation_input_tokens": write,
        "output_tokens": output,
    }
    chat = convert("anthropic", "chat", {**reply, "usage": usage}).result
    assert chat["usage"]["prompt_tokens"] == uncached + read + write
    assert chat["usage"]["total_tokens"] == uncached + read + write + output
    responses = convert("chat", "responses", chat).result
    assert responses["usage"]["input_tokens"] == uncached + read + write
    assert responses["usage"]["input_tokens_details"] == {
        "cached_tokens": read,
        "cache_write_tokens": write,
    }
    chat_again = convert("responses", "chat", responses).result
    back = convert("chat", "anthropic", chat_again).result["usage"]
    assert {k: back[k] for k in usage} == usage


def test_reasoning_content_that_is_not_text_is_named_as_invalid() -> None:
    """`reasoning_content` is typed (schemas/overlay.json): a non-string is the upstream's
    mistake, reported at its pointer; an empty one gives no thinking and no loss."""
    reply = fixture("rc_sdk_chat_replies")["text"]
    for value in ("", 0, 1.5, True, [], ["a"], {"text": "a"}):
        message = {**reply["choices"][0]["message"], "reasoning_content": value}
        body = {**reply, "choices": [{**reply["choices"][0], "message": message}]}
        if value != "":
            for target in ("anthropic", "responses"):
                with pytest.raises(InvalidRequestError) as info:
                    convert("chat", target, body)
                assert info.value.pointer == "/choices/0/message/reasoning_content"
            continue
        anthropic = convert("chat", "anthropic", body)
        assert [b["type"] for b in anthropic.result["content"]] == ["text"]
        responses = convert("chat", "responses", body)
        assert [i["type"] for i in responses.result["output"]] == ["message"]
        for conv in (anthropic, responses):
            assert ("dropped", "/choices/0/message/reasoning_content") not in losses(conv)


def test_strict_mode() -> None:
    """Lossless conversions pass in strict mode. A ChatCompletion's timestamp has no
    Anthropic place, an inert drop: reported, but strict mode does not refuse it."""
    reply = fixture("rc_sdk_chat_replies")["tool_call"]
    convert("chat", "responses", reply, strict=True)
    strict = run("chat", "anthropic", "response", reply, Options(strict=True))
    lenient = run("chat", "anthropic", "response", reply)
    assert strict.result == lenient.result
    assert [(e.kind, e.pointer) for e in strict.loss] == [("dropped", "/created")]
    reply = {**reply, "system_fingerprint": "fp_1"}
    with pytest.raises(LossError) as info:
        run("chat", "anthropic", "response", reply, Options(strict=True))
    assert info.value.pointer == "/system_fingerprint"


def test_schema_invalid_input_is_the_clients_error() -> None:
    reply = fixture("rc_sdk_chat_replies")["text"]
    with pytest.raises(ConversionError) as info:
        run("chat", "anthropic", "response", {**reply, "choices": [{"index": 0}]})
    assert info.value.kind == "invalid_request"
