"""Messages, both directions, on real client shapes (tests/fixtures)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crosswalk.convert import run
from crosswalk.errors import ConversionError

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return body.get("request", {}).get("body", body) if "request" in body else body


def losses(conv: Any) -> set[tuple[str, str]]:
    return {(e.kind, e.pointer) for e in conv.loss}


def test_claude_code_image_in_tool_result_moves_to_user_message() -> None:
    body = fixture("claude_code_tool_read_image_with_thinking")
    conv = run("anthropic", "chat", "request", body)
    msgs = conv.result["messages"]
    assert msgs[0]["role"] == "system"
    tool_at = next(i for i, m in enumerate(msgs) if m["role"] == "tool")
    after = msgs[tool_at + 1]
    assert after["role"] == "user"
    assert all(p["type"] == "image_url" for p in after["content"])
    assert after["content"][0]["image_url"]["url"].startswith("data:image/")
    assert any(k == "coerced" and "/content/" in p for k, p in losses(conv))


def test_thinking_becomes_reasoning_content_and_signature_is_reported() -> None:
    body = fixture("claude_code_tool_read_image_with_thinking")
    conv = run("anthropic", "chat", "request", body)
    assistant = [m for m in conv.result["messages"] if m["role"] == "assistant"]
    assert any(m.get("reasoning_content") for m in assistant) or not any(
        b.get("type") == "thinking"
        for m in body["messages"]
        if m["role"] == "assistant"
        for b in m["content"]
    )
    signatures = [p for k, p in losses(conv) if p.endswith("/signature")]
    thinking = [
        b
        for m in body["messages"]
        if isinstance(m["content"], list)
        for b in m["content"]
        if b["type"] == "thinking"
    ]
    assert len(signatures) == len(thinking)


def test_mid_conversation_system_stays_in_place() -> None:
    body = fixture("claude_code_tool_bash_followup")
    conv = run("anthropic", "chat", "request", body)
    roles_in = [m["role"] for m in body["messages"]]
    assert "system" in roles_in
    msgs = conv.result["messages"]
    assert msgs[0]["role"] == "system"  # from top-level system
    assert [m["role"] for m in msgs[1:]].count("system") == roles_in.count("system")


def test_bad_tool_call_id_is_sanitised_consistently() -> None:
    body = {
        "model": "claude-sonnet-4-5",
        "messages": [
            {"role": "user", "content": "q"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call.1:x",
                        "type": "function",
                        "function": {"name": "f", "arguments": "{}"},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call.1:x", "content": "r"},
        ],
    }
    conv = run("chat", "anthropic", "request", body)
    msgs = conv.result["messages"]
    use_id = msgs[1]["content"][0]["id"]
    assert use_id == "call_1_x"
    assert msgs[2]["content"][0]["tool_use_id"] == use_id
    assert losses(conv) == {
        ("coerced", "/messages/1/tool_calls/0/id"),
        ("coerced", "/messages/2/tool_call_id"),
    }


def test_long_id_gets_hash_suffix_within_64() -> None:
    from crosswalk.transforms.ids import ToolIdMap, is_valid

    ids = ToolIdMap()
    new = ids.get("x" * 100)
    assert is_valid(new) and len(new) == 64 and ids.get("x" * 100) == new


@pytest.mark.parametrize("arguments", ["{oops", "[1, 2]"])
def test_malformed_arguments(arguments: str) -> None:
    body = fixture("sdk_chat_tool_followup")
    body["messages"][1]["tool_calls"][0]["function"]["arguments"] = arguments
    conv = run("chat", "anthropic", "request", body)
    assert conv.result["messages"][1]["content"][0]["input"] == {}
    assert ("dropped", "/messages/1/tool_calls/0/function/arguments") in losses(conv)


def test_arguments_the_fast_parser_refuses_keep_their_stdlib_meaning() -> None:
    # orjson rejects these; Python's json (what clients built them with) does not.
    body = fixture("sdk_chat_tool_followup")
    big = 2**70
    body["messages"][1]["tool_calls"][0]["function"]["arguments"] = f'{{"n": {big}}}'
    conv = run("chat", "anthropic", "request", body)
    assert conv.result["messages"][1]["content"][0]["input"] == {"n": big}
    assert not losses(conv)


def test_id_collision_with_a_later_valid_id_is_avoided() -> None:
    from crosswalk.transforms.ids import ToolIdMap

    ids = ToolIdMap(["a.b", "a_b"])
    assert ids.get("a.b") != "a_b" and ids.get("a_b") == "a_b"


def test_file_id_is_refused() -> None:
    body = {
        "model": "m",
        "messages": [
            {"role": "user", "content": [{"type": "file", "file": {"file_id": "file-1"}}]}
        ],
    }
    with pytest.raises(ConversionError) as err:
        run("chat", "anthropic", "request", body)
    assert err.value.pointer == "/messages/0/content/0/file/file_id"


def _normalise(messages: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Roles, texts, tool calls, tool results and image URLs, independent of part framing."""

    def texts(content: Any) -> tuple[Any, ...]:
        if content is None:
            return ()
        if isinstance(content, str):
            return (content,) if content else ()
        return tuple(p.get("text") or p.get("image_url", {}).get("url") for p in content)

    out = []
    for m in messages:
        calls = tuple(
            (c["id"], c["function"]["name"], json.loads(c["function"]["arguments"]))
            for c in m.get("tool_calls", ())
        )
        out.append((m["role"], texts(m.get("content")), calls, m.get("tool_call_id")))
    return out


def test_round_trip_chat_anthropic_chat() -> None:
    original = {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "be brief"},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "what is this?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}},
                ],
            },
            {
                "role": "assistant",
                "content": "checking",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "look", "arguments": '{"q":"x"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "a red square"},
            {"role": "assistant", "content": "It is a red square."},
            {"role": "user", "content": "thanks"},
        ],
    }
    there = run("chat", "anthropic", "request", original).result
    there.setdefault("max_tokens", 1024)
    back = run("anthropic", "chat", "request", there).result
    assert _normalise(back["messages"]) == _normalise(original["messages"])


def test_chat_fixture_converts_without_loss() -> None:
    conv = run("chat", "anthropic", "request", fixture("sdk_chat_tool_followup"))
    msgs = conv.result["messages"]
    assert [m["role"] for m in msgs] == ["user", "assistant", "user"]
    assert msgs[2]["content"][0] == {
        "type": "tool_result",
        "tool_use_id": "call_1",
        "content": "18C sunny",
    }
    assert not [e for e in conv.loss if e.pointer.startswith("/messages")]
